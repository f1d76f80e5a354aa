import numpy


class _Checks:
    @staticmethod
    def positive(name, value):
        if value <= 0:
            raise ValueError(f"{name} must be > 0")

    @staticmethod
    def non_empty(seq):
        if len(seq) == 0:
            raise ValueError("empty sequence")


def softmax(logits, temperature=1.0):
    _Checks.non_empty(logits)
    _Checks.positive("temperature", temperature)
    scaled = numpy.divide(numpy.asarray(logits, dtype=numpy.float64), temperature)
    log_norm = numpy.logaddexp.reduce(scaled)
    return numpy.exp(scaled - log_norm)


def greedy(logits):
    _Checks.non_empty(logits)
    winner = 0
    for position in range(1, len(logits)):
        if logits[position] > logits[winner]:
            winner = position
    return winner


def top_k_filter(logits, k):
    if k < 1:
        raise ValueError("k < 1")
    data = numpy.asarray(logits, dtype=numpy.float64)
    kept = numpy.full(data.shape, -numpy.inf)
    remaining = k
    for value_rank in sorted(set(data.tolist()), reverse=True):
        for idx in numpy.flatnonzero(data == value_rank):
            if remaining == 0:
                break
            kept[idx] = data[idx]
            remaining -= 1
    return kept
