import math


def bernoulli_pmf(k, p):
    if p < 0 or p > 1:
        raise ValueError("p outside [0, 1]")
    return {0: 1.0 - p, 1: float(p)}.get(k, 0.0)


def binomial_pmf(k, n, p):
    if p < 0 or p > 1 or n < 0:
        raise ValueError("invalid parameters")
    if not 0 <= k <= n:
        return 0.0
    ways = math.factorial(n) // (math.factorial(k) * math.factorial(n - k))
    return ways * (p**k) * ((1 - p) ** (n - k))


def poisson_pmf(k, lam):
    if lam <= 0:
        raise ValueError("lambda must be positive")
    if k < 0:
        return 0.0
    log_p = -lam + k * math.log(lam) - sum(math.log(i) for i in range(2, k + 1))
    return math.exp(log_p)
