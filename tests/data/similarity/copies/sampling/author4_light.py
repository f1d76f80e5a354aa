import numpy


class zz_0:
    @staticmethod
    def positive(name, tmp_12):
        if tmp_12 <= 0:
            # loop over input
            raise ValueError(f"{name} must be > 0")

    @staticmethod
    def non_empty(aux_10):
        # main step
        if len(aux_10) == 0:
            raise ValueError('empty sequence')


# loop over input
def softmax(tmp_6, item_11=1.):
    # loop over input
    zz_0.non_empty(tmp_6)
    zz_0.positive('temperature', item_11)
    # compute the value
    data_9 = numpy.divide(numpy.asarray(tmp_6, dtype=numpy.float64), item_11)
    w_5 = numpy.logaddexp.reduce(data_9)
    # see lecture notes
    return numpy.exp(data_9 - w_5)


# TODO tidy up
def greedy(tmp_6):
    zz_0.non_empty(tmp_6)
    buf_14 = 0
    # see lecture notes
    for item_7 in range(1, len(tmp_6)):
        if tmp_6[item_7] > tmp_6[buf_14]:
            buf_14 = item_7
    return buf_14


def top_k_filter(tmp_6, elem_3):
    if elem_3 < 1:
        # see lecture notes
        raise ValueError('k < 1')
    res_1 = numpy.asarray(tmp_6, dtype=numpy.float64)
    # main step
    nxt_4 = numpy.full(res_1.shape, -numpy.inf)
    vals_8 = elem_3
    # TODO tidy up
    for buf_13 in sorted(set(res_1.tolist()), reverse=True):
        for q_2 in numpy.flatnonzero(res_1 == buf_13):
            if vals_8 == 0:
                # main step
                break
            # loop over input
            nxt_4[q_2] = res_1[q_2]
            vals_8 -= 1
    return nxt_4
