"""The batched solver's fused and reordered kernels give the bits of the kernels they stand for."""

import numpy as np
import pytest

from focaltheory import _kernels
from focaltheory.solver import _lean

from _bits import _logits, _same


@pytest.mark.parametrize("gamma", [0.0, 0.1, 1.0, 2.0, 2.0000000000000004, 7.5, 300.0, 5000.0, 1e150, "rows"])
def test_fused_log_g_parts_are_the_two_kernels_bitwise(gamma):
    rng = np.random.default_rng(4)
    z = _logits(rng, (400, 7))
    G = rng.uniform(0, 50, (400, 1)) if gamma == "rows" else float(gamma)
    if gamma == "rows":
        G[::7] = 2.0
    with np.errstate(all="ignore"):
        e, lp1, q, omq, neg = _kernels._logit_parts(z)
        kk = _kernels._k_term(z, e, lp1, neg)
        args = [x.copy() for x in (kk, lp1, q, omq)]
        small, h = _lean._log_g_parts(G, kk, lp1, q, omq)
        assert _same(small, _kernels._log_g_small(G, kk, lp1))
        assert _same(h, _kernels._dlog_g(G, kk, q, omq))
    assert all(_same(a, b) for a, b in zip(args, (kk, lp1, q, omq)))  # the arguments are left alone


def test_order_screening_sorts_bit_patterns_or_floats_alike():
    # rows out of order by an ulp, near-tied, and rows far apart: the
    # screening finds the same rows whether it sorts the doubles as integers
    # (no sign bit anywhere) or as floats (a -0.0 or a negative entry present)
    from focaltheory.solver._order import _preserve_order

    rng = np.random.default_rng(5)
    W = rng.dirichlet(np.full(6, 0.5), size=200)
    W[::4, 1] = W[::4, 4]  # ties (in columns that are not neighbours)
    W[1::4, 0] = np.nextafter(W[1::4, 5], 1.0)  # near ties
    q = W.copy()
    q[::4, 1] = np.nextafter(q[::4, 4], 0.0)  # tied keys, unequal q
    q[1::4, 0] = np.nextafter(q[1::4, 5], 0.0)  # the order of a near tie broken
    want = q.copy()
    _preserve_order(want, W)
    assert np.all(want[::4, 1] == want[::4, 4]) and np.all(want[1::4, 0] >= want[1::4, 5])
    assert np.all(want[2::4] == q[2::4])  # rows in order are left alone
    for spoiler in (-0.0, -1e-300):
        q2 = q.copy()
        q2[-1, 0] = spoiler  # a sign bit: the floating-point sort
        got = q2.copy()
        _preserve_order(got, W)
        assert _same(got[:-1], want[:-1])
