from math import comb, exp, lgamma, log


def _check_probability(p):
    if not (0.0 <= p <= 1.0):
        raise ValueError(f"probability {p} not in [0,1]")


def bernoulli_pmf(k, p):
    _check_probability(p)
    if k in (0, 1):
        return p if k == 1 else 1 - p
    return 0.0


def binomial_pmf(k, n, p):
    _check_probability(p)
    if n < 0:
        raise ValueError("n < 0")
    if k < 0 or k > n:
        return 0.0
    if p in (0.0, 1.0):
        return float((k == 0) if p == 0.0 else (k == n))
    log_pmf = log(comb(n, k)) + k * log(p) + (n - k) * log(1 - p)
    return exp(log_pmf)


def poisson_pmf(k, lam):
    if lam <= 0:
        raise ValueError("lam")
    return 0.0 if k < 0 else exp(k * log(lam) - lam - lgamma(k + 1))
