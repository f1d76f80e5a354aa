# Tom Nguyen
import numpy as np

def softmax(logits, temperature=1.0):
    if len(logits) == 0:
        raise ValueError("no logits")
    if temperature <= 0:
        raise ValueError("temperature <= 0")
    z = np.array(logits, dtype=np.float64) / temperature
    z -= z.max()
    p = np.exp(z)
    p /= p.sum()
    return p

def greedy(logits):
    if len(logits) == 0:
        raise ValueError("no logits")
    best = None
    best_i = -1
    for i, v in enumerate(logits):
        if best is None or v >= best:
            best = v
            best_i = i
    return best_i

def top_k_filter(logits, k):
    if k < 1:
        raise ValueError("k must be at least 1")
    z = np.array(logits, dtype=np.float64)
    if k >= len(z):
        return z
    idx = np.argsort(z)[-(k + 1):]
    out = np.full(len(z), -np.inf)
    out[idx] = z[idx]
    return out

def top_p_filter(probs, p):
    if not (0 < p <= 1):
        raise ValueError("p must be in (0, 1]")
    probs = np.array(probs, dtype=np.float64)
    c = np.cumsum(probs)
    n = min(int(np.searchsorted(c, p)) + 1, len(probs))
    out = np.zeros(len(probs))
    out[:n] = probs[:n]
    return out / out.sum()

print("sampling.py loaded")
