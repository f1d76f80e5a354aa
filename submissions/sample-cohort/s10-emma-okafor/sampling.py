"""Emma Okafor - sampling.py

Notes to self: temperature divides, top-k uses -inf, top-p keeps the crossing token.
"""
import numpy as np


def softmax(logits, temperature=1.0):
    logits = np.asarray(logits, dtype=np.float64)
    if logits.size == 0:
        raise ValueError("softmax: no logits")
    if temperature <= 0:
        raise ValueError("softmax: temperature must be positive")
    scaled = logits / temperature
    exps = np.exp(scaled - scaled.max())
    return exps / exps.sum()


def greedy(logits):
    logits = np.asarray(logits, dtype=np.float64)
    if logits.size == 0:
        raise ValueError("greedy: no logits")
    return int(np.argmax(logits))


def top_k_filter(logits, k):
    if k < 1:
        raise ValueError("top_k_filter: k must be >= 1")
    logits = np.asarray(logits, dtype=np.float64)
    if k >= logits.size:
        return logits.copy()
    keep = np.argsort(-logits, kind="stable")[:k]
    out = np.full(logits.shape, -np.inf)
    out[keep] = logits[keep]
    return out


def top_p_filter(probs, p):
    if not 0 < p <= 1:
        raise ValueError("top_p_filter: p must be in (0, 1]")
    probs = np.asarray(probs, dtype=np.float64)
    order = np.argsort(-probs, kind="stable")
    cumulative = np.cumsum(probs[order])
    n_keep = min(int(np.searchsorted(cumulative, p)) + 1, probs.size)
    out = np.zeros_like(probs)
    out[order[:n_keep]] = probs[order[:n_keep]]
    return out / out.sum()


def sample_token(logits, temperature=1.0, top_k=None, top_p=None, seed=None):
    if temperature < 0:
        raise ValueError("sample_token: negative temperature")
    logits = np.asarray(logits, dtype=np.float64)
    if temperature == 0:
        return greedy(logits)
    logits = logits / temperature
    if top_k is not None and top_k < logits.size:
        cut = np.sort(logits)[::-1][top_k]          # the (k+1)-th largest value
        logits = np.where(logits >= cut, logits, -np.inf)
    probs = softmax(logits)
    if top_p is not None:
        probs = top_p_filter(probs, top_p)
    rng = np.random.default_rng(seed)
    return int(rng.choice(probs.size, p=probs))
