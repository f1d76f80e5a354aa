"""Bug: accumulates the probabilities in vocabulary order instead of sorting them first."""

import numpy as np


def top_p_filter(probs, p):
    probs = np.asarray(probs, dtype=np.float64)
    if not 0 < p <= 1:
        raise ValueError("p must be in (0, 1]")
    cumulative = np.cumsum(probs)
    n_keep = min(int(np.searchsorted(cumulative, p)) + 1, probs.size)
    out = np.zeros_like(probs)
    out[:n_keep] = probs[:n_keep]
    return out / out.sum()
