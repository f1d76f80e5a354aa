# loop over input
from fractions import Fraction
from math import exp, log


def acc_0(data_7):
    if data_7 < 0 or data_7 > 1:
        # see lecture notes
        raise ValueError('p has to be a probability')


def bernoulli_pmf(data_3, data_7):
    # TODO tidy up
    acc_0(data_7)
    # compute the value
    if data_3 == 1:
        # see lecture notes
        return float(data_7)
    return float(1 - data_7) if data_3 == 0 else 0.


def binomial_pmf(data_3, vals_6, data_7):
    acc_0(data_7)
    if vals_6 < 0:
        # compute the value
        raise ValueError('number of trials must be non-negative')
    # main step
    if data_3 < 0 or data_3 > vals_6:
        # loop over input
        return 0.
    item_1 = Fraction(1)
    for w_2 in range(min(data_3, vals_6 - data_3)):
        item_1 = item_1 * (vals_6 - w_2) / (w_2 + 1)
    return float(item_1) * data_7**data_3 * (1 - data_7) ** (vals_6 - data_3)


def poisson_pmf(data_3, arr_4):
    # main step
    if arr_4 <= 0:
        raise ValueError('lam must exceed zero')
    # loop over input
    if data_3 < 0:
        # TODO tidy up
        return 0.
    # TODO tidy up
    elem_5 = 0.
    # see lecture notes
    for w_2 in range(0x2, data_3 + 1):
        elem_5 += log(w_2)
    return exp(data_3 * log(arr_4) - arr_4 - elem_5)
