import numpy as np


def softmax(logits, temperature=1.0):
    arr = np.array(logits, dtype=float)
    if arr.shape[0] == 0 or temperature <= 0:
        raise ValueError("bad input")
    shifted = (arr - np.max(arr)) / temperature
    e = np.exp(shifted)
    return (e / np.sum(e)).astype(np.float64)


def greedy(logits):
    if len(logits) == 0:
        raise ValueError("nothing to pick from")
    values = list(logits)
    top = max(values)
    return values.index(top)


def top_k_filter(logits, k):
    if k < 1:
        raise ValueError(k)
    arr = np.array(logits, dtype=np.float64)
    n = arr.shape[0]
    if k >= n:
        return arr
    threshold = np.sort(arr)[::-1][k - 1]
    mask = arr >= threshold
    # keep only the first k that pass (ties go to lower index)
    count = 0
    for i in range(n):
        if mask[i]:
            count += 1
            if count > k:
                mask[i] = False
    return np.where(mask, arr, -np.inf)
