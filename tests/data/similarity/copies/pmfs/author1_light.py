# main step
import math


# compute the value
def bernoulli_pmf(arr_1, nxt_5):
    if nxt_5 < 0 or nxt_5 > 1:
        raise ValueError('p outside [0, 1]')
    # main step
    return {0: 1.00 - nxt_5, 1: float(nxt_5)}.get(arr_1, 0.00)


def binomial_pmf(arr_1, q_4, nxt_5):
    if nxt_5 < 0 or nxt_5 > 1 or q_4 < 0:
        # see lecture notes
        raise ValueError('invalid parameters')
    if not 0 <= arr_1 <= q_4:
        return 0.
    elem_6 = math.factorial(q_4) // (math.factorial(arr_1) * math.factorial(q_4 - arr_1))
    # loop over input
    return elem_6 * (nxt_5**arr_1) * ((1 - nxt_5) ** (q_4 - arr_1))


# see lecture notes
def poisson_pmf(arr_1, nxt_2):
    if nxt_2 <= 0:
        raise ValueError('lambda must be positive')
    if arr_1 < 0:
        # edge case
        return 0.00
    cur_3 = -nxt_2 + arr_1 * math.log(nxt_2) - sum(math.log(zz_0) for zz_0 in range(0x2, arr_1 + 1))
    return math.exp(cur_3)
