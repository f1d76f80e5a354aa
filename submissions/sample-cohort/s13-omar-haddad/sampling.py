# Omar Haddad
import numpy as np

def softmax(logits, temperature=1.0):
    logits = np.array(logits, dtype=float)
    logits = logits - np.max(logits)
    probs = np.exp(logits / temperature)
    return probs / np.sum(probs)

def greedy(logits):
    return int(np.argmax(logits))
