"""Katherine Johnson -- sampling.py

Everything is vectorised with numpy; the sampler draws by inverting the CDF with one
uniform number from a seeded generator.
"""
import numpy as np

__all__ = ["softmax", "greedy", "top_k_filter", "top_p_filter", "sample_token"]


def softmax(logits, temperature=1.0):
    z = np.asarray(logits, dtype=np.float64)
    if z.ndim != 1 or z.shape[0] == 0:
        raise ValueError("expected a non-empty 1-D vector of logits")
    if temperature <= 0.0:
        raise ValueError(f"invalid temperature {temperature!r}")
    z = z / temperature
    z = np.exp(z - np.max(z))
    return z / z.sum()


def greedy(logits):
    z = np.asarray(logits, dtype=np.float64)
    if z.size == 0:
        raise ValueError("empty logits")
    return int(np.flatnonzero(z == z.max())[0])


def top_k_filter(logits, k):
    z = np.array(logits, dtype=np.float64)
    if k < 1:
        raise ValueError("k must be positive")
    if k < z.size:
        drop = np.argsort(-z, kind="mergesort")[k:]
        z[drop] = -np.inf
    return z


def top_p_filter(probs, p):
    if p <= 0 or p > 1:
        raise ValueError("p must be in (0, 1]")
    probs = np.asarray(probs, dtype=np.float64)
    order = np.argsort(-probs, kind="mergesort")
    before = np.cumsum(probs[order]) - probs[order]   # mass strictly before each token
    keep = order[before < p]                            # a token is kept if we had not reached p yet
    mask = np.zeros(probs.shape, dtype=bool)
    mask[keep] = True
    out = np.where(mask, probs, 0.0)
    return out / out.sum()


def sample_token(logits, temperature=1.0, top_k=None, top_p=None, seed=None):
    if temperature < 0:
        raise ValueError("temperature must be >= 0")
    z = np.asarray(logits, dtype=np.float64)
    if temperature == 0:
        return greedy(z)
    z = z / temperature
    if top_k is not None:
        z = top_k_filter(z, top_k)
    probs = softmax(z)
    if top_p is not None:
        probs = top_p_filter(probs, top_p)
    u = np.random.default_rng(seed).random()
    index = int(np.searchsorted(np.cumsum(probs), u, side="right"))
    return min(index, len(probs) - 1)
