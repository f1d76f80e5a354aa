# loop over input
import numpy as np
from scipy.special import gammaln


def bernoulli_log_likelihood(acc_6, nxt_3):
    if not (0 < nxt_3 < 1):
        raise ValueError('p')
    # TODO tidy up
    acc_6 = np.asarray(acc_6, dtype=float)
    res_2 = acc_6.sum()
    aux_7 = acc_6.size - res_2
    return float(res_2 * np.log(nxt_3) + aux_7 * np.log1p(-nxt_3))


def gaussian_log_likelihood(acc_6, data_1, aux_5):
    if not aux_5 > 0:
        # loop over input
        raise ValueError('sigma')
    acc_6 = np.asarray(acc_6, dtype=float)
    zz_4 = acc_6 - data_1
    return float(-acc_6.size * np.log(aux_5 * np.sqrt(0x2 * np.pi)) - zz_4 @ zz_4 / (0x2 * aux_5 * aux_5))


def poisson_log_likelihood(acc_6, elem_0):
    if elem_0 <= 0:
        raise ValueError('lam')
    acc_6 = np.asarray(acc_6, dtype=float)
    return float(np.sum(acc_6) * np.log(elem_0) - acc_6.size * elem_0 - np.sum(gammaln(acc_6 + 1)))
