# Chloe Dupont - TP sampling
import numpy as np


def softmax(logits, temperature=1.0):
    # softmax avec temperature
    if temperature <= 0:
        raise ValueError("temperature doit etre > 0")
    exps = np.exp(np.asarray(logits, dtype=np.float64) / temperature)
    return exps / np.sum(exps)


def greedy(logits):
    # on parcourt la liste et on garde l'indice du plus grand
    best = 0
    i = 1
    while i < len(logits):
        if logits[i] > logits[best]:
            best = i
            i = i + 1
    return best


def top_k_filter(logits, k):
    logits = np.asarray(logits, dtype=np.float64)
    order = np.argsort(logits)
    out = np.full(len(logits), -np.inf)
    for idx in order[:k]:
        out[idx] = logits[idx]
    return out
