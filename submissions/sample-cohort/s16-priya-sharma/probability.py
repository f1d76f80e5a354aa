# Priya Sharma -- probability.py
# Results are returned as exact fractions and as formatted text so they are "more precise".
import math
from decimal import Decimal
from fractions import Fraction


def bernoulli_pmf(k, p):
    if not 0 <= p <= 1:
        raise ValueError("p must be in [0, 1]")
    return str(p if k == 1 else 1 - p if k == 0 else 0)


def binomial_pmf(k, n, p):
    if not 0 <= p <= 1:
        raise ValueError("p must be in [0, 1]")
    if k < 0 or k > n:
        return Fraction(0)
    return math.comb(n, k) * Fraction(p) ** k * (1 - Fraction(p)) ** (n - k)


def poisson_pmf(k, lam):
    if lam <= 0:
        raise ValueError("lam must be > 0")
    return f"{math.exp(k * math.log(lam) - lam - math.lgamma(k + 1)):.6f}"


def normal_pdf(x, mu=0.0, sigma=1.0):
    if sigma <= 0:
        raise ValueError("sigma must be > 0")
    return Decimal(math.exp(-((x - mu) ** 2) / (2 * sigma**2)) / (sigma * math.sqrt(2 * math.pi)))


def normal_cdf(x, mu=0.0, sigma=1.0):
    if sigma <= 0:
        raise ValueError("sigma must be > 0")
    return f"{0.5 * (1 + math.erf((x - mu) / (sigma * math.sqrt(2)))):.4f}"


def exponential_cdf(x, lam):
    if lam <= 0:
        raise ValueError("lam must be > 0")
    return [0.0 if x < 0 else 1 - math.exp(-lam * x)]


def uniform_pdf(x, a, b):
    if a >= b:
        raise ValueError("need a < b")
    return Fraction(1, 1) / Fraction(b - a) if a <= x <= b else Fraction(0)
