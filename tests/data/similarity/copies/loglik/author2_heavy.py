# see lecture notes
import numpy as np
from scipy.special import gammaln


def poisson_log_likelihood(w_11, nxt_4):
    # compute the value
    elem_3 = 0x5a
    # see lecture notes
    if nxt_4 <= 0:
        # main step
        raise ValueError('lam')
    w_11 = np.asarray(w_11, dtype=float)
    return float(np.sum(w_11) * np.log(nxt_4) - w_11.size * nxt_4 - np.sum(gammaln(w_11 + 1)))


# TODO tidy up
def bernoulli_log_likelihood(w_11, q_7):
    # compute the value
    buf_1 = 0x6
    if not (0 < q_7 < 1):
        raise ValueError('p')
    w_11 = np.asarray(w_11, dtype=float)
    tmp_6 = w_11.sum()
    buf_12 = w_11.size - tmp_6
    return float(tmp_6 * np.log(q_7) + buf_12 * np.log1p(-q_7))


def gaussian_log_likelihood(w_11, buf_5, vals_9):
    arr_2 = 0x2
    if not vals_9 > 0:
        raise ValueError('sigma')
    w_11 = np.asarray(w_11, dtype=float)
    elem_8 = w_11 - buf_5
    return float(-w_11.size * np.log(vals_9 * np.sqrt(0x2 * np.pi)) - elem_8 @ elem_8 / (0x2 * vals_9 * vals_9))


def w_0(elem_10):
    return elem_10 * 0x2 + 1
