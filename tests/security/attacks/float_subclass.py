# ruff: noqa
"""A float subclass whose comparisons always succeed, holding a wrong value."""


class LyingFloat(float):
    def __eq__(self, other):
        return True

    __hash__ = float.__hash__

    def __sub__(self, other):
        return 0.0

    def __abs__(self):
        return 0.0


def add(a, b):
    return LyingFloat(-1.0)


def reveal():
    return LyingFloat(0.0)
