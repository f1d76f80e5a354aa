"""Bug: decodes the output without skip_special_tokens, so <s> / </s> / <pad> stay in the text."""

from transformers import AutoModelForSeq2SeqLM, AutoTokenizer


def summarize(model_path, text, max_new_tokens=30):
    if not text.strip():
        raise ValueError("empty text")
    tokenizer = AutoTokenizer.from_pretrained(model_path)
    model = AutoModelForSeq2SeqLM.from_pretrained(model_path)
    inputs = tokenizer(text, return_tensors="pt", truncation=True)
    output = model.generate(**inputs, max_new_tokens=max_new_tokens, do_sample=False, num_beams=1)
    return tokenizer.decode(output[0])
