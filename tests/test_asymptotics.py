"""Tests of focaltheory.asymptotics.

Each expansion is checked three ways:
* the sympy derivation reproduces the closed form written out here by hand
  (the expansions of docs/theory.md, section theory-asymptotics, or their
  correction);
* against minimizer_mp, the error of the expansion decays at the predicted
  rate: the least-squares log-log slope on a grid is asserted within a stated
  tolerance of the predicted order;
* the same fit applied to a deliberately wrong variant (the next-order term
  dropped) gives a slope outside that tolerance, so each slope test would fail
  if the claimed order were wrong.
"""

import math

import numpy as np
import pytest
import sympy as sp
from mpmath import mp

from focaltheory.asymptotics import (
    binary_lambda_below_one,
    derive_dominance,
    derive_large_gamma,
    derive_small_gamma,
    derive_small_probability,
    dominance_expansion,
    large_gamma_expansion,
    loglog_slope,
    small_gamma_expansion,
    small_probability_ratio,
)
from focaltheory.asymptotics._common import _taylor
from focaltheory.reference import minimizer_mp


def _in_band(slope, predicted, tol):
    return abs(slope - predicted) <= tol


# ---------------------------------------------------------------------------
# 1. P(x) -> 0
# ---------------------------------------------------------------------------


def test_small_probability_derivation_matches_theory():
    d = derive_small_probability()
    P, lam, gam = sp.Symbol("P", positive=True), sp.Symbol("lambda", positive=True), sp.Symbol("gamma", positive=True)
    claim = 1 / lam + gam * P * (sp.log(lam / P) - 1) / lam**2  # docs/theory.md, theory-asymptotics
    assert sp.simplify(sp.expand_log(d["ratio"] - claim, force=True)) == 0
    assert d["solution"] == {sp.Symbol("a"): -gam, sp.Symbol("b"): -gam}
    q = sp.Symbol("q", positive=True)
    assert sp.simplify(d["g_series"] - (1 / q - gam * (1 + sp.log(q)))) == 0


@pytest.fixture(scope="module")
def small_probability_errors():
    """P = (0.6, 0.4, 10^-k) normalized, gamma = 2, k up to 1000."""
    ks = [10, 20, 50, 100, 200, 500, 1000]
    hs, err2, err1 = [], [], []
    for k in ks:
        dps = 2 * k + 40  # the two-term error is ~P^2 log^2 P = 10^(-2k)
        r = minimizer_mp(["0.6", "0.4", f"1e-{k}"], 2, dps=dps)
        with mp.workdps(dps):
            ratio = r.q[2] / r.p[2]
            err2.append(ratio - small_probability_ratio(r.p[2], r.log_lam, 2, order=2, dps=dps))
            err1.append(ratio - small_probability_ratio(r.p[2], r.log_lam, 2, order=1, dps=dps))
            hs.append(r.p[2])
    return hs, err2, err1


def test_small_probability_slope(small_probability_errors):
    """Two-term error O(P^2 log^2 P): slope 2 (+-0.03) on P in [1e-10, 1e-1000]."""
    hs, err2, err1 = small_probability_errors
    assert float(hs[-1]) == 0.0 and mp.log10(hs[-1]) < -999  # the grid reaches 1e-1000
    slope = loglog_slope(hs, err2)
    assert _in_band(slope, 2.0, 0.03), slope
    # the wrong variant (next-order term dropped) has slope 1: it fails the slope-2 test
    wrong = loglog_slope(hs, err1)
    assert not _in_band(wrong, 2.0, 0.03)
    assert _in_band(wrong, 1.0, 0.03), wrong


def test_small_probability_limit_ratio_is_one_over_lambda(small_probability_errors):
    """Q*(x)/P(x) -> 1/lambda*: at P = 1e-1000 the gap is below 1e-995."""
    hs, err2, err1 = small_probability_errors
    assert abs(err1[-1]) < mp.mpf("1e-995")


