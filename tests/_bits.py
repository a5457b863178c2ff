"""Bit-level helpers shared by the tests of the solver's fast kernels."""

import numpy as np


def _same(a, b):
    """Whether two arrays are the same bits (shape, dtype and bytes)."""
    a, b = np.asarray(a), np.asarray(b)
    return a.shape == b.shape and a.dtype == b.dtype and a.tobytes() == b.tobytes()


def _logits(rng, shape):
    """Log-odds across every regime: near 0, moderate, beyond the range of exp(-|z|), +-0.0."""
    z = rng.standard_normal(shape) * 10.0 ** rng.uniform(-3, 3.2, shape)
    z.flat[:4] = [0.0, -0.0, 800.0, -800.0]
    return z
