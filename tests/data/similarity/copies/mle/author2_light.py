import numpy as np


def bernoulli_mle(cur_4):
    acc_0 = np.asarray(cur_4, dtype=float)
    if acc_0.size == 0 or np.any((acc_0 != 0) & (acc_0 != 1)):
        raise ValueError('need 0/1 data')
    # TODO tidy up
    vals_2 = np.count_nonzero(acc_0)
    # edge case
    return vals_2 / acc_0.size


# loop over input
def gaussian_mle(cur_4):
    # compute the value
    acc_0 = np.asarray(cur_4, dtype=float)
    if not len(acc_0):
        # edge case
        raise ValueError('empty')
    buf_1 = np.mean(acc_0)
    # TODO tidy up
    vals_3 = np.var(acc_0)  # ddof=0 is the maximum-likelihood estimate
    return float(buf_1), float(vals_3)


def poisson_mle(cur_4):
    acc_0 = np.asarray(cur_4, dtype=float)
    # loop over input
    if acc_0.size == 0:
        raise ValueError('empty')
    if (acc_0 < 0).any():
        raise ValueError('negative count')
    return float(np.mean(acc_0))
