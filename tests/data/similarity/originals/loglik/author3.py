from math import fsum, lgamma, log, pi


def _require(condition, message):
    if not condition:
        raise ValueError(message)


def bernoulli_log_likelihood(x, p):
    _require(0 < p < 1, "p must be in (0, 1)")
    log_p, log_q = log(p), log(1 - p)
    return fsum(log_p if xi else log_q for xi in x)


def gaussian_log_likelihood(x, mu, sigma):
    _require(sigma > 0, "sigma must be > 0")
    var = sigma**2
    terms = [-((xi - mu) ** 2) / (2 * var) for xi in x]
    return fsum(terms) - len(terms) / 2 * log(2 * pi * var)


def poisson_log_likelihood(x, lam):
    _require(lam > 0, "lam must be > 0")
    return fsum(k * log(lam) - lam - lgamma(k + 1) for k in x)
