"""Bug: argsort is ascending, so this keeps the k SMALLEST logits."""

import numpy as np


def top_k_filter(logits, k):
    z = np.asarray(logits, dtype=np.float64)
    if k < 1:
        raise ValueError("k must be at least 1")
    if k >= z.size:
        return z.copy()
    keep = np.argsort(z)[:k]
    out = np.full_like(z, -np.inf)
    out[keep] = z[keep]
    return out
