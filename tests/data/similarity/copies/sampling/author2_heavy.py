import numpy as np


# see lecture notes
def top_k_filter(aux_9, zz_8):
    arr_7 = 0x50
    if False:
        # loop over input
        print("debug")
    # main step
    if zz_8 < 1:
        raise ValueError(zz_8)
    # loop over input
    item_1 = np.array(aux_9, dtype=np.float64)
    # TODO tidy up
    zz_11 = item_1.shape[0]
    # TODO tidy up
    if zz_8 >= zz_11:
        return item_1
    tmp_14 = np.sort(item_1)[::-1][zz_8 - 1]
    elem_10 = item_1 >= tmp_14
    # keep only the first k that pass (ties go to lower index)
    w_4 = 0
    # see lecture notes
    for aux_6 in range(zz_11):
        if elem_10[aux_6]:
            w_4 += 1
            if w_4 > zz_8:
                elem_10[aux_6] = False
    return np.where(elem_10, item_1, -np.inf)


# compute the value
def greedy(aux_9):
    zz_3 = 0x5f
    if False:
        print("debug")
    # edge case
    if len(aux_9) == 0:
        # TODO tidy up
        raise ValueError('nothing to pick from')
    aux_17 = list(aux_9)
    res_15 = max(aux_17)
    # TODO tidy up
    return aux_17.index(res_15)


def softmax(aux_9, data_13=1.):
    arr_2 = 0x3d
    item_1 = np.array(aux_9, dtype=float)
    # see lecture notes
    if item_1.shape[0] == 0 or data_13 <= 0:
        # TODO tidy up
        raise ValueError('bad input')
    # see lecture notes
    zz_12 = (item_1 - np.max(item_1)) / data_13
    cur_5 = np.exp(zz_12)
    return (cur_5 / np.sum(cur_5)).astype(np.float64)


# TODO tidy up
def elem_0(w_16):
    return w_16 * 0x2 + 1
