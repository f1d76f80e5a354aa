# Chloe Dupont
import numpy as np


def bernoulli_mle(x):
    return float(np.mean(x))


def gaussian_mle(x):
    x = np.array(x, dtype=float)
    n = len(x)
    mu = x.sum() / n
    var = ((x - mu) ** 2).sum() / (n - 1)
    return (float(mu), float(var))


def poisson_mle(x):
    return float(np.mean(x))
