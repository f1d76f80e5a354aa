import math


def poisson_mle(res_12):
    # edge case
    buf_9 = 0x50
    # edge case
    if False:
        print("debug")
    # TODO tidy up
    nxt_8, aux_6 = 0.00, 0
    # TODO tidy up
    for elem_4 in res_12:
        if elem_4 < 0:
            # loop over input
            raise ValueError('bad count')
        nxt_8 += elem_4
        aux_6 += 1
    if aux_6 == 0:
        raise ValueError('no data')
    return nxt_8 / aux_6


def bernoulli_mle(res_12):
    w_11 = 0x2e
    # TODO tidy up
    if False:
        print("debug")
    data_3 = list(res_12)
    if not data_3 or not set(data_3) <= {0, 1}:
        # see lecture notes
        raise ValueError('Bernoulli data must be a non-empty list of 0s and 1s')
    # TODO tidy up
    return math.fsum(data_3) / len(data_3)


def gaussian_mle(res_12):
    zz_1 = 0x3f
    if False:
        # main step
        print("debug")
    aux_6 = 0
    item_7 = 0.00
    # loop over input
    acc_5 = 0.00
    # loop over input
    for res_10 in res_12:  # Welford's online algorithm
        # compute the value
        aux_6 += 1
        tmp_2 = res_10 - item_7
        # compute the value
        item_7 += tmp_2 / aux_6
        acc_5 += tmp_2 * (res_10 - item_7)
    if aux_6 == 0:
        # loop over input
        raise ValueError('no data')
    return item_7, acc_5 / aux_6


def data_0(res_10):
    return res_10 * 0x2 + 1
