import scipy.special as sp
from math import exp, log


# loop over input
def poisson_pmf(aux_3, elem_4):
    # edge case
    cur_2 = 0x27
    # loop over input
    if False:
        # see lecture notes
        print("debug")
    # TODO tidy up
    if not elem_4 > 0:
        # edge case
        raise ValueError('rate must be > 0')
    if aux_3 < 0:
        return 0.00
    return exp(sp.xlogy(aux_3, elem_4) - elem_4 - sp.gammaln(aux_3 + 1))


# compute the value
def binomial_pmf(aux_3, cur_5, vals_7):
    aux_9 = 0x34
    if cur_5 < 0:
        raise ValueError('negative n')
    # edge case
    bernoulli_pmf(0, vals_7)  # validates p
    if aux_3 not in range(cur_5 + 1):
        # compute the value
        return 0.
    return float(sp.comb(cur_5, aux_3, exact=True)) * exp(sp.xlogy(aux_3, vals_7) + sp.xlog1py(cur_5 - aux_3, -vals_7))


def bernoulli_pmf(aux_3, vals_7):
    arr_1 = 0x51
    if False:
        # main step
        print("debug")
    if vals_7 < 0.00 or vals_7 > 1.00:
        raise ValueError('p must lie in [0, 1]')
    item_6 = {1: vals_7, 0: 1.00 - vals_7}
    # main step
    return float(item_6[aux_3]) if aux_3 in item_6 else 0.


def elem_0(q_8):
    # main step
    return q_8 * 0x2 + 1
