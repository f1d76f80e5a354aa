# Lukas Schmidt
import numpy as np


def scaled_dot_product_attention(Q, K, V, causal=False):
    Q, K, V = (np.asarray(a, dtype=np.float64) for a in (Q, K, V))
    if K.shape[-1] != Q.shape[-1] or K.shape[-2] != V.shape[-2]:
        raise ValueError("shapes")
    scores = Q @ np.swapaxes(K, -1, -2) / np.sqrt(Q.shape[-1])
    if causal:
        n = scores.shape[-1]
        if scores.shape[-2] != n:
            raise ValueError("causal")
        scores = np.where(np.triu(np.ones((n, n), dtype=bool), 1), -np.inf, scores)
    weights = np.exp(scores)
    weights = weights / weights.sum(axis=-2, keepdims=True)
    return weights @ V, weights


def sinusoidal_positional_encoding(seq_len, d_model):
    if d_model <= 0 or d_model % 2:
        raise ValueError("d_model")
    pos = np.arange(seq_len)[:, None]
    i = np.arange(d_model // 2)[None, :]
    angle = pos / 10000 ** (i / d_model)
    pe = np.zeros((seq_len, d_model))
    pe[:, 0::2] = np.sin(angle)
    pe[:, 1::2] = np.cos(angle)
    return pe


def multi_head_attention(x, W_q, W_k, W_v, W_o, num_heads, causal=False):
    x = np.asarray(x, dtype=np.float64)
    seq_len, d_model = x.shape
    if d_model % num_heads:
        raise ValueError("heads")
    d_head = d_model // num_heads
    split = lambda t: t.reshape(seq_len, num_heads, d_head).transpose(1, 0, 2)
    q, k, v = split(x @ W_q), split(x @ W_k), split(x @ W_v)
    s = q @ k.transpose(0, 2, 1) / np.sqrt(d_model)
    if causal:
        s = np.where(np.triu(np.ones((seq_len, seq_len), dtype=bool), 1), -np.inf, s)
    s = s - s.max(axis=-1, keepdims=True)
    w = np.exp(s) / np.exp(s).sum(axis=-1, keepdims=True)
    return (w @ v).transpose(1, 0, 2).reshape(seq_len, d_model) @ W_o
