"""Bug: scales the scores by sqrt(d_model) instead of the head size sqrt(d_head)."""

import numpy as np


def multi_head_attention(x, W_q, W_k, W_v, W_o, num_heads, causal=False):
    x = np.asarray(x, dtype=np.float64)
    seq_len, d_model = x.shape
    if d_model % num_heads:
        raise ValueError("d_model must be divisible by num_heads")
    d_head = d_model // num_heads
    q = (x @ W_q).reshape(seq_len, num_heads, d_head).transpose(1, 0, 2)
    k = (x @ W_k).reshape(seq_len, num_heads, d_head).transpose(1, 0, 2)
    v = (x @ W_v).reshape(seq_len, num_heads, d_head).transpose(1, 0, 2)
    scores = q @ k.transpose(0, 2, 1) / np.sqrt(d_model)
    if causal:
        scores = np.where(np.triu(np.ones((seq_len, seq_len), dtype=bool), k=1), -np.inf, scores)
    weights = np.exp(scores - scores.max(axis=-1, keepdims=True))
    weights /= weights.sum(axis=-1, keepdims=True)
    heads = weights @ v
    return heads.transpose(1, 0, 2).reshape(seq_len, d_model) @ W_o
