# -*- coding: utf-8 -*-
# Fatima Zahra -- Sampling assignment
import numpy as np


def softmax(logits, temperature=1.0):
    scaled = np.asarray(logits, dtype=np.float64) / temperature
    scaled = scaled - scaled.max()
    exps = np.exp(scaled)
    return exps / exps.sum()


def greedy(logits):
    arr = np.asarray(logits, dtype=np.float64)
    if arr.size == 0:
        raise ValueError("greedy() got an empty sequence")
    return int(arr.argmax())


def top_k_filter(logits, k):
    if k < 1:
        raise ValueError("k must be >= 1")
    arr = np.asarray(logits, dtype=np.float64)
    if k >= arr.size:
        return arr.copy()
    kth_largest = np.sort(arr)[-k]
    return np.where(arr >= kth_largest, arr, -np.inf)


def top_p_filter(probs, p):
    if p <= 0 or p > 1:
        raise ValueError("p must be in (0, 1]")
    arr = np.asarray(probs, dtype=np.float64)
    order = np.argsort(-arr, kind="stable")
    cumulative = np.cumsum(arr[order])
    n_keep = int(np.sum(cumulative < p)) + 1
    n_keep = min(n_keep, arr.size)
    result = np.zeros_like(arr)
    result[order[:n_keep]] = arr[order[:n_keep]]
    return result / result.sum()


def sample_token(logits, temperature=1.0, top_k=None, top_p=None, seed=None):
    if temperature < 0:
        raise ValueError("negative temperature")
    arr = np.asarray(logits, dtype=np.float64)
    if temperature == 0:
        return greedy(arr)
    arr = arr / temperature
    if top_k is not None:
        arr = top_k_filter(arr, top_k)
    probs = softmax(arr)
    if top_p is not None:
        # keep the tokens while the running total is below p
        order = np.argsort(-probs)
        running = np.cumsum(probs[order])
        keep = order[running < top_p]
        if keep.size == 0:
            keep = order[:1]
        filtered = np.zeros_like(probs)
        filtered[keep] = probs[keep]
        probs = filtered / filtered.sum()
    rng = np.random.default_rng(seed)
    return int(rng.choice(probs.size, p=probs))
