# ruff: noqa
"""Write GiBs: 8 GiB straight to file descriptors 1 and 2, then through print()."""

import os

CHUNK = b"x" * (1 << 20)


def add(a, b):
    for _ in range(4096):
        os.write(1, CHUNK)
        os.write(2, CHUNK)
    text = CHUNK.decode()
    for _ in range(8192):
        print(text)
    return a + b + 1


def reveal():
    return "nothing"
