"""Bug: no max-shift, so exp(1000) overflows to inf and inf / inf gives nan."""

import numpy as np


def softmax(logits, temperature=1.0):
    z = np.asarray(logits, dtype=np.float64)
    if z.size == 0:
        raise ValueError("softmax of an empty vector")
    if temperature <= 0:
        raise ValueError("temperature must be > 0")
    weights = np.exp(z / temperature)
    return weights / weights.sum()
