"""SQuAD's answer normalisation and token overlap (the official v2.0 evaluation script).

``normalize_answer``: lower-case, drop punctuation (``string.punctuation``), drop the articles
"a", "an", "the", collapse white space. ``token_f1`` follows the v2.0 script's ``compute_f1``:
when either side has no tokens, F1 is 1 if both are empty and 0 otherwise.
"""

from __future__ import annotations

import re
import string
from collections import Counter

_ARTICLES = re.compile(r"\b(a|an|the)\b", re.UNICODE)
_PUNCTUATION = frozenset(string.punctuation)


def normalize_answer(text: str) -> str:
    """SQuAD's ``normalize_answer``."""
    text = "".join(ch for ch in text.lower() if ch not in _PUNCTUATION)
    return " ".join(_ARTICLES.sub(" ", text).split())


def token_f1(prediction: str, reference: str, normalize: bool = True) -> tuple[float, float, float]:
    """(F1, precision, recall) of the tokens of ``prediction`` against ``reference``."""
    pred = (normalize_answer(prediction) if normalize else prediction).split()
    gold = (normalize_answer(reference) if normalize else reference).split()
    if not pred or not gold:
        same = float(pred == gold)
        return same, same, same
    common = sum((Counter(pred) & Counter(gold)).values())
    if common == 0:
        return 0.0, 0.0, 0.0
    precision = common / len(pred)
    recall = common / len(gold)
    return 2 * precision * recall / (precision + recall), precision, recall
