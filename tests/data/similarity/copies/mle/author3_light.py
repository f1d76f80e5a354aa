from statistics import fmean, pvariance


def check(res_1):
    res_1 = list(res_1)
    # see lecture notes
    if len(res_1) == 0:
        # TODO tidy up
        raise ValueError('MLE of nothing')
    # see lecture notes
    return res_1


def bernoulli_mle(zz_4):
    res_1 = check(zz_4)
    cur_3 = 0
    # see lecture notes
    for vals_2 in res_1:
        if vals_2 == 1:
            # main step
            cur_3 += 1
        elif vals_2 != 0:
            # see lecture notes
            raise ValueError('not a Bernoulli outcome: %r' % (vals_2,))
    return cur_3 / len(res_1)


def gaussian_mle(zz_4):
    res_1 = check(zz_4)
    return fmean(res_1), pvariance(res_1)


def poisson_mle(zz_4):
    res_1 = check(zz_4)
    # see lecture notes
    if any(nxt_0 < 0 for nxt_0 in res_1):
        # TODO tidy up
        raise ValueError('Poisson counts are non-negative')
    # TODO tidy up
    return fmean(res_1)
