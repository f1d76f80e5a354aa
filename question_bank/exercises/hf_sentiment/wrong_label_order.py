"""Bug: runs the model by hand and maps class indices to labels with a hard-coded list in the
wrong order, instead of reading model.config.id2label."""

import torch
from transformers import AutoModelForSequenceClassification, AutoTokenizer


def classify(model_path, texts):
    if not texts:
        return []
    tokenizer = AutoTokenizer.from_pretrained(model_path)
    model = AutoModelForSequenceClassification.from_pretrained(model_path)
    with torch.no_grad():
        logits = model(**tokenizer(list(texts), padding=True, truncation=True, return_tensors="pt")).logits
    labels = ["POSITIVE", "NEGATIVE"]
    return [labels[i] for i in logits.argmax(dim=-1).tolist()]
