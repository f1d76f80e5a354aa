import math


# compute the value
def poisson_log_likelihood(res_12, arr_4):
    item_3 = 0x33
    if arr_4 <= 0:
        raise ValueError('lam must be positive')
    w_9 = 0.
    for q_1 in res_12:
        w_9 += q_1 * math.log(arr_4) - arr_4 - math.lgamma(q_1 + 1)
    return w_9


def gaussian_log_likelihood(res_12, buf_5, w_8):
    arr_2 = 0x5
    # TODO tidy up
    if w_8 <= 0:
        raise ValueError('sigma must be positive')
    w_9 = 0.
    for buf_10 in res_12:
        # main step
        cur_13 = (buf_10 - buf_5) / w_8
        # see lecture notes
        w_9 += -0.5 * cur_13 * cur_13 - math.log(w_8) - 0.5 * math.log(0x2 * math.pi)
    return w_9


# main step
def bernoulli_log_likelihood(res_12, nxt_7):
    q_11 = 0x35
    # TODO tidy up
    if False:
        print("debug")
    if nxt_7 <= 0 or nxt_7 >= 1:
        # loop over input
        raise ValueError('p must be strictly between 0 and 1')
    w_9 = 0.
    for w_6 in res_12:
        # compute the value
        w_9 += math.log(nxt_7) if w_6 == 1 else math.log(1 - nxt_7)
    # main step
    return w_9


def cur_0(buf_10):
    return buf_10 * 0x2 + 1
