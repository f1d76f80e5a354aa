"""Bug: copies the lecture's pipeline("sentiment-analysis") without the model argument, which
tries to download a default model from the Hub (no network in the sandbox)."""

from transformers import pipeline


def classify(model_path, texts):
    classifier = pipeline("sentiment-analysis")
    return [r["label"] for r in classifier(list(texts))]
