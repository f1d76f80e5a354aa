"""Bug: the causal mask (triu with k=0) also hides the diagonal, so a token cannot attend to
itself and the first row is entirely masked (nan)."""

import numpy as np


def scaled_dot_product_attention(Q, K, V, causal=False):
    """softmax(Q K^T / sqrt(d_k)) V over the last two axes, with any leading batch axes.

    Q: (..., n_q, d_k), K: (..., n_k, d_k), V: (..., n_k, d_v), float64 arrays.
    With ``causal=True`` (which needs n_q == n_k) query i only attends to keys j <= i: the
    scores above the diagonal are set to -inf before the softmax, so their weights are 0.

    Returns a tuple ``(output, weights)``: output (..., n_q, d_v) and weights (..., n_q, n_k),
    each row of weights summing to 1.
    Raises ValueError when the shapes do not fit together.
    """
    Q, K, V = (np.asarray(a, dtype=np.float64) for a in (Q, K, V))
    d_k = Q.shape[-1]
    if K.shape[-1] != d_k or K.shape[-2] != V.shape[-2]:
        raise ValueError(f"incompatible shapes Q{Q.shape}, K{K.shape}, V{V.shape}")
    scores = Q @ np.swapaxes(K, -1, -2) / np.sqrt(d_k)
    if causal:
        n_q, n_k = scores.shape[-2:]
        if n_q != n_k:
            raise ValueError("a causal mask needs as many queries as keys")
        above_diagonal = np.triu(np.ones((n_q, n_k), dtype=bool), k=0)
        scores = np.where(above_diagonal, -np.inf, scores)
    scores = scores - scores.max(axis=-1, keepdims=True)
    weights = np.exp(scores)
    weights = weights / weights.sum(axis=-1, keepdims=True)
    return weights @ V, weights
