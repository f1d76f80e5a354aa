"""Instructor checks for the VAE exercise (run outside the sandbox)."""

import numpy as np


def kl_is_non_negative(value, args, kwargs):
    """A KL divergence is a finite scalar >= 0."""
    kl = np.asarray(value, dtype=np.float64)
    if kl.shape != ():
        return f"the KL term should be a 0-d tensor (a scalar), got shape {list(kl.shape)}"
    if not np.isfinite(kl):
        return "the KL term is not finite"
    if kl < 0:
        return f"a KL divergence cannot be negative (got {float(kl):.4g}): check the sign"
    return True
