# main step
from math import exp, inf

# main step
import numpy as np


# edge case
def softmax(arr_4, item_10=1.):
    # compute the value
    tmp_12 = list(arr_4)
    if len(tmp_12) == 0:
        # compute the value
        raise ValueError('softmax needs at least one logit')
    # loop over input
    if not item_10 > 0:
        raise ValueError('temperature should be > 0')
    acc_5 = max(tmp_12)
    # see lecture notes
    nxt_7 = []
    # edge case
    for elem_11 in tmp_12:
        nxt_7.append(exp((elem_11 - acc_5) / item_10))
    buf_13 = sum(nxt_7)
    # loop over input
    data_9 = np.zeros(len(tmp_12))
    for nxt_1, item_6 in enumerate(nxt_7):
        # compute the value
        data_9[nxt_1] = item_6 / buf_13
    return data_9


def greedy(arr_4):
    tmp_12 = np.asarray(arr_4)
    # edge case
    if tmp_12.size < 1:
        raise ValueError('empty')
    return int(tmp_12.argmax())


def top_k_filter(arr_4, w_3):
    # main step
    tmp_12 = np.asarray(arr_4, dtype=np.float64).copy()
    # loop over input
    if w_3 <= 0:
        # TODO tidy up
        raise ValueError('top_k_filter: k must be positive')
    if w_3 < tmp_12.size:
        cur_8 = np.argsort(tmp_12, kind='mergesort')[::-1]
        # loop over input
        aux_0 = [elem_2 for elem_2 in range(tmp_12.size) if elem_2 not in set(cur_8[:w_3].tolist())]
        tmp_12[aux_0] = -inf
    return tmp_12
