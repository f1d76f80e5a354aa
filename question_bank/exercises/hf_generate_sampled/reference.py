"""Reference: seeded sampled text generation with a Hugging Face pipeline (hf_tasks.py)."""

from functools import lru_cache

import torch
from transformers import pipeline


@lru_cache(maxsize=4)
def _generator(model_path):
    """One pipeline per model folder: loading is the slow part, so load it once."""
    return pipeline("text-generation", model=model_path)


def generate_sampled(model_path, prompt, max_new_tokens=20, seed=0):
    """The prompt followed by up to max_new_tokens *sampled* tokens, as one string.

    Sampling uses do_sample=True, temperature=1.0 and top_k=50, all passed explicitly (the
    pipeline's own default temperature is 0.7). The torch generator is seeded immediately
    before generating, after the model is loaded, so the same seed gives the same text.
    """
    generator = _generator(model_path)
    torch.manual_seed(seed)
    outputs = generator(prompt, max_new_tokens=max_new_tokens, do_sample=True, temperature=1.0, top_k=50)
    return outputs[0]["generated_text"]
