"""Tests of focaltheory.regimes: threshold, gamma_for_threshold, regimes, over_suppression.

Reference values come from mpmath (threshold_mp, minimizer_mp, or the textbook
formulas written out here), from closed forms, or from figures stated in
docs/theory.md (section theory-regimes) and by Mukhoti et al. (NeurIPS 2020).
"""

import math

import numpy as np
import pytest
from mpmath import mp

from _mp import g_direct

from focaltheory import minimizer
from focaltheory.reference import minimizer_mp, threshold_mp
from focaltheory.regimes import (
    ABSENT,
    AMPLIFIED,
    OVER_SUPPRESSED,
    SUPPRESSED,
    UNCHANGED,
    gamma_for_threshold,
    over_suppression,
    regimes,
    threshold,
)


def _phi_direct(p, gamma):
    p = mp.mpf(p)
    return p * g_direct(p, mp.mpf(gamma))


def _ginv_direct(y, gamma):
    """g^-1(y) by bisection on the textbook g, at the current mp precision."""
    gamma = mp.mpf(gamma)
    lo, hi = mp.mpf(0), mp.mpf(1)
    for _ in range(mp.prec + 20):
        mid = (lo + hi) / 2
        if g_direct(mid, gamma) > y:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


# ---------------------------------------------------------------------------
# threshold
# ---------------------------------------------------------------------------

GAMMAS = np.concatenate([[1e-300, 1e-100, 1e-16, 1e-8, 1e-3], np.logspace(-2, 4, 25), [1e8, 1e50, 1e200, 1e300]])


def test_threshold_matches_mp_to_1e14():
    t = threshold(GAMMAS)
    assert t.shape == GAMMAS.shape
    worst = 0.0
    for g, v in zip(GAMMAS, t):
        ref = threshold_mp(float(g), dps=30)
        worst = max(worst, float(abs(mp.mpf(float(v)) - ref) / ref))
    assert worst <= 1e-14


def test_threshold_closed_forms_and_limits():
    assert threshold(1.0) == pytest.approx(math.exp(-1), rel=2e-16)
    assert threshold(0.0) == 0.5 and isinstance(threshold(0.0), float)
    assert abs(threshold(1e-10) - 0.5) < 1e-9
    # docs/theory.md, theory-regimes: gamma = 2 about 0.2976, gamma = 5 about 0.1968
    assert abs(threshold(2.0) - 0.2976) < 5e-5
    assert abs(threshold(5.0) - 0.1968) < 5e-5
    # phi(p_gamma) = 1 with the textbook phi
    for g in (0.3, 2.0, 7.5, 300.0):
        with mp.workdps(40):
            assert abs(_phi_direct(threshold(g), g) - 1) < 1e-14


def test_threshold_below_half_and_decreasing():
    """p_gamma < 1/2 for every gamma > 0 (phi(1/2) = (1+x) e^-x < 1) and decreasing in gamma."""
    t = threshold(GAMMAS)
    assert np.all(t <= 0.5)
    assert np.all(t[GAMMAS >= 1e-8] < 0.5)  # below that, 1/2 - p_gamma = O(gamma) is under half an ulp
    assert np.all(np.diff(t) <= 0) and np.all(np.diff(t[GAMMAS >= 1e-8]) < 0)
    for g in (1e-3, 0.5, 3.0, 50.0):
        x = g * math.log(2)
        assert float(_phi_direct("0.5", g)) == pytest.approx((1 + x) * math.exp(-x), rel=1e-14)
        assert (1 + x) * math.exp(-x) < 1


def test_threshold_large_gamma_scaling():
    """gamma p_gamma = s with 1 + s log(gamma/s) ~ e^s: s grows like log log gamma."""
    for g in (1e50, 1e200):
        s = g * threshold(g)
        assert abs(math.log1p(s * math.log(g / s)) - s) < 1e-3 * s


