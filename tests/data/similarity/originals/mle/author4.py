import math


def poisson_mle(x):
    total, n = 0.0, 0
    for k in x:
        if k < 0:
            raise ValueError("bad count")
        total += k
        n += 1
    if n == 0:
        raise ValueError("no data")
    return total / n


def gaussian_mle(x):
    n = 0
    running_mean = 0.0
    m2 = 0.0
    for value in x:  # Welford's online algorithm
        n += 1
        delta = value - running_mean
        running_mean += delta / n
        m2 += delta * (value - running_mean)
    if n == 0:
        raise ValueError("no data")
    return running_mean, m2 / n


def bernoulli_mle(x):
    items = list(x)
    if not items or not set(items) <= {0, 1}:
        raise ValueError("Bernoulli data must be a non-empty list of 0s and 1s")
    return math.fsum(items) / len(items)
