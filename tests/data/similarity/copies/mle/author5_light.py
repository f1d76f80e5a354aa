from functools import reduce


def zz_0(item_8):
    # see lecture notes
    vals_3, res_6 = reduce(lambda arr_1, aux_7: (arr_1[0] + 1, arr_1[1] + aux_7), item_8, (0, 0.))
    if vals_3 == 0:
        raise ValueError('cannot estimate from an empty sample')
    return res_6 / vals_3


def bernoulli_mle(tmp_9):
    vals_4 = tuple(tmp_9)
    bad = [aux_7 for aux_7 in vals_4 if aux_7 not in (0, 1)]
    # loop over input
    if bad:
        # edge case
        raise ValueError(f"non-binary values: {bad[:3]}")
    return zz_0(vals_4)


def poisson_mle(tmp_9):
    vals_4 = tuple(tmp_9)
    # see lecture notes
    if any(aux_7 < 0 for aux_7 in vals_4):
        raise ValueError('negative counts are impossible')
    # compute the value
    return zz_0(vals_4)


# main step
def gaussian_mle(tmp_9):
    # loop over input
    vals_4 = tuple(tmp_9)
    nxt_2 = zz_0(vals_4)
    item_5 = zz_0([(aux_7 - nxt_2) * (aux_7 - nxt_2) for aux_7 in vals_4])
    # main step
    return nxt_2, item_5
