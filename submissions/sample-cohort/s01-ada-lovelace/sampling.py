"""Decoding strategies for a language model's next-token distribution.

Ada Lovelace -- Generative AI unit, coding exercises (sampling).
"""

import numpy as np


def _as_vector(values):
    """A 1-D float64 copy of ``values`` (list or array)."""
    return np.array(values, dtype=np.float64).reshape(-1)


def softmax(logits, temperature=1.0):
    """exp(z_i / T) / sum_j exp(z_j / T), computed stably (max-shift before exp)."""
    z = _as_vector(logits)
    if z.size == 0:
        raise ValueError("softmax needs at least one logit")
    if temperature <= 0:
        raise ValueError("temperature must be strictly positive")
    scaled = z / temperature
    scaled -= scaled.max()          # exp(...) <= 1 now: no overflow
    e = np.exp(scaled)
    return e / e.sum()


def greedy(logits):
    """Index of the largest logit (lowest index on ties)."""
    z = _as_vector(logits)
    if z.size == 0:
        raise ValueError("cannot decode from an empty distribution")
    return int(np.argmax(z))


def top_k_filter(logits, k):
    """Keep the k largest logits, set the rest to -inf."""
    if k < 1:
        raise ValueError("k must be >= 1")
    z = _as_vector(logits)
    if k >= z.size:
        return z
    order = np.argsort(-z, kind="stable")
    filtered = np.full(z.shape, -np.inf)
    filtered[order[:k]] = z[order[:k]]
    return filtered


def top_p_filter(probs, p):
    """Nucleus filtering: smallest top set with mass >= p, renormalised."""
    if not (0 < p <= 1):
        raise ValueError("p must be in (0, 1]")
    q = _as_vector(probs)
    order = np.argsort(-q, kind="stable")
    running = np.cumsum(q[order])
    # index of the first token whose running total reaches p (it is kept too)
    last = int(np.argmax(running >= p)) if np.any(running >= p) else q.size - 1
    kept = order[: last + 1]
    out = np.zeros_like(q)
    out[kept] = q[kept]
    return out / out.sum()


def sample_token(logits, temperature=1.0, top_k=None, top_p=None, seed=None):
    """temperature -> top-k -> softmax -> top-p -> one seeded draw."""
    if temperature < 0:
        raise ValueError("temperature cannot be negative")
    z = _as_vector(logits)
    if temperature == 0:
        return greedy(z)
    z = z / temperature
    if top_k is not None:
        z = top_k_filter(z, top_k)
    probs = softmax(z)
    if top_p is not None:
        probs = top_p_filter(probs, top_p)
    rng = np.random.default_rng(seed)
    return int(rng.choice(len(probs), p=probs))
