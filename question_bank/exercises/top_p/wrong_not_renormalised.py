"""Bug: zeroes the tail but forgets to renormalise, so the result no longer sums to 1."""

import numpy as np


def top_p_filter(probs, p):
    probs = np.asarray(probs, dtype=np.float64)
    if not 0 < p <= 1:
        raise ValueError("p must be in (0, 1]")
    order = np.argsort(-probs)
    cumulative = np.cumsum(probs[order])
    n_keep = min(int(np.searchsorted(cumulative, p)) + 1, probs.size)
    out = np.zeros_like(probs)
    out[order[:n_keep]] = probs[order[:n_keep]]
    return out
