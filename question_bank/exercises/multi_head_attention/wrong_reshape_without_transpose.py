"""Bug: reshapes (seq_len, d_model) straight to (num_heads, seq_len, d_head), which mixes
positions and features instead of splitting each token's features into heads."""

import numpy as np


def _attention(q, k, v, causal):
    """Scaled dot-product attention over the last two axes (leading axes are heads)."""
    scores = q @ np.swapaxes(k, -1, -2) / np.sqrt(q.shape[-1])
    if causal:
        n = scores.shape[-1]
        scores = np.where(np.triu(np.ones((n, n), dtype=bool), k=1), -np.inf, scores)
    scores = scores - scores.max(axis=-1, keepdims=True)
    weights = np.exp(scores)
    weights = weights / weights.sum(axis=-1, keepdims=True)
    return weights @ v


def multi_head_attention(x, W_q, W_k, W_v, W_o, num_heads, causal=False):
    """Multi-head self-attention of a sequence x (seq_len, d_model), without biases.

    1. Project: Q = x @ W_q, K = x @ W_k, V = x @ W_v, each (seq_len, d_model).
    2. Split each into num_heads heads of size d_head = d_model // num_heads: reshape to
       (seq_len, num_heads, d_head), then move the head axis first -> (num_heads, seq_len, d_head).
    3. Attend in every head: softmax(Q_h K_h^T / sqrt(d_head)) V_h (causal mask if asked).
    4. Concatenate the heads back to (seq_len, d_model) (the inverse of step 2), then
       return concat @ W_o, a float64 array of shape (seq_len, d_model).

    Raises ValueError if d_model is not divisible by num_heads.
    """
    x = np.asarray(x, dtype=np.float64)
    seq_len, d_model = x.shape
    if num_heads < 1 or d_model % num_heads:
        raise ValueError(f"d_model={d_model} is not divisible by num_heads={num_heads}")
    d_head = d_model // num_heads

    def split_heads(t):
        return t.reshape(num_heads, seq_len, d_head)

    q, k, v = (split_heads(x @ np.asarray(w, dtype=np.float64)) for w in (W_q, W_k, W_v))
    heads = _attention(q, k, v, causal)
    concat = heads.reshape(seq_len, d_model)
    return concat @ np.asarray(W_o, dtype=np.float64)
