"""Maria Garcia - likelihood"""
import math
import numpy as np


def bernoulli_mle(x):
    x = np.asarray(x, dtype=float)
    if x.size == 0:
        raise ValueError("empty")
    if not np.all((x == 0) | (x == 1)):
        raise ValueError("values must be 0 or 1")
    return float(x.mean())


def gaussian_mle(x):
    x = np.asarray(x, dtype=float)
    if x.size == 0:
        raise ValueError("empty")
    mu = x.mean()
    return float(mu), float(((x - mu) ** 2).mean())


def poisson_mle(x):
    x = np.asarray(x, dtype=float)
    if x.size == 0:
        raise ValueError("empty")
    if (x < 0).any():
        raise ValueError("negative")
    return float(x.mean())


def bernoulli_log_likelihood(x, p):
    if not 0 < p < 1:
        raise ValueError("p must be in (0, 1)")
    x = np.asarray(x, dtype=float)
    likelihood = np.prod(p**x * (1 - p)**(1 - x))
    return float(np.log(likelihood))


def gaussian_log_likelihood(x, mu, sigma):
    if sigma <= 0:
        raise ValueError("sigma must be > 0")
    x = np.asarray(x, dtype=float)
    densities = np.exp(-(x - mu)**2 / (2 * sigma**2)) / (sigma * np.sqrt(2 * np.pi))
    return float(np.log(np.prod(densities)))


def poisson_log_likelihood(x, lam):
    if lam <= 0:
        raise ValueError("lam must be > 0")
    likelihood = 1.0
    for k in x:
        likelihood *= lam**k * math.exp(-lam) / math.factorial(k)
    return float(math.log(likelihood))
