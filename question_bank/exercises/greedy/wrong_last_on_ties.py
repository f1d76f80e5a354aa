"""Bug: a hand-written loop with >= keeps the LAST of several equal maxima."""


def greedy(logits):
    if len(logits) == 0:
        raise ValueError("greedy of an empty vector")
    best = 0
    for i, value in enumerate(logits):
        if value >= logits[best]:
            best = i
    return best
