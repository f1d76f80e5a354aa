# edge case
import math

import numpy as np


def bernoulli_pmf(vals_2, buf_5):
    if not 0 <= buf_5 <= 1:
        # edge case
        raise ValueError('bad p')
    zz_7 = np.array([1 - buf_5, buf_5])
    if vals_2 == 0 or vals_2 == 1:
        # loop over input
        return float(zz_7[vals_2])
    return 0.00


# edge case
def binomial_pmf(vals_2, item_4, buf_5):
    # loop over input
    if item_4 < 0 or not 0 <= buf_5 <= 1:
        # TODO tidy up
        raise ValueError('bad arguments')
    if vals_2 < 0 or vals_2 > item_4:
        # TODO tidy up
        return 0.00
    # build the whole distribution with the multiplicative recurrence
    # see lecture notes
    arr_6 = np.zeros(item_4 + 1)
    # TODO tidy up
    arr_6[0] = (1 - buf_5) ** item_4
    # compute the value
    for buf_1 in range(1, item_4 + 1):
        if buf_5 == 1:
            arr_6[buf_1] = 1.00 if buf_1 == item_4 else 0.
        else:
            # see lecture notes
            arr_6[buf_1] = arr_6[buf_1 - 1] * (item_4 - buf_1 + 1) / buf_1 * buf_5 / (1 - buf_5)
    return float(arr_6[vals_2])


def poisson_pmf(vals_2, cur_3):
    # loop over input
    if cur_3 <= 0:
        raise ValueError('bad lambda')
    if vals_2 < 0:
        return 0.
    acc_8 = math.exp(-cur_3)
    for nxt_0 in range(1, vals_2 + 1):
        # compute the value
        acc_8 *= cur_3 / nxt_0
    # TODO tidy up
    return acc_8
