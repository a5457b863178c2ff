"""The solver's fast paths give the same bits as the code they stand for."""

import numpy as np
import pytest

from focaltheory import _kernels
from focaltheory.solver import _lean


def _same(a, b):
    a, b = np.asarray(a), np.asarray(b)
    return a.shape == b.shape and a.dtype == b.dtype and a.tobytes() == b.tobytes()


def _logits(rng, shape):
    """Log-odds across every regime: near 0, moderate, beyond the range of exp(-|z|), +-0.0."""
    z = rng.standard_normal(shape) * 10.0 ** rng.uniform(-3, 3.2, shape)
    z.flat[:4] = [0.0, -0.0, 800.0, -800.0]
    return z


@pytest.mark.parametrize("gamma", [0.0, 0.1, 1.0, 2.0, 7.5, 300.0, 5000.0, 1e150, "rows"])
def test_lean_kernels_are_the_generated_kernels_bitwise(gamma):
    rng = np.random.default_rng(0)
    z = _logits(rng, (400, 7))
    G = rng.uniform(0, 50, (400, 1)) if gamma == "rows" else float(gamma)
    with np.errstate(all="ignore"):
        ref = _kernels._logit_parts(z)
        new = _lean._logit_parts(z)
        assert all(_same(a, b) for a, b in zip(ref, new))
        e = np.where(rng.random(z.shape) < 0.5, ref[0], rng.uniform(0, 1, z.shape))  # a supplied e
        assert all(_same(a, b) for a, b in zip(_kernels._logit_parts(z, e), _lean._logit_parts(z, e.copy())))
        e, lp1, q, omq, neg = ref
        kk = _kernels._k_term(z, e, lp1, neg)
        assert _same(kk, _lean._k_term(z, e, lp1, neg))
        assert _same(_kernels._z_eff(z, G, neg), _lean._z_eff(z, G, neg))
        assert _same(_kernels._log_g_small(G, kk, lp1), _lean._log_g_small(G, kk, lp1))
        assert _same(_kernels._dlog_g(G, kk, q, omq), _lean._dlog_g(G, kk, q, omq))


def test_lean_kernels_leave_their_arguments_alone():
    rng = np.random.default_rng(1)
    z = _logits(rng, (50, 5))
    with np.errstate(all="ignore"):
        e, lp1, q, omq, neg = _lean._logit_parts(z)
        args = [x.copy() for x in (z, e, lp1, q, omq, neg)]
        kk = _lean._k_term(z, e, lp1, neg)
        _lean._z_eff(z, 2.0, neg)
        _lean._log_g_small(2.0, kk, lp1)
        _lean._dlog_g(2.0, kk, q, omq)
    assert all(_same(a, b) for a, b in zip(args, (z, e, lp1, q, omq, neg)))