def test_gamma_for_threshold_inverts_threshold():
    ps = np.array([1e-300, 1e-100, 1e-10, 1e-3, 0.05, 0.1, 0.2, 0.3, 0.4, 0.45, 0.49, 0.4999, 0.4999999])
    gs = gamma_for_threshold(ps)
    for p, g in zip(ps, gs):
        ref = threshold_mp(float(g), dps=30)
        assert abs(ref / mp.mpf(float(p)) - 1) < 1e-14
    assert gamma_for_threshold(0.5) == 0.0


def test_gamma_for_threshold_known_values():
    # Mukhoti et al. (NeurIPS 2020): p = 0.2 gives gamma of about 4.8506 (they round up to 5)
    assert abs(gamma_for_threshold(0.2) - 4.8506) < 5e-5
    assert gamma_for_threshold(math.exp(-1)) == pytest.approx(1.0, rel=1e-15)
    assert gamma_for_threshold(float(threshold(2.0))) == pytest.approx(2.0, rel=1e-13)


@pytest.mark.parametrize("bad, exc", [(0.0, ValueError), (0.6, ValueError), (-0.1, ValueError), ("0.2", TypeError), (float("nan"), ValueError)])
def test_gamma_for_threshold_validation(bad, exc):
    with pytest.raises(exc, match="p"):
        gamma_for_threshold(bad)


@pytest.mark.parametrize("bad, exc", [(-1.0, ValueError), ("2", TypeError), (float("inf"), ValueError), (1j, TypeError)])
def test_threshold_validation(bad, exc):
    with pytest.raises(exc, match="gamma"):
        threshold(bad)


# ---------------------------------------------------------------------------
# regimes
# ---------------------------------------------------------------------------

REGIME_CASES = [
    ([0.7, 0.2, 0.1], 2.0),
    ([1.0] * 99 + [1e-8], 2.0),
    ([0.4, 0.3, 0.2, 0.05, 0.04, 0.01], 1.0),
    ([0.3] * 3 + [0.05, 0.03, 0.02], 3.0),
    ([0.12] * 8 + [0.02, 0.01, 1e-6, 1e-12], 2.0),
    ([0.6, 0.39, 0.01], 0.5),
    ([1.0, 1e-300], 2.0),
    ([0.05] * 19 + [1e-9], 5.0),
]


@pytest.mark.parametrize("p, gamma", REGIME_CASES)
def test_labels_follow_phi_against_lambda(p, gamma):
    """Q*(x) > P(x) iff phi(P(x)) > lambda*, with lambda* and phi at 40 digits."""
    r = regimes(p, gamma)
    ref = minimizer_mp(p, gamma, dps=40)
    pg = threshold_mp(gamma, dps=40)
    with mp.workdps(700):  # so that 1 - 1e-300 and its phi are formed exactly
        w = [mp.mpf(x) for x in p]
        P = [x / mp.fsum(w) for x in w]
        Q = [1 - c if q > 0.5 else q for q, c in zip(ref.q, ref.complement)]
        for k, (pk, qk) in enumerate(zip(P, Q)):
            ph = _phi_direct(pk, gamma)
            gap = (mp.log(ph) - ref.log_lam) if mp.isfinite(ref.log_lam) else mp.inf
            dev = qk / pk - 1
            assert abs(abs(dev) - 1e-12) > 1e-14  # no case sits on the rtol boundary
            # the theorem: Q*(x) > P(x) iff phi(P(x)) > lambda*
            assert (dev > 0) == (gap > 0) and (dev < 0) == (gap < 0)
            if abs(dev) <= 1e-12:
                assert r.labels[k] == UNCHANGED
            elif gap > 0:
                assert r.labels[k] == AMPLIFIED and qk > pk
            elif pk < pg:
                assert r.labels[k] == OVER_SUPPRESSED and qk < pk and ref.log_lam > 0
            else:
                assert r.labels[k] == SUPPRESSED and qk < pk
        assert bool(r.over_suppressed) == bool(ref.log_lam > 0)
        assert float(r.threshold) == pytest.approx(float(pg), rel=1e-14)
        if mp.isfinite(ref.log_lam):
            assert float(r.log_lam) == pytest.approx(float(ref.log_lam), rel=1e-13, abs=1e-13)
            assert float(r.limit_ratio) == pytest.approx(float(mp.exp(-ref.log_lam)), rel=1e-12)


