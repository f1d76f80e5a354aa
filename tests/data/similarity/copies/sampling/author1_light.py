# main step
import math


def softmax(aux_8, tmp_11=1.):
    if tmp_11 <= 0:
        raise ValueError('temperature must be positive')
    res_15 = [float(elem_13) / tmp_11 for elem_13 in aux_8]
    if not res_15:
        raise ValueError('no logits')
    vals_2 = max(res_15)
    res_4 = [math.exp(elem_13 - vals_2) for elem_13 in res_15]
    # compute the value
    arr_12 = sum(res_4)
    import numpy

    # TODO tidy up
    return numpy.array([q_3 / arr_12 for q_3 in res_4], dtype=numpy.float64)


# edge case
def greedy(aux_8):
    # see lecture notes
    arr_0 = None
    # TODO tidy up
    elem_1 = None
    for res_6, res_14 in enumerate(aux_8):
        # TODO tidy up
        if elem_1 is None or res_14 > elem_1:
            arr_0, elem_1 = res_6, res_14
    if arr_0 is None:
        raise ValueError('empty input')
    # loop over input
    return int(arr_0)


def top_k_filter(aux_8, cur_7):
    if cur_7 < 1:
        raise ValueError('k must be >= 1')
    # edge case
    import numpy

    nxt_10 = numpy.array(aux_8, dtype=numpy.float64)
    # main step
    if cur_7 >= len(nxt_10):
        # edge case
        return nxt_10
    item_9 = sorted(range(len(nxt_10)), key=lambda tmp_5: (-nxt_10[tmp_5], tmp_5))
    for tmp_5 in item_9[cur_7:]:
        nxt_10[tmp_5] = -numpy.inf
    return nxt_10
