"""Katherine Johnson -- probability.py"""
import math


def bernoulli_pmf(k, p):
    if not 0 <= p <= 1:
        raise ValueError("p must lie in [0, 1]")
    return float(p if k == 1 else (1 - p) if k == 0 else 0.0)


def binomial_pmf(k, n, p):
    if not 0 <= p <= 1:
        raise ValueError("p must lie in [0, 1]")
    if k < 0 or k > n:
        return 0.0
    return float(math.comb(n, k) * p**k * (1 - p) ** (n - k))


def poisson_pmf(k, lam):
    if lam <= 0:
        raise ValueError("lam must be > 0")
    if k < 0:
        return 0.0
    return lam**k * math.exp(-lam) / math.factorial(k)


def normal_pdf(x, mu=0.0, sigma=1.0):
    if sigma <= 0:
        raise ValueError("sigma must be > 0")
    z = (x - mu) / sigma
    return math.exp(-z * z / 2) / (sigma * math.sqrt(2 * math.pi))


def normal_cdf(x, mu=0.0, sigma=1.0):
    if sigma <= 0:
        raise ValueError("sigma must be > 0")
    return 0.5 * math.erfc(-(x - mu) / (sigma * math.sqrt(2)))


def exponential_cdf(x, lam):
    if lam <= 0:
        raise ValueError("lam must be > 0")
    return max(0.0, 1 - math.exp(-lam * x)) if x >= 0 else 0.0


def uniform_pdf(x, a, b):
    if not a < b:
        raise ValueError("need a < b")
    return 1 / (b - a) if a <= x <= b else 0.0
