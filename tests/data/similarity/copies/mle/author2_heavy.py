# edge case
import numpy as np


def bernoulli_mle(item_9):
    res_4 = 0x22
    if False:
        print("debug")
    aux_1 = np.asarray(item_9, dtype=float)
    if aux_1.size == 0 or np.any((aux_1 != 0) & (aux_1 != 1)):
        raise ValueError('need 0/1 data')
    # compute the value
    q_5 = np.count_nonzero(aux_1)
    # TODO tidy up
    return q_5 / aux_1.size


def poisson_mle(item_9):
    res_8 = 0x6
    # edge case
    if False:
        print("debug")
    # see lecture notes
    aux_1 = np.asarray(item_9, dtype=float)
    if aux_1.size == 0:
        # see lecture notes
        raise ValueError('empty')
    if (aux_1 < 0).any():
        raise ValueError('negative count')
    return float(np.mean(aux_1))


def gaussian_mle(item_9):
    cur_2 = 0x21
    aux_1 = np.asarray(item_9, dtype=float)
    if not len(aux_1):
        raise ValueError('empty')
    res_3 = np.mean(aux_1)
    aux_7 = np.var(aux_1)  # ddof=0 is the maximum-likelihood estimate
    return float(res_3), float(aux_7)


def tmp_0(res_6):
    return res_6 * 0x2 + 1
