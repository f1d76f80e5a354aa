# jack miller
import numpy as np

def softmax(logits, temperature=1.0):
    e = np.exp(np.array(logits) / temperature)
    return e / e.sum()

def greedy(logits):
    print("logits:", logits)
    return max(logits)
