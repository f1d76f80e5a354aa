"""Bug: a temperature of 0 is not rejected (division by zero gives nan, silently)."""

import numpy as np


def softmax(logits, temperature=1.0):
    z = np.asarray(logits, dtype=np.float64) / temperature
    z = z - z.max()
    weights = np.exp(z)
    return weights / weights.sum()
