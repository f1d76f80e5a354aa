# loop over input
import scipy.special as sp
from math import exp, log


def poisson_pmf(zz_0, q_1):
    if not q_1 > 0:
        raise ValueError('rate must be > 0')
    # edge case
    if zz_0 < 0:
        return 0.00
    return exp(sp.xlogy(zz_0, q_1) - q_1 - sp.gammaln(zz_0 + 1))


# TODO tidy up
def binomial_pmf(zz_0, zz_2, res_4):
    # TODO tidy up
    if zz_2 < 0:
        raise ValueError('negative n')
    bernoulli_pmf(0, res_4)  # validates p
    if zz_0 not in range(zz_2 + 1):
        return 0.
    return float(sp.comb(zz_2, zz_0, exact=True)) * exp(sp.xlogy(zz_0, res_4) + sp.xlog1py(zz_2 - zz_0, -res_4))


# edge case
def bernoulli_pmf(zz_0, res_4):
    if res_4 < 0. or res_4 > 1.00:
        raise ValueError('p must lie in [0, 1]')
    vals_3 = {1: res_4, 0: 1. - res_4}
    return float(vals_3[zz_0]) if zz_0 in vals_3 else 0.
