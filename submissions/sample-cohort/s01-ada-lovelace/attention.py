"""Transformer building blocks in numpy (Ada Lovelace)."""

import numpy as np


def _softmax_last(scores):
    shifted = scores - scores.max(axis=-1, keepdims=True)
    e = np.exp(shifted)
    return e / e.sum(axis=-1, keepdims=True)


def scaled_dot_product_attention(Q, K, V, causal=False):
    Q = np.asarray(Q, dtype=np.float64)
    K = np.asarray(K, dtype=np.float64)
    V = np.asarray(V, dtype=np.float64)
    if Q.shape[-1] != K.shape[-1]:
        raise ValueError("Q and K must have the same d_k")
    if K.shape[-2] != V.shape[-2]:
        raise ValueError("K and V must have the same number of positions")
    d_k = Q.shape[-1]
    scores = np.matmul(Q, np.swapaxes(K, -1, -2)) / np.sqrt(d_k)
    if causal:
        n_q, n_k = scores.shape[-2], scores.shape[-1]
        if n_q != n_k:
            raise ValueError("causal attention needs n_q == n_k")
        future = np.triu(np.ones((n_q, n_k), dtype=bool), k=1)
        scores = np.where(future, -np.inf, scores)
    weights = _softmax_last(scores)
    return weights @ V, weights


def sinusoidal_positional_encoding(seq_len, d_model):
    if d_model <= 0 or d_model % 2 != 0:
        raise ValueError("d_model must be a positive even number")
    pos = np.arange(seq_len)[:, np.newaxis]
    i = np.arange(d_model // 2)[np.newaxis, :]
    angle = pos / np.power(10000.0, 2 * i / d_model)
    pe = np.empty((seq_len, d_model))
    pe[:, 0::2] = np.sin(angle)
    pe[:, 1::2] = np.cos(angle)
    return pe


def multi_head_attention(x, W_q, W_k, W_v, W_o, num_heads, causal=False):
    x = np.asarray(x, dtype=np.float64)
    seq_len, d_model = x.shape
    if d_model % num_heads != 0:
        raise ValueError("d_model must be divisible by num_heads")
    d_head = d_model // num_heads

    def heads(w):
        return (x @ w).reshape(seq_len, num_heads, d_head).transpose(1, 0, 2)

    out, _ = scaled_dot_product_attention(heads(W_q), heads(W_k), heads(W_v), causal=causal)
    concat = out.transpose(1, 0, 2).reshape(seq_len, d_model)
    return concat @ np.asarray(W_o, dtype=np.float64)