def test_theory_example_rare_class_over_suppressed():
    r = regimes([1.0] * 99 + [1e-8], 2.0)
    assert r.labels[-1] == OVER_SUPPRESSED
    assert float(r.lam) == pytest.approx(1.0718, abs=5e-5)
    assert 1 - r.ratio[-1] == pytest.approx(0.067, abs=5e-4)
    # the rare class sits at the limit ratio 1/lambda* (P = 1e-8 is already "small")
    assert r.ratio[-1] == pytest.approx(float(r.limit_ratio), rel=1e-6)


def test_unchanged_absent_and_gamma_zero():
    r = regimes([0.25, 0.25, 0.0, 0.25, 0.25], 3.0)
    assert list(r.labels) == [UNCHANGED, UNCHANGED, ABSENT, UNCHANGED, UNCHANGED]
    assert r.ratio[2] == 1.0 and r.q[2] == 0.0
    r = regimes([0.7, 0.2, 0.1], 0.0)
    assert set(r.labels) == {UNCHANGED} and float(r.log_lam) == 0.0
    r = regimes([0.0, 1.0], 2.0)  # point mass
    assert list(r.labels) == [ABSENT, UNCHANGED]
    assert float(r.log_lam) == -math.inf and float(r.lam) == 0.0 and float(r.limit_ratio) == math.inf


def test_regimes_is_vectorized_with_axis_and_gamma_broadcast():
    rng = np.random.default_rng(5)
    P = rng.dirichlet(np.full(6, 0.4), size=(4, 3))  # (4, 3, 6)
    Pax = np.moveaxis(P, -1, 1)  # class axis 1: (4, 6, 3)
    gam = np.array([[0.5], [1.0], [2.0], [4.0]])  # broadcasts against batch (4, 3)
    r = regimes(Pax, gam, axis=1)
    assert r.labels.shape == Pax.shape and r.log_lam.shape == (4, 3)
    for i in range(4):
        for j in range(3):
            one = regimes(P[i, j], float(gam[i, 0]))
            assert list(r.labels[i, :, j]) == list(one.labels)
            assert r.log_lam[i, j] == pytest.approx(float(one.log_lam), rel=1e-14, abs=1e-15)


@pytest.mark.parametrize(
    "call, exc, word",
    [
        (lambda: regimes([0.5, -0.5], 2.0), ValueError, "p"),
        (lambda: regimes([0.5, 0.5], -2.0), ValueError, "gamma"),
        (lambda: regimes([0.5, 0.5], 2.0, rtol=-1.0), ValueError, "rtol"),
        (lambda: regimes([0.5, 0.5], 2.0, rtol="x"), TypeError, "rtol"),
        (lambda: regimes([0.5, 0.5], 2.0, axis=3), ValueError, "axis"),
        (lambda: regimes(np.ones((2, 3)), [1.0, 2.0, 3.0]), ValueError, "gamma"),
        (lambda: over_suppression([[0.5, 0.5]], "2"), TypeError, "gamma"),
        (lambda: over_suppression([0.0, 0.0], 2.0), ValueError, "p"),
    ],
)
def test_validation(call, exc, word):
    with pytest.raises(exc) as info:
        call()
    assert word in str(info.value)


# ---------------------------------------------------------------------------
# over-suppression
# ---------------------------------------------------------------------------


