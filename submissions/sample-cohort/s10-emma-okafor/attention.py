"""Emma Okafor - attention.py"""
import numpy as np


def scaled_dot_product_attention(Q, K, V, causal=False):
    Q = np.asarray(Q, dtype=np.float64)
    K = np.asarray(K, dtype=np.float64)
    V = np.asarray(V, dtype=np.float64)
    if Q.shape[-1] != K.shape[-1]:
        raise ValueError("Q and K must share d_k")
    if K.shape[-2] != V.shape[-2]:
        raise ValueError("K and V must have the same length")
    scores = Q @ np.swapaxes(K, -1, -2) / np.sqrt(K.shape[-1])
    if causal:
        n_q, n_k = scores.shape[-2:]
        if n_q != n_k:
            raise ValueError("causal mask needs n_q == n_k")
        scores = np.where(np.triu(np.ones((n_q, n_k), dtype=bool), k=1), -np.inf, scores)
    scores -= scores.max(axis=-1, keepdims=True)
    weights = np.exp(scores)
    weights /= weights.sum(axis=-1, keepdims=True)
    return weights @ V, weights


def sinusoidal_positional_encoding(seq_len, d_model):
    if d_model <= 0 or d_model % 2:
        raise ValueError("d_model must be a positive even number")
    pos = np.arange(seq_len, dtype=np.float64)[:, None]
    two_i = np.arange(0, d_model, 2, dtype=np.float64)[None, :]
    angles = pos / np.power(10000.0, two_i / d_model)
    pe = np.zeros((seq_len, d_model))
    pe[:, 0::2] = np.sin(angles)
    pe[:, 1::2] = np.cos(angles)
    return pe
