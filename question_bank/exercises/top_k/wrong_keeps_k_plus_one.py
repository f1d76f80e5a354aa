"""Bug: the slice is off by one and keeps k + 1 tokens."""

import numpy as np


def top_k_filter(logits, k):
    z = np.asarray(logits, dtype=np.float64)
    if k < 1:
        raise ValueError("k must be at least 1")
    if k >= z.size:
        return z.copy()
    keep = np.argsort(z)[-(k + 1) :]
    out = np.full_like(z, -np.inf)
    out[keep] = z[keep]
    return out
