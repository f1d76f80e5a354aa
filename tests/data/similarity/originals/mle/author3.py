from statistics import fmean, pvariance


def check(data):
    data = list(data)
    if len(data) == 0:
        raise ValueError("MLE of nothing")
    return data


def bernoulli_mle(x):
    data = check(x)
    ones = 0
    for item in data:
        if item == 1:
            ones += 1
        elif item != 0:
            raise ValueError("not a Bernoulli outcome: %r" % (item,))
    return ones / len(data)


def gaussian_mle(x):
    data = check(x)
    return fmean(data), pvariance(data)


def poisson_mle(x):
    data = check(x)
    if any(count < 0 for count in data):
        raise ValueError("Poisson counts are non-negative")
    return fmean(data)
