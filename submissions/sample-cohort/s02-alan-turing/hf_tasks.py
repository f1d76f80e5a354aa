# Alan Turing - hf_tasks.py
from functools import lru_cache

import torch
from transformers import AutoModelForSeq2SeqLM, AutoTokenizer, pipeline


@lru_cache(maxsize=None)
def load(task, path):
    return pipeline(task, model=path)


@lru_cache(maxsize=None)
def load_seq2seq(path):
    return AutoTokenizer.from_pretrained(path), AutoModelForSeq2SeqLM.from_pretrained(path).eval()


def generate_greedy(model_path, prompt, max_new_tokens=20):
    return load("text-generation", model_path)(prompt, max_new_tokens=max_new_tokens, do_sample=False)[0][
        "generated_text"
    ]


def generate_sampled(model_path, prompt, max_new_tokens=20, seed=0):
    gen = load("text-generation", model_path)
    torch.manual_seed(seed)
    return gen(prompt, max_new_tokens=max_new_tokens, do_sample=True, temperature=1.0, top_k=50)[0][
        "generated_text"
    ]


def classify(model_path, texts):
    if not texts:
        return []
    return [r["label"] for r in load("sentiment-analysis", model_path)(list(texts))]


def summarize(model_path, text, max_new_tokens=30):
    if not text.strip():
        raise ValueError("nothing to summarise")
    tok, model = load_seq2seq(model_path)
    enc = tok(text, return_tensors="pt", truncation=True)
    out = model.generate(**enc, max_new_tokens=max_new_tokens, do_sample=False, num_beams=1)
    return tok.decode(out[0], skip_special_tokens=True)
