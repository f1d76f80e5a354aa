import math
from collections import Counter


def bernoulli_log_likelihood(x, p):
    if not 0.0 < p < 1.0:
        raise ValueError("p must be inside (0, 1)")
    tally = Counter(int(v) for v in x)
    return tally[1] * math.log(p) + tally[0] * math.log1p(-p)


def gaussian_log_likelihood(x, mu, sigma):
    if not sigma > 0.0:
        raise ValueError("sigma must be greater than zero")
    values = list(x)
    squared = math.fsum((v - mu) ** 2 for v in values)
    n = len(values)
    return -n * math.log(sigma) - n * 0.5 * math.log(2.0 * math.pi) - squared / (2.0 * sigma * sigma)


def poisson_log_likelihood(x, lam):
    if not lam > 0.0:
        raise ValueError("lam must be greater than zero")
    log_lam = math.log(lam)
    result = 0.0
    for count, times in Counter(x).items():
        result += times * (count * log_lam - lam - math.lgamma(count + 1))
    return result
