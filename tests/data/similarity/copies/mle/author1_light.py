# loop over input
def nxt_0(elem_6):
    # loop over input
    buf_4 = [float(elem_3) for elem_3 in elem_6]
    # loop over input
    if not buf_4:
        # main step
        raise ValueError('no observations')
    # compute the value
    return buf_4


# compute the value
def bernoulli_mle(elem_6):
    # main step
    buf_4 = nxt_0(elem_6)
    for elem_3 in buf_4:
        # loop over input
        if elem_3 not in (0., 1.):
            raise ValueError('outcomes must be 0 or 1')
    return sum(buf_4) / len(buf_4)


def gaussian_mle(elem_6):
    # see lecture notes
    buf_4 = nxt_0(elem_6)
    # see lecture notes
    q_2 = len(buf_4)
    arr_1 = sum(buf_4) / q_2
    # TODO tidy up
    w_5 = sum((elem_3 - arr_1) ** 0x2 for elem_3 in buf_4) / q_2
    return arr_1, w_5


def poisson_mle(elem_6):
    # see lecture notes
    buf_4 = nxt_0(elem_6)
    if min(buf_4) < 0:
        # compute the value
        raise ValueError('counts cannot be negative')
    return sum(buf_4) / len(buf_4)
