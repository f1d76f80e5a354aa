"""Reference: abstractive summarisation with a seq2seq model's generate() (hf_tasks.py).

transformers 5 removed the "summarization" pipeline, so the tokenizer and the model are
used directly.
"""

from functools import lru_cache

import torch
from transformers import AutoModelForSeq2SeqLM, AutoTokenizer


@lru_cache(maxsize=4)
def _load(model_path):
    """Tokenizer and model for one folder, loaded once."""
    model = AutoModelForSeq2SeqLM.from_pretrained(model_path)
    model.eval()
    return AutoTokenizer.from_pretrained(model_path), model


def summarize(model_path, text, max_new_tokens=30):
    """A summary of ``text`` generated greedily (do_sample=False, num_beams=1) with at most
    max_new_tokens new tokens, decoded without special tokens (no <s>, </s>, <pad>).

    Raises ValueError for an empty (or blank) text: there is nothing to summarise.
    """
    if not text.strip():
        raise ValueError("nothing to summarise: the text is empty")
    tokenizer, model = _load(model_path)
    inputs = tokenizer(text, return_tensors="pt", truncation=True)
    with torch.no_grad():
        output = model.generate(**inputs, max_new_tokens=max_new_tokens, do_sample=False, num_beams=1)
    return tokenizer.decode(output[0], skip_special_tokens=True)
