"""Maximum likelihood estimates and log-likelihoods (Ada Lovelace)."""

import math

import numpy as np


def _data(x):
    arr = np.asarray(x, dtype=float)
    if arr.size == 0:
        raise ValueError("no observations")
    return arr


def bernoulli_mle(x):
    arr = _data(x)
    if not np.isin(arr, (0.0, 1.0)).all():
        raise ValueError("Bernoulli outcomes must be 0 or 1")
    return float(arr.sum() / arr.size)


def gaussian_mle(x):
    arr = _data(x)
    mu = arr.mean()
    var = ((arr - mu) ** 2).sum() / arr.size   # divide by n: the MLE, not the unbiased estimate
    return (float(mu), float(var))


def poisson_mle(x):
    arr = _data(x)
    if (arr < 0).any():
        raise ValueError("counts cannot be negative")
    return float(arr.mean())


def bernoulli_log_likelihood(x, p):
    if not 0 < p < 1:
        raise ValueError("p must be strictly between 0 and 1")
    arr = np.asarray(x, dtype=float)
    k = arr.sum()
    return float(k * math.log(p) + (arr.size - k) * math.log(1 - p))


def gaussian_log_likelihood(x, mu, sigma):
    if sigma <= 0:
        raise ValueError("sigma must be positive")
    arr = np.asarray(x, dtype=float)
    return float(np.sum(-0.5 * np.log(2 * np.pi * sigma ** 2) - (arr - mu) ** 2 / (2 * sigma ** 2)))


def poisson_log_likelihood(x, lam):
    if lam <= 0:
        raise ValueError("lam must be positive")
    return float(sum(k * math.log(lam) - lam - math.lgamma(k + 1) for k in x))
