"""Reference: top-p (nucleus) filtering of a probability vector (sampling.py)."""

import numpy as np


def top_p_filter(probs, p):
    """Keep the smallest set of most likely tokens whose total probability is >= p.

    Sort the probabilities from largest to smallest and add them up; the token whose
    cumulative sum first reaches p is the last one kept (it is *inside* the nucleus).
    Every other token gets probability 0 and the kept ones are renormalised to sum to 1.
    The most likely token is always kept. Ties keep the lower index (a stable sort).

    Returns a new float64 numpy array of the same length.
    Raises ValueError unless 0 < p <= 1.
    """
    probs = np.asarray(probs, dtype=np.float64)
    if not 0 < p <= 1:
        raise ValueError(f"p must be in (0, 1], got {p}")
    order = np.argsort(-probs, kind="stable")
    cumulative = np.cumsum(probs[order])
    # First position where the running total reaches p, counted inclusively.
    n_keep = min(int(np.searchsorted(cumulative, p, side="left")) + 1, probs.size)
    keep = order[:n_keep]
    out = np.zeros_like(probs)
    out[keep] = probs[keep]
    return out / out.sum()
