# Lukas Schmidt - Aufgabe Sampling
import numpy as np


def softmax(logits, temperature=1.0):
    z = np.asarray(logits, dtype=np.float64)
    if z.size == 0:
        raise ValueError("leerer Vektor")
    if temperature <= 0:
        raise ValueError("temperature must be > 0")
    z = (z - z.max()) / temperature
    return np.exp(z) / np.exp(z).sum()


def greedy(logits):
    z = np.asarray(logits, dtype=np.float64)
    if z.size == 0:
        raise ValueError("leerer Vektor")
    return int(np.argmax(z))


def top_k_filter(logits, k):
    z = np.asarray(logits, dtype=np.float64)
    if k < 1:
        raise ValueError("k >= 1")
    if k >= z.size:
        return z.copy()
    keep = np.argsort(z)[:k]
    out = np.full_like(z, -np.inf)
    out[keep] = z[keep]
    return out


def top_p_filter(probs, p):
    probs = np.asarray(probs, dtype=np.float64)
    if not 0 < p <= 1:
        raise ValueError("p in (0, 1]")
    order = np.argsort(-probs)
    cum = np.cumsum(probs[order])
    n = min(int(np.searchsorted(cum, p)) + 1, probs.size)
    out = np.zeros_like(probs)
    out[order[:n]] = probs[order[:n]]
    return out


def sample_token(logits, temperature=1.0, top_k=None, top_p=None, seed=None):
    if temperature < 0:
        raise ValueError("temperature < 0")
    # TODO: temperature / top-k / top-p sampling, for now always the most likely token
    return greedy(logits)
