# sampling.py -- Grace Hopper
# I wrote these with plain loops first so I could follow every step, and only used
# numpy where the exercise asks for an array back.
import math

import numpy as np


def softmax(logits, temperature=1.0):
    values = [float(v) for v in logits]
    if len(values) == 0:
        raise ValueError("softmax: empty input")
    if temperature <= 0:
        raise ValueError("softmax: temperature must be > 0")
    scaled = [v / temperature for v in values]
    biggest = max(scaled)
    exps = [math.exp(s - biggest) for s in scaled]  # largest exponent is 0 -> no overflow
    total = sum(exps)
    return np.array([e / total for e in exps], dtype=np.float64)


def greedy(logits):
    values = list(logits)
    if not values:
        raise ValueError("greedy: empty input")
    best_index = 0
    for i in range(1, len(values)):
        if values[i] > values[best_index]:  # strict: ties keep the earlier index
            best_index = i
    return best_index


def top_k_filter(logits, k):
    if k < 1:
        raise ValueError("top_k_filter: k must be >= 1")
    values = [float(v) for v in logits]
    if k >= len(values):
        return np.array(values, dtype=np.float64)
    # indices sorted by value, largest first; sorted() is stable so ties keep the lower index
    ranked = sorted(range(len(values)), key=lambda i: -values[i])
    keep = set(ranked[:k])
    return np.array([values[i] if i in keep else -np.inf for i in range(len(values))], dtype=np.float64)


def top_p_filter(probs, p):
    if not (0 < p <= 1):
        raise ValueError("top_p_filter: p must be in (0, 1]")
    values = [float(v) for v in probs]
    ranked = sorted(range(len(values)), key=lambda i: -values[i])
    kept = []
    running = 0.0
    for i in ranked:
        kept.append(i)
        running += values[i]
        if running >= p:
            break
    total = sum(values[i] for i in kept)
    out = np.zeros(len(values), dtype=np.float64)
    for i in kept:
        out[i] = values[i] / total
    return out


def sample_token(logits, temperature=1.0, top_k=None, top_p=None, seed=None):
    if temperature < 0:
        raise ValueError("sample_token: temperature must be >= 0")
    if temperature == 0:
        return greedy(logits)
    scaled = np.asarray(logits, dtype=np.float64) / temperature
    if top_k is not None:
        scaled = top_k_filter(scaled, top_k)
    probs = softmax(scaled)
    if top_p is not None:
        probs = top_p_filter(probs, top_p)
    rng = np.random.default_rng(seed)
    return int(rng.choice(len(probs), p=probs))


if __name__ == "__main__":
    print(softmax([1.0, 2.0, 3.0]))
    print(greedy([0.4, 0.3, 0.2, 0.1]))
    print(top_k_filter([2.0, 0.5, 1.0, -1.0], 2))
    print(top_p_filter([0.4, 0.3, 0.2, 0.1], 0.8))
    print([sample_token([2.0, 1.0, 0.5, 0.1], seed=s) for s in range(10)])
