# ruff: noqa
"""prlimit(2) on the warm worker (same uid: allowed even though it is not dumpable): lower its
hard limits so that the next student's job cannot set its own."""

import ctypes
import os
import resource

libc = ctypes.CDLL(None, use_errno=True)


class Limit(ctypes.Structure):
    _fields_ = [("soft", ctypes.c_ulong), ("hard", ctypes.c_ulong)]


def lower(which, value):
    new = Limit(value, value)
    return libc.prlimit(os.getppid(), which, ctypes.byref(new), None)


RESULTS = [lower(resource.RLIMIT_NOFILE, 20), lower(resource.RLIMIT_FSIZE, 1 << 20), lower(resource.RLIMIT_CPU, 3600)]


def add(a, b):
    return a + b


def reveal():
    return "nothing"
