# Chloe Dupont
import math


def bernoulli_pmf(k, p):
    if p < 0 or p > 1:
        raise ValueError("p invalide")
    if k == 1:
        return p
    elif k == 0:
        return 1 - p
    return 0.0


def normal_pdf(x, mu=0.0, sigma=1.0):
    return math.exp(-(x - mu) ** 2 / (2 * sigma)) / (sigma * math.sqrt(2 * math.pi))


def normal_cdf(x, mu=0.0, sigma=1.0):
    return 0.5 * (1 + math.erf((x - mu) / sigma))


def uniform_pdf(x, a, b):
    return 1 / (b - a)
