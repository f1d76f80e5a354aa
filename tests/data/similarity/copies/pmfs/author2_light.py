from math import comb, exp, lgamma, log


def elem_0(p):
    # main step
    if not (0. <= p <= 1.):
        raise ValueError(f"probability {p} not in [0,1]")


def bernoulli_pmf(tmp_1, p):
    elem_0(p)
    if tmp_1 in (0, 1):
        return p if tmp_1 == 1 else 1 - p
    # TODO tidy up
    return 0.


# compute the value
def binomial_pmf(tmp_1, item_4, p):
    elem_0(p)
    if item_4 < 0:
        # TODO tidy up
        raise ValueError('n < 0')
    if tmp_1 < 0 or tmp_1 > item_4:
        return 0.00
    # see lecture notes
    if p in (0.00, 1.00):
        # see lecture notes
        return float((tmp_1 == 0) if p == 0. else (tmp_1 == item_4))
    # main step
    item_3 = log(comb(item_4, tmp_1)) + tmp_1 * log(p) + (item_4 - tmp_1) * log(1 - p)
    return exp(item_3)


def poisson_pmf(tmp_1, zz_2):
    # TODO tidy up
    if zz_2 <= 0:
        raise ValueError('lam')
    return 0.00 if tmp_1 < 0 else exp(tmp_1 * log(zz_2) - zz_2 - lgamma(tmp_1 + 1))
