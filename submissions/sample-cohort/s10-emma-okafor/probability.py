"""Emma Okafor - probability.py"""
import math


def _check_p(p):
    if not 0 <= p <= 1:
        raise ValueError("p must be in [0, 1]")


def bernoulli_pmf(k, p):
    _check_p(p)
    return {0: 1.0 - p, 1: float(p)}.get(k, 0.0)


def binomial_pmf(k, n, p):
    _check_p(p)
    if not 0 <= k <= n:
        return 0.0
    return math.comb(n, k) * p**k * (1 - p) ** (n - k)


def poisson_pmf(k, lam):
    if lam <= 0:
        raise ValueError("lam must be > 0")
    if k < 0:
        return 0.0
    return math.exp(k * math.log(lam) - lam - math.lgamma(k + 1))


def normal_pdf(x, mu=0.0, sigma=1.0):
    if sigma <= 0:
        raise ValueError("sigma must be > 0")
    return math.exp(-((x - mu) ** 2) / (2 * sigma**2)) / (sigma * math.sqrt(2 * math.pi))


def normal_cdf(x, mu=0.0, sigma=1.0):
    if sigma <= 0:
        raise ValueError("sigma must be > 0")
    return 0.5 * (1 + math.erf((x - mu) / (sigma * math.sqrt(2))))


def exponential_cdf(x, lam):
    if lam <= 0:
        raise ValueError("lam must be > 0")
    return 0.0 if x < 0 else 1 - math.exp(-lam * x)


def uniform_pdf(x, a, b):
    if a >= b:
        raise ValueError("need a < b")
    return 1 / (b - a) if a <= x <= b else 0.0
