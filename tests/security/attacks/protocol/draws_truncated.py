# ruff: noqa
"""Report 10 draws where hundreds are asked for: the stub shares this process, so patch it to
run a statistical call on its first 10 seeds only. The sampler itself is wrong (0.4 for the
likely token instead of 0.7): 10 draws are too few for any test to tell."""

import random
import sys

stub = sys.modules.get("stub") or sys.modules["__main__"]
_run_call = stub.run_call


def _short(module, call, path):
    call = dict(call)
    if call.get("seeds") is not None:
        call["seeds"] = call["seeds"][:10]
    if call.get("trials"):
        call["trials"] = 10
    return _run_call(module, call, path)


stub.run_call = _short


def echo(x):
    return x


def draw(seed):
    return random.Random(seed).choices(range(4), [0.4, 0.2, 0.2, 0.2])[0]


def gauss(seed):
    return random.Random(seed).gauss(0.0, 1.0)


def big():
    return 1.5
