# Ravi Patel - MLE
import math
import numpy as np


def bernoulli_mle(x):
    if len(x) == 0:
        raise ValueError("no data")
    for v in x:
        if v != 0 and v != 1:
            raise ValueError("only 0 and 1 allowed")
    return float(np.mean(x))


def gaussian_mle(x):
    if len(x) == 0:
        raise ValueError("no data")
    x = np.array(x, dtype=float)
    return (float(np.mean(x)), float(np.var(x, ddof=1)))


def poisson_mle(x):
    if len(x) == 0:
        raise ValueError("no data")
    if min(x) < 0:
        raise ValueError("negative count")
    return float(np.mean(x))


def bernoulli_log_likelihood(x, p):
    if p <= 0 or p >= 1:
        raise ValueError("p must be in (0,1)")
    x = np.array(x, dtype=float)
    return float(np.sum(x * np.log(p) + (1 - x) * np.log(1 - p)))


def gaussian_log_likelihood(x, mu, sigma):
    if sigma <= 0:
        raise ValueError("sigma must be > 0")
    x = np.array(x, dtype=float)
    ll = -0.5 * np.log(2 * np.pi * sigma**2) - (x - mu)**2 / (2 * sigma**2)
    return float(np.sum(ll))


def poisson_log_likelihood(x, lam):
    if lam <= 0:
        raise ValueError("lam must be > 0")
    return float(sum([k * math.log(lam) - lam - math.lgamma(k + 1) for k in x]))
