"""Bug: filtered logits are set to 0, which still has probability exp(0) / Z > 0."""

import numpy as np


def top_k_filter(logits, k):
    z = np.asarray(logits, dtype=np.float64)
    if k < 1:
        raise ValueError("k must be at least 1")
    if k >= z.size:
        return z.copy()
    keep = np.argsort(-z)[:k]
    out = np.zeros_like(z)
    out[keep] = z[keep]
    return out
