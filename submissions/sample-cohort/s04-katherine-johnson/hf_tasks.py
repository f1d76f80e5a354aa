"""Katherine Johnson -- hf_tasks.py"""
import torch
from transformers import AutoModelForSeq2SeqLM, AutoTokenizer, pipeline

PIPELINES = {}


def get_pipeline(task, model_path):
    if (task, model_path) not in PIPELINES:
        PIPELINES[task, model_path] = pipeline(task, model=model_path)
    return PIPELINES[task, model_path]


def generate_greedy(model_path, prompt, max_new_tokens=20):
    generator = get_pipeline("text-generation", model_path)
    return generator(prompt, do_sample=False, max_new_tokens=max_new_tokens)[0]["generated_text"]


def generate_sampled(model_path, prompt, max_new_tokens=20, seed=0):
    generator = get_pipeline("text-generation", model_path)
    torch.manual_seed(seed)
    return generator(prompt, do_sample=True, temperature=1.0, top_k=50, max_new_tokens=max_new_tokens)[0][
        "generated_text"
    ]


def classify(model_path, texts):
    return [r["label"] for r in get_pipeline("sentiment-analysis", model_path)(texts)] if texts else []


def summarize(model_path, text, max_new_tokens=30):
    if not text.strip():
        raise ValueError("empty text")
    tokenizer = AutoTokenizer.from_pretrained(model_path)
    model = AutoModelForSeq2SeqLM.from_pretrained(model_path)
    batch = tokenizer(text, return_tensors="pt", truncation=True)
    with torch.no_grad():
        ids = model.generate(**batch, max_new_tokens=max_new_tokens, do_sample=False, num_beams=1)
    return tokenizer.decode(ids[0], skip_special_tokens=True)