def test_small_probability_double_path_matches_mp():
    r = minimizer_mp(["0.6", "0.4", "1e-12"], 3, dps=40)
    d = small_probability_ratio(np.array([1e-12]), float(r.log_lam), 3.0)
    m = small_probability_ratio("1e-12", r.log_lam, 3, dps=40)
    assert d[0] == pytest.approx(float(m), rel=1e-14)


# ---------------------------------------------------------------------------
# 2. gamma -> 0
# ---------------------------------------------------------------------------


def test_small_gamma_derivation_matches_theory():
    d = derive_small_gamma()
    P, S = sp.Symbol("P", positive=True), sp.Symbol("S")
    f = sp.log(1 - P) - P * sp.log(P) / (1 - P)  # docs/theory.md, theory-asymptotics
    assert sp.simplify(d["f"] - f) == 0
    assert sp.simplify(d["D1"] - P * (f - S)) == 0
    assert d["Lambda1"] == S
    # f is the gamma-derivative of log phi at gamma = 0
    gam, p = sp.symbols("gamma p", positive=True)
    phi = (1 - p) ** (gam - 1) * ((1 - p) - gam * p * sp.log(p))
    assert sp.simplify(sp.diff(sp.log(phi), gam).subs(gam, 0) - f.subs(P, p)) == 0


def test_small_gamma_slope():
    """Q* - P - gamma D1 = O(gamma^2): slope 2 (+-0.02); Q* - P = O(gamma): slope 1."""
    P = ["0.5", "0.3", "0.15", "0.05", "0"]
    gs = [mp.mpf(10) ** -k for k in range(2, 11)]
    e1, e0, el1, el0 = [], [], [], []
    for g in gs:
        r = minimizer_mp(P, g, dps=50)
        q1, ll1 = small_gamma_expansion(P, g, order=1, dps=50)
        q0, ll0 = small_gamma_expansion(P, g, order=0, dps=50)
        assert q1[-1] == 0 and r.q[-1] == 0
        e1.append(max(abs(a - b) for a, b in zip(r.q, q1)))
        e0.append(max(abs(a - b) for a, b in zip(r.q, q0)))
        el1.append(r.log_lam - ll1)
        el0.append(r.log_lam - ll0)
    s = loglog_slope(gs, e1)
    assert _in_band(s, 2.0, 0.02), s
    wrong = loglog_slope(gs, e0)
    assert not _in_band(wrong, 2.0, 0.02) and _in_band(wrong, 1.0, 0.02)
    s = loglog_slope(gs, el1)  # log lambda* = gamma sum P f(P) + O(gamma^2)
    assert _in_band(s, 2.0, 0.02), s
    assert _in_band(loglog_slope(gs, el0), 1.0, 0.02)


def test_small_gamma_double_path_matches_mp():
    P = np.array([[0.5, 0.3, 0.2], [0.9, 0.1, 0.0]])
    q, ll = small_gamma_expansion(P, 1e-4)
    for row, qr, lr in zip(P, q, ll):
        qm, lm = small_gamma_expansion(row.tolist(), 1e-4, dps=30)
        assert np.allclose(qr, [float(x) for x in qm], rtol=1e-14, atol=0)
        assert lr == pytest.approx(float(lm), rel=1e-13)


# ---------------------------------------------------------------------------
# 3. gamma -> inf
# ---------------------------------------------------------------------------


def test_large_gamma_derivation_matches_theory():
    d = derive_large_gamma()
    n = sp.Symbol("n", positive=True)
    e, logP, mlogP, me2 = sp.symbols("e logP mean_logP mean_e2")
    m = 1 - 1 / n
    assert sp.simplify(d["e"] - m * (logP - mlogP)) == 0
    # the d_x of docs/theory.md, section theory-asymptotics: confirmed
    assert sp.simplify(d["d"] - (e * (1 - (n - 1) / sp.log(n)) - (e**2 - me2) / (2 * m))) == 0
    assert sp.simplify(d["ell0"] - (mlogP + sp.log(sp.log(n)))) == 0
    # the next term of log lambda*, beyond the O(1) form
    assert sp.simplify(d["ell1"] - ((n - 1) / sp.log(n) - me2 / (2 * m**2))) == 0


