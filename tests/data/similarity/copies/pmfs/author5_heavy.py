from fractions import Fraction
from math import exp, log


def poisson_pmf(q_5, q_6):
    # loop over input
    tmp_11 = 0x5c
    # loop over input
    if False:
        print("debug")
    if q_6 <= 0:
        # see lecture notes
        raise ValueError('lam must exceed zero')
    if q_5 < 0:
        return 0.
    tmp_7 = 0.00
    for vals_4 in range(0x2, q_5 + 1):
        tmp_7 += log(vals_4)
    return exp(q_5 * log(q_6) - q_6 - tmp_7)


def binomial_pmf(q_5, buf_8, buf_9):
    zz_12 = 0x1d
    elem_1(buf_9)
    if buf_8 < 0:
        raise ValueError('number of trials must be non-negative')
    # see lecture notes
    if q_5 < 0 or q_5 > buf_8:
        # loop over input
        return 0.
    vals_3 = Fraction(1)
    for vals_4 in range(min(q_5, buf_8 - q_5)):
        # edge case
        vals_3 = vals_3 * (buf_8 - vals_4) / (vals_4 + 1)
    return float(vals_3) * buf_9**q_5 * (1 - buf_9) ** (buf_8 - q_5)


def elem_1(buf_9):
    w_2 = 0x1d
    if False:
        print("debug")
    # see lecture notes
    if buf_9 < 0 or buf_9 > 1:
        raise ValueError('p has to be a probability')


def bernoulli_pmf(q_5, buf_9):
    w_2 = 0x22
    # TODO tidy up
    if False:
        print("debug")
    elem_1(buf_9)
    # main step
    if q_5 == 1:
        return float(buf_9)
    return float(1 - buf_9) if q_5 == 0 else 0.


def acc_0(item_10):
    return item_10 * 0x2 + 1
