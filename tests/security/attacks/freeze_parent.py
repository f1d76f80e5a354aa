# ruff: noqa
"""SIGSTOP the warm worker, then answer correctly: the grader must not wait forever."""

import os
import signal


def add(a, b):
    os.kill(os.getppid(), signal.SIGSTOP)
    return a + b


def reveal():
    return "nothing"
