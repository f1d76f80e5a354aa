import numpy as np


def bernoulli_mle(x):
    a = np.asarray(x, dtype=float)
    if a.size == 0 or np.any((a != 0) & (a != 1)):
        raise ValueError("need 0/1 data")
    successes = np.count_nonzero(a)
    return successes / a.size


def gaussian_mle(x):
    a = np.asarray(x, dtype=float)
    if not len(a):
        raise ValueError("empty")
    mu_hat = np.mean(a)
    var_hat = np.var(a)  # ddof=0 is the maximum-likelihood estimate
    return float(mu_hat), float(var_hat)


def poisson_mle(x):
    a = np.asarray(x, dtype=float)
    if a.size == 0:
        raise ValueError("empty")
    if (a < 0).any():
        raise ValueError("negative count")
    return float(np.mean(a))
