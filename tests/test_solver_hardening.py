"""Hardening of the minimizer: extreme class weights, exact order preservation,
signed zeros on the closed-form paths and the memory of very wide rows."""

import warnings

import numpy as np
import pytest
from mpmath import mp

from focaltheory import minimizer
from focaltheory.reference import minimizer_mp

from _mp import rel


def _weighted_reference(P, alpha, gam):
    """Q* and log(lambda*) of the weighted problem in mpmath, from the exact double inputs."""
    with mp.workdps(60):
        Pm = [mp.mpf(x) for x in P]
        S = mp.fsum(Pm)
        W = [mp.mpf(a) * p / S for a, p in zip(alpha, Pm)]
        Z = mp.fsum(W)
        ref = minimizer_mp([w / Z for w in W], gam, dps=50)
        return ref.q, ref.log_lam + mp.log(Z)


# The other classes' weights lie so far below the double range (alpha P ~ 1e-800
# against 1e280) that the constraint's two sides, scaled together, leave it.
EXTREME_ALPHA = [
    ([1.0, 5e-324, 5e-324], [1e282, 1e-222, 1e-184], 0.5),
    ([1.0, 5e-324], [1.2893832040837087e202, 3.509239904218477e-259], 0.05913425540965063),
    ([9.88578148949824e-09, 6.3929001531887814e-273, 2.5143886462757043e-194, 2.459725206865051e-263],
     [1.136680915035543e275, 7.931309333448039e-154, 3.451270484350899e-220, 4.1124150820938635e-104],
     0.01046148492189186),
    ([5.457680148073638e-276, 5.356109586767396e-46], [8.48679635076875e-263, 3.479961115727138e291],
     0.013830826713544178),
    ([1.0, 5e-324, 9.800687880432225e-224], [4.112458129429753e212, 8.628909688564275e-224, 4.545527155115078e-295],
     0.0200550860998024),
]


@pytest.mark.parametrize("P, alpha, gam", EXTREME_ALPHA)
def test_extreme_alpha_is_solved(P, alpha, gam):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = minimizer(P, gam, alpha=alpha)
    assert bool(res.converged)
    assert res.residual < 1e-13
    ref_q, ref_ll = _weighted_reference(P, alpha, gam)
    for got, r in zip(res.q, ref_q):
        if r > 1e-300:
            assert rel(got, r) < 1e-13, (got, r)
        else:  # below the double range: rounds to 0
            assert got == 0.0
    assert abs(res.log_lam - float(ref_ll)) < 1e-13 * max(1.0, abs(float(ref_ll)))
    assert np.isfinite(res.value) and res.value >= 0


def test_extreme_alpha_rows_do_not_sink_their_batch():
    P, alpha, gam = EXTREME_ALPHA[0]
    batch = np.array([P, [0.7, 0.2, 0.1], P])
    res = minimizer(batch, gam, alpha=alpha)
    alone = minimizer(P, gam, alpha=alpha)
    for name in ("q", "log_lam", "value", "residual", "iterations", "converged"):
        got, one = getattr(res, name), getattr(alone, name)
        assert np.asarray(got[0]).tobytes() == np.asarray(one).tobytes(), name
    assert bool(res.converged.all())


def _order_violations(W, q):
    """Rows of (W, q) where W(x) <= W(y) but q(x) > q(y), for some pair x, y."""
    W, q = np.atleast_2d(W), np.atleast_2d(q)
    le = W[:, :, None] <= W[:, None, :]
    gt = q[:, :, None] > q[:, None, :]
    return np.flatnonzero(np.any(le & gt, axis=(1, 2)))


def test_one_ulp_near_tie_keeps_its_order():
    # the larger probability got the smaller q (by an ulp) before
    W = [1.0, float.fromhex("0x1.0079bea5b9b78p-1"), float.fromhex("0x1.0079bea5b9b77p-1")]
    gam = 6.992141484688193e-07
    q = minimizer(W, gam).q
    assert q[1] >= q[2]
    assert _order_violations(W, q).size == 0
    ref, _ = _weighted_reference(W, [1.0] * 3, gam)
    for got, r in zip(q, ref):
        assert rel(got, r) < 1e-13
    # both entries of the truth [0.49999999999999999003, 0.50000000000000000997] round to 0.5
    q = minimizer([0.5, 0.5000000000000001], 5.0).q
    assert q[0] <= q[1] and q.tolist() == [0.5, 0.5]


def _near_tie_families(rng, rows=8):
    """Batches of near-tie rows: entries moved 1-3 ulp, some tied exactly, K 2..50, gamma 1e-12..2000."""
    K = int(rng.integers(2, 51))
    fam = rng.integers(4)
    if fam == 0:
        base = np.full(K, 1.0 / K)
    elif fam == 1:
        base = rng.dirichlet(np.ones(K))
    elif fam == 2:
        base = 10.0 ** rng.uniform(-20, 0, K)
    else:
        base = np.full(K, rng.uniform(0, 1))
        base[0] = 1.0
    W = np.tile(base, (rows, 1))
    for r in range(rows):
        idx = rng.choice(K, int(rng.integers(1, K + 1)), replace=False)
        W[r, idx] += rng.integers(-3, 4, idx.size) * np.spacing(W[r, idx])
        if rng.random() < 0.3:
            a, b = rng.choice(K, 2)
            W[r, a] = W[r, b]
    return W, 10.0 ** rng.uniform(-12, np.log10(2000.0))


