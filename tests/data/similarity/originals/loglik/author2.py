import numpy as np
from scipy.special import gammaln


def bernoulli_log_likelihood(x, p):
    if not (0 < p < 1):
        raise ValueError("p")
    x = np.asarray(x, dtype=float)
    ones = x.sum()
    zeros = x.size - ones
    return float(ones * np.log(p) + zeros * np.log1p(-p))


def gaussian_log_likelihood(x, mu, sigma):
    if not sigma > 0:
        raise ValueError("sigma")
    x = np.asarray(x, dtype=float)
    residuals = x - mu
    return float(-x.size * np.log(sigma * np.sqrt(2 * np.pi)) - residuals @ residuals / (2 * sigma * sigma))


def poisson_log_likelihood(x, lam):
    if lam <= 0:
        raise ValueError("lam")
    x = np.asarray(x, dtype=float)
    return float(np.sum(x) * np.log(lam) - x.size * lam - np.sum(gammaln(x + 1)))
