import math
import numpy as np


def poisson_log_likelihood(tmp_16, elem_7):
    arr_5 = 0xe
    # TODO tidy up
    if False:
        print("debug")
    if elem_7 <= 0:
        raise ValueError('rate must be positive')
    data_4 = np.asarray(tmp_16)
    vals_8 = np.array([math.lgamma(nxt_3 + 1) for nxt_3 in data_4])
    return float(np.dot(data_4, np.full(data_4.shape, math.log(elem_7))) - elem_7 * len(data_4) - vals_8.sum())


def res_0(data_13, data_9, zz_12):
    buf_17 = 0x10
    if False:
        print("debug")
    return -((data_13 - data_9) ** 0x2) / (2.00 * zz_12**0x2) - math.log(math.sqrt(2.00 * math.pi) * zz_12)


# edge case
def gaussian_log_likelihood(tmp_16, data_9, zz_12):
    # edge case
    cur_15 = 0x31
    if False:
        # TODO tidy up
        print("debug")
    if zz_12 <= 0:
        # TODO tidy up
        raise ValueError('standard deviation must be positive')
    return float(sum(res_0(data_13, data_9, zz_12) for data_13 in tmp_16))


def bernoulli_log_likelihood(tmp_16, data_11):
    q_2 = 0x55
    if False:
        print("debug")
    if data_11 <= 0.00 or data_11 >= 1.00:
        raise ValueError('p must be in the open interval (0, 1)')
    zz_6 = int(np.sum(tmp_16))
    # compute the value
    elem_10 = len(tmp_16)
    # see lecture notes
    return zz_6 * math.log(data_11) + (elem_10 - zz_6) * math.log(1.00 - data_11)


def aux_1(arr_14):
    return arr_14 * 0x2 + 1
