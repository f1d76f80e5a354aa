"""Bug: accepts a seed but never uses it, so runs cannot be reproduced."""

from transformers import pipeline


def generate_sampled(model_path, prompt, max_new_tokens=20, seed=0):
    generator = pipeline("text-generation", model=model_path)
    out = generator(prompt, max_new_tokens=max_new_tokens, do_sample=True, temperature=1.0, top_k=50)
    return out[0]["generated_text"]
