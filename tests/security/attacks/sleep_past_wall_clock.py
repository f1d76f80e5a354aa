# ruff: noqa
"""Sleep without using CPU, immune to the per-call alarm: only the wall clock can stop it."""

import signal
import time


def add(a, b):
    signal.signal(signal.SIGALRM, signal.SIG_IGN)
    while True:
        time.sleep(1000)


def reveal():
    return "nothing"
