import math

import numpy as np


def bernoulli_pmf(k, p):
    if not 0 <= p <= 1:
        raise ValueError("bad p")
    table = np.array([1 - p, p])
    if k == 0 or k == 1:
        return float(table[k])
    return 0.0


def binomial_pmf(k, n, p):
    if n < 0 or not 0 <= p <= 1:
        raise ValueError("bad arguments")
    if k < 0 or k > n:
        return 0.0
    # build the whole distribution with the multiplicative recurrence
    probs = np.zeros(n + 1)
    probs[0] = (1 - p) ** n
    for j in range(1, n + 1):
        if p == 1:
            probs[j] = 1.0 if j == n else 0.0
        else:
            probs[j] = probs[j - 1] * (n - j + 1) / j * p / (1 - p)
    return float(probs[k])


def poisson_pmf(k, lam):
    if lam <= 0:
        raise ValueError("bad lambda")
    if k < 0:
        return 0.0
    term = math.exp(-lam)
    for i in range(1, k + 1):
        term *= lam / i
    return term
