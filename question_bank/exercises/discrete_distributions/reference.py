"""Reference: probability mass functions of the unit's discrete distributions (probability.py)."""

import math


def bernoulli_pmf(k, p):
    """P(X = k) for X ~ Bernoulli(p): p for k = 1, 1 - p for k = 0, and 0 for any other k.

    Raises ValueError unless 0 <= p <= 1.
    """
    if not 0 <= p <= 1:
        raise ValueError(f"p must be in [0, 1], got {p}")
    if k == 1:
        return float(p)
    if k == 0:
        return float(1 - p)
    return 0.0


def binomial_pmf(k, n, p):
    """P(X = k) for X ~ Binomial(n, p): C(n, k) p^k (1 - p)^(n - k); 0 outside 0..n.

    Raises ValueError unless 0 <= p <= 1 and n >= 0.
    """
    if not 0 <= p <= 1:
        raise ValueError(f"p must be in [0, 1], got {p}")
    if n < 0:
        raise ValueError(f"n must be >= 0, got {n}")
    if k < 0 or k > n:
        return 0.0
    return math.comb(n, k) * p**k * (1 - p) ** (n - k)


def poisson_pmf(k, lam):
    """P(X = k) for X ~ Poisson(lam): lam^k e^(-lam) / k!; 0 for k < 0.

    Computed in log space (lgamma(k + 1) = log k!) so that large k neither overflows k!
    nor lam^k. Raises ValueError unless lam > 0.
    """
    if lam <= 0:
        raise ValueError(f"lam must be > 0, got {lam}")
    if k < 0:
        return 0.0
    return math.exp(k * math.log(lam) - lam - math.lgamma(k + 1))
