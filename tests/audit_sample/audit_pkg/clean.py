"""Computations without mutation bugs."""

import numpy as np
from numpy import linalg
from numpy.random import default_rng


def summary(n):
    data = np.arange(float(n)).reshape(4, -1)
    data = data - data.mean(axis=0)
    norms = linalg.norm(data, axis=1)
    sample = default_rng(0).normal(size=3)
    out = data.copy()
    out[0, :] = 1.0  # a write into an owned array
    return [round(float(v), 6) for v in norms] + [round(float(sample.sum()), 6), float(out.sum())]


def late_import():
    import numpy  # imported when the function runs

    return numpy.__name__
