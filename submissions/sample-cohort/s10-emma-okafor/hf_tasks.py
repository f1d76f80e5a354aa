"""Emma Okafor - hf_tasks.py"""
from functools import lru_cache

import torch
from transformers import AutoModelForSeq2SeqLM, AutoTokenizer, pipeline


@lru_cache(maxsize=2)
def _text_generator(model_path):
    return pipeline("text-generation", model=model_path)


def generate_greedy(model_path, prompt, max_new_tokens=20):
    return _text_generator(model_path)(prompt, max_new_tokens=max_new_tokens, do_sample=False)[0]["generated_text"]


def generate_sampled(model_path, prompt, max_new_tokens=20, seed=0):
    generator = _text_generator(model_path)
    torch.manual_seed(seed)
    return generator(prompt, max_new_tokens=max_new_tokens, do_sample=True, top_k=50)[0]["generated_text"]


def classify(model_path, texts):
    # same as in the lecture
    classifier = pipeline("sentiment-analysis")
    return [result["label"] for result in classifier(texts)]


def summarize(model_path, text, max_new_tokens=30):
    if not text.strip():
        raise ValueError("empty text")
    tokenizer = AutoTokenizer.from_pretrained(model_path)
    model = AutoModelForSeq2SeqLM.from_pretrained(model_path)
    inputs = tokenizer(text, return_tensors="pt", truncation=True)
    output = model.generate(**inputs, max_new_tokens=max_new_tokens, do_sample=False, num_beams=1)
    return tokenizer.decode(output[0], skip_special_tokens=True)
