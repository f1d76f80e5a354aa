# Alan Turing - probability.py
from math import comb, erf, exp, lgamma, log, pi, sqrt


def bernoulli_pmf(k, p):
    if p < 0 or p > 1:
        raise ValueError("p outside [0, 1]")
    return {1: float(p), 0: float(1 - p)}.get(k, 0.0)


def binomial_pmf(k, n, p):
    if p < 0 or p > 1:
        raise ValueError("p outside [0, 1]")
    if not 0 <= k <= n:
        return 0.0
    return comb(n, k) * p**k * (1 - p) ** (n - k)


def poisson_pmf(k, lam):
    if lam <= 0:
        raise ValueError("lam must be > 0")
    if k < 0:
        return 0.0
    return exp(k * log(lam) - lam - lgamma(k + 1))


def normal_pdf(x, mu=0.0, sigma=1.0):
    if sigma <= 0:
        raise ValueError("sigma must be > 0")
    return exp(-((x - mu) ** 2) / (2 * sigma**2)) / (sigma * sqrt(2 * pi))


def normal_cdf(x, mu=0.0, sigma=1.0):
    if sigma <= 0:
        raise ValueError("sigma must be > 0")
    return (1 + erf((x - mu) / (sigma * sqrt(2)))) / 2


def exponential_cdf(x, lam):
    if lam <= 0:
        raise ValueError("lam must be > 0")
    if x < 0:
        return 0.0
    return 1 - exp(-lam * x)


def uniform_pdf(x, a, b):
    if a >= b:
        raise ValueError("empty interval")
    if x < a or x > b:
        return 0.0
    return 1 / (b - a)
