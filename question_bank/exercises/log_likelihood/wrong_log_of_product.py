"""Bug: multiplies the densities and takes the log at the end; the product underflows to 0
for a few hundred observations and the log-likelihood becomes -inf."""

import math

import numpy as np


def bernoulli_log_likelihood(x, p):
    if not 0 < p < 1:
        raise ValueError("p must be in (0, 1)")
    data = np.asarray(x, dtype=np.float64)
    return float(np.log(np.prod(p**data * (1 - p) ** (1 - data))))


def gaussian_log_likelihood(x, mu, sigma):
    if sigma <= 0:
        raise ValueError("sigma must be > 0")
    data = np.asarray(x, dtype=np.float64)
    density = np.exp(-((data - mu) ** 2) / (2 * sigma**2)) / (sigma * math.sqrt(2 * math.pi))
    return float(np.log(np.prod(density)))


def poisson_log_likelihood(x, lam):
    if lam <= 0:
        raise ValueError("lam must be > 0")
    probs = [lam**k * math.exp(-lam) / math.factorial(k) for k in x]
    return float(np.log(np.prod(probs)))
