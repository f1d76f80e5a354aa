# ruff: noqa
"""sys.exit(0) while being imported, before any test runs."""

import sys

sys.exit(0)


def add(a, b):
    return a + b


def reveal():
    return "nothing"
