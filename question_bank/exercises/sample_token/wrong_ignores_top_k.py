"""Bug: top_k is accepted but ignored, so every token keeps its probability.

With top_k=1 it still returns the arg-max whenever the draw happens to land there, so a
single seeded draw catches it only by luck; the statistical top-k test catches it always.
"""

import numpy as np


def softmax(logits, temperature=1.0):
    """Numerically stable softmax of a 1-D vector, as float64."""
    z = np.asarray(logits, dtype=np.float64) / temperature
    weights = np.exp(z - z.max())
    return weights / weights.sum()


def top_k_filter(logits, k):
    """The k largest logits kept, the rest set to -inf."""
    z = np.asarray(logits, dtype=np.float64)
    if k < 1:
        raise ValueError(f"top_k must be at least 1, got {k}")
    if k >= z.size:
        return z.copy()
    keep = np.argsort(-z, kind="stable")[:k]
    out = np.full_like(z, -np.inf)
    out[keep] = z[keep]
    return out


def top_p_filter(probs, p):
    """The smallest set of most likely tokens with total probability >= p, renormalised."""
    probs = np.asarray(probs, dtype=np.float64)
    if not 0 < p <= 1:
        raise ValueError(f"top_p must be in (0, 1], got {p}")
    order = np.argsort(-probs, kind="stable")
    n_keep = min(int(np.searchsorted(np.cumsum(probs[order]), p, side="left")) + 1, probs.size)
    out = np.zeros_like(probs)
    out[order[:n_keep]] = probs[order[:n_keep]]
    return out / out.sum()


def sample_token(logits, temperature=1.0, top_k=None, top_p=None, seed=None):
    """Draw one token index from the logits.

    - temperature == 0 means greedy decoding: return the arg-max (no randomness);
    - otherwise divide the logits by the temperature, keep the top_k largest (if given),
      apply softmax, keep the top_p nucleus (if given), and draw one index with
      ``numpy.random.default_rng(seed)`` so that the same seed gives the same token.

    Returns a Python int. Raises ValueError for a negative temperature, top_k < 1 or a
    top_p outside (0, 1].
    """
    z = np.asarray(logits, dtype=np.float64)
    if temperature < 0:
        raise ValueError(f"temperature must be >= 0, got {temperature}")
    if temperature == 0:
        return int(np.argmax(z))
    z = z / temperature
    probs = softmax(z)
    if top_p is not None:
        probs = top_p_filter(probs, top_p)
    rng = np.random.default_rng(seed)
    return int(rng.choice(probs.size, p=probs))
