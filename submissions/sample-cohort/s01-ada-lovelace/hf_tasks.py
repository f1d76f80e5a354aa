"""Hugging Face tasks from the lecture, on local models (Ada Lovelace)."""

import torch
from transformers import AutoModelForSeq2SeqLM, AutoTokenizer, pipeline

_cache = {}


def _pipe(task, model_path):
    key = (task, model_path)
    if key not in _cache:
        _cache[key] = pipeline(task, model=model_path)
    return _cache[key]


def generate_greedy(model_path, prompt, max_new_tokens=20):
    out = _pipe("text-generation", model_path)(prompt, max_new_tokens=max_new_tokens, do_sample=False)
    return out[0]["generated_text"]


def generate_sampled(model_path, prompt, max_new_tokens=20, seed=0):
    generator = _pipe("text-generation", model_path)
    torch.manual_seed(seed)
    out = generator(prompt, max_new_tokens=max_new_tokens, do_sample=True, temperature=1.0, top_k=50)
    return out[0]["generated_text"]


def classify(model_path, texts):
    if len(texts) == 0:
        return []
    results = _pipe("sentiment-analysis", model_path)(list(texts))
    return [r["label"] for r in results]


def summarize(model_path, text, max_new_tokens=30):
    if not text or not text.strip():
        raise ValueError("empty text")
    if ("seq2seq", model_path) not in _cache:
        _cache[("seq2seq", model_path)] = (
            AutoTokenizer.from_pretrained(model_path),
            AutoModelForSeq2SeqLM.from_pretrained(model_path),
        )
    tokenizer, model = _cache[("seq2seq", model_path)]
    inputs = tokenizer(text, return_tensors="pt", truncation=True)
    with torch.no_grad():
        ids = model.generate(**inputs, max_new_tokens=max_new_tokens, do_sample=False, num_beams=1)
    return tokenizer.decode(ids[0], skip_special_tokens=True)
