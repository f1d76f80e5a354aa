"""Bug: returns the largest value itself instead of its position."""


def greedy(logits):
    if len(logits) == 0:
        raise ValueError("greedy of an empty vector")
    return max(logits)
