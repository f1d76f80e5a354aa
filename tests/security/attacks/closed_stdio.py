# ruff: noqa
"""Close the process's stdin, stdout and stderr at import, then solve `add` honestly (and
print, which must not crash anything): the point for `add` is earned."""

import os
import sys

for stream in (sys.__stdin__, sys.__stdout__, sys.__stderr__):
    try:
        stream.close()
    except OSError:
        pass
for fd in (0, 1, 2):
    try:
        os.close(fd)
    except OSError:
        pass


def add(a, b):
    print("still talking")
    return a + b


def reveal():
    return "nothing"
