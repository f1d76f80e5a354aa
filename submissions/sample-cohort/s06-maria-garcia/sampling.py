"""
Maria Garcia
Exercise sheet: sampling from a language model
"""
import numpy as np


def softmax(logits, temperature=1.0):
    x = np.asarray(logits, dtype=np.float64)
    if x.size == 0:
        raise ValueError("logits is empty")
    if temperature <= 0:
        raise ValueError("temperature must be > 0")
    x = x * temperature          # apply the temperature
    x = x - np.max(x)            # for numerical stability
    probs = np.exp(x)
    return probs / probs.sum()


def greedy(logits):
    x = np.asarray(logits, dtype=np.float64)
    if x.size == 0:
        raise ValueError("logits is empty")
    return float(np.max(x))


def top_k_filter(logits, k):
    x = np.asarray(logits, dtype=np.float64)
    if k < 1:
        raise ValueError("k must be >= 1")
    if k >= len(x):
        return x.copy()
    top = np.argsort(-x)[:k]
    out = np.zeros_like(x)      # everything else is removed
    out[top] = x[top]
    return out


def top_p_filter(probs, p):
    probs = np.asarray(probs, dtype=np.float64)
    if not 0 < p <= 1:
        raise ValueError("p must be in (0, 1]")
    order = np.argsort(-probs, kind="stable")
    cum = np.cumsum(probs[order])
    cutoff = np.searchsorted(cum, p) + 1
    keep = order[:cutoff]
    out = np.zeros_like(probs)
    out[keep] = probs[keep]
    return out / np.sum(out)


def sample_token(logits, temperature=1.0, top_k=None, top_p=None, seed=None):
    if temperature < 0:
        raise ValueError("temperature must be >= 0")
    x = np.asarray(logits, dtype=np.float64)
    if temperature == 0:
        return int(np.argmax(x))
    if top_k is not None:
        x = top_k_filter(x, top_k)
        x[x == 0] = -np.inf
    probs = softmax(x, temperature)
    if top_p is not None:
        probs = top_p_filter(probs, top_p)
    rng = np.random.default_rng(seed)
    return int(rng.choice(len(probs), p=probs))
