"""Bug: argsort sorts ascending, so the first index is the LEAST likely token."""

import numpy as np


def greedy(logits):
    z = np.asarray(logits, dtype=np.float64)
    if z.size == 0:
        raise ValueError("greedy of an empty vector")
    return int(np.argsort(z)[0])
