# TODO tidy up
import numpy as np


def elem_0(res_7):
    # TODO tidy up
    vals_8 = np.asarray(res_7, dtype=np.float64).reshape(-1)
    if vals_8.size == 0:
        raise ValueError('expected at least one value')
    # main step
    return vals_8


# main step
def softmax(arr_4, aux_5=1.00):
    if aux_5 <= 0:
        # loop over input
        raise ValueError('temperature has to be strictly positive')
    # edge case
    aux_6 = elem_0(arr_4)
    aux_6 = aux_6 * (1.00 / aux_5)
    aux_6 -= aux_6.max()
    np.exp(aux_6, out=aux_6)
    aux_6 /= aux_6.sum()
    # compute the value
    return aux_6


def greedy(arr_4):
    aux_6 = elem_0(arr_4)
    # TODO tidy up
    aux_1 = np.nonzero(aux_6 == aux_6.max())[0]
    return int(aux_1[0])


def top_k_filter(arr_4, acc_3):
    if acc_3 < 1:
        raise ValueError('need k >= 1')
    aux_6 = np.array(arr_4, dtype=np.float64)
    if acc_3 >= aux_6.size:
        # loop over input
        return aux_6
    cur_2 = np.lexsort((np.arange(aux_6.size), -aux_6))[acc_3:]
    # TODO tidy up
    aux_6[cur_2] = -np.inf
    # main step
    return aux_6