def test_taylor_helper_is_right_where_sympy_series_is_not():
    """The order-eps coefficient of log(3 eps - log(1/4 + eps/5)) is 1.5870 (finite differences)."""
    x = sp.Symbol("x", positive=True)
    expr = sp.log(3 * x - sp.log(sp.Rational(1, 4) + x / 5))
    coeff = float(_taylor(expr, x, 2).coeff(x, 1))
    with mp.workdps(40):
        F = lambda t: mp.log(3 * t - mp.log(mp.mpf(1) / 4 + t / 5))
        fd = (F(mp.mpf("1e-20")) - F(0)) / mp.mpf("1e-20")
    assert coeff == pytest.approx(float(fd), rel=1e-12)
    assert coeff == pytest.approx((3 - 4 / 5) / math.log(4), rel=1e-15)


@pytest.fixture(scope="module")
def large_gamma_errors():
    P = ["0.7", "0.2", "0.09", "0.01"]
    gs = [mp.mpf(10) ** k for k in (2, 2.5, 3, 3.5, 4, 4.5, 5, 6)]
    out = {"gs": gs, "q2": [], "q1": [], "l2": [], "l1": []}
    for g in gs:
        r = minimizer_mp(P, g, dps=50)
        q2, l2 = large_gamma_expansion(P, g, order=2, dps=50)
        q1, l1 = large_gamma_expansion(P, g, order=1, dps=50)
        out["q2"].append(max(abs(a - b) for a, b in zip(r.q, q2)))
        out["q1"].append(max(abs(a - b) for a, b in zip(r.q, q1)))
        out["l2"].append(r.log_lam - l2)
        out["l1"].append(r.log_lam - l1)
    return out


def test_large_gamma_slope_q(large_gamma_errors):
    """With d/gamma^2 the error is O(gamma^-3) (slope -3 +- 0.03); without, -2."""
    E = large_gamma_errors
    s = loglog_slope(E["gs"], E["q2"])
    assert _in_band(s, -3.0, 0.03), s
    wrong = loglog_slope(E["gs"], E["q1"])
    assert not _in_band(wrong, -3.0, 0.03) and _in_band(wrong, -2.0, 0.03)


def test_large_gamma_slope_log_lambda(large_gamma_errors):
    """With ell1/gamma the log lambda* error is O(gamma^-2); the O(1) form alone leaves O(1/gamma)."""
    E = large_gamma_errors
    s = loglog_slope(E["gs"], E["l2"])
    assert _in_band(s, -2.0, 0.03), s
    wrong = loglog_slope(E["gs"], E["l1"])
    assert not _in_band(wrong, -2.0, 0.03) and _in_band(wrong, -1.0, 0.03)


def test_large_gamma_theory_figures():
    """gamma (Q*(x) - Q*(y)) -> m log(P(x)/P(y)) = 0.9396; log lambda* ~ -282.40 at gamma = 1000."""
    assert 0.75 * math.log(0.7 / 0.2) == pytest.approx(0.9396, abs=5e-5)
    q, ll = large_gamma_expansion([0.7, 0.2, 0.09, 0.01], 1000.0, order=1)
    assert 1000 * (q[0] - q[1]) == pytest.approx(0.75 * math.log(0.7 / 0.2), rel=1e-12)
    _, ll0 = large_gamma_expansion([0.7, 0.2, 0.09, 0.01], 1000.0, order=1)
    assert float(ll0) == pytest.approx(-282.40, abs=6e-3)


