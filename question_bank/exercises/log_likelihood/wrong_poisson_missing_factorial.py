"""Bug: the Poisson log-likelihood drops the -log(x_i!) term (fine for the argmax, wrong as a value)."""

import math

import numpy as np


def bernoulli_log_likelihood(x, p):
    """log L(p) = sum_i [x_i log p + (1 - x_i) log(1 - p)] for 0/1 outcomes x.

    Returns a float. Raises ValueError unless 0 < p < 1.
    """
    if not 0 < p < 1:
        raise ValueError(f"p must be in (0, 1), got {p}")
    data = np.asarray(x, dtype=np.float64)
    return float(np.sum(data * math.log(p) + (1 - data) * math.log(1 - p)))


def gaussian_log_likelihood(x, mu, sigma):
    """log L(mu, sigma) = -n/2 log(2 pi sigma^2) - sum_i (x_i - mu)^2 / (2 sigma^2).

    Returns a float. Raises ValueError unless sigma > 0.
    """
    if sigma <= 0:
        raise ValueError(f"sigma must be > 0, got {sigma}")
    data = np.asarray(x, dtype=np.float64)
    n = data.size
    return float(-0.5 * n * math.log(2 * math.pi * sigma**2) - np.sum((data - mu) ** 2) / (2 * sigma**2))


def poisson_log_likelihood(x, lam):
    """log L(lam) = sum_i [x_i log lam - lam - log(x_i!)] for counts x (log k! = lgamma(k + 1)).

    Returns a float. Raises ValueError unless lam > 0.
    """
    if lam <= 0:
        raise ValueError(f"lam must be > 0, got {lam}")
    return float(sum(k * math.log(lam) - lam for k in x))
