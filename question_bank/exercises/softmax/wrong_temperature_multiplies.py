"""Bug: multiplies the logits by the temperature instead of dividing by it."""

import numpy as np


def softmax(logits, temperature=1.0):
    z = np.asarray(logits, dtype=np.float64)
    if z.size == 0:
        raise ValueError("softmax of an empty vector")
    if temperature <= 0:
        raise ValueError("temperature must be > 0")
    z = z * temperature
    weights = np.exp(z - z.max())
    return weights / weights.sum()
