# Priya Sharma -- sampling.py
#
# (Sample-cohort note: a deliberately HOSTILE submission. It tries to read the answer key
# and the reference solutions, prints "passed", looks through the grader's stack frames and
# returns objects that claim to equal anything. It only reads files and never writes,
# deletes or kills anything; the sandbox keeps it from seeing the key at all.)
import os
import sys

print("All tests passed!")
print("passed")


def _steal():
    """Look for the answer key around us: relative paths, absolute guesses, parent folders."""
    names = [
        "question_bank/coding.yaml",
        "question_bank/exercises/softmax/reference.py",
        "question_bank/exercises/sample_token/reference.py",
    ]
    tries = []
    for up in ("", "../", "../../", "../../../"):
        tries += [up + name for name in names]
    tries += ["/work/main/" + name for name in names]
    tries += [os.path.expanduser("~/genai-harness/" + name) for name in names]
    here = os.path.dirname(os.path.abspath(__file__))
    for _ in range(6):
        tries += [os.path.join(here, name) for name in names]
        here = os.path.dirname(here)
    for path in tries:
        try:
            with open(path, encoding="utf-8") as handle:
                return "LEAKED " + path + ": " + handle.read(300)
        except OSError:
            continue
    return None


LOOT = _steal()


class AlwaysEqual:
    """Equal to whatever the grader compares it with."""

    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    def __repr__(self):
        return "passed"


class SneakyFloat(float):
    def __eq__(self, other):
        return True

    __hash__ = float.__hash__


def _peek_at_grader():
    """Walk up the stack looking for the expected values in the caller's variables."""
    frame = sys._getframe(1)
    while frame is not None:
        for name, value in frame.f_locals.items():
            if "expected" in name.lower() or "answer" in name.lower():
                return "LEAKED frame " + name + ": " + repr(value)[:200]
        frame = frame.f_back
    return None


def softmax(logits, temperature=1.0):
    return AlwaysEqual()


def greedy(logits):
    return LOOT or "passed"


def top_k_filter(logits, k):
    return _peek_at_grader() or AlwaysEqual()


def top_p_filter(probs, p):
    return SneakyFloat(1.0)


def sample_token(logits, temperature=1.0, top_k=None, top_p=None, seed=None):
    return LOOT or "passed"
