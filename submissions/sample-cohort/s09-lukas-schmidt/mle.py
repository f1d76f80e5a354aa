# Lukas Schmidt
import numpy as np


def bernoulli_mle(x):
    x = np.asarray(x, dtype=float)
    if x.size == 0:
        raise ValueError("keine Daten")
    if np.any((x != 0) & (x != 1)):
        raise ValueError("nur 0/1")
    return float(x.mean())


def gaussian_mle(x):
    x = np.asarray(x, dtype=float)
    if x.size == 0:
        raise ValueError("keine Daten")
    return float(x.mean()), float(x.var())