def test_order_is_exact_on_near_tie_families():
    # about 1% of these rows came out of order (by 1-3 ulp) before
    rng = np.random.default_rng(1)
    for _ in range(400):
        W, gam = _near_tie_families(rng)
        res = minimizer(W, gam)
        assert _order_violations(W, res.q).size == 0, (gam, W[_order_violations(W, res.q)[0]].tolist())
        # exact ties stay exact ties
        for w, q in zip(W, res.q):
            for v in np.unique(w):
                assert np.ptp(q[w == v]) == 0.0


@pytest.mark.parametrize("W, alpha", [([1, 3, 13], [3, 1, 1]), ([1, 7, 1], [7, 1, 1]), ([1, 9, 13], [9, 1, 1])])
def test_exact_ties_of_alpha_times_p_stay_exact(W, alpha):
    # alpha_x P_x are tied exactly, their rounded stand-ins alpha_x (W_x / sum W) are not
    q = minimizer(W, 2.0, alpha=alpha).q
    assert q[0] == q[1]
    ref, _ = _weighted_reference(W, alpha, 2.0)
    for got, r in zip(q, ref):
        assert rel(got, r) < 1e-13


def test_order_key_of_exact_products():
    from focaltheory.solver._order import _exact_product_key

    # products straddling binade edges, rounding to 1 in their mantissas, zeros, ties
    W = np.array([[1.0, 1.0 - 2.0**-53, 0.5, 3.0, 1.5, 0.0, 2.0**-1074, 1e300]])
    A = np.array([[1.0, 1.0 + 2.0**-52, 2.0, 1.0 / 3.0, 2.0 / 3.0, 5.0, 2.0**1000, 1e-300]])
    order = np.lexsort(_exact_product_key(W, A), axis=1)[0]
    from fractions import Fraction

    exact = [Fraction(w) * Fraction(a) for w, a in zip(W[0], A[0])]
    assert [exact[i] for i in order] == sorted(exact)


@pytest.mark.parametrize("p, gam, alpha", [
    ([1.0, -0.0], 2.0, None),  # a point mass
    ([0.5, -0.0, 0.5], 0.0, None),  # gamma = 0: Q* = P
    ([-0.0, 0.3, 0.7], 0.0, [1.0, 2.0, 3.0]),
    ([1.0, -0.0, 0.0], 5.0, [1.0, 1.0, 1e-300]),
    ([0.6, -0.0, 0.4], 2.0, None),  # the Newton path, for comparison
])
def test_negative_zero_weights_give_positive_zero(p, gam, alpha):
    q = minimizer(p, gam, alpha=alpha).q
    zero = np.asarray(p) == 0
    assert np.all(q[zero] == 0.0) and not np.any(np.signbit(q))


def test_negative_zero_in_a_gamma_sweep():
    q = minimizer([1.0, -0.0], [0.0, 2.0]).q
    assert not np.any(np.signbit(q))
    q = minimizer([0.25, -0.0, 0.75], [0.0, 2.0]).q
    assert not np.any(np.signbit(q))


@pytest.mark.parametrize("gam, alpha, bound", [(2.0, False, 28), (500.0, False, 46), (2.0, True, 35)])
def test_memory_of_one_wide_row_is_bounded(gam, alpha, bound):
    # a row is never split along the class axis: its working set is a bounded
    # multiple of its size (see minimizer, Notes), measured at K = 1e6
    import tracemalloc

    K = 1_000_000
    P = np.random.default_rng(0).random(K)
    P[::3] *= 1e-20  # a third of the classes tiny (carried relative to P): the widest working set
    A = np.linspace(0.5, 2.0, K) if alpha else None
    minimizer(P[:100], gam)  # imports and caches outside the measurement
    tracemalloc.start()
    try:
        res = minimizer(P, gam, alpha=A)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert bool(res.converged)
    assert peak <= bound * P.nbytes, peak / P.nbytes


def test_a_row_that_backtracks_after_the_working_set_shrank_keeps_its_bits():
    gamma = 200.0
    # the easy rows settle together, the working set shrinks, and in that same
    # iteration the hard row (classes near 1e-302 and 1e-305) takes a backtracking
    # step: its merit floor and last accepted point are the rows the shrink kept
    rng = np.random.default_rng(7)
    hard = np.array([1.0, 1.0717701623556111e-302, 1.9936411561407473e-305])
    P = np.vstack([rng.dirichlet(np.ones(3), size=40), hard, rng.dirichlet(np.ones(3), size=5)])
    res = minimizer(P, gamma)
    for i in (40, 0, 45):
        alone = minimizer(P[i:i + 1], gamma)
        for f in ("q", "log_lam", "value", "iterations", "converged", "residual"):
            assert np.asarray(getattr(alone, f))[0].tobytes() == np.asarray(getattr(res, f))[i].tobytes(), (i, f)
    assert bool(res.converged[40]) and res.iterations[40] > res.iterations[0]
