# ruff: noqa
"""A class that calls itself numpy.ndarray (module and name), and fakes
__class__, hoping a type check by name lets it through."""


class ndarray:
    __module__ = "numpy"
    dtype = "float64"
    shape = ()
    size = 1

    @property
    def __class__(self):
        return int

    def __eq__(self, other):
        return True

    def item(self):
        return 5

    def tolist(self):
        return 5

    def reshape(self, *shape):
        return self


def add(a, b):
    return ndarray()


def reveal():
    return ndarray()
