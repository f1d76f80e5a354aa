# attention.py -- Grace Hopper
import numpy as np


def scaled_dot_product_attention(Q, K, V, causal=False):
    Q = np.asarray(Q, dtype=np.float64)
    K = np.asarray(K, dtype=np.float64)
    V = np.asarray(V, dtype=np.float64)
    if Q.shape[-1] != K.shape[-1]:
        raise ValueError("Q and K have different d_k")
    if K.shape[-2] != V.shape[-2]:
        raise ValueError("K and V have different lengths")
    d_k = Q.shape[-1]
    scores = Q @ np.swapaxes(K, -1, -2) / np.sqrt(d_k)
    if causal:
        n_q, n_k = scores.shape[-2], scores.shape[-1]
        if n_q != n_k:
            raise ValueError("causal mask needs a square score matrix")
        for i in range(n_q):
            for j in range(i + 1, n_k):
                scores[..., i, j] = -np.inf
    scores = scores - np.max(scores, axis=-1, keepdims=True)
    weights = np.exp(scores)
    weights = weights / np.sum(weights, axis=-1, keepdims=True)
    return weights @ V, weights


def sinusoidal_positional_encoding(seq_len, d_model):
    if d_model <= 0 or d_model % 2 == 1:
        raise ValueError("d_model must be positive and even")
    pe = np.zeros((seq_len, d_model), dtype=np.float64)
    for pos in range(seq_len):
        for i in range(d_model // 2):
            angle = pos / (10000 ** (2 * i / d_model))
            pe[pos, 2 * i] = np.sin(angle)
            pe[pos, 2 * i + 1] = np.cos(angle)
    return pe


def multi_head_attention(x, W_q, W_k, W_v, W_o, num_heads, causal=False):
    x = np.asarray(x, dtype=np.float64)
    seq_len, d_model = x.shape
    d_head = d_model // num_heads
    Q = x @ W_q
    K = x @ W_k
    V = x @ W_v
    head_outputs = []
    for h in range(num_heads):
        cols = slice(h * d_head, (h + 1) * d_head)
        out, _ = scaled_dot_product_attention(Q[:, cols], K[:, cols], V[:, cols], causal=causal)
        head_outputs.append(out)
    concat = np.concatenate(head_outputs, axis=1)
    return concat @ W_o