def test_criterion_matches_textbook_sum():
    """S = sum_x g^-1(1/P(x)) with g inverted by bisection on the textbook formula."""
    for p, gamma in [([1.0] * 99 + [1e-8], 2.0), ([0.7, 0.2, 0.1], 2.0), ([0.1] * 10, 1.0), ([0.5, 0.3, 0.2], 0.5)]:
        o = over_suppression(p, gamma)
        with mp.workdps(40):
            P = [mp.mpf(x) / mp.fsum(mp.mpf(y) for y in p) for x in p]
            S = mp.fsum(_ginv_direct(1 / x, gamma) for x in P)
        assert abs(float(o.margin) - float(S - 1)) <= 1e-15
        assert bool(o.over_suppressed) == bool(S > 1)


def test_criterion_agrees_with_lambda_on_a_batch():
    """S > 1 iff lambda* > 1 (monotonicity of lambda -> sum g^-1(lambda/P)), 2000 random cases."""
    rng = np.random.default_rng(3)
    P = np.concatenate([rng.dirichlet(np.full(8, a), size=500) for a in (0.05, 0.3, 1.0, 5.0)])
    g = rng.uniform(0.05, 6.0, size=2000)
    o = over_suppression(P, g)
    clear = np.abs(o.log_lam) > 1e-9
    assert np.all(o.over_suppressed[clear] == (o.log_lam[clear] > 0))
    assert 0.1 < o.over_suppressed.mean() < 0.9  # both regimes exercised


def test_uniform_over_suppressed_iff_one_over_K_below_threshold():
    """docs/theory.md, theory-regimes: uniform P on K classes has lambda* = phi(1/K) > 1 iff 1/K < p_gamma."""
    Ks = np.array([2, 3, 4, 5, 8, 20])
    for gamma in (0.5, 1.0, 2.0, 5.0):
        pg = threshold(gamma)
        for K in Ks:
            o = over_suppression(np.full(K, 1.0 / K), gamma)
            assert bool(o.over_suppressed) == bool(1.0 / K < pg)
            lam = float(_phi_direct(mp.mpf(1) / int(K), gamma))
            assert float(o.lam) == pytest.approx(lam, rel=1e-13)


def test_binary_never_over_suppressed():
    """A binary problem always has lambda* < 1 (proof in focaltheory.asymptotics)."""
    p1 = np.concatenate([np.logspace(-300, -1, 150), np.linspace(0.1, 0.5, 50)])
    gam = np.logspace(-4, 3, 40)
    P = np.stack([np.broadcast_to(p1[:, None], (200, 40)), 1 - np.broadcast_to(p1[:, None], (200, 40))], axis=-1)
    o = over_suppression(P, gam[None, :])
    assert not np.any(o.over_suppressed)
    assert np.all(o.log_lam < 0)
    assert np.all(o.margin < 0)


def test_smallest_class_shrink_and_limit():
    o = over_suppression([1.0] * 99 + [1e-8], 2.0)
    ref = minimizer_mp([1.0] * 99 + [1e-8], 2.0, dps=30)
    assert float(o.smallest_ratio) == pytest.approx(float(ref.q[-1] / ref.p[-1]), rel=1e-13)
    assert float(o.smallest_shrink) == pytest.approx(0.067, abs=5e-4)
    assert float(o.limit_shrink) == pytest.approx(float(1 - mp.exp(-ref.log_lam)), rel=1e-12)
    assert int(o.n_over_suppressed) == 1
    o = over_suppression([0.7, 0.2, 0.1], 0.0)
    assert not o.over_suppressed and float(o.criterion) == 1.0 and float(o.smallest_shrink) == 0.0


def test_over_suppression_fast_on_large_batch():
    import time

    rng = np.random.default_rng(1)
    P = rng.dirichlet(np.full(10, 0.3), size=20000)
    t0 = time.perf_counter()
    o = over_suppression(P, 2.0)
    assert time.perf_counter() - t0 < 10.0  # about 0.3 s
    assert o.over_suppressed.shape == (20000,)


