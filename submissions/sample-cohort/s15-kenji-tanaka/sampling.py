# Kenji Tanaka
import numpy as np


def softmax(logits, temperature=1.0):
    z = np.asarray(logits, dtype=np.float64)
    if z.size == 0 or temperature <= 0:
        raise ValueError("need logits and a positive temperature")
    z = z / temperature
    z = np.exp(z - z.max())
    return z / z.sum()


def greedy(logits):
    z = np.asarray(logits, dtype=np.float64)
    if z.size == 0:
        raise ValueError("empty")
    return int(z.argmax())


def top_k_filter(logits, k):
    if k < 1:
        raise ValueError("k must be >= 1")
    z = np.asarray(logits, dtype=np.float64)
    out = np.full_like(z, -np.inf)
    keep = np.argsort(-z, kind="stable")[:k]
    out[keep] = z[keep]
    return out


def top_p_filter(probs, p):
    if not 0 < p <= 1:
        raise ValueError("p must be in (0, 1]")
    probs = np.asarray(probs, dtype=np.float64)
    order = np.argsort(-probs)
    cumulative = np.cumsum(probs[order])
    keep = order[cumulative <= p]
    if keep.size == 0:
        keep = order[:1]
    out = np.zeros_like(probs)
    out[keep] = probs[keep]
    return out / out.sum()
