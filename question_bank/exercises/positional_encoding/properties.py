"""Instructor checks for the positional-encoding exercise (run outside the sandbox)."""

import numpy as np


def bounded_with_unit_pairs(value, args, kwargs):
    """Every (sin, cos) pair of columns lies on the unit circle: PE[:, 2i]^2 + PE[:, 2i+1]^2 = 1."""
    pe = np.asarray(value, dtype=np.float64)
    seq_len, d_model = args[0], args[1]
    if pe.shape != (seq_len, d_model):
        return f"expected shape {[seq_len, d_model]}, got {list(pe.shape)}"
    if not np.allclose(pe[:, 0::2] ** 2 + pe[:, 1::2] ** 2, 1.0, atol=1e-9):
        return "columns 2i and 2i+1 should hold sin and cos of the same angle"
    if not np.allclose(pe[0], np.tile([0.0, 1.0], d_model // 2)):
        return "position 0 should encode as [0, 1, 0, 1, ...] (sin 0, cos 0)"
    return True
