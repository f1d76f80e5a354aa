# mle.py -- Grace Hopper
import math


def _check_not_empty(x):
    if len(x) == 0:
        raise ValueError("need at least one observation")


def bernoulli_mle(x):
    x = list(x)
    _check_not_empty(x)
    for value in x:
        if value not in (0, 1):
            raise ValueError(f"not a 0/1 outcome: {value}")
    return sum(x) / len(x)


def gaussian_mle(x):
    x = [float(v) for v in x]
    _check_not_empty(x)
    n = len(x)
    mean = sum(x) / n
    squares = 0.0
    for value in x:
        squares += (value - mean) ** 2
    return (mean, squares / n)


def poisson_mle(x):
    x = list(x)
    _check_not_empty(x)
    for count in x:
        if count < 0:
            raise ValueError("counts must be >= 0")
    return sum(x) / len(x)


def bernoulli_log_likelihood(x, p):
    if p <= 0 or p >= 1:
        raise ValueError("p must be in (0, 1)")
    total = 0.0
    for xi in x:
        total += xi * math.log(p) + (1 - xi) * math.log(1 - p)
    return float(total)


def gaussian_log_likelihood(x, mu, sigma):
    if sigma <= 0:
        raise ValueError("sigma must be > 0")
    total = 0.0
    for xi in x:
        total += -0.5 * math.log(2 * math.pi * sigma ** 2) - (xi - mu) ** 2 / (2 * sigma ** 2)
    return float(total)


def poisson_log_likelihood(x, lam):
    if lam <= 0:
        raise ValueError("lam must be > 0")
    total = 0.0
    for k in x:
        total += k * math.log(lam) - lam - math.lgamma(k + 1)
    return total
