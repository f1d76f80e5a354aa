# ruff: noqa
"""Touch 256 MiB, then ask for 8 GiB at once."""


def add(a, b):
    hoard = [bytearray(1 << 28)]
    hoard.append(bytes(8 << 30))
    return len(hoard)


def reveal():
    return "nothing"
