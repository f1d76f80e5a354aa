"""Bug: leaves the temperature to the pipeline's default (0.7 in transformers 5) instead of 1.0."""

import torch
from transformers import pipeline


def generate_sampled(model_path, prompt, max_new_tokens=20, seed=0):
    generator = pipeline("text-generation", model=model_path)
    torch.manual_seed(seed)
    return generator(prompt, max_new_tokens=max_new_tokens, do_sample=True, top_k=50)[0]["generated_text"]
