# Fatima Zahra -- hf_tasks.py
import torch
from transformers import (AutoModelForSeq2SeqLM, AutoModelForSequenceClassification, AutoTokenizer,
                          pipeline)

_gen = {}


def generate_greedy(model_path, prompt, max_new_tokens=20):
    if model_path not in _gen:
        _gen[model_path] = pipeline("text-generation", model=model_path)
    result = _gen[model_path](prompt, max_new_tokens=max_new_tokens, do_sample=False)
    return result[0]["generated_text"]


def classify(model_path, texts):
    if not texts:
        return []
    tokenizer = AutoTokenizer.from_pretrained(model_path)
    model = AutoModelForSequenceClassification.from_pretrained(model_path)
    batch = tokenizer(list(texts), padding=True, truncation=True, return_tensors="pt")
    with torch.no_grad():
        logits = model(**batch).logits
    labels = ["POSITIVE", "NEGATIVE"]
    return [labels[i] for i in logits.argmax(dim=-1).tolist()]


def summarize(model_path, text, max_new_tokens=30):
    if not text.strip():
        raise ValueError("empty text")
    tokenizer = AutoTokenizer.from_pretrained(model_path)
    model = AutoModelForSeq2SeqLM.from_pretrained(model_path)
    inputs = tokenizer(text, return_tensors="pt", truncation=True)
    output = model.generate(**inputs, max_length=max_new_tokens, do_sample=False, num_beams=1)
    return tokenizer.decode(output[0], skip_special_tokens=True)
