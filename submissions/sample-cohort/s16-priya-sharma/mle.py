# Priya Sharma -- mle.py
#
# (Sample-cohort note: a deliberately HOSTILE submission. It announces success and exits
# with status 0 while being imported, before any test can run.)
import sys

import numpy as np

print("Ran 20 tests: all passed. OK")
sys.exit(0)


def bernoulli_mle(x):
    return float(np.mean(x))


def gaussian_mle(x):
    x = np.asarray(x, dtype=float)
    return float(x.mean()), float(x.var())


def poisson_mle(x):
    return float(np.mean(x))
