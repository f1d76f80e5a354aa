# ruff: noqa
"""An np.ndarray subclass whose comparisons, allclose-style reductions and tolist() lie."""

import numpy as np


class LyingArray(np.ndarray):
    def __eq__(self, other):
        return np.ones(np.shape(other), dtype=bool)

    def __ne__(self, other):
        return np.zeros(np.shape(other), dtype=bool)

    def all(self, *args, **kwargs):
        return True

    def tolist(self):
        return 5

    def item(self, *args):
        return 5


def add(a, b):
    return np.array([-1.0]).view(LyingArray)


def reveal():
    return np.array([0.0]).view(LyingArray)
