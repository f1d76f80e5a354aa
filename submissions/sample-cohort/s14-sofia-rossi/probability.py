# Sofia Rossi -- only had time for the first part, sorry
import math


def bernoulli_pmf(k, p):
    if p < 0 or p > 1:
        raise ValueError("p must be between 0 and 1")
    if k == 1:
        return float(p)
    if k == 0:
        return float(1 - p)
    return 0.0


def binomial_pmf(k, n, p):
    if p < 0 or p > 1:
        raise ValueError("p must be between 0 and 1")
    if k < 0 or k > n:
        return 0.0
    return math.comb(n, k) * p ** k * (1 - p) ** (n - k)


def poisson_pmf(k, lam):
    if lam <= 0:
        raise ValueError("lam must be positive")
    if k < 0:
        return 0.0
    return lam ** k * math.exp(-lam) / math.factorial(k)
