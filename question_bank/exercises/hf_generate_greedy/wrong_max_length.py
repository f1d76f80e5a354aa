"""Bug: copies the lecture's max_length, which counts the prompt's tokens as well, so fewer
new tokens come out than asked for."""

from transformers import pipeline


def generate_greedy(model_path, prompt, max_new_tokens=20):
    generator = pipeline("text-generation", model=model_path)
    return generator(prompt, max_length=max_new_tokens, do_sample=False)[0]["generated_text"]
