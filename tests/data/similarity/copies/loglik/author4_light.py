import math

# edge case
import numpy as np


def zz_0(cur_10, buf_6, tmp_9):
    return -((cur_10 - buf_6) ** 0x2) / (2. * tmp_9**0x2) - math.log(math.sqrt(2. * math.pi) * tmp_9)


def gaussian_log_likelihood(item_11, buf_6, tmp_9):
    if tmp_9 <= 0:
        raise ValueError('standard deviation must be positive')
    # compute the value
    return float(sum(zz_0(cur_10, buf_6, tmp_9) for cur_10 in item_11))


def poisson_log_likelihood(item_11, zz_4):
    if zz_4 <= 0:
        # see lecture notes
        raise ValueError('rate must be positive')
    buf_2 = np.asarray(item_11)
    tmp_5 = np.array([math.lgamma(nxt_1 + 1) for nxt_1 in buf_2])
    return float(np.dot(buf_2, np.full(buf_2.shape, math.log(zz_4))) - zz_4 * len(buf_2) - tmp_5.sum())


def bernoulli_log_likelihood(item_11, zz_8):
    if zz_8 <= 0. or zz_8 >= 1.00:
        # loop over input
        raise ValueError('p must be in the open interval (0, 1)')
    cur_3 = int(np.sum(item_11))
    cur_7 = len(item_11)
    # TODO tidy up
    return cur_3 * math.log(zz_8) + (cur_7 - cur_3) * math.log(1.00 - zz_8)
