"""Maria Garcia - attention"""
import numpy as np


def softmax(x, axis=-1):
    x = x - np.max(x, axis=axis, keepdims=True)
    e = np.exp(x)
    return e / np.sum(e, axis=axis, keepdims=True)


def scaled_dot_product_attention(Q, K, V, causal=False):
    Q, K, V = np.asarray(Q, float), np.asarray(K, float), np.asarray(V, float)
    if Q.shape[-1] != K.shape[-1] or K.shape[-2] != V.shape[-2]:
        raise ValueError("incompatible shapes")
    scores = Q @ np.swapaxes(K, -1, -2)
    if causal:
        n = scores.shape[-1]
        if scores.shape[-2] != n:
            raise ValueError("not square")
        scores = np.where(np.triu(np.ones((n, n), dtype=bool), 1), -np.inf, scores)
    weights = softmax(scores)
    return weights @ V, weights


def sinusoidal_positional_encoding(seq_len, d_model):
    if d_model <= 0 or d_model % 2:
        raise ValueError("d_model must be positive and even")
    pos = np.arange(seq_len)[:, None]
    i = np.arange(0, d_model, 2)[None, :]
    angles = pos / (10000 ** (i / d_model))
    pe = np.zeros((seq_len, d_model))
    pe[:, 0::2] = np.sin(angles)
    pe[:, 1::2] = np.cos(angles)
    return pe


def multi_head_attention(x, W_q, W_k, W_v, W_o, num_heads, causal=False):
    x = np.asarray(x, float)
    seq_len, d_model = x.shape
    if d_model % num_heads != 0:
        raise ValueError("d_model must be divisible by num_heads")
    d_head = d_model // num_heads
    Q = (x @ W_q).reshape(seq_len, num_heads, d_head).transpose(1, 0, 2)
    K = (x @ W_k).reshape(seq_len, num_heads, d_head).transpose(1, 0, 2)
    V = (x @ W_v).reshape(seq_len, num_heads, d_head).transpose(1, 0, 2)
    scores = Q @ K.transpose(0, 2, 1) / np.sqrt(d_head)
    if causal:
        scores = np.where(np.triu(np.ones((seq_len, seq_len), dtype=bool), 1), -np.inf, scores)
    heads = softmax(scores) @ V
    return heads.transpose(1, 0, 2).reshape(seq_len, d_model)
