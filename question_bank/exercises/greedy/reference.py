"""Reference: greedy decoding picks the most likely token (sampling.py)."""

import numpy as np


def greedy(logits):
    """The index of the largest logit, as a Python int; ties go to the lowest index.

    Works on logits or probabilities alike: softmax is monotonic, so the arg-max is the same.
    Raises ValueError for an empty input.
    """
    z = np.asarray(logits, dtype=np.float64)
    if z.size == 0:
        raise ValueError("greedy of an empty vector")
    return int(np.argmax(z))
