# ruff: noqa
"""An honest answer that no float can hold: `big` returns 10**4000 where 1.5 is expected."""

import json
import os
import random


def draw(seed):
    return random.Random(seed).choices(range(4), [0.7, 0.1, 0.1, 0.1])[0]


def gauss(seed):
    return random.Random(seed).gauss(0.0, 1.0)


def echo(x):
    return x


def big():
    return 10**4000