def test_theory_phi_derivative_and_single_peak():
    """docs/theory.md, theory-regimes: phi'(p) = -gamma (1-p)^(gamma-2) psi(p), psi = 2(1-p) + (1 - gamma p) log p, psi concave."""
    import sympy as sp

    p, g = sp.symbols("p gamma", positive=True)
    phi = (1 - p) ** (g - 1) * ((1 - p) - g * p * sp.log(p))
    psi = 2 * (1 - p) + (1 - g * p) * sp.log(p)
    scaled = sp.powsimp(sp.expand(sp.diff(phi, p) / (1 - p) ** (g - 2)), force=True)
    assert sp.simplify(scaled + g * psi) == 0
    assert sp.simplify(sp.diff(psi, p, 2) - (-g / p - 1 / p**2)) == 0  # < 0: concave
    # psi(0+) = -inf, psi(1) = 0, psi'(1) = -(1 + gamma) < 0 ... so psi has a single zero in (0, 1):
    assert sp.limit(psi, p, 0, "+") == -sp.oo and psi.subs(p, 1) == 0
    assert sp.simplify(sp.diff(psi, p).subs(p, 1) + 1 + g) == 0
    # numerically: the peak of phi exceeds 1 and p_gamma lies beyond it
    for gam in (0.3, 1.0, 4.0):
        with mp.workdps(30):
            f = lambda t: _phi_direct(t, gam)
            peak = mp.findroot(lambda t: 2 * (1 - t) + (1 - gam * t) * mp.log(t), 0.05)
            assert f(peak) > 1 and peak < threshold(gam)


def test_class_axis_stays_put_when_gamma_adds_batch_dimensions():
    P = np.array([[0.7, 0.2, 0.1], [0.5, 0.3, 0.2]])
    G = np.array([[1.0], [2.0], [3.0], [4.0], [5.0]])
    r = regimes(P, G)
    assert r.labels.shape == r.q.shape == r.ratio.shape == (5, 2, 3)
    np.testing.assert_allclose(r.q, minimizer(P, G).q, rtol=1e-15)
    rt = regimes(P.T, G, axis=0)  # classes first: they stay first counted from the end, as in minimizer
    assert rt.q.shape == (5, 3, 2)
    np.testing.assert_array_equal(rt.q, np.swapaxes(r.q, -1, -2))
    assert regimes([0.7, 0.2, 0.1], [1.0, 2.0, 3.0, 4.0]).labels.shape == (4, 3)


@pytest.mark.parametrize("p", [[0.9, 0.1], [0.99, 0.01], [0.7, 0.2, 0.1], [1.0, 1e-16], [0.2] * 5, [1.0, 1e-300, 1e-200]])
@pytest.mark.parametrize("gamma", [1e-20, 1e-12, 5e-9])
def test_over_suppressed_at_tiny_gamma_is_not_rounding(p, gamma):
    """Below gamma = 1e-8 log lambda* is O(gamma); its sign (over-suppression) comes from the first-order
    term, here against the 50-digit minimizer.  ([1, 1e-16]: the large class rounds to 1 once normalized,
    and its complement carries the first-order term.)"""
    ref = minimizer_mp(p, gamma, dps=60).log_lam
    r, o = regimes(p, gamma), over_suppression(p, gamma)
    assert bool(r.over_suppressed) == bool(o.over_suppressed) == bool(ref > 0)
    assert abs(float(r.log_lam) / float(ref) - 1) < 1e-6


def test_gamma_for_threshold_beyond_the_double_range():
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        g = gamma_for_threshold([4.9e-308, 4.8e-308, 1e-310, 5e-324, 0.2])
    assert np.isfinite(g[0]) and g[0] > 1e308 and threshold(g[0]) == pytest.approx(4.9e-308, rel=1e-13)
    assert np.all(np.isinf(g[1:4])) and g[4] == pytest.approx(4.8506, abs=5e-5)


