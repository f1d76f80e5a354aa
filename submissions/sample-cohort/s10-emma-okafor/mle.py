"""Emma Okafor - mle.py"""
import math

import numpy as np


def _array(x):
    x = np.asarray(x, dtype=np.float64)
    if x.size == 0:
        raise ValueError("empty data")
    return x


def bernoulli_mle(x):
    x = _array(x)
    if not np.isin(x, [0, 1]).all():
        raise ValueError("data must be 0/1")
    return float(x.mean())


def gaussian_mle(x):
    x = _array(x)
    return float(x.mean()), float(x.std())


def poisson_mle(x):
    x = _array(x)
    if (x < 0).any():
        raise ValueError("negative counts")
    return float(x.mean())


def bernoulli_log_likelihood(x, p):
    if not 0 < p < 1:
        raise ValueError("p must be in (0, 1)")
    x = np.asarray(x, dtype=np.float64)
    return float(np.sum(x * np.log(p) + (1 - x) * np.log1p(-p)))


def gaussian_log_likelihood(x, mu, sigma):
    if sigma <= 0:
        raise ValueError("sigma must be > 0")
    x = np.asarray(x, dtype=np.float64)
    return float(np.sum(-np.log(sigma * np.sqrt(2 * np.pi)) - (x - mu) ** 2 / (2 * sigma**2)))


def poisson_log_likelihood(x, lam):
    if lam <= 0:
        raise ValueError("lam must be > 0")
    x = np.asarray(x, dtype=np.float64)
    return float(np.sum(x * np.log(lam) - lam - np.array([math.lgamma(k + 1) for k in x])))
