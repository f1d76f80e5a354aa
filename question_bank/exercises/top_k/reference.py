"""Reference: top-k filtering of logits (sampling.py)."""

import numpy as np


def top_k_filter(logits, k):
    """Keep the k largest logits and set every other entry to -inf.

    A filtered logit of -inf gets probability exp(-inf) = 0 after softmax, so sampling then
    only ever picks one of the k kept tokens. Ties at the boundary keep the lower index
    (a stable sort). If k >= len(logits) nothing is removed.

    Returns a new float64 numpy array of the same length (the input is not modified).
    Raises ValueError if k < 1.
    """
    z = np.asarray(logits, dtype=np.float64)
    if k < 1:
        raise ValueError(f"k must be at least 1, got {k}")
    if k >= z.size:
        return z.copy()
    keep = np.argsort(-z, kind="stable")[:k]
    out = np.full_like(z, -np.inf)
    out[keep] = z[keep]
    return out
