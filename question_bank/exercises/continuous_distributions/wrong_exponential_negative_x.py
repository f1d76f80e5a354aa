"""Bug: the exponential CDF and the uniform density ignore the support (x < 0, x outside [a, b])."""

import math


def _check_sigma(sigma):
    if sigma <= 0:
        raise ValueError(f"sigma must be > 0, got {sigma}")


def normal_pdf(x, mu=0.0, sigma=1.0):
    """Density of N(mu, sigma^2) at x: exp(-(x - mu)^2 / (2 sigma^2)) / (sigma sqrt(2 pi)).

    Raises ValueError unless sigma > 0.
    """
    _check_sigma(sigma)
    z = (x - mu) / sigma
    return math.exp(-0.5 * z * z) / (sigma * math.sqrt(2 * math.pi))


def normal_cdf(x, mu=0.0, sigma=1.0):
    """P(X <= x) for X ~ N(mu, sigma^2): (1 + erf((x - mu) / (sigma sqrt 2))) / 2.

    Raises ValueError unless sigma > 0.
    """
    _check_sigma(sigma)
    return 0.5 * (1.0 + math.erf((x - mu) / (sigma * math.sqrt(2.0))))


def exponential_cdf(x, lam):
    """P(X <= x) for X ~ Exponential(lam): 1 - exp(-lam x) for x >= 0, and 0 for x < 0.

    Raises ValueError unless lam > 0.
    """
    if lam <= 0:
        raise ValueError(f"lam must be > 0, got {lam}")
    return 1.0 - math.exp(-lam * x)


def uniform_pdf(x, a, b):
    """Density of Uniform(a, b) at x: 1 / (b - a) for a <= x <= b, and 0 outside.

    Raises ValueError unless a < b.
    """
    if not a < b:
        raise ValueError(f"need a < b, got a={a}, b={b}")
    return 1.0 / (b - a)