def test_large_gamma_double_path_matches_mp_and_zeros():
    P = np.array([[0.7, 0.2, 0.0, 0.1], [0.25, 0.25, 0.25, 0.25]])
    q, ll = large_gamma_expansion(P, 200.0)
    for row, qr, lr in zip(P, q, ll):
        qm, lm = large_gamma_expansion(row.tolist(), 200.0, dps=30)
        assert np.allclose(qr, [float(x) for x in qm], rtol=1e-14, atol=0)
        assert lr == pytest.approx(float(lm), rel=1e-14)
    assert q[0, 2] == 0.0 and np.allclose(q[1], 0.25, rtol=1e-15)


# ---------------------------------------------------------------------------
# 4. extreme dominance
# ---------------------------------------------------------------------------


def test_dominance_derivation():
    d = derive_dominance()
    s, eps, L, W2, W2L = sp.symbols("s epsilon L W2 W2L")
    gam = sp.Symbol("gamma", positive=True)
    s_, eps_ = sp.Symbol("s", positive=True), sp.Symbol("epsilon", positive=True)
    kappa = (2 + gam) / (2 * (1 + gam))
    claim = (kappa * s_ - gam**2 * s_ * (W2 * (1 + L) + W2L) - eps_) / (1 + gam)
    assert sp.simplify(d["delta"] - claim) == 0
    c = sp.Symbol("c", positive=True)
    assert sp.simplify(d["g_at_one"] - ((1 + gam) + (1 + gam / 2) * c)) == 0
    assert sp.simplify(d["lam0"] - (1 + gam) * s_**gam) == 0


def _dominance_errors(gam, w, ks):
    hs, e2, e1, ratio, c2e, c1e = [], [], [], [], [], []
    for k in ks:
        dps = int(2 * k / (1 + gam)) + 40
        eps = mp.mpf(10) ** -k
        with mp.workdps(dps + 10):
            # normalize w exactly: 0.9 + 0.1 in binary exceed 1 by 2.8e-17, which
            # would shift the effective eps by that relative amount
            W = [mp.mpf(x) for x in w]
            W = [x / mp.fsum(W) for x in W]
            p = [1 - eps] + [eps * x for x in W]
        r = minimizer_mp(p, gam, dps=dps)
        l2, c2 = dominance_expansion(eps, gam, w, order=2, dps=dps)
        l1, c1 = dominance_expansion(eps, gam, w, order=1, dps=dps)
        with mp.workdps(dps):
            e2.append(r.log_lam - l2)
            e1.append(r.log_lam - l1)
            hs.append(eps)
            ratio.append(r.q[1] / r.p[1])
            c2e.append(r.complement[0] / c2 - 1)  # 1 - Q*(dominant), relative errors
            c1e.append(r.complement[0] / c1 - 1)
    return hs, e2, e1, ratio, c2e, c1e


@pytest.mark.parametrize(
    "gam, w",
    [(2, (1.0,)), (2, (0.5, 0.3, 0.2)), (1, (1.0,)), (0.5, (1.0,)), (5, (0.9, 0.1))],
)
def test_dominance_slope(gam, w):
    """log lambda* error: O(s^2 log^2 s) with delta (slope 2/(1+gamma) in eps), O(s log s) without."""
    ks = [30, 60, 100, 200, 400, 700, 1000, 1500]
    hs, e2, e1, ratio, c2e, c1e = _dominance_errors(gam, w, ks)
    tol = 0.02
    for good, bad in ((e2, e1), (c2e, c1e)):  # log lambda*, then 1 - Q*(dominant)
        s = loglog_slope(hs, good)
        assert _in_band(s, 2 / (1 + gam), tol), s
        wrong = loglog_slope(hs, bad)
        assert not _in_band(wrong, 2 / (1 + gam), tol) and _in_band(wrong, 1 / (1 + gam), tol)
    # the rate at which the other classes are amplified: Q/P ~ eps^(-gamma/(1+gamma))
    amp = loglog_slope(hs, ratio)
    assert _in_band(amp, -gam / (1 + gam), 0.005), amp


