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


def test_order_pass_reports_whether_every_q_is_finite():
    # the order pass returns whether q is finite (the minimizer's check of its
    # result), read from the sorted bit patterns or, with a sign bit present,
    # from the floats: it must see an inf or a NaN in any row and column,
    # with or without near ties that send rows to the repair
    from focaltheory.solver._order import _preserve_order

    rng = np.random.default_rng(11)
    W = rng.dirichlet(np.full(5, 0.5), size=50)
    W[::5, 2] = W[::5, 3]  # ties: those rows are repaired
    base = W.copy()
    assert _preserve_order(base.copy(), W) is True
    for bad in (np.inf, np.nan, -np.nan):
        for r, c in ((0, 2), (7, 0), (49, 4)):
            for spoiler in (None, -0.0):
                q = base.copy()
                q[r, c] = bad
                if spoiler is not None:
                    q[1, 1] = spoiler
                got = _preserve_order(q, W)
                assert got is False, (bad, r, c, spoiler)
    q = base.copy()
    q[3, 3] = -0.0
    assert _preserve_order(q, W) is True
    assert _preserve_order(np.full((4, 1), np.nan), np.ones((4, 1))) is False
    assert _preserve_order(np.full((4, 1), 1.0), np.ones((4, 1))) is True


def test_order_screen_on_bit_gaps_flags_every_row_the_float_screen_flags():
    # pairs at relative distances about the float screen's 2e-12, across the
    # double range, with zeros and subnormals: every row the float test
    # (q' <= q (1 + _NEAR) + _NEAR_ABS on sorted rows) finds, the integer
    # screen on the bit patterns' gaps finds too, and it passes on far rows
    from focaltheory.solver import _order

    rng = np.random.default_rng(11)
    n, K = 4000, 6
    q = rng.dirichlet(np.full(K, 0.3), size=n) * 10.0 ** rng.integers(-320, 1, (n, 1))
    i = rng.integers(0, n, 2000)
    j = rng.integers(0, K - 1, 2000)
    rel = rng.choice([0.0, 1e-16, 1e-13, 1.999e-12, 2e-12, 2.001e-12, 1e-11], 2000)
    q[i, j + 1] = q[i, j] * (1.0 + rel)
    q[rng.integers(0, n, 40), 0] = 0.0
    qs = np.sort(q, axis=1)
    floats = np.any(qs[:, 1:] <= qs[:, :-1] * (1.0 + _order._NEAR) + _order._NEAR_ABS, axis=1)
    b = np.sort(q.view(np.int64), axis=1)
    ints = np.any(b[:, 1:] - b[:, :-1] <= _order._NEAR_BITS, axis=1) | (b[:, 0] < _order._TINY_BITS)
    assert floats.sum() > 500 and not np.any(floats & ~ints)
    far = np.tile(np.array([0.01, 0.05, 0.1, 0.2, 0.3]), (3, 1))
    b = np.sort(far.view(np.int64), axis=1)
    assert np.all(b[:, 1:] - b[:, :-1] > _order._NEAR_BITS) and np.all(b[:, 0] >= _order._TINY_BITS)


@pytest.mark.parametrize("gamma", [0.5, 2.0, 30.0])
def test_residual_bound_from_the_nonnegative_logits_is_the_row_minimum_bitwise(gamma):
    # max(0, -min b) formed from the classes with z >= 0 (where no class is
    # tiny) is the row reduction over every class, bit for bit
    import dataclasses

    from focaltheory.solver._finish import _residual_bound
    from focaltheory.solver._system import _initial_guess, _newton_parts, _System

    rng = np.random.default_rng(12)
    P = rng.dirichlet(np.full(8, 0.4), size=500)
    P[:50] = rng.dirichlet(np.full(8, 20.0), size=50)  # no class above 1/2
    sys_ = _System(P, np.full(500, gamma))
    z0, u0 = _initial_guess(sys_)
    r = np.arange(0, 500, 3)
    z0[r, sys_.dom[r]] = rng.uniform(0.0, 4.0, r.size)  # some classes at z >= 0 whatever gamma
    z0[0, sys_.dom[0]] = 0.0
    with np.errstate(all="ignore"):
        s = _newton_parts(sys_, np.zeros(P.shape, dtype=bool), z0, u0, np.ones(500, dtype=bool))
        assert s.pos is not None and 0 < s.pos.size < P.shape[0]
        got = _residual_bound(sys_, s, slice(None))
        want = _residual_bound(sys_, dataclasses.replace(s, pos=None), slice(None))
    assert _same(got, want)


def test_row_gathers_by_take_are_the_rows_indexing_gives():
    """_rows._take: ndarray.take along the rows, the values (and dtype) of x[idx] for every kind of index."""
    from focaltheory.solver._rows import _take

    rng = np.random.default_rng(5)
    arrays = [rng.standard_normal((37, 10)), rng.random((37, 10)) < 0.5, rng.standard_normal(37),
              rng.integers(-5, 5, 37), rng.standard_normal((37, 1))]
    mask = rng.random(37) < 0.4
    indices = [np.flatnonzero(mask), rng.integers(0, 37, 50), np.array([36, 0, 5, 5], dtype=np.intp),
               np.empty(0, dtype=np.intp), mask, np.zeros(37, dtype=bool)]
    for x in arrays:
        for idx in indices:
            got, want = _take(x, idx), x[idx]
            assert got.dtype == want.dtype and got.shape == want.shape
            assert np.array_equal(got, want)
        view = _take(x, slice(3, 20))
        assert np.shares_memory(view, x) and np.array_equal(view, x[3:20])
    with pytest.raises(IndexError):
        _take(arrays[0], np.array([37]))
