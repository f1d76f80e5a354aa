from fractions import Fraction
from math import exp, log


def _valid_p(p):
    if p < 0 or p > 1:
        raise ValueError("p has to be a probability")


def bernoulli_pmf(k, p):
    _valid_p(p)
    if k == 1:
        return float(p)
    return float(1 - p) if k == 0 else 0.0


def binomial_pmf(k, n, p):
    _valid_p(p)
    if n < 0:
        raise ValueError("number of trials must be non-negative")
    if k < 0 or k > n:
        return 0.0
    coefficient = Fraction(1)
    for i in range(min(k, n - k)):
        coefficient = coefficient * (n - i) / (i + 1)
    return float(coefficient) * p**k * (1 - p) ** (n - k)


def poisson_pmf(k, lam):
    if lam <= 0:
        raise ValueError("lam must exceed zero")
    if k < 0:
        return 0.0
    log_factorial = 0.0
    for i in range(2, k + 1):
        log_factorial += log(i)
    return exp(k * log(lam) - lam - log_factorial)
