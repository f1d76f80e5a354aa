# ruff: noqa
"""Create the folders the warm worker will give the next students (/tmp/job-N+1, ...),
read-only and not empty, so that their jobs cannot start."""

import os

number = int(os.path.basename(os.getcwd()).rpartition("-")[2])
for later in range(number + 1, number + 6):
    folder = f"/tmp/job-{later}"
    os.mkdir(folder)
    with open(f"{folder}/squatted", "w") as handle:
        handle.write(HOST["marker"])
    os.chmod(folder, 0o555)


def add(a, b):
    return a + b


def reveal():
    return "nothing"
