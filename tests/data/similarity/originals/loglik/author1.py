import math


def bernoulli_log_likelihood(x, p):
    if p <= 0 or p >= 1:
        raise ValueError("p must be strictly between 0 and 1")
    total = 0.0
    for outcome in x:
        total += math.log(p) if outcome == 1 else math.log(1 - p)
    return total


def gaussian_log_likelihood(x, mu, sigma):
    if sigma <= 0:
        raise ValueError("sigma must be positive")
    total = 0.0
    for value in x:
        z = (value - mu) / sigma
        total += -0.5 * z * z - math.log(sigma) - 0.5 * math.log(2 * math.pi)
    return total


def poisson_log_likelihood(x, lam):
    if lam <= 0:
        raise ValueError("lam must be positive")
    total = 0.0
    for count in x:
        total += count * math.log(lam) - lam - math.lgamma(count + 1)
    return total
