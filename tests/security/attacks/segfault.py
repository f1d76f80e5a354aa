# ruff: noqa
"""Dereference NULL."""

import ctypes


def add(a, b):
    return ctypes.string_at(0)


def reveal():
    return "nothing"