def test_tiny_gamma_first_order_term_against_the_mpmath_expansion():
    """Below gamma = 1e-8, log lambda* is gamma sum_x P f(P), f(p) = log(1-p) - p log p/(1-p): the numpy
    sum (regimes, over_suppression) against the same term at 450 digits (small_gamma_expansion with dps),
    on 400 random distributions of 2 to 12 classes, some with classes of 1e-200 or within 1e-15 of 1.
    (450 digits: a class of 1e-200 beside one of 1 - 1e-200 leaves the large class the term
    log(1e-200) + 1, which fewer digits would round away by rounding its P to 1.)"""
    from focaltheory.asymptotics import small_gamma_expansion

    rng = np.random.default_rng(0)
    gamma = 1e-10
    worst = 0.0
    for i in range(400):
        K = int(rng.integers(2, 13))
        p = rng.dirichlet(np.full(K, 0.5))
        if i % 4 == 1:
            p[0] = 1e-200
        elif i % 4 == 2:
            p = np.concatenate([[1.0 - 1e-15], np.full(K - 1, 1e-15 / (K - 1))])
        p = p / p.sum()
        _, ll_mp = small_gamma_expansion(list(p), gamma, dps=450)
        got = (float(regimes(p, gamma).log_lam), float(over_suppression(p, gamma).log_lam))
        with mp.workdps(450):
            P = [mp.mpf(float(x)) / mp.fsum(mp.mpf(float(y)) for y in p) for x in p]
            # the size of the two terms of each P f(P) (they cancel near P = 1/2, where f vanishes)
            scale = gamma * mp.fsum(abs(x * mp.log1p(-x)) + abs(x * x * mp.log(x) / (1 - x)) for x in P if 0 < x < 1)
            for v in got:
                worst = max(worst, float(abs(v - ll_mp) / scale))
    # measured 3.4e-16: an ulp or two of the terms
    assert worst < 1e-14, worst


def test_over_suppression_at_tiny_gamma_does_not_import_sympy():
    """The first-order term used below gamma = 1e-8 is plain numpy: neither sympy nor the asymptotics module
    (whose derivations are sympy) is loaded by importing the package and calling over_suppression there."""
    import os
    import subprocess
    import sys

    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    code = (
        "import sys, focaltheory\n"
        "o = focaltheory.over_suppression([0.5, 0.3, 0.2], 1e-10)\n"
        "r = focaltheory.regimes([0.5, 0.3, 0.2], 1e-10)\n"
        "assert o.log_lam > 0 and r.log_lam == o.log_lam, (o.log_lam, r.log_lam)\n"
        "print(sorted(m for m in ('sympy', 'focaltheory.asymptotics') if m in sys.modules))\n"
    )
    env = dict(os.environ, PYTHONPATH=root + os.pathsep + os.environ.get("PYTHONPATH", ""))
    out = subprocess.run([sys.executable, "-c", code], env=env, cwd=root, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", out.stdout + out.stderr


def test_threshold_sigmoid_and_small_gamma_helpers_are_not_imported_from_public_modules():
    """Helpers shared by several modules live in private modules: no module of the package imports a
    private name from regimes, sigmoid, asymptotics or design."""
    import ast
    import pathlib

    import focaltheory

    public = {"regimes", "sigmoid", "asymptotics", "design"}
    found = []
    for path in pathlib.Path(focaltheory.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.level == 1 and node.module in public:
                found += [(path.name, node.module, a.name) for a in node.names if a.name.startswith("_")]
    assert found == []
    # and the shared helpers are where their users find them
    from focaltheory._small_gamma import _pf_small_gamma
    from focaltheory._threshold import _threshold_newton_step
    from focaltheory._validation import _sigmoid_alpha

    assert callable(_pf_small_gamma) and callable(_threshold_newton_step) and callable(_sigmoid_alpha)