def test_dominance_double_path_matches_mp():
    for gam, w in [(2.0, (1.0,)), (0.5, (0.5, 0.5))]:
        l, c = dominance_expansion(1e-200, gam, w)
        lm, cm = dominance_expansion("1e-200", gam, w, dps=30)
        assert l == pytest.approx(float(lm), rel=1e-14) and c == pytest.approx(float(cm), rel=1e-13)


# ---------------------------------------------------------------------------
# binary problems
# ---------------------------------------------------------------------------


def test_binary_proof_steps_verify():
    out = binary_lambda_below_one()
    assert out == {"inverse_form": True, "identity": True, "lemma_second_derivative": True, "proved": True}


def test_binary_bound_numerically():
    """A(u) + A(v) > u v (X/D1 + Y/D2) >= 1 on a grid, at 120 digits (u down to 1e-50)."""
    with mp.workdps(120):
        for gam in ("0.01", "0.5", "1", "3", "50"):
            g = mp.mpf(gam)
            for u in [mp.mpf(10) ** -k for k in (1, 3, 10, 50)] + [mp.mpf(x) / 20 for x in range(1, 20)]:
                v = 1 - u
                A = lambda t: 1 / ((1 - t) ** (g - 1) * ((1 - t) / t - g * mp.log(t)))
                X, Y = 1 - g * mp.log(v), 1 - g * mp.log(u)
                D1, D2 = v - g * u * mp.log(u), u - g * v * mp.log(v)
                bound = u * v * (X / D1 + Y / D2)
                assert A(u) + A(v) > bound >= 1 - mp.mpf("1e-110")


# ---------------------------------------------------------------------------
# helpers and validation
# ---------------------------------------------------------------------------


def test_loglog_slope():
    assert loglog_slope([1, 10, 100], [2, 200, 20000]) == pytest.approx(2.0, abs=1e-12)
    with pytest.raises(ValueError, match="zero"):
        loglog_slope([1, 2], [0, 1])
    with pytest.raises(ValueError, match="length"):
        loglog_slope([1], [1])


@pytest.mark.parametrize(
    "call, exc, word",
    [
        (lambda: small_probability_ratio(1e-5, 0.1, 2.0, order=3), ValueError, "order"),
        (lambda: small_probability_ratio(0.0, 0.1, 2.0), ValueError, "p_x"),
        (lambda: small_probability_ratio("x", 0.1, 2.0, dps=20), ValueError, "p_x"),
        (lambda: small_probability_ratio(1e-5, 0.1, 2.0, dps=2.5), TypeError, "dps"),
        (lambda: small_gamma_expansion([0.5, -0.5], 0.1), ValueError, "p"),
        (lambda: small_gamma_expansion([0.5, 0.5], -0.1), ValueError, "gamma"),
        (lambda: large_gamma_expansion([1.0, 0.0], 100.0), ValueError, "support"),
        (lambda: large_gamma_expansion([0.5, 0.5], 0.0), ValueError, "gamma"),
        (lambda: dominance_expansion(1.5, 2.0), ValueError, "eps"),
        (lambda: dominance_expansion(1e-5, 2.0, w=()), ValueError, "w"),
        (lambda: dominance_expansion(1e-5, 2.0, w=(1.0, -1.0)), ValueError, "w"),
        (lambda: dominance_expansion(1e-5, "abc"), ValueError, "gamma"),
    ],
)
def test_validation(call, exc, word):
    with pytest.raises(exc) as info:
        call()
    assert word in str(info.value)


@pytest.mark.parametrize("h", [[1.0, 1.0], [0.0, 1.0], [-2.0, 2.0]])
def test_loglog_slope_needs_two_distinct_nonzero_sizes(h):
    with pytest.raises(ValueError, match="h "):
        loglog_slope(h, [1.0, 2.0])
