# Kenji Tanaka
import math

import numpy as np


def bernoulli_mle(x):
    x = np.asarray(x, dtype=float)
    if x.size == 0 or np.any((x != 0) & (x != 1)):
        raise ValueError("need 0/1 data")
    return float(x.mean())


def gaussian_mle(x):
    x = np.asarray(x, dtype=float)
    if x.size == 0:
        raise ValueError("empty")
    return float(x.mean()), float(x.var())


def poisson_mle(x):
    x = np.asarray(x, dtype=float)
    if x.size == 0 or np.any(x < 0):
        raise ValueError("need non-negative counts")
    return float(x.mean())


def bernoulli_log_likelihood(x, p):
    if not 0 < p < 1:
        raise ValueError("p must be in (0, 1)")
    x = np.asarray(x, dtype=float)
    return float(np.sum(x * math.log(p) + (1 - x) * math.log(1 - p)))


def gaussian_log_likelihood(x, mu, sigma):
    if sigma <= 0:
        raise ValueError("sigma must be > 0")
    x = np.asarray(x, dtype=float)
    return float(np.sum(-0.5 * math.log(2 * math.pi * sigma ** 2) - (x - mu) ** 2 / (2 * sigma ** 2)))


def poisson_log_likelihood(x, lam):
    if lam <= 0:
        raise ValueError("lam must be > 0")
    return float(sum(k * math.log(lam) - lam for k in x))
