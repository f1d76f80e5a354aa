# Ravi Patel - Hugging Face tasks (from the lecture notebook)
from transformers import pipeline


def generate_greedy(model_path, prompt, max_new_tokens=20):
    generator = pipeline("text-generation", model=model_path)
    output = generator(prompt, max_length=max_new_tokens, do_sample=False)
    return output[0]["generated_text"]


def classify(model_path, texts):
    classifier = pipeline("sentiment-analysis", model=model_path)
    if len(texts) == 0:
        return []
    return [r["label"] for r in classifier(texts)]
