# Alan Turing - mle.py
import math

import numpy as np


def bernoulli_mle(x):
    x = np.asarray(x)
    if x.size == 0:
        raise ValueError("empty data")
    if np.any((x != 0) & (x != 1)):
        raise ValueError("outcomes must be 0/1")
    return float(np.mean(x))


def gaussian_mle(x):
    x = np.asarray(x, dtype=float)
    if x.size == 0:
        raise ValueError("empty data")
    return float(x.mean()), float(x.var())   # np.var uses ddof=0, i.e. divides by n


def poisson_mle(x):
    x = np.asarray(x, dtype=float)
    if x.size == 0:
        raise ValueError("empty data")
    if x.min() < 0:
        raise ValueError("negative count")
    return float(x.mean())


def bernoulli_log_likelihood(x, p):
    if not (0 < p < 1):
        raise ValueError("p must be in (0, 1)")
    x = np.asarray(x, dtype=float)
    return float(np.sum(x * np.log(p) + (1 - x) * np.log(1 - p)))


def gaussian_log_likelihood(x, mu, sigma):
    if sigma <= 0:
        raise ValueError("sigma must be > 0")
    x = np.asarray(x, dtype=float)
    n = len(x)
    return float(-n / 2 * math.log(2 * math.pi * sigma**2) - np.sum((x - mu) ** 2) / (2 * sigma**2))


def poisson_log_likelihood(x, lam):
    if lam <= 0:
        raise ValueError("lam must be > 0")
    total = 0.0
    for k in x:
        total += k * math.log(lam) - lam - math.lgamma(k + 1)
    return float(total)
