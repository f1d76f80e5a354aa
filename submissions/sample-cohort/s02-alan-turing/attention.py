# Alan Turing - attention.py
import numpy as np


def scaled_dot_product_attention(Q, K, V, causal=False):
    Q, K, V = np.asarray(Q, float), np.asarray(K, float), np.asarray(V, float)
    if Q.shape[-1] != K.shape[-1] or K.shape[-2] != V.shape[-2]:
        raise ValueError(f"shapes do not fit: {Q.shape}, {K.shape}, {V.shape}")
    s = Q @ K.swapaxes(-1, -2) / np.sqrt(Q.shape[-1])
    if causal:
        if s.shape[-1] != s.shape[-2]:
            raise ValueError("causal attention needs square scores")
        n = s.shape[-1]
        s = s + np.triu(np.full((n, n), -np.inf), k=1)
    s = s - s.max(-1, keepdims=True)
    w = np.exp(s)
    w /= w.sum(-1, keepdims=True)
    return w @ V, w


def sinusoidal_positional_encoding(seq_len, d_model):
    if d_model < 2 or d_model % 2:
        raise ValueError("d_model must be even and positive")
    pe = np.zeros((seq_len, d_model))
    freqs = 1.0 / 10000 ** (np.arange(0, d_model, 2) / d_model)
    angles = np.outer(np.arange(seq_len), freqs)
    pe[:, ::2] = np.sin(angles)
    pe[:, 1::2] = np.cos(angles)
    return pe


def multi_head_attention(x, W_q, W_k, W_v, W_o, num_heads, causal=False):
    x = np.asarray(x, float)
    n, d = x.shape
    if d % num_heads:
        raise ValueError("d_model % num_heads != 0")
    h = d // num_heads
    split = lambda t: t.reshape(n, num_heads, h).transpose(1, 0, 2)
    out, _ = scaled_dot_product_attention(split(x @ W_q), split(x @ W_k), split(x @ W_v), causal)
    return out.transpose(1, 0, 2).reshape(n, d) @ W_o
