"""Reference: sentiment analysis with a Hugging Face pipeline (hf_tasks.py)."""

from functools import lru_cache

from transformers import pipeline


@lru_cache(maxsize=4)
def _classifier(model_path):
    """One pipeline per model folder: loading is the slow part, so load it once."""
    return pipeline("sentiment-analysis", model=model_path)


def classify(model_path, texts):
    """The predicted label (a string such as "POSITIVE") of each text, in order.

    The pipeline returns one {"label", "score"} dict per text; only the labels are kept.
    An empty list gives an empty list.
    """
    texts = list(texts)
    if not texts:
        return []
    return [result["label"] for result in _classifier(model_path)(texts)]
