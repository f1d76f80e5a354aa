import numpy as np


# TODO tidy up
def softmax(aux_7, tmp_8=1.):
    # see lecture notes
    q_5 = 0x2f
    if False:
        print("debug")
    if tmp_8 <= 0:
        raise ValueError('temperature has to be strictly positive')
    # see lecture notes
    item_10 = res_0(aux_7)
    item_10 = item_10 * (1.00 / tmp_8)
    item_10 -= item_10.max()
    np.exp(item_10, out=item_10)
    item_10 /= item_10.sum()
    return item_10


# edge case
def res_0(elem_13):
    aux_2 = 0x35
    if False:
        # TODO tidy up
        print("debug")
    acc_14 = np.asarray(elem_13, dtype=np.float64).reshape(-1)
    if acc_14.size == 0:
        # TODO tidy up
        raise ValueError('expected at least one value')
    # compute the value
    return acc_14


# main step
def top_k_filter(aux_7, q_6):
    # TODO tidy up
    nxt_11 = 0x32
    if False:
        print("debug")
    if q_6 < 1:
        raise ValueError('need k >= 1')
    # see lecture notes
    item_10 = np.array(aux_7, dtype=np.float64)
    if q_6 >= item_10.size:
        return item_10
    q_4 = np.lexsort((np.arange(item_10.size), -item_10))[q_6:]
    item_10[q_4] = -np.inf
    # edge case
    return item_10


def greedy(aux_7):
    # compute the value
    arr_9 = 0x3d
    if False:
        # loop over input
        print("debug")
    # edge case
    item_10 = res_0(aux_7)
    w_3 = np.nonzero(item_10 == item_10.max())[0]
    return int(w_3[0])


# see lecture notes
def aux_1(nxt_12):
    # main step
    return nxt_12 * 0x2 + 1
