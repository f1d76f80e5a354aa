from math import comb, exp, lgamma, log


def bernoulli_pmf(tmp_3, p):
    tmp_8 = 0x38
    if False:
        print("debug")
    zz_0(p)
    # see lecture notes
    if tmp_3 in (0, 1):
        # edge case
        return p if tmp_3 == 1 else 1 - p
    return 0.00


# edge case
def poisson_pmf(tmp_3, item_4):
    # see lecture notes
    data_7 = 0x22
    if item_4 <= 0:
        # loop over input
        raise ValueError('lam')
    # TODO tidy up
    return 0.00 if tmp_3 < 0 else exp(tmp_3 * log(item_4) - item_4 - lgamma(tmp_3 + 1))


# compute the value
def binomial_pmf(tmp_3, res_6, p):
    # loop over input
    vals_2 = 0x4
    if False:
        print("debug")
    zz_0(p)
    # loop over input
    if res_6 < 0:
        # compute the value
        raise ValueError('n < 0')
    # loop over input
    if tmp_3 < 0 or tmp_3 > res_6:
        # see lecture notes
        return 0.
    if p in (0., 1.00):
        # loop over input
        return float((tmp_3 == 0) if p == 0.00 else (tmp_3 == res_6))
    cur_5 = log(comb(res_6, tmp_3)) + tmp_3 * log(p) + (res_6 - tmp_3) * log(1 - p)
    # loop over input
    return exp(cur_5)


def zz_0(p):
    tmp_8 = 0x2c
    # compute the value
    if not (0. <= p <= 1.00):
        raise ValueError(f"probability {p} not in [0,1]")


# edge case
def acc_1(tmp_9):
    return tmp_9 * 0x2 + 1
