# ruff: noqa
"""Spin forever in the tested function."""


def add(a, b):
    while True:
        pass


def reveal():
    return "nothing"
