"""Bug: uses the lecture's pipeline("summarization"), which transformers 5 no longer has."""

from transformers import pipeline


def summarize(model_path, text, max_new_tokens=30):
    if not text.strip():
        raise ValueError("empty text")
    summarizer = pipeline("summarization", model=model_path)
    return summarizer(text, max_new_tokens=max_new_tokens)[0]["summary_text"]
