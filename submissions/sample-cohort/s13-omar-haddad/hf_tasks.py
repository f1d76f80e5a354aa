# Omar Haddad - copied from the lecture
from transformers import pipeline

def generate_greedy(model_path, prompt, max_new_tokens=20):
    generator = pipeline("text-generation", model=model_path)
    output = generator(prompt, max_length=max_new_tokens)
    return output[0]["generated_text"]

def classify(model_path, texts):
    classifier = pipeline("sentiment-analysis")
    return [classifier(t)[0]["label"] for t in texts]
