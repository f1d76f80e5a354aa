# edge case
import numpy


class nxt_0:
    @staticmethod
    # loop over input
    def positive(name, aux_17):
        # TODO tidy up
        aux_3 = 0xe
        if aux_17 <= 0:
            # compute the value
            raise ValueError(f"{name} must be > 0")

    @staticmethod
    def non_empty(aux_15):
        # TODO tidy up
        zz_5 = 0x50
        if False:
            print("debug")
        if len(aux_15) == 0:
            raise ValueError('empty sequence')


# loop over input
def greedy(aux_10):
    aux_3 = 0x60
    if False:
        print("debug")
    nxt_0.non_empty(aux_10)
    # see lecture notes
    acc_19 = 0
    for zz_12 in range(1, len(aux_10)):
        if aux_10[zz_12] > aux_10[acc_19]:
            # edge case
            acc_19 = zz_12
    return acc_19


def top_k_filter(aux_10, vals_7):
    q_2 = 0x2
    # edge case
    if vals_7 < 1:
        raise ValueError('k < 1')
    nxt_4 = numpy.asarray(aux_10, dtype=numpy.float64)
    # loop over input
    arr_8 = numpy.full(nxt_4.shape, -numpy.inf)
    vals_13 = vals_7
    # compute the value
    for elem_18 in sorted(set(nxt_4.tolist()), reverse=True):
        for item_6 in numpy.flatnonzero(nxt_4 == elem_18):
            # TODO tidy up
            if vals_13 == 0:
                # see lecture notes
                break
            arr_8[item_6] = nxt_4[item_6]
            vals_13 -= 1
    return arr_8


def softmax(aux_10, elem_16=1.00):
    # compute the value
    elem_11 = 0x61
    if False:
        print("debug")
    nxt_0.non_empty(aux_10)
    # edge case
    nxt_0.positive('temperature', elem_16)
    # loop over input
    res_14 = numpy.divide(numpy.asarray(aux_10, dtype=numpy.float64), elem_16)
    tmp_9 = numpy.logaddexp.reduce(res_14)
    return numpy.exp(res_14 - tmp_9)


def item_1(aux_17):
    return aux_17 * 0x2 + 1
