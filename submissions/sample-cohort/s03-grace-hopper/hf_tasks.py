# hf_tasks.py -- Grace Hopper
# I used the model + tokenizer directly for generation (the pipeline hides too much).
import torch
from transformers import (
    AutoModelForCausalLM,
    AutoModelForSeq2SeqLM,
    AutoTokenizer,
    pipeline,
)

_models = {}


def _causal(model_path):
    if model_path not in _models:
        tokenizer = AutoTokenizer.from_pretrained(model_path)
        model = AutoModelForCausalLM.from_pretrained(model_path)
        model.eval()
        _models[model_path] = (tokenizer, model)
    return _models[model_path]


def generate_greedy(model_path, prompt, max_new_tokens=20):
    tokenizer, model = _causal(model_path)
    inputs = tokenizer(prompt, return_tensors="pt")
    with torch.no_grad():
        output = model.generate(**inputs, max_new_tokens=max_new_tokens, do_sample=False)
    new_tokens = output[0, inputs["input_ids"].shape[1]:]
    return prompt + tokenizer.decode(new_tokens, skip_special_tokens=True)


_text_generators = {}


def generate_sampled(model_path, prompt, max_new_tokens=20, seed=0):
    if model_path not in _text_generators:
        _text_generators[model_path] = pipeline("text-generation", model=model_path)
    generator = _text_generators[model_path]
    torch.manual_seed(seed)
    result = generator(prompt, max_new_tokens=max_new_tokens, do_sample=True, temperature=1.0, top_k=50)
    return result[0]["generated_text"]


_classifiers = {}


def classify(model_path, texts):
    labels = []
    if len(texts) == 0:
        return labels
    if model_path not in _classifiers:
        _classifiers[model_path] = pipeline("sentiment-analysis", model=model_path)
    for result in _classifiers[model_path](texts):
        labels.append(result["label"])
    return labels


_seq2seq = {}


def summarize(model_path, text, max_new_tokens=30):
    if text.strip() == "":
        raise ValueError("cannot summarise an empty text")
    if model_path not in _seq2seq:
        _seq2seq[model_path] = (
            AutoTokenizer.from_pretrained(model_path),
            AutoModelForSeq2SeqLM.from_pretrained(model_path),
        )
    tokenizer, model = _seq2seq[model_path]
    inputs = tokenizer(text, return_tensors="pt", truncation=True)
    output = model.generate(**inputs, max_new_tokens=max_new_tokens, do_sample=False, num_beams=1)
    return tokenizer.decode(output[0], skip_special_tokens=True)
