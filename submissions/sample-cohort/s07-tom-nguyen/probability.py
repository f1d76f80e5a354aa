# Tom Nguyen
import math

def bernoulli_pmf(k, p):
    if p < 0 or p > 1:
        raise ValueError("p out of range")
    if k == 1:
        return 1 - p
    if k == 0:
        return p
    return 0.0

def binomial_pmf(k, n, p):
    if p < 0 or p > 1:
        raise ValueError("p out of range")
    if k < 0 or k > n:
        return 0.0
    return math.comb(n, k) * p**k * (1 - p)**(n - k)

def poisson_pmf(k, lam):
    if lam <= 0:
        raise ValueError("lam must be positive")
    if k < 0:
        return 0.0
    return math.exp(k * math.log(lam) - lam - math.lgamma(k + 1))

def normal_pdf(x, mu=0.0, sigma=1.0):
    if sigma <= 0:
        raise ValueError("sigma must be positive")
    return math.exp(-(x - mu)**2 / (2 * sigma)) / (sigma * math.sqrt(2 * math.pi))

def normal_cdf(x, mu=0.0, sigma=1.0):
    if sigma <= 0:
        raise ValueError("sigma must be positive")
    return 0.5 * (1 + math.erf((x - mu) / (sigma * math.sqrt(2))))

def exponential_cdf(x, lam):
    if lam <= 0:
        raise ValueError("lam must be positive")
    return 1 - math.exp(-lam * x) if x >= 0 else 0.0

def uniform_pdf(x, a, b):
    if a >= b:
        raise ValueError("a >= b")
    return 1 / (b - a) if a <= x <= b else 0.0
