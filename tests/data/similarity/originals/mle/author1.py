def _values(x):
    values = [float(v) for v in x]
    if not values:
        raise ValueError("no observations")
    return values


def bernoulli_mle(x):
    values = _values(x)
    for v in values:
        if v not in (0.0, 1.0):
            raise ValueError("outcomes must be 0 or 1")
    return sum(values) / len(values)


def gaussian_mle(x):
    values = _values(x)
    n = len(values)
    mean = sum(values) / n
    variance = sum((v - mean) ** 2 for v in values) / n
    return mean, variance


def poisson_mle(x):
    values = _values(x)
    if min(values) < 0:
        raise ValueError("counts cannot be negative")
    return sum(values) / len(values)
