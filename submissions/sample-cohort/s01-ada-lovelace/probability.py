"""Probability mass and density functions from the unit (Ada Lovelace)."""

import math


def _check_probability(p):
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"p = {p} is not a probability")


# ---------------------------------------------------------------- discrete

def bernoulli_pmf(k, p):
    _check_probability(p)
    if k == 1:
        return float(p)
    if k == 0:
        return float(1.0 - p)
    return 0.0


def binomial_pmf(k, n, p):
    _check_probability(p)
    if k < 0 or k > n:
        return 0.0
    return float(math.comb(n, k) * p ** k * (1.0 - p) ** (n - k))


def poisson_pmf(k, lam):
    if lam <= 0:
        raise ValueError("the rate must be positive")
    if k < 0:
        return 0.0
    # log-space: lam^k and k! both overflow for large k
    log_p = k * math.log(lam) - lam - math.lgamma(k + 1)
    return math.exp(log_p)


# ---------------------------------------------------------------- continuous

def normal_pdf(x, mu=0.0, sigma=1.0):
    if sigma <= 0:
        raise ValueError("sigma must be positive")
    return math.exp(-((x - mu) ** 2) / (2 * sigma ** 2)) / (sigma * math.sqrt(2 * math.pi))


def normal_cdf(x, mu=0.0, sigma=1.0):
    if sigma <= 0:
        raise ValueError("sigma must be positive")
    return 0.5 * (1 + math.erf((x - mu) / (sigma * math.sqrt(2))))


def exponential_cdf(x, lam):
    if lam <= 0:
        raise ValueError("lam must be positive")
    return 0.0 if x < 0 else 1.0 - math.exp(-lam * x)


def uniform_pdf(x, a, b):
    if a >= b:
        raise ValueError("need a < b")
    return 1.0 / (b - a) if a <= x <= b else 0.0
