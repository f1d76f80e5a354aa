# Tom Nguyen -- HF pipelines like in the lecture
import torch
from transformers import AutoModelForSeq2SeqLM, AutoTokenizer, pipeline

generators = {}

def _generator(model_path):
    if model_path not in generators:
        generators[model_path] = pipeline("text-generation", model=model_path)
    return generators[model_path]

def generate_greedy(model_path, prompt, max_new_tokens=20):
    return _generator(model_path)(prompt, max_new_tokens=max_new_tokens, do_sample=False)

def generate_sampled(model_path, prompt, max_new_tokens=20, seed=0):
    torch.manual_seed(seed)
    out = _generator(model_path)(prompt, max_new_tokens=max_new_tokens, do_sample=False, top_k=50)
    return out[0]["generated_text"]

def classify(model_path, texts):
    if not texts:
        return []
    classifier = pipeline("sentiment-analysis", model=model_path)
    return classifier(texts)

def summarize(model_path, text, max_new_tokens=30):
    if not text.strip():
        raise ValueError("empty text")
    tokenizer = AutoTokenizer.from_pretrained(model_path)
    model = AutoModelForSeq2SeqLM.from_pretrained(model_path)
    inputs = tokenizer(text, return_tensors="pt", truncation=True)
    output = model.generate(**inputs, max_new_tokens=max_new_tokens, do_sample=False, num_beams=1)
    return tokenizer.decode(output[0])
