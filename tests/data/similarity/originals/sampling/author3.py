from math import exp, inf

import numpy as np


def softmax(logits, temperature=1.0):
    xs = list(logits)
    if len(xs) == 0:
        raise ValueError("softmax needs at least one logit")
    if not temperature > 0:
        raise ValueError("temperature should be > 0")
    m = max(xs)
    numerators = []
    for x in xs:
        numerators.append(exp((x - m) / temperature))
    z = sum(numerators)
    out = np.zeros(len(xs))
    for i, num in enumerate(numerators):
        out[i] = num / z
    return out


def greedy(logits):
    xs = np.asarray(logits)
    if xs.size < 1:
        raise ValueError("empty")
    return int(xs.argmax())


def top_k_filter(logits, k):
    xs = np.asarray(logits, dtype=np.float64).copy()
    if k <= 0:
        raise ValueError("top_k_filter: k must be positive")
    if k < xs.size:
        order = np.argsort(xs, kind="mergesort")[::-1]
        drop = [j for j in range(xs.size) if j not in set(order[:k].tolist())]
        xs[drop] = -inf
    return xs
