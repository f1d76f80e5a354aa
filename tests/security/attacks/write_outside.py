# ruff: noqa
"""Write files outside the sandbox's /tmp: the system, the Python installation, the mounted
code and stub, the repository, the bank, the cohort, the grader's own temporary folders."""

import os
import sys


def add(a, b):
    name = HOST["marker"] + "-written"
    folders = [
        "/",
        "/usr",
        "/usr/lib",
        sys.prefix,
        sys.base_prefix,
        "/sandbox",
        "/sandbox/code",
        "/root",
        "/work",
        HOST["repo"],
        HOST["bank_dir"],
        HOST["cohort"],
        os.path.dirname(HOST["sibling"]),
        HOST["host_tmp"],
        HOST["cache"],
        "/dev",
        "/dev/shm",
        "/proc",
    ]
    wrote = []
    for folder in folders:
        try:
            with open(os.path.join(folder, name), "w") as handle:
                handle.write("pwned")
            wrote.append(folder)
        except OSError:
            pass
    for target in ("/sandbox/stub.py", "/sandbox/zygote.py"):
        try:
            with open(target, "a") as handle:
                handle.write("\n# pwned\n")
            wrote.append(target)
        except OSError:
            pass
    with open(os.path.join("/tmp", name), "w") as handle:  # its own /tmp: allowed, and private
        handle.write("mine")
    raise RuntimeError("PROBE " + f"wrote={wrote} tmp={os.path.exists('/tmp/' + name)}")


def reveal():
    return "nothing"
