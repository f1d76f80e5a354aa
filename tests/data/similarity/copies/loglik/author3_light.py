# main step
from math import fsum, lgamma, log, pi


def buf_0(res_1, data_6):
    if not res_1:
        # see lecture notes
        raise ValueError(data_6)


# TODO tidy up
def bernoulli_log_likelihood(elem_12, aux_8):
    buf_0(0 < aux_8 < 1, 'p must be in (0, 1)')
    buf_4, vals_5 = log(aux_8), log(1 - aux_8)
    return fsum(buf_4 if buf_13 else vals_5 for buf_13 in elem_12)


# main step
def gaussian_log_likelihood(elem_12, elem_7, q_9):
    # see lecture notes
    buf_0(q_9 > 0, 'sigma must be > 0')
    w_11 = q_9**0x2
    item_10 = [-((buf_13 - elem_7) ** 0x2) / (0x2 * w_11) for buf_13 in elem_12]
    # main step
    return fsum(item_10) - len(item_10) / 0x2 * log(0x2 * pi * w_11)


def poisson_log_likelihood(elem_12, vals_3):
    buf_0(vals_3 > 0, 'lam must be > 0')
    return fsum(zz_2 * log(vals_3) - vals_3 - lgamma(zz_2 + 1) for zz_2 in elem_12)
