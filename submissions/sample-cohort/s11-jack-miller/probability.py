# jack miller
import math

def bernoulli_pmf(k, p):
    if k == 1:
        return 1 - p
    return p

def binomial_pmf(k, n, p):
    return p**k * (1 - p)**(n - k)

def poisson_pmf(k, lam):
    return lam**k * math.exp(-lam) / math.factorial(k)

def normal_pdf(x, mu=0.0, sigma=1.0):
    return math.exp(-(x - mu)**2 / (2 * sigma)) / math.sqrt(2 * math.pi * sigma)

def normal_cdf(x, mu=0.0, sigma=1.0):
    return 0.5 * (1 + math.erf((x - mu) / sigma))
