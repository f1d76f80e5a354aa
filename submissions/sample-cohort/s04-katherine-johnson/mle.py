"""Katherine Johnson -- mle.py"""
import math

import numpy as np


def _observations(x, *, kind):
    data = np.asarray(x, dtype=np.float64).ravel()
    if data.size == 0:
        raise ValueError(f"{kind}: no data")
    return data


def bernoulli_mle(x):
    data = _observations(x, kind="bernoulli")
    if set(np.unique(data)) - {0.0, 1.0}:
        raise ValueError("bernoulli: values must be 0 or 1")
    return float(np.count_nonzero(data) / data.size)


def gaussian_mle(x):
    data = _observations(x, kind="gaussian")
    mu = float(np.mean(data))
    return mu, float(np.mean(np.square(data - mu)))


def poisson_mle(x):
    data = _observations(x, kind="poisson")
    if np.any(data < 0):
        raise ValueError("poisson: negative count")
    return float(np.mean(data))


def bernoulli_log_likelihood(x, p):
    if not 0 < p < 1:
        raise ValueError("p must be in (0, 1)")
    data = np.asarray(x, dtype=np.float64)
    return float(np.sum(np.where(data == 1, math.log(p), math.log1p(-p))))


def gaussian_log_likelihood(x, mu, sigma):
    if not sigma > 0:
        raise ValueError("sigma must be > 0")
    data = np.asarray(x, dtype=np.float64)
    z = (data - mu) / sigma
    return float(np.sum(-0.5 * z**2 - math.log(sigma) - 0.5 * math.log(2 * math.pi)))


def poisson_log_likelihood(x, lam):
    if not lam > 0:
        raise ValueError("lam must be > 0")
    return float(sum(k * math.log(lam) - lam - math.lgamma(k + 1) for k in x))
