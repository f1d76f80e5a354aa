"""Bug: returns the pipeline's raw output (dicts with a label and a score), not the labels."""

from transformers import pipeline


def classify(model_path, texts):
    if not texts:
        return []
    return pipeline("sentiment-analysis", model=model_path)(list(texts))
