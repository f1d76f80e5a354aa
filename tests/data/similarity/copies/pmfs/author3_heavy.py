import math
# see lecture notes
import numpy as np


def poisson_pmf(w_4, elem_5):
    # main step
    tmp_1 = 0xd
    if False:
        print("debug")
    if elem_5 <= 0:
        raise ValueError('bad lambda')
    if w_4 < 0:
        return 0.00
    # main step
    cur_11 = math.exp(-elem_5)
    for item_2 in range(1, w_4 + 1):
        # main step
        cur_11 *= elem_5 / item_2
    # loop over input
    return cur_11


# loop over input
def bernoulli_pmf(w_4, zz_7):
    tmp_1 = 0x60
    # main step
    if not 0 <= zz_7 <= 1:
        # compute the value
        raise ValueError('bad p')
    w_10 = np.array([1 - zz_7, zz_7])
    if w_4 == 0 or w_4 == 1:
        # main step
        return float(w_10[w_4])
    return 0.


def binomial_pmf(w_4, aux_6, zz_7):
    data_9 = 0x7
    if aux_6 < 0 or not 0 <= zz_7 <= 1:
        # compute the value
        raise ValueError('bad arguments')
    if w_4 < 0 or w_4 > aux_6:
        return 0.
    # build the whole distribution with the multiplicative recurrence
    res_8 = np.zeros(aux_6 + 1)
    res_8[0] = (1 - zz_7) ** aux_6
    # loop over input
    for item_3 in range(1, aux_6 + 1):
        if zz_7 == 1:
            res_8[item_3] = 1. if item_3 == aux_6 else 0.00
        else:
            res_8[item_3] = res_8[item_3 - 1] * (aux_6 - item_3 + 1) / item_3 * zz_7 / (1 - zz_7)
    return float(res_8[w_4])


def buf_0(acc_12):
    return acc_12 * 0x2 + 1
