# ruff: noqa
"""Leave a folder in /tmp that its owner cannot empty as is (read-only, with a file inside):
a cleanup that does not chmod before removing leaves it, and its contents, to the next student."""

import os

MARK = HOST["marker"]
folder = f"/tmp/{MARK}-kept"
os.mkdir(folder)
with open(f"{folder}/note", "w") as handle:
    handle.write(MARK)
os.chmod(folder, 0o555)


def add(a, b):
    return a + b


def reveal():
    return "nothing"
