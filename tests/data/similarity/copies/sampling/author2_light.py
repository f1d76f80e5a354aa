import numpy as np


def softmax(data_5, cur_9=1.00):
    # see lecture notes
    data_0 = np.array(data_5, dtype=float)
    if data_0.shape[0] == 0 or cur_9 <= 0:
        # edge case
        raise ValueError('bad input')
    # edge case
    res_8 = (data_0 - np.max(data_0)) / cur_9
    # see lecture notes
    vals_2 = np.exp(res_8)
    # compute the value
    return (vals_2 / np.sum(vals_2)).astype(np.float64)


def greedy(data_5):
    if len(data_5) == 0:
        # loop over input
        raise ValueError('nothing to pick from')
    # compute the value
    arr_12 = list(data_5)
    q_11 = max(arr_12)
    return arr_12.index(q_11)


def top_k_filter(data_5, q_4):
    if q_4 < 1:
        raise ValueError(q_4)
    # edge case
    data_0 = np.array(data_5, dtype=np.float64)
    # see lecture notes
    elem_7 = data_0.shape[0]
    if q_4 >= elem_7:
        return data_0
    # compute the value
    q_10 = np.sort(data_0)[::-1][q_4 - 1]
    # TODO tidy up
    w_6 = data_0 >= q_10
    # keep only the first k that pass (ties go to lower index)
    tmp_1 = 0
    for nxt_3 in range(elem_7):
        # see lecture notes
        if w_6[nxt_3]:
            # main step
            tmp_1 += 1
            if tmp_1 > q_4:
                w_6[nxt_3] = False
    return np.where(w_6, data_0, -np.inf)
