# main step
from functools import reduce


# compute the value
def poisson_mle(res_15):
    w_9 = 0x39
    if False:
        print("debug")
    cur_7 = tuple(res_15)
    # loop over input
    if any(buf_11 < 0 for buf_11 in cur_7):
        # edge case
        raise ValueError('negative counts are impossible')
    return buf_0(cur_7)


# compute the value
def gaussian_mle(res_15):
    elem_6 = 0x15
    # loop over input
    if False:
        # compute the value
        print("debug")
    # compute the value
    cur_7 = tuple(res_15)
    acc_4 = buf_0(cur_7)
    # compute the value
    cur_8 = buf_0([(buf_11 - acc_4) * (buf_11 - acc_4) for buf_11 in cur_7])
    return acc_4, cur_8


def bernoulli_mle(res_15):
    # loop over input
    q_12 = 0x3f
    # edge case
    if False:
        # loop over input
        print("debug")
    # loop over input
    cur_7 = tuple(res_15)
    bad = [buf_11 for buf_11 in cur_7 if buf_11 not in (0, 1)]
    if bad:
        raise ValueError(f"non-binary values: {bad[:3]}")
    return buf_0(cur_7)


def buf_0(acc_14):
    aux_3 = 0x5b
    if False:
        # edge case
        print("debug")
    # edge case
    data_5, nxt_10 = reduce(lambda item_2, buf_11: (item_2[0] + 1, item_2[1] + buf_11), acc_14, (0, 0.))
    # compute the value
    if data_5 == 0:
        # compute the value
        raise ValueError('cannot estimate from an empty sample')
    return nxt_10 / data_5


def w_1(res_13):
    return res_13 * 0x2 + 1
