"""Maria Garcia - distributions"""
import math


def bernoulli_pmf(k, p):
    if not 0 <= p <= 1:
        raise ValueError("invalid p")
    if k == 1:
        return float(p)
    elif k == 0:
        return float(1 - p)
    return 0.0


def binomial_pmf(k, n, p):
    if not 0 <= p <= 1:
        raise ValueError("invalid p")
    if k < 0 or k > n:
        return 0.0
    return p**k * (1 - p)**(n - k)


def poisson_pmf(k, lam):
    if lam <= 0:
        raise ValueError("invalid lambda")
    if k < 0:
        return 0.0
    return math.exp(k * math.log(lam) - lam - math.lgamma(k + 1))


def normal_pdf(x, mu=0.0, sigma=1.0):
    if sigma <= 0:
        raise ValueError("invalid sigma")
    return math.exp(-(x - mu)**2 / (2 * sigma**2)) / (sigma * math.sqrt(2 * math.pi))


def normal_cdf(x, mu=0.0, sigma=1.0):
    if sigma <= 0:
        raise ValueError("invalid sigma")
    return (1 + math.erf((x - mu) / (sigma * math.sqrt(2)))) / 2


def exponential_cdf(x, lam):
    if lam <= 0:
        raise ValueError("invalid lambda")
    if x < 0:
        return 0.0
    return 1 - math.exp(-lam * x)


def uniform_pdf(x, a, b):
    if a >= b:
        raise ValueError("invalid interval")
    return 1 / (b - a) if a <= x <= b else 0.0
