"""Reference: greedy text generation with a Hugging Face pipeline (hf_tasks.py)."""

from functools import lru_cache

from transformers import pipeline


@lru_cache(maxsize=4)
def _generator(model_path):
    """One pipeline per model folder: loading is the slow part, so load it once."""
    return pipeline("text-generation", model=model_path)


def generate_greedy(model_path, prompt, max_new_tokens=20):
    """The prompt followed by up to max_new_tokens greedily chosen tokens, as one string.

    ``do_sample=False`` matters: the transformers 5 text-generation pipeline samples by
    default (temperature 0.7) unless the model's generation config says otherwise.
    ``max_new_tokens`` counts only new tokens (``max_length`` would count the prompt too).
    """
    outputs = _generator(model_path)(prompt, max_new_tokens=max_new_tokens, do_sample=False)
    return outputs[0]["generated_text"]
