import math


def softmax(logits, temperature=1.0):
    if temperature <= 0:
        raise ValueError("temperature must be positive")
    values = [float(v) / temperature for v in logits]
    if not values:
        raise ValueError("no logits")
    biggest = max(values)
    exps = [math.exp(v - biggest) for v in values]
    total = sum(exps)
    import numpy

    return numpy.array([e / total for e in exps], dtype=numpy.float64)


def greedy(logits):
    best_index = None
    best_value = None
    for index, value in enumerate(logits):
        if best_value is None or value > best_value:
            best_index, best_value = index, value
    if best_index is None:
        raise ValueError("empty input")
    return int(best_index)


def top_k_filter(logits, k):
    if k < 1:
        raise ValueError("k must be >= 1")
    import numpy

    result = numpy.array(logits, dtype=numpy.float64)
    if k >= len(result):
        return result
    ranked = sorted(range(len(result)), key=lambda i: (-result[i], i))
    for i in ranked[k:]:
        result[i] = -numpy.inf
    return result
