"""Bug: keeps only the tokens whose running total is still BELOW p, dropping the one that
crosses p (for happy .4, tired .3, hungry .2, lucky .1 and p = .8 it keeps two, not three)."""

import numpy as np


def top_p_filter(probs, p):
    probs = np.asarray(probs, dtype=np.float64)
    if not 0 < p <= 1:
        raise ValueError("p must be in (0, 1]")
    order = np.argsort(-probs)
    cumulative = np.cumsum(probs[order])
    keep = order[cumulative < p]
    if keep.size == 0:
        keep = order[:1]
    out = np.zeros_like(probs)
    out[keep] = probs[keep]
    return out / out.sum()
