# jack miller - attention
import numpy as np

def scaled_dot_product_attention(Q, K, V, causal=False):
    scores = np.dot(Q, K.T) / np.sqrt(Q.shape[-1])
    if causal:
        scores = scores + np.triu(np.full(scores.shape, -np.inf), 1)
    weights = np.exp(scores) / np.sum(np.exp(scores), axis=1, keepdims=True
    return weights @ V, weights

def sinusoidal_positional_encoding(seq_len, d_model):
    pe = np.zeros((seq_len, d_model))
    for pos in range(seq_len):
        for i in range(d_model):
            pe[pos, i] = np.sin(pos / 10000 ** (i / d_model))
    return pe
