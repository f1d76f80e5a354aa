import numpy as np


def _as_vector(values):
    vector = np.asarray(values, dtype=np.float64).reshape(-1)
    if vector.size == 0:
        raise ValueError("expected at least one value")
    return vector


def softmax(logits, temperature=1.0):
    if temperature <= 0:
        raise ValueError("temperature has to be strictly positive")
    v = _as_vector(logits)
    v = v * (1.0 / temperature)
    v -= v.max()
    np.exp(v, out=v)
    v /= v.sum()
    return v


def greedy(logits):
    v = _as_vector(logits)
    candidates = np.nonzero(v == v.max())[0]
    return int(candidates[0])


def top_k_filter(logits, k):
    if k < 1:
        raise ValueError("need k >= 1")
    v = np.array(logits, dtype=np.float64)
    if k >= v.size:
        return v
    cutoff_positions = np.lexsort((np.arange(v.size), -v))[k:]
    v[cutoff_positions] = -np.inf
    return v
