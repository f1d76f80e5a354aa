"""Bug: decodes only the new tokens with model.generate() and forgets to put the prompt in
front, unlike the pipeline's generated_text."""

from transformers import AutoModelForCausalLM, AutoTokenizer


def generate_greedy(model_path, prompt, max_new_tokens=20):
    tokenizer = AutoTokenizer.from_pretrained(model_path)
    model = AutoModelForCausalLM.from_pretrained(model_path)
    inputs = tokenizer(prompt, return_tensors="pt")
    output = model.generate(**inputs, max_new_tokens=max_new_tokens, do_sample=False)
    return tokenizer.decode(output[0, inputs["input_ids"].shape[1] :], skip_special_tokens=True)
