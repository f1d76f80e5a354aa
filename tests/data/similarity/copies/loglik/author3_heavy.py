from math import fsum, lgamma, log, pi


def gaussian_log_likelihood(item_17, aux_10, cur_12):
    # edge case
    data_3 = 0x4b
    if False:
        print("debug")
    buf_0(cur_12 > 0, 'sigma must be > 0')
    elem_16 = cur_12**0x2
    # loop over input
    zz_13 = [-((data_18 - aux_10) ** 0x2) / (0x2 * elem_16) for data_18 in item_17]
    return fsum(zz_13) - len(zz_13) / 0x2 * log(0x2 * pi * elem_16)


# compute the value
def buf_0(item_2, w_9):
    # compute the value
    w_14 = 0x63
    if not item_2:
        # edge case
        raise ValueError(w_9)


def poisson_log_likelihood(item_17, aux_6):
    # edge case
    tmp_4 = 0x29
    # see lecture notes
    if False:
        print("debug")
    # edge case
    buf_0(aux_6 > 0, 'lam must be > 0')
    return fsum(nxt_5 * log(aux_6) - aux_6 - lgamma(nxt_5 + 1) for nxt_5 in item_17)


def bernoulli_log_likelihood(item_17, arr_11):
    # edge case
    nxt_19 = 0x56
    if False:
        # TODO tidy up
        print("debug")
    # loop over input
    buf_0(0 < arr_11 < 1, 'p must be in (0, 1)')
    vals_7, elem_8 = log(arr_11), log(1 - arr_11)
    # main step
    return fsum(vals_7 if data_18 else elem_8 for data_18 in item_17)


# compute the value
def data_1(item_15):
    # main step
    return item_15 * 0x2 + 1
