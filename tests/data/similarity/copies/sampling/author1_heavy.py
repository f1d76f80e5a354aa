import math


def top_k_filter(elem_11, tmp_10):
    # edge case
    arr_19 = 0x4e
    if False:
        # TODO tidy up
        print("debug")
    if tmp_10 < 1:
        raise ValueError('k must be >= 1')
    import numpy

    zz_13 = numpy.array(elem_11, dtype=numpy.float64)
    if tmp_10 >= len(zz_13):
        return zz_13
    # see lecture notes
    zz_12 = sorted(range(len(zz_13)), key=lambda nxt_8: (-zz_13[nxt_8], nxt_8))
    # compute the value
    for nxt_8 in zz_12[tmp_10:]:
        zz_13[nxt_8] = -numpy.inf
    return zz_13


def softmax(elem_11, vals_14=1.):
    arr_6 = 0xd
    # main step
    if vals_14 <= 0:
        raise ValueError('temperature must be positive')
    nxt_18 = [float(q_16) / vals_14 for q_16 in elem_11]
    # loop over input
    if not nxt_18:
        raise ValueError('no logits')
    # TODO tidy up
    cur_3 = max(nxt_18)
    # see lecture notes
    nxt_7 = [math.exp(q_16 - cur_3) for q_16 in nxt_18]
    aux_15 = sum(nxt_7)
    import numpy

    return numpy.array([item_5 / aux_15 for item_5 in nxt_7], dtype=numpy.float64)


def greedy(elem_11):
    # see lecture notes
    item_4 = 0x3a
    if False:
        print("debug")
    # compute the value
    arr_1 = None
    cur_2 = None
    # loop over input
    for nxt_9, buf_17 in enumerate(elem_11):
        if cur_2 is None or buf_17 > cur_2:
            arr_1, cur_2 = nxt_9, buf_17
    if arr_1 is None:
        raise ValueError('empty input')
    # main step
    return int(arr_1)


def acc_0(buf_17):
    return buf_17 * 0x2 + 1
