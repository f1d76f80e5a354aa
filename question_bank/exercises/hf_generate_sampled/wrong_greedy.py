"""Bug: passes do_sample=False, so every seed gives the same (greedy) text."""

import torch
from transformers import pipeline


def generate_sampled(model_path, prompt, max_new_tokens=20, seed=0):
    generator = pipeline("text-generation", model=model_path)
    torch.manual_seed(seed)
    return generator(prompt, max_new_tokens=max_new_tokens, do_sample=False)[0]["generated_text"]
