"""Katherine Johnson -- attention.py (numpy only)"""
import numpy as np


def scaled_dot_product_attention(Q, K, V, causal=False):
    Q, K, V = (np.asarray(m, dtype=np.float64) for m in (Q, K, V))
    if Q.shape[-1] != K.shape[-1]:
        raise ValueError("d_k of Q and K differ")
    if K.shape[-2] != V.shape[-2]:
        raise ValueError("n_k of K and V differ")
    scores = np.einsum("...qd,...kd->...qk", Q, K) / np.sqrt(Q.shape[-1])
    if causal:
        if scores.shape[-1] != scores.shape[-2]:
            raise ValueError("causal attention requires n_q == n_k")
        mask = np.tril(np.ones(scores.shape[-2:], dtype=bool))
        scores = np.where(mask, scores, -np.inf)
    scores -= scores.max(axis=-1, keepdims=True)
    weights = np.exp(scores)
    weights /= weights.sum(axis=-1, keepdims=True)
    return np.einsum("...qk,...kv->...qv", weights, V), weights


def sinusoidal_positional_encoding(seq_len, d_model):
    if not (isinstance(d_model, int) and d_model > 0 and d_model % 2 == 0):
        raise ValueError("d_model must be a positive even integer")
    position = np.arange(seq_len, dtype=np.float64).reshape(-1, 1)
    div = np.exp(-np.log(10000.0) * np.arange(0, d_model, 2) / d_model)
    pe = np.zeros((seq_len, d_model))
    pe[:, 0::2] = np.sin(position * div)
    pe[:, 1::2] = np.cos(position * div)
    return pe


def multi_head_attention(x, W_q, W_k, W_v, W_o, num_heads, causal=False):
    x = np.asarray(x, dtype=np.float64)
    seq_len, d_model = x.shape
    if num_heads <= 0 or d_model % num_heads:
        raise ValueError("num_heads must divide d_model")
    d_head = d_model // num_heads
    q, k, v = ((x @ W).reshape(seq_len, num_heads, d_head).swapaxes(0, 1) for W in (W_q, W_k, W_v))
    heads, _ = scaled_dot_product_attention(q, k, v, causal=causal)
    return heads.swapaxes(0, 1).reshape(seq_len, d_model) @ np.asarray(W_o, dtype=np.float64)
