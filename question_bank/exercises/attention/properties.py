"""Instructor checks for the attention exercise (run outside the sandbox)."""

import numpy as np


def causal_weights(value, args, kwargs):
    """The weights of a causal attention call are a lower-triangular row-stochastic matrix."""
    if not (isinstance(value, (tuple, list)) and len(value) == 2):
        return "expected a tuple (output, weights)"
    weights = np.asarray(value[1], dtype=np.float64)
    if weights.ndim < 2 or weights.shape[-1] != weights.shape[-2]:
        return f"weights should be square in their last two axes, got shape {list(weights.shape)}"
    if not np.all(np.isfinite(weights)):
        return "the weights contain nan or inf (is a row entirely masked?)"
    if not np.allclose(weights.sum(axis=-1), 1.0, atol=1e-9):
        return "each row of weights must sum to 1 (softmax over the keys, the last axis)"
    upper = np.triu(np.ones(weights.shape[-2:], dtype=bool), k=1)
    if np.any(np.abs(weights[..., upper]) > 1e-12):
        return "a query attends to a later position: the weights above the diagonal must be 0"
    return True
