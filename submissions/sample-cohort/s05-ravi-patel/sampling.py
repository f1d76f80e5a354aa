# Ravi Patel - sampling exercises
import numpy as np


def softmax(logits, temperature=1.0):
    logits = np.array(logits, dtype=float)
    if len(logits) == 0:
        raise ValueError("empty")
    if temperature <= 0:
        raise ValueError("temperature has to be positive")
    e = np.exp(logits / temperature)
    return e / np.sum(e)


def greedy(logits):
    if len(logits) == 0:
        raise ValueError("empty")
    return int(np.argmax(logits))


def top_k_filter(logits, k):
    if k < 1:
        raise ValueError("k < 1")
    logits = np.array(logits, dtype=float)
    if k >= len(logits):
        return logits
    idx = np.argsort(logits)[::-1][:k]   # biggest k
    result = np.full(len(logits), -np.inf)
    result[idx] = logits[idx]
    return result


def top_p_filter(probs, p):
    if p <= 0 or p > 1:
        raise ValueError("bad p")
    probs = np.array(probs, dtype=float)
    order = np.argsort(probs)[::-1]
    total = 0.0
    keep = []
    for i in order:
        if total + probs[i] > p:    # stop before going over p
            break
        keep.append(i)
        total += probs[i]
    if len(keep) == 0:
        keep = [order[0]]
    result = np.zeros(len(probs))
    result[keep] = probs[keep]
    return result / result.sum()

# TODO sample_token - did not have time
