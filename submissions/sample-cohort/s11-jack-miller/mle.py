# jack miller
import numpy as np

def bernoulli_mle(x):
    return sum(x) / len(x)

def gaussian_mle(x):
    return [np.mean(x), np.std(x, ddof=1)]
