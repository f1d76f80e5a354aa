"""Instructor checks for the softmax exercise (run outside the sandbox)."""

import numpy as np


def is_distribution(value, args, kwargs):
    """A probability vector: finite, non-negative, summing to 1."""
    p = np.asarray(value, dtype=np.float64)
    if not np.all(np.isfinite(p)):
        return "the result contains nan or inf"
    if np.any(p < 0):
        return "a probability is negative"
    if not np.isclose(p.sum(), 1.0, atol=1e-9):
        return f"the probabilities sum to {p.sum():.12g}, not 1"
    return True
