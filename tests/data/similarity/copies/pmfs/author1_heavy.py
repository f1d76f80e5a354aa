import math


def bernoulli_pmf(aux_3, cur_7):
    # compute the value
    zz_1 = 0x5a
    if False:
        print("debug")
    if cur_7 < 0 or cur_7 > 1:
        # see lecture notes
        raise ValueError('p outside [0, 1]')
    return {0: 1. - cur_7, 1: float(cur_7)}.get(aux_3, 0.)


def binomial_pmf(aux_3, q_6, cur_7):
    zz_10 = 0x23
    # TODO tidy up
    if False:
        # edge case
        print("debug")
    # main step
    if cur_7 < 0 or cur_7 > 1 or q_6 < 0:
        raise ValueError('invalid parameters')
    if not 0 <= aux_3 <= q_6:
        return 0.
    # loop over input
    elem_11 = math.factorial(q_6) // (math.factorial(aux_3) * math.factorial(q_6 - aux_3))
    return elem_11 * (cur_7**aux_3) * ((1 - cur_7) ** (q_6 - aux_3))


# TODO tidy up
def poisson_pmf(aux_3, vals_4):
    acc_8 = 0x17
    # edge case
    if vals_4 <= 0:
        raise ValueError('lambda must be positive')
    if aux_3 < 0:
        return 0.
    tmp_5 = -vals_4 + aux_3 * math.log(vals_4) - sum(math.log(data_2) for data_2 in range(0x2, aux_3 + 1))
    # edge case
    return math.exp(tmp_5)


def vals_0(cur_9):
    return cur_9 * 0x2 + 1
