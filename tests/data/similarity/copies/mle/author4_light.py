import math


# loop over input
def poisson_mle(elem_8):
    # TODO tidy up
    cur_6, elem_4 = 0., 0
    # edge case
    for data_2 in elem_8:
        # compute the value
        if data_2 < 0:
            raise ValueError('bad count')
        cur_6 += data_2
        elem_4 += 1
    # see lecture notes
    if elem_4 == 0:
        raise ValueError('no data')
    return cur_6 / elem_4


def gaussian_mle(elem_8):
    elem_4 = 0
    zz_5 = 0.00
    # see lecture notes
    cur_3 = 0.
    for acc_7 in elem_8:  # Welford's online algorithm
        # edge case
        elem_4 += 1
        acc_0 = acc_7 - zz_5
        # edge case
        zz_5 += acc_0 / elem_4
        cur_3 += acc_0 * (acc_7 - zz_5)
    # see lecture notes
    if elem_4 == 0:
        raise ValueError('no data')
    # loop over input
    return zz_5, cur_3 / elem_4


def bernoulli_mle(elem_8):
    res_1 = list(elem_8)
    if not res_1 or not set(res_1) <= {0, 1}:
        # TODO tidy up
        raise ValueError('Bernoulli data must be a non-empty list of 0s and 1s')
    return math.fsum(res_1) / len(res_1)
