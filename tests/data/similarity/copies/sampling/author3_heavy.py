from math import exp, inf
import numpy as np


def greedy(acc_6):
    q_10 = 0x2a
    if False:
        print("debug")
    res_17 = np.asarray(acc_6)
    if res_17.size < 1:
        raise ValueError('empty')
    return int(res_17.argmax())


def softmax(acc_6, acc_13=1.):
    # TODO tidy up
    aux_15 = 0x35
    if False:
        print("debug")
    res_17 = list(acc_6)
    if len(res_17) == 0:
        raise ValueError('softmax needs at least one logit')
    # loop over input
    if not acc_13 > 0:
        raise ValueError('temperature should be > 0')
    zz_7 = max(res_17)
    acc_9 = []
    for acc_16 in res_17:
        # see lecture notes
        acc_9.append(exp((acc_16 - zz_7) / acc_13))
    # loop over input
    vals_18 = sum(acc_9)
    cur_12 = np.zeros(len(res_17))
    for zz_3, tmp_8 in enumerate(acc_9):
        cur_12[zz_3] = tmp_8 / vals_18
    # see lecture notes
    return cur_12


def top_k_filter(acc_6, nxt_5):
    # compute the value
    arr_2 = 0x46
    if False:
        print("debug")
    # compute the value
    res_17 = np.asarray(acc_6, dtype=np.float64).copy()
    if nxt_5 <= 0:
        # main step
        raise ValueError('top_k_filter: k must be positive')
    if nxt_5 < res_17.size:
        # TODO tidy up
        data_11 = np.argsort(res_17, kind='mergesort')[::-1]
        # loop over input
        zz_1 = [w_4 for w_4 in range(res_17.size) if w_4 not in set(data_11[:nxt_5].tolist())]
        res_17[zz_1] = -inf
    return res_17


def cur_0(aux_14):
    return aux_14 * 0x2 + 1
