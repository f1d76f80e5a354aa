# Ravi Patel - attention
import numpy as np


def scaled_dot_product_attention(Q, K, V, causal=False):
    Q = np.array(Q, dtype=float)
    K = np.array(K, dtype=float)
    V = np.array(V, dtype=float)
    if Q.shape[-1] != K.shape[-1] or K.shape[-2] != V.shape[-2]:
        raise ValueError("shape mismatch")
    d_k = Q.shape[-1]
    scores = Q @ np.swapaxes(K, -1, -2) / np.sqrt(d_k)
    if causal:
        n = scores.shape[-1]
        if scores.shape[-2] != n:
            raise ValueError("causal needs square")
        mask = np.triu(np.ones((n, n)), k=1).astype(bool)
        scores[..., mask] = -np.inf
    scores = scores - np.max(scores, axis=-1, keepdims=True)
    weights = np.exp(scores)
    weights = weights / np.sum(weights, axis=-1, keepdims=True)
    output = weights @ V
    return output, weights


def sinusoidal_positional_encoding(seq_len, d_model):
    if d_model <= 0 or d_model % 2 != 0:
        raise ValueError("d_model must be even")
    pe = np.zeros((seq_len, d_model))
    for pos in range(seq_len):
        for i in range(0, d_model, 2):
            angle = pos / (10000 ** (i / d_model))
            pe[pos, i] = np.cos(angle)
            pe[pos, i + 1] = np.sin(angle)
    return pe

# multi_head_attention: not done yet
