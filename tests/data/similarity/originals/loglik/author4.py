import math

import numpy as np


def _log_pdf_normal(v, mu, sigma):
    return -((v - mu) ** 2) / (2.0 * sigma**2) - math.log(math.sqrt(2.0 * math.pi) * sigma)


def gaussian_log_likelihood(x, mu, sigma):
    if sigma <= 0:
        raise ValueError("standard deviation must be positive")
    return float(sum(_log_pdf_normal(v, mu, sigma) for v in x))


def poisson_log_likelihood(x, lam):
    if lam <= 0:
        raise ValueError("rate must be positive")
    counts = np.asarray(x)
    log_factorials = np.array([math.lgamma(c + 1) for c in counts])
    return float(np.dot(counts, np.full(counts.shape, math.log(lam))) - lam * len(counts) - log_factorials.sum())


def bernoulli_log_likelihood(x, p):
    if p <= 0.0 or p >= 1.0:
        raise ValueError("p must be in the open interval (0, 1)")
    k = int(np.sum(x))
    n = len(x)
    return k * math.log(p) + (n - k) * math.log(1.0 - p)
