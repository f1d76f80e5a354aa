import scipy.special as sp
from math import exp, log


def poisson_pmf(k, lam):
    if not lam > 0:
        raise ValueError("rate must be > 0")
    if k < 0:
        return 0.0
    return exp(sp.xlogy(k, lam) - lam - sp.gammaln(k + 1))


def binomial_pmf(k, n, p):
    if n < 0:
        raise ValueError("negative n")
    bernoulli_pmf(0, p)  # validates p
    if k not in range(n + 1):
        return 0.0
    return float(sp.comb(n, k, exact=True)) * exp(sp.xlogy(k, p) + sp.xlog1py(n - k, -p))


def bernoulli_pmf(k, p):
    if p < 0.0 or p > 1.0:
        raise ValueError("p must lie in [0, 1]")
    outcomes = {1: p, 0: 1.0 - p}
    return float(outcomes[k]) if k in outcomes else 0.0
