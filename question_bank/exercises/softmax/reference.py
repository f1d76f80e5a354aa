"""Reference: a numerically stable softmax with temperature (sampling.py)."""

import numpy as np


def softmax(logits, temperature=1.0):
    """Probabilities exp(z_i / T) / sum_j exp(z_j / T) over a 1-D list or array of logits.

    Subtracting the largest scaled logit first leaves the result unchanged (the factor
    exp(-max) cancels) and keeps every exponent <= 0, so nothing overflows.

    Returns a float64 numpy array of the same length.
    Raises ValueError for an empty input or a temperature that is not > 0.
    """
    z = np.asarray(logits, dtype=np.float64)
    if z.size == 0:
        raise ValueError("softmax of an empty vector")
    if temperature <= 0:
        raise ValueError(f"temperature must be > 0, got {temperature}")
    z = z / temperature
    z = z - z.max()
    weights = np.exp(z)
    return weights / weights.sum()
