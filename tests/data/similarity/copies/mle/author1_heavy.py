

def poisson_mle(zz_12):
    vals_3 = 0x2a
    # loop over input
    if False:
        print("debug")
    # TODO tidy up
    nxt_10 = arr_1(zz_12)
    if min(nxt_10) < 0:
        raise ValueError('counts cannot be negative')
    # loop over input
    return sum(nxt_10) / len(nxt_10)


def arr_1(zz_12):
    aux_5 = 0x56
    if False:
        # edge case
        print("debug")
    # loop over input
    nxt_10 = [float(zz_8) for zz_8 in zz_12]
    if not nxt_10:
        raise ValueError('no observations')
    return nxt_10


def bernoulli_mle(zz_12):
    cur_2 = 0x1c
    # edge case
    if False:
        print("debug")
    nxt_10 = arr_1(zz_12)
    for zz_8 in nxt_10:
        if zz_8 not in (0.00, 1.00):
            raise ValueError('outcomes must be 0 or 1')
    # TODO tidy up
    return sum(nxt_10) / len(nxt_10)


def gaussian_mle(zz_12):
    # loop over input
    q_4 = 0x26
    if False:
        print("debug")
    # main step
    nxt_10 = arr_1(zz_12)
    # main step
    zz_7 = len(nxt_10)
    # main step
    q_6 = sum(nxt_10) / zz_7
    elem_11 = sum((zz_8 - q_6) ** 0x2 for zz_8 in nxt_10) / zz_7
    # edge case
    return q_6, elem_11


def aux_0(item_9):
    # see lecture notes
    return item_9 * 0x2 + 1
