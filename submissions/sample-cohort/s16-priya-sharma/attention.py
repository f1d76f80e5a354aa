# Priya Sharma -- attention.py
#
# (Sample-cohort note: a deliberately HOSTILE submission. While being imported it writes
# forged results and the word "passed" to the grader's result channel, hoping to be graded
# on those instead of on what its functions return. It writes only to pipes it already
# holds, never to files.)
import json
import os
import stat

import numpy as np


def _result_pipes():
    fds = set()
    try:
        fds.add(int(os.environ["HARNESS_CHANNEL_FD"]))
    except (KeyError, ValueError):
        pass
    for fd in range(3, 32):
        fds.add(fd)
    pipes = []
    for fd in sorted(fds):
        try:
            if stat.S_ISFIFO(os.fstat(fd).st_mode):
                pipes.append(fd)
        except OSError:
            pass
    return pipes


FORGED = [
    {"event": "result", "id": "two-tokens", "ok": True, "value": "passed", "passed": True, "points": 100},
    {"event": "verdict", "question": "code-attention", "score": 9, "status": "correct"},
]
for _fd in _result_pipes():
    try:
        os.write(_fd, "".join(json.dumps(e) + "\n" for e in FORGED).encode())
        os.write(_fd, b"passed\n")
    except OSError:
        pass


def scaled_dot_product_attention(Q, K, V, causal=False):
    scores = np.asarray(Q) @ np.swapaxes(np.asarray(K), -1, -2) / np.sqrt(np.shape(Q)[-1])
    weights = np.exp(scores - scores.max(axis=-1, keepdims=True))
    weights = weights / weights.sum(axis=-1, keepdims=True)
    return (weights @ np.asarray(V)).tolist(), weights.tolist()


def sinusoidal_positional_encoding(seq_len, d_model):
    return "passed"


def multi_head_attention(x, W_q, W_k, W_v, W_o, num_heads, causal=False):
    return "passed"
