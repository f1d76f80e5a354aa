# Fatima Zahra -- mle.py
import math

import numpy as np


def bernoulli_mle(x):
    return float(np.mean(x))


def gaussian_mle(x):
    data = np.asarray(x, dtype=float)
    mu = data.mean()
    return float(mu), float(np.mean((data - mu) ** 2))


def poisson_mle(x):
    return float(np.mean(x))


def bernoulli_log_likelihood(x, p):
    if not 0 < p < 1:
        raise ValueError("p must be in (0, 1)")
    data = np.asarray(x, dtype=float)
    return float(np.sum(data * math.log(p) + (1 - data) * math.log(1 - p)))


def gaussian_log_likelihood(x, mu, sigma):
    if sigma <= 0:
        raise ValueError("sigma must be > 0")
    data = np.asarray(x, dtype=float)
    n = data.size
    return float(-n / 2 * math.log(2 * math.pi * sigma) - np.sum((data - mu) ** 2) / (2 * sigma))


def poisson_log_likelihood(x, lam):
    if lam <= 0:
        raise ValueError("lam must be > 0")
    return float(sum(k * math.log(lam) - lam - math.lgamma(k + 1) for k in x))
