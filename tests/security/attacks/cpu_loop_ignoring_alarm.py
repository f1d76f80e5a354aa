# ruff: noqa
"""Spin forever after disarming the per-call timers (CPU and wall clock) and SIGXCPU: only
RLIMIT_CPU can stop it."""

import signal


def add(a, b):
    signal.signal(signal.SIGALRM, signal.SIG_IGN)
    signal.signal(signal.SIGPROF, signal.SIG_IGN)
    signal.signal(signal.SIGXCPU, signal.SIG_IGN)
    while True:
        pass


def reveal():
    return "nothing"
