"""Bug: returns the pipeline's raw output, a list of {"generated_text": ...} dicts, instead of
the string inside it (the lecture prints output[0]['generated_text'])."""

from transformers import pipeline


def generate_greedy(model_path, prompt, max_new_tokens=20):
    generator = pipeline("text-generation", model=model_path)
    return generator(prompt, max_new_tokens=max_new_tokens, do_sample=False)
