# Tom Nguyen
import numpy as np

def scaled_dot_product_attention(Q, K, V, causal=False):
    Q = np.asarray(Q, dtype=np.float64)
    K = np.asarray(K, dtype=np.float64)
    V = np.asarray(V, dtype=np.float64)
    if Q.shape[-1] != K.shape[-1] or K.shape[-2] != V.shape[-2]:
        raise ValueError("shapes don't match")
    scores = Q @ np.swapaxes(K, -1, -2) / np.sqrt(Q.shape[-1])
    if causal:
        n = scores.shape[-1]
        if n != scores.shape[-2]:
            raise ValueError("need square")
        mask = np.triu(np.ones((n, n), dtype=bool))
        scores = np.where(mask, -np.inf, scores)
    scores = scores - scores.max(axis=-1, keepdims=True)
    w = np.exp(scores)
    w = w / w.sum(axis=-1, keepdims=True)
    return w @ V, w

def sinusoidal_positional_encoding(seq_len, d_model):
    if d_model <= 0 or d_model % 2 != 0:
        raise ValueError("bad d_model")
    pe = np.zeros((seq_len, d_model))
    for pos in range(seq_len):
        for i in range(d_model // 2):
            pe[pos, 2 * i] = np.sin(pos / 10000 ** (2 * i / d_model))
            pe[pos, 2 * i + 1] = np.cos(pos / 10000 ** (2 * i / d_model))
    return pe

def multi_head_attention(x, W_q, W_k, W_v, W_o, num_heads, causal=False):
    x = np.asarray(x, dtype=np.float64)
    seq_len, d_model = x.shape
    if d_model % num_heads != 0:
        raise ValueError("not divisible")
    d_head = d_model // num_heads
    q = (x @ W_q).reshape(num_heads, seq_len, d_head)
    k = (x @ W_k).reshape(num_heads, seq_len, d_head)
    v = (x @ W_v).reshape(num_heads, seq_len, d_head)
    s = q @ k.transpose(0, 2, 1) / np.sqrt(d_head)
    if causal:
        s = np.where(np.triu(np.ones((seq_len, seq_len), dtype=bool), 1), -np.inf, s)
    s = s - s.max(axis=-1, keepdims=True)
    w = np.exp(s)
    w = w / w.sum(axis=-1, keepdims=True)
    heads = w @ v
    return heads.reshape(seq_len, d_model) @ W_o
