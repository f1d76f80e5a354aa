"""Bug: cosines in the even columns and sines in the odd ones."""

import numpy as np


def sinusoidal_positional_encoding(seq_len, d_model):
    """The (seq_len, d_model) float64 matrix PE with, for i = 0 .. d_model/2 - 1,

        PE[pos, 2i]     = sin(pos / 10000^(2i / d_model))
        PE[pos, 2i + 1] = cos(pos / 10000^(2i / d_model))

    Sines fill the even columns and cosines the odd ones (interleaved). Each pair of columns
    is a rotation at its own frequency, so PE[pos + k] is a linear function of PE[pos].

    Raises ValueError unless d_model is a positive even number and seq_len >= 0.
    """
    if d_model <= 0 or d_model % 2:
        raise ValueError(f"d_model must be a positive even number, got {d_model}")
    if seq_len < 0:
        raise ValueError(f"seq_len must be >= 0, got {seq_len}")
    positions = np.arange(seq_len, dtype=np.float64)[:, None]
    two_i = np.arange(0, d_model, 2, dtype=np.float64)[None, :]
    angles = positions / 10000.0 ** (two_i / d_model)
    pe = np.zeros((seq_len, d_model), dtype=np.float64)
    pe[:, 0::2] = np.cos(angles)
    pe[:, 1::2] = np.sin(angles)
    return pe
