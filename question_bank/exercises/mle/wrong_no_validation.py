"""Bug: accepts any numbers as Bernoulli outcomes and negative Poisson counts."""

import numpy as np


def _as_data(x):
    data = np.asarray(x, dtype=np.float64)
    if data.size == 0:
        raise ValueError("the MLE needs at least one observation")
    return data


def bernoulli_mle(x):
    """MLE of p from 0/1 outcomes: the fraction of ones (k successes in n trials -> k / n).

    Returns a float. Raises ValueError for no data or a value other than 0 and 1.
    """
    data = _as_data(x)
    return float(data.mean())


def gaussian_mle(x):
    """MLEs of a normal distribution's mean and variance, as a tuple (mu, var).

    mu = (1/n) sum x_i and var = (1/n) sum (x_i - mu)^2: the MLE divides by n, not by the
    n - 1 of the unbiased sample variance. Raises ValueError for no data.
    """
    data = _as_data(x)
    mu = data.mean()
    return float(mu), float(np.mean((data - mu) ** 2))


def poisson_mle(x):
    """MLE of a Poisson rate from counts: the sample mean. Returns a float.

    Raises ValueError for no data or a negative count.
    """
    data = _as_data(x)
    return float(data.mean())
