# probability.py -- Grace Hopper
import math


def bernoulli_pmf(k, p):
    if p < 0.0 or p > 1.0:
        raise ValueError("p must be between 0 and 1")
    if k == 1:
        return float(p)
    elif k == 0:
        return 1.0 - p
    else:
        return 0.0


def binomial_pmf(k, n, p):
    if p < 0.0 or p > 1.0:
        raise ValueError("p must be between 0 and 1")
    if k < 0 or k > n:
        return 0.0
    ways = math.factorial(n) // (math.factorial(k) * math.factorial(n - k))
    return ways * (p ** k) * ((1 - p) ** (n - k))


def poisson_pmf(k, lam):
    if lam <= 0:
        raise ValueError("lam must be positive")
    if k < 0:
        return 0.0
    # log k! = lgamma(k + 1); working with logs avoids the overflow of 200!
    return math.exp(k * math.log(lam) - lam - math.lgamma(k + 1))


def normal_pdf(x, mu=0.0, sigma=1.0):
    if sigma <= 0:
        raise ValueError("sigma must be positive")
    coefficient = 1.0 / (sigma * math.sqrt(2.0 * math.pi))
    return coefficient * math.exp(-((x - mu) ** 2) / (2.0 * sigma * sigma))


def normal_cdf(x, mu=0.0, sigma=1.0):
    if sigma <= 0:
        raise ValueError("sigma must be positive")
    z = (x - mu) / sigma
    return 0.5 * (1.0 + math.erf(z / math.sqrt(2.0)))


def exponential_cdf(x, lam):
    if lam <= 0:
        raise ValueError("lam must be positive")
    if x < 0:
        return 0.0
    return 1.0 - math.exp(-lam * x)


def uniform_pdf(x, a, b):
    if a >= b:
        raise ValueError("a must be smaller than b")
    if a <= x <= b:
        return 1.0 / (b - a)
    return 0.0
