# ruff: noqa
"""Touch 64 MiB, then ask for 8 GiB at once.

(64, not 256: touching 256 MiB took 0.24 s of the call's 1 s on an idle machine, and ran past
it when the machine was busy, so the test failed on a timeout instead of the limit.)
"""


def add(a, b):
    hoard = [bytearray(1 << 26)]
    hoard.append(bytes(8 << 30))
    return len(hoard)


def reveal():
    return "nothing"
