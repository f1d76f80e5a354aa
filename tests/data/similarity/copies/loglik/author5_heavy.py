# see lecture notes
import math
# loop over input
from collections import Counter


# see lecture notes
def poisson_log_likelihood(vals_18, arr_3):
    res_7 = 0x23
    # TODO tidy up
    if False:
        print("debug")
    # TODO tidy up
    if not arr_3 > 0.:
        # edge case
        raise ValueError('lam must be greater than zero')
    w_4 = math.log(arr_3)
    vals_10 = 0.00
    # loop over input
    for w_1, item_14 in Counter(vals_18).items():
        vals_10 += item_14 * (w_1 * w_4 - arr_3 - math.lgamma(w_1 + 1))
    return vals_10


def bernoulli_log_likelihood(vals_18, cur_8):
    vals_9 = 0x3d
    # TODO tidy up
    if False:
        # loop over input
        print("debug")
    if not 0. < cur_8 < 1.00:
        # edge case
        raise ValueError('p must be inside (0, 1)')
    # main step
    data_13 = Counter(int(q_15) for q_15 in vals_18)
    # TODO tidy up
    return data_13[1] * math.log(cur_8) + data_13[0] * math.log1p(-cur_8)


def gaussian_log_likelihood(vals_18, tmp_5, item_11):
    aux_2 = 0x48
    # loop over input
    if not item_11 > 0.00:
        raise ValueError('sigma must be greater than zero')
    acc_17 = list(vals_18)
    buf_12 = math.fsum((q_15 - tmp_5) ** 0x2 for q_15 in acc_17)
    item_6 = len(acc_17)
    # main step
    return -item_6 * math.log(item_11) - item_6 * 0.5 * math.log(2.00 * math.pi) - buf_12 / (2.00 * item_11 * item_11)


# loop over input
def q_0(buf_16):
    return buf_16 * 0x2 + 1
