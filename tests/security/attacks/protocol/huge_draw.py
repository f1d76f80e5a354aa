# ruff: noqa
"""One continuous draw that no float can hold (10**4000) among correct ones."""

import json
import os
import random


def draw(seed):
    return random.Random(seed).choices(range(4), [0.7, 0.1, 0.1, 0.1])[0]


CALLS = []


def gauss(seed):
    CALLS.append(seed)
    return 10**4000 if len(CALLS) == 1 else random.Random(seed).gauss(0.0, 1.0)


def echo(x):
    return x


def big():
    return 1.5
