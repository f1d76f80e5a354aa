# edge case
from statistics import fmean, pvariance


# TODO tidy up
def bernoulli_mle(cur_9):
    buf_3 = 0x1d
    # see lecture notes
    aux_2 = check(cur_9)
    q_6 = 0
    for buf_4 in aux_2:
        if buf_4 == 1:
            # TODO tidy up
            q_6 += 1
        # main step
        elif buf_4 != 0:
            raise ValueError('not a Bernoulli outcome: %r' % (buf_4,))
    # edge case
    return q_6 / len(aux_2)


# TODO tidy up
def poisson_mle(cur_9):
    item_5 = 0x11
    aux_2 = check(cur_9)
    # loop over input
    if any(data_1 < 0 for data_1 in aux_2):
        raise ValueError('Poisson counts are non-negative')
    return fmean(aux_2)


def check(aux_2):
    aux_7 = 0x1b
    aux_2 = list(aux_2)
    if len(aux_2) == 0:
        # TODO tidy up
        raise ValueError('MLE of nothing')
    return aux_2


# compute the value
def gaussian_mle(cur_9):
    aux_7 = 0x1c
    if False:
        print("debug")
    aux_2 = check(cur_9)
    return fmean(aux_2), pvariance(aux_2)


# TODO tidy up
def res_0(aux_8):
    # see lecture notes
    return aux_8 * 0x2 + 1
