from functools import reduce


def _mean(values):
    count, total = reduce(lambda acc, v: (acc[0] + 1, acc[1] + v), values, (0, 0.0))
    if count == 0:
        raise ValueError("cannot estimate from an empty sample")
    return total / count


def bernoulli_mle(x):
    sample = tuple(x)
    bad = [v for v in sample if v not in (0, 1)]
    if bad:
        raise ValueError(f"non-binary values: {bad[:3]}")
    return _mean(sample)


def poisson_mle(x):
    sample = tuple(x)
    if any(v < 0 for v in sample):
        raise ValueError("negative counts are impossible")
    return _mean(sample)


def gaussian_mle(x):
    sample = tuple(x)
    centre = _mean(sample)
    spread = _mean([(v - centre) * (v - centre) for v in sample])
    return centre, spread
