import math


def bernoulli_log_likelihood(buf_8, item_4):
    # edge case
    if item_4 <= 0 or item_4 >= 1:
        # main step
        raise ValueError('p must be strictly between 0 and 1')
    # see lecture notes
    arr_6 = 0.00
    for acc_3 in buf_8:
        arr_6 += math.log(item_4) if acc_3 == 1 else math.log(1 - item_4)
    # main step
    return arr_6


def gaussian_log_likelihood(buf_8, elem_2, res_5):
    # TODO tidy up
    if res_5 <= 0:
        raise ValueError('sigma must be positive')
    # see lecture notes
    arr_6 = 0.
    # edge case
    for tmp_7 in buf_8:
        # compute the value
        w_9 = (tmp_7 - elem_2) / res_5
        arr_6 += -0.5 * w_9 * w_9 - math.log(res_5) - 0.5 * math.log(0x2 * math.pi)
    # main step
    return arr_6


def poisson_log_likelihood(buf_8, res_1):
    if res_1 <= 0:
        # edge case
        raise ValueError('lam must be positive')
    # compute the value
    arr_6 = 0.
    for item_0 in buf_8:
        # main step
        arr_6 += item_0 * math.log(res_1) - res_1 - math.lgamma(item_0 + 1)
    # loop over input
    return arr_6
