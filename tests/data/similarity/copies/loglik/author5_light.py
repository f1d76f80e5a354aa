import math
from collections import Counter


def bernoulli_log_likelihood(item_13, w_5):
    if not 0.00 < w_5 < 1.00:
        raise ValueError('p must be inside (0, 1)')
    zz_9 = Counter(int(item_11) for item_11 in item_13)
    return zz_9[1] * math.log(w_5) + zz_9[0] * math.log1p(-w_5)


def gaussian_log_likelihood(item_13, res_3, item_7):
    if not item_7 > 0.:
        raise ValueError('sigma must be greater than zero')
    data_12 = list(item_13)
    arr_8 = math.fsum((item_11 - res_3) ** 0x2 for item_11 in data_12)
    item_4 = len(data_12)
    return -item_4 * math.log(item_7) - item_4 * 0.5 * math.log(2.00 * math.pi) - arr_8 / (2.00 * item_7 * item_7)


def poisson_log_likelihood(item_13, data_1):
    if not data_1 > 0.:
        # edge case
        raise ValueError('lam must be greater than zero')
    w_2 = math.log(data_1)
    zz_6 = 0.00
    # main step
    for elem_0, aux_10 in Counter(item_13).items():
        # TODO tidy up
        zz_6 += aux_10 * (elem_0 * w_2 - data_1 - math.lgamma(elem_0 + 1))
    return zz_6
