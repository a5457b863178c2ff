"""Tests of the arbitrary-precision reference solver (focaltheory.reference).

Expected values come from formulas written out here, in the test, with mpmath
(the focal loss, g, the inverse map), from closed forms, or from figures
stated in the theory document (docs/theory.md); never from the code under test.
"""

import math
import time

import mpmath
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from mpmath import mp

from focaltheory.reference import (
    ReferenceResult,
    focal_loss_mp,
    g_mp,
    inverse_minimizer_mp,
    minimizer_mp,
    phi_mp,
    threshold_mp,
)
from focaltheory.reference import _minimizer as reference_minimizer
from focaltheory.reference._context import mp as ref_mp  # the private helpers work at its precision
from focaltheory.reference._inverse import _certificate
from focaltheory.reference._minimizer import _nested_mp

from _mp import g_direct, loss_direct, rel_mp

# Cases spanning the regimes: amplification, over-suppression, tiny entries
# (down to 1e-1000), entries near 1, huge and tiny gamma, ties, zeros.
CASES = [
    (["0.7", "0.2", "0.1"], 2),
    ([0.7, 0.2, 0.09, 0.01], 1),
    (["1"] * 99 + ["1e-8"], 2),  # over-suppression (docs/theory.md, section theory-regimes)
    ([1] * 10, 2),  # uniform
    ([1] * 50, 5),  # uniform, over-suppressed
    (["0.5", "0.5", "1e-300"], 2),
    (["1", "1e-300"], "0.5"),  # big class 1 - 1e-300
    (["1", "1e-1000"], 2),
    (["1", "1e-1000", "1e-500", "0.25"], 3),
    (["1e-1000", "2e-1000", "3e-1000"], 2),  # all tiny weights, normalized
    ([0.7, 0.2, 0.09, 0.01], 1000),
    ([0.7, 0.2, 0.09, 0.01], 5000),
    ([0.5, 0.5], 5000),
    ([0.3, 0.7], "1e-8"),
    ([0.3, 0.7, 0.0, 0.0], 0),  # gamma = 0, zeros
    ([0, 1, 0], 2),  # point mass
    ([1, 2, 2, 3, 3, 3], "2.5"),  # ties
    (["0.999999", "1e-6"], 2),
    ([1, 1, 1, "1e-1000"], "0.01"),
]


@pytest.fixture(scope="module")
def solved():
    out = {}
    for i, (p, g) in enumerate(CASES):
        out[i] = (minimizer_mp(p, g, dps=50), minimizer_mp(p, g, dps=80))
    return out


@pytest.mark.parametrize("i", range(len(CASES)))
def test_dps50_agrees_with_dps80_to_45_digits(solved, i):
    a, b = solved[i]
    assert a.dps == 50 and b.dps == 80
    with mp.workdps(90):
        for x, y in zip(a.q, b.q):
            assert rel_mp(x, y) <= mp.mpf("1e-45")
        for x, y in zip(a.complement, b.complement):
            assert rel_mp(x, y) <= mp.mpf("1e-45")
        if mp.isfinite(b.log_lam):
            assert abs(a.log_lam - b.log_lam) <= mp.mpf("1e-45") * max(1, abs(b.log_lam))
        else:
            assert a.log_lam == b.log_lam == mp.ninf
        assert rel_mp(a.value, b.value) <= mp.mpf("1e-45")
    assert a.certificate <= mp.mpf("1e-45")
    assert b.certificate <= mp.mpf("1e-75")


@pytest.mark.parametrize("i", range(len(CASES)))
def test_kkt_conditions_hold_with_the_textbook_formula(solved, i):
    """P(x) g(q_x) = lambda on the support, sum q = 1, q = 0 off the support."""
    p, gamma = CASES[i]
    res = solved[i][1]  # 80 digits
    with mp.workdps(2200):  # enough to form 1 - q for q = 1 - 1e-1000-ish directly
        gamma = mp.mpf(gamma)
        w = [mp.mpf(x) for x in p]
        P = [x / mp.fsum(w) for x in w]
        support = [k for k, x in enumerate(P) if x > 0]
        for k, x in enumerate(P):
            if x == 0:
                assert res.q[k] == 0
        # sum q = 1, using the complement of the dominant class
        top = max(support, key=lambda k: res.q[k])
        assert abs(mp.fsum(res.q[k] for k in support if k != top) - res.complement[top]) <= (
            mp.mpf("1e-75") * res.complement[top]
        )
        if gamma == 0:
            for k in support:
                assert rel_mp(res.q[k], P[k]) <= mp.mpf("1e-78")
            return
        if len(support) == 1:
            assert res.q[support[0]] == 1 and res.log_lam == mp.ninf and res.value == 0
            return
        for k in support:
            qk = 1 - res.complement[k] if res.q[k] > 0.5 else res.q[k]
            lhs = mp.log(P[k]) + mp.log(g_direct(qk, gamma))
            assert abs(lhs - res.log_lam) <= mp.mpf("1e-70") * max(1, abs(res.log_lam))


def test_uniform_closed_form():
    """Uniform P is its own minimizer and lambda* = phi(1/K) (docs/theory.md, section theory-regimes)."""
    for K, gamma in [(10, 2), (50, 5), (3, "0.5")]:
        r = minimizer_mp([1] * K, gamma)
        with mp.workdps(60):
            gm = mp.mpf(gamma)
            lam = (1 - mp.mpf(1) / K) ** (gm - 1) * ((1 - mp.mpf(1) / K) + gm * mp.log(K) / K)
            assert all(rel_mp(x, mp.mpf(1) / K) < mp.mpf("1e-48") for x in r.q)
            assert abs(r.log_lam - mp.log(lam)) < mp.mpf("1e-48")


def test_recovers_a_prescribed_minimizer_through_the_inverse_map():
    """Choose Q, build P ∝ 1/g(Q) with the textbook formula, solve, get Q back."""
    gamma = mp.mpf(3)
    with mp.workdps(400):  # 1 - 1e-300 is representable at 400 digits
        Q = [mp.mpf("1e-300"), mp.mpf("2e-300"), mp.mpf("0.25"), mp.mpf("0.125")]
        Q.append(1 - mp.fsum(Q))
        w = [1 / g_direct(x, gamma) for x in Q]
        P = [mp.nstr(x / mp.fsum(w), 120) for x in w]
        r = minimizer_mp(P, gamma, dps=60)
        for x, y in zip(r.q, Q):
            assert rel_mp(x, y) < mp.mpf("1e-58")
        assert rel_mp(r.complement[-1], 1 - Q[-1]) < mp.mpf("1e-58")


def test_dominant_class_complement_is_exact():
    """Weights (1, 1e-300): the big class is 1 - c with c carried exactly."""
    r = minimizer_mp(["1", "1e-300"], "0.5")
    assert r.q[0] == 1  # rounds to 1 at 50 digits
    with mp.workdps(60):
        # q_small = c_big and P_small g(q_small) = P_big g(1 - c_big), checked at 700 digits
        c = r.complement[0]
        assert rel_mp(c, r.q[1]) < mp.mpf("1e-49")
    with mp.workdps(700):
        lhs = mp.mpf("1e-300") / (1 + mp.mpf("1e-300")) * g_direct(r.q[1], mp.mpf("0.5"))
        rhs = 1 / (1 + mp.mpf("1e-300")) * g_direct(1 - c, mp.mpf("0.5"))
        assert rel_mp(lhs, rhs) < mp.mpf("1e-48")


def test_value_is_minimal_against_perturbations():
    p, gamma = ["0.6", "0.3", "0.1"], 2
    r = minimizer_mp(p, gamma)
    with mp.workdps(60):
        P = [mp.mpf(x) for x in p]
        H = lambda Q: mp.fsum(a * loss_direct(b, gamma) for a, b in zip(P, Q))
        assert rel_mp(H(r.q), r.value) < mp.mpf("1e-48")
        for d in ([1, -1, 0], [0, 1, -1], [1, 0, -1], [-2, 1, 1]):
            for h in (mp.mpf("1e-3"), mp.mpf("1e-8")):
                Q = [x + h * di for x, di in zip(r.q, d)]
                assert H(Q) > r.value


def test_theory_over_suppression_example():
    """99 classes of ~1/99 plus 1e-8 at gamma 2: lambda* = 1.0718, shrink 6.7%.

    (docs/theory.md, section theory-regimes.)
    """
    r = minimizer_mp(["1"] * 99 + ["1e-8"], 2)
    assert abs(float(r.lam) - 1.0718) < 5e-5
    shrink = 1 - r.q[-1] / r.p[-1]
    assert abs(float(shrink) - 0.067) < 5e-4


def test_theory_large_gamma_figures():
    """gamma (Q*(x) - Q*(y)) for P = (0.7, 0.2, 0.09, 0.01), x, y the first two.

    (docs/theory.md, section theory-asymptotics.)
    """
    P = [0.7, 0.2, 0.09, 0.01]
    for gamma, expected in [(10, 0.760), (50, 0.896), (1000, 0.937)]:
        r = minimizer_mp(P, gamma, dps=30)
        assert abs(float(gamma * (r.q[0] - r.q[1])) - expected) < 6e-4
    r = minimizer_mp(P, 1000, dps=30)
    assert abs(float(r.log_lam) - (-282.40)) < 6e-3


def test_theory_fixed_points():
    """Non-uniform fixed points (a, b x (K-1)) with phi(a) = phi(b) (docs/theory.md, section theory-properness)."""
    # tolerance: half a unit in the last digit printed there
    for gamma, K, a_claim, b_claim, tol in [
        (1, 4, 0.0099165153, 0.3300278282, 5e-11),
        (2, 5, 0.01348139, 0.24662965, 5e-9),
    ]:
        with mp.workdps(50):
            phi = lambda p: p * g_direct(p, gamma)
            a = mp.findroot(lambda a: phi(a) - phi((1 - a) / (K - 1)), a_claim)
            b = (1 - a) / (K - 1)
            assert abs(float(a) - a_claim) < tol and abs(float(b) - b_claim) < tol
            r = minimizer_mp([a] + [b] * (K - 1), gamma, dps=40)
            assert rel_mp(r.q[0], a) < mp.mpf("1e-38")
            assert rel_mp(r.q[1], b) < mp.mpf("1e-38")


def test_gamma_zero_returns_p_and_lambda_one():
    r = minimizer_mp(["0.2", "0.3", "0.5", "0"], 0)
    assert r.log_lam == 0
    assert [mpmath.nstr(x, 20) for x in r.q] == ["0.2", "0.3", "0.5", "0.0"]
    with mp.workdps(60):
        H = -(mp.mpf("0.2") * mp.log("0.2") + mp.mpf("0.3") * mp.log("0.3") + mp.mpf("0.5") * mp.log("0.5"))
        assert rel_mp(r.value, H) < mp.mpf("1e-49")


def test_point_mass():
    r = minimizer_mp([0, "3", 0], 2)
    assert r.q == (0, 1, 0) and r.log_lam == mp.ninf and r.value == 0
    r0 = minimizer_mp([0, "3", 0], 0)
    assert r0.q == (0, 1, 0) and r0.log_lam == 0


def test_fallback_solver_agrees_with_newton():
    """The slow pure-mpmath bracketed solver (no double warm start) gives the same answer."""
    for p, gamma in [(["0.7", "0.2", "0.1"], 2), (["1", "1e-1000", "0.3"], 3), ([1, 2, 3, 4, "1e-50"], "0.001")]:
        r = minimizer_mp(p, gamma, dps=50)
        with mp.workdps(60), ref_mp.workdps(60):
            w = [mp.mpf(x) for x in p]
            s = mp.fsum(w)
            logp = [mp.log(x / s) for x in w]
            ell, roots = _nested_mp(logp, [1] * len(p), mp.mpf(gamma), mp.mpf(10) ** -55)
            assert abs(ell - r.log_lam) <= mp.mpf("1e-48") * max(1, abs(ell))
            for root, q in zip(roots, r.q):
                assert rel_mp(root.q, q) < mp.mpf("1e-48")


def test_large_K_is_fast_and_certified():
    rng = np.random.default_rng(7)
    p = rng.dirichlet(np.full(10_000, 0.3))
    t0 = time.perf_counter()
    r = minimizer_mp(p, 2, dps=50)
    elapsed = time.perf_counter() - t0
    assert elapsed < 15.0  # about 3 s on 2 shared cores
    assert r.certificate < mp.mpf("1e-48")
    with mp.workdps(60):
        assert abs(mp.fsum(r.q) - 1) < mp.mpf("1e-48")
        # spot-check KKT with the textbook g
        P = [mp.mpf(float(x)) for x in p]
        S = mp.fsum(P)
        for k in rng.choice(10_000, 20, replace=False):
            lhs = mp.log(P[k] / S) + mp.log(g_direct(r.q[k], 2))
            assert abs(lhs - r.log_lam) < mp.mpf("1e-47")


@settings(max_examples=15, deadline=None)
@given(
    st.lists(st.integers(min_value=-1000, max_value=0), min_size=2, max_size=6),
    st.sampled_from(["0.001", "0.5", "1", "2", "7", "100"]),
)
def test_self_agreement_random_exponents(exps, gamma):
    p = [f"3e{e}" for e in exps]
    a = minimizer_mp(p, gamma, dps=50)
    b = minimizer_mp(p, gamma, dps=80)
    with mp.workdps(90):
        for x, y in zip(a.q, b.q):
            assert rel_mp(x, y) <= mp.mpf("1e-45")
        assert abs(a.log_lam - b.log_lam) <= mp.mpf("1e-45") * max(1, abs(b.log_lam))
    assert a.certificate < mp.mpf("1e-45")


# ---------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------


def test_g_is_minus_the_derivative_of_the_loss():
    for q, gamma in [("0.3", 2), ("0.9", "0.5"), ("1e-5", 3), ("0.5", 0)]:
        with mp.workdps(40):
            d = mp.diff(lambda t: loss_direct(t, mp.mpf(gamma)), mp.mpf(q))
            assert rel_mp(g_mp(q, gamma, dps=30), -d) < mp.mpf("1e-28")


def test_helper_values_and_limits():
    assert g_mp(0, 2) == mp.inf and g_mp(1, 2) == 0 and g_mp(1, 0) == 1 and g_mp(1, "0.5") == 0
    assert focal_loss_mp(0, 2) == mp.inf and focal_loss_mp(1, 2) == 0
    with mp.workdps(40):
        assert rel_mp(focal_loss_mp("0.5", 2, dps=30), mp.log(2) / 4) < mp.mpf("1e-29")
        assert rel_mp(g_mp("0.5", 1, dps=30), 1 + mp.log(2)) < mp.mpf("1e-29")
        # docs/theory.md, section theory-regimes: at gamma = 1 the peak of phi is 1 + e^-2 at p = e^-2
        assert rel_mp(phi_mp(mp.exp(-2), 1, dps=30), 1 + mp.exp(-2)) < mp.mpf("1e-29")
    assert phi_mp(0, 3) == 1 and phi_mp(1, 3) == 0 and phi_mp("0.3", 0) == 1


def test_threshold_mp():
    with mp.workdps(60):
        assert rel_mp(threshold_mp(1, dps=50), mp.exp(-1)) < mp.mpf("1e-49")
        assert threshold_mp(0) == mp.mpf(1) / 2
        for gamma, claim in [(2, 0.2976), (5, 0.1968)]:
            t = threshold_mp(gamma)
            assert abs(float(t) - claim) < 5e-5
            assert rel_mp(t * g_direct(t, gamma), 1) < mp.mpf("1e-48")
        # as gamma -> 0 the threshold tends to 1/2 (docs/theory.md, section theory-regimes)
        assert abs(threshold_mp("1e-12") - mp.mpf(1) / 2) < mp.mpf("1e-11")


def test_inverse_minimizer_mp():
    assert inverse_minimizer_mp([0, 1, 0], 2) == (0, 1, 0)
    with mp.workdps(60):
        got = inverse_minimizer_mp(["0.25", "0.75"], 2)
        w = [1 / g_direct(mp.mpf("0.25"), 2), 1 / g_direct(mp.mpf("0.75"), 2)]
        assert all(rel_mp(a, b / mp.fsum(w)) < mp.mpf("1e-49") for a, b in zip(got, w))
    # the complement of the largest entry is the sum of the others: exact at q = 1 - 1e-300
    r = minimizer_mp(["1", "1e-300"], 2)
    back = inverse_minimizer_mp(r.q, 2)
    with mp.workdps(60):
        assert rel_mp(back[1], mp.mpf("1e-300")) < mp.mpf("1e-48")


@pytest.mark.parametrize(
    "call, exc, word",
    [
        (lambda: minimizer_mp([0.5, -0.1], 2), ValueError, "p[1]"),
        (lambda: minimizer_mp([0, 0], 2), ValueError, "p"),
        (lambda: minimizer_mp([], 2), ValueError, "p"),
        (lambda: minimizer_mp("0.5", 2), TypeError, "p"),
        (lambda: minimizer_mp([0.5, "abc"], 2), ValueError, "p[1]"),
        (lambda: minimizer_mp([0.5, float("nan")], 2), ValueError, "p[1]"),
        (lambda: minimizer_mp([0.5, complex(1, 1)], 2), TypeError, "p[1]"),
        (lambda: minimizer_mp([0.5, 0.5], -1), ValueError, "gamma"),
        (lambda: minimizer_mp([0.5, 0.5], True), TypeError, "gamma"),
        (lambda: minimizer_mp([0.5, 0.5], "inf"), ValueError, "gamma"),
        (lambda: minimizer_mp([0.5, 0.5], 2, dps=5), ValueError, "dps"),
        (lambda: minimizer_mp([0.5, 0.5], 2, dps=50.0), TypeError, "dps"),
        (lambda: g_mp(1.5, 2), ValueError, "q"),
        (lambda: phi_mp(-0.1, 2), ValueError, "p"),
        (lambda: inverse_minimizer_mp([0.5, 0.6], 2), ValueError, "q"),
        (lambda: threshold_mp(-2), ValueError, "gamma"),
    ],
)
def test_validation(call, exc, word):
    with pytest.raises(exc, match=None) as info:
        call()
    assert word in str(info.value)


def test_global_precision_untouched():
    before = mp.dps
    minimizer_mp(["0.3", "0.7"], 2, dps=120)
    threshold_mp(3, dps=100)
    assert mp.dps == before


def test_result_is_frozen():
    r = minimizer_mp([0.3, 0.7], 2)
    assert isinstance(r, ReferenceResult)
    with pytest.raises(Exception):
        r.q = ()


# ---------------------------------------------------------------------------
# the double-precision solver against the reference
# ---------------------------------------------------------------------------

_TINY_NORMAL = np.finfo(np.float64).tiny  # 2.2250738585072014e-308
_rng = np.random.default_rng(2026)
DOUBLE_CASES = [
    ([0.7, 0.2, 0.1], 2.0),
    ([0.7, 0.2, 0.09, 0.01], 1.0),
    ([1.0] * 99 + [1e-8], 2.0),  # over-suppression
    ([1.0] * 50, 5.0),
    ([0.5, 0.5, 1e-300], 2.0),
    ([1.0, 1e-300], 0.5),  # dominance, q = 1 - 1e-300-ish
    ([1.0, 1e-200, 1e-100], 3.0),
    ([0.7, 0.2, 0.09, 0.01], 1000.0),
    ([0.7, 0.2, 0.09, 0.01], 5000.0),  # value ~ 1e-625 underflows
    ([0.5, 0.5], 5000.0),
    ([1.0, 1e-300], 5000.0),
    ([0.3, 0.7], 1e-8),
    ([0.5, 0.3, 0.2], 1e-12),
    ([0.3, 0.7, 0.0, 0.0], 0.0),
    ([0.0, 1.0, 0.0], 2.0),
    ([1.0, 2.0, 2.0, 3.0, 3.0, 3.0], 2.5),
    ([0.999999, 1e-6], 2.0),
    ([1.0, 1e-16], 0.1),
    ([1.0, 5e-324], 2.0),  # smallest subnormal weight; value is subnormal
    ([1e-300, 2e-300, 3e-300], 2.0),
    ([0.25] * 4 + [1e-12], 3.0),
    ([1.0] * 1000 + [1e-30], 2.0),
    ([0.6, 0.4], 100.0),
    (list(_rng.dirichlet(np.full(100, 0.05))), 2.0),
    (list(_rng.dirichlet(np.full(1000, 1.0))), 5.0),
]


@pytest.mark.parametrize("i", range(len(DOUBLE_CASES)))
def test_double_solver_agrees_with_reference_to_1e13(i):
    solver = pytest.importorskip("focaltheory.solver")
    p, gamma = DOUBLE_CASES[i]
    p = [float(x) for x in p]
    d = solver.minimizer(np.array(p), gamma)
    r = minimizer_mp(p, gamma, dps=40)  # floats are converted exactly
    with mp.workdps(50):
        for a, b in zip(d.q.tolist(), r.q):
            if b == 0:
                assert a == 0
            else:
                assert abs(mp.mpf(a) - b) <= mp.mpf("1e-13") * b
        if mp.isfinite(r.log_lam):
            assert abs(mp.mpf(float(d.log_lam)) - r.log_lam) <= mp.mpf("1e-13") * max(1, abs(r.log_lam))
        else:
            assert float(d.log_lam) == -math.inf
        if r.value >= _TINY_NORMAL:
            assert abs(mp.mpf(float(d.value)) - r.value) <= mp.mpf("1e-13") * r.value
        else:  # the exact value is below the normal double range: a few subnormal ulps
            assert abs(mp.mpf(float(d.value)) - r.value) <= 4 * mp.mpf(5e-324)


def test_double_solver_batch_agrees_with_reference():
    solver = pytest.importorskip("focaltheory.solver")
    rng = np.random.default_rng(11)
    alphas = np.repeat([0.02, 0.2, 1.0, 5.0], 10)
    P = np.stack([rng.dirichlet(np.full(6, a)) for a in alphas])
    gam = np.tile([0.01, 0.5, 1.0, 2.0, 3.0, 5.0, 10.0, 30.0, 100.0, 1e-6], 4)
    d = solver.minimizer(P, gam)
    worst = 0.0
    for row, g, q in zip(P, gam, d.q):
        r = minimizer_mp(row.tolist(), float(g), dps=30)
        with mp.workdps(40):
            for a, b in zip(q.tolist(), r.q):
                if b == 0:
                    assert a == 0
                else:
                    worst = max(worst, float(abs(mp.mpf(a) - b) / b))
    assert worst <= 1e-13


# gamma = 0 with a dominant class: the value needs that class's complement
@pytest.mark.parametrize("p", [[1.0, 1e-20], [1.874584407469102e-09, 0.9999999981254156]])
def test_double_solver_value_at_gamma_zero_with_a_dominant_class(p):
    solver = pytest.importorskip("focaltheory.solver")
    d = solver.minimizer(np.array(p), 0.0)
    r = minimizer_mp(p, 0, dps=40)
    with mp.workdps(50):
        assert abs(mp.mpf(float(d.value)) - r.value) <= mp.mpf("1e-13") * r.value


def test_double_solver_random_sweep_against_reference():
    """120 seeded cases across regimes: tiny entries to 1e-300, dominance, ties, gamma in (0, 5000].

    q and log lambda* to 1e-13 relative everywhere.  The value is compared to
    1e-13 for gamma <= 100 and normal-range values: at gamma = 1000 the value's
    condition number in Q* is lambda*/H_g ~ 500 (a 1-ulp change of one entry
    of the exact Q* moves it by 2.8e-14), so ~1e-13 is the double-precision
    floor there, not a solver defect.
    """
    solver = pytest.importorskip("focaltheory.solver")
    rng = np.random.default_rng(20261122)
    worst_q = worst_l = worst_v = 0.0
    for it in range(120):
        K = int(rng.choice([2, 3, 5, 10]))
        kind = it % 5
        if kind == 0:
            p = rng.dirichlet(np.full(K, rng.choice([0.02, 0.3, 3.0])))
        elif kind == 1:
            p = 10.0 ** rng.uniform(-300, 0, K)
        elif kind == 2:
            p = np.r_[1.0, 10.0 ** rng.uniform(-300, -1, K - 1)]
        elif kind == 3:
            p = np.r_[np.full(K - 1, 1.0), 10.0 ** rng.uniform(-300, -3)]
        else:
            p = rng.integers(0, 3, K).astype(float)
            p[0] += 1
        gamma = float(rng.choice([1e-9, 1e-3, 0.5, 1.0, 2.0, 3.7, 10.0, 100.0, 1000.0, 5000.0]))
        d = solver.minimizer(p, gamma)
        r = minimizer_mp(p.tolist(), gamma, dps=30)
        with mp.workdps(40):
            for a, b in zip(d.q.tolist(), r.q):
                if b == 0:
                    assert a == 0
                else:
                    worst_q = max(worst_q, float(abs(mp.mpf(a) - b) / b))
            if mp.isfinite(r.log_lam):
                worst_l = max(worst_l, float(abs(mp.mpf(float(d.log_lam)) - r.log_lam) / max(1, abs(r.log_lam))))
            else:
                assert float(d.log_lam) == -math.inf
            if gamma <= 100 and r.value >= _TINY_NORMAL:
                worst_v = max(worst_v, float(abs(mp.mpf(float(d.value)) - r.value) / r.value))
    assert worst_q <= 1e-13, worst_q
    assert worst_l <= 1e-13, worst_l
    assert worst_v <= 1e-13, worst_v


def _regime_cases():
    """Sequences approaching each limit of the asymptotics module."""
    cases = []
    for eps in [1e-5, 1e-50, 1e-150, 1e-300]:  # P(x) -> 0 with the rest fixed
        for gamma in [2.0, 1000.0, 5000.0]:
            cases.append(("P->0", [0.5, 0.3, 0.2 - eps, eps], gamma))
    for gamma in [1e-2, 1e-6, 1e-12]:  # gamma -> 0
        cases.append(("gamma->0", [0.6, 0.3, 0.1], gamma))
    rng = np.random.default_rng(4)
    for gamma in [100.0, 1000.0, 2000.0, 5000.0]:  # gamma -> inf, with a tiny class
        cases.append(("gamma->inf", list(rng.dirichlet(np.ones(5))) + [1e-200], gamma))
    for delta in [1e-3, 1e-8, 1e-15]:  # one class -> 1, binary and multi-class
        for gamma in [0.5, 2.0, 50.0, 5000.0]:
            cases.append(("dominance", [1 - delta, 0.7 * delta, 0.3 * delta], gamma))
            cases.append(("dominance binary", [1 - delta, delta], gamma))
    return cases


@pytest.mark.parametrize("regime,p,gamma", _regime_cases())
def test_double_solver_agrees_across_the_asymptotic_regimes(regime, p, gamma):
    """The double-precision minimizer within 1e-13 of the reference in every regime, gamma up to 5000."""
    solver = pytest.importorskip("focaltheory.solver")
    d = solver.minimizer(np.array(p), gamma)
    r = minimizer_mp(p, gamma, dps=40)
    assert bool(d.converged)
    with mp.workdps(50):
        for a, b in zip(d.q.tolist(), r.q):
            assert abs(mp.mpf(a) - b) <= mp.mpf("1e-13") * b, (regime, a, b)
        assert abs(mp.mpf(float(d.log_lam)) - r.log_lam) <= mp.mpf("1e-13") * max(1, abs(r.log_lam))


@pytest.mark.parametrize("gamma", [0, "1e-300", "1e-100"])
def test_dominance_beyond_the_working_precision(gamma):
    """One class ahead by more than the working precision (1 : 3.8e-150 at 40-50 digits), at gamma = 0 and tiny
    gamma: the complement of the large class comes from the other class, not from 1 - q (which rounds to 0), so
    the complement and the value keep their digits.  Checked against the cross-entropy worked out at 400 digits."""
    eps = mpmath.mpf(3.7963742000484664e-150)
    r = minimizer_mp([1.0, float(eps)], gamma, dps=40)
    with mpmath.workdps(400):
        p1 = eps / (1 + eps)
        exact = -(1 - p1) * mpmath.log1p(-p1) - p1 * mpmath.log(p1)  # H(P) = H_0(P); O(gamma) away at tiny gamma
        assert abs(r.complement[0] / p1 - 1) < mpmath.mpf("1e-38")
        assert abs(r.value / exact - 1) < mpmath.mpf("1e-38")
    assert r.certificate < mpmath.mpf("1e-38")


@pytest.mark.parametrize("p,gamma,dps", [(["1", "1e-40"], "1e-300", 15), (["1", "2e-3"], "1e-250", 10),
                                         (["1", "1e-25", "3e-66"], "1e-300", 10)])
def test_tiny_gamma_low_precision(p, gamma, dps):
    """At gamma <= 1e-250 the chart of the large class spans ~|L|/gamma = 1e300: its bisection gets the
    iterations that width needs (it stopped after 10 prec and returned an unconverged class, and the
    fallback converged to a wrong log lambda*: certificate 0.47).  Q* = P + O(gamma) here."""
    r = minimizer_mp(p, gamma, dps=dps)
    with mpmath.workdps(dps + 20):
        w = [mpmath.mpf(x) for x in p]
        P = [x / mpmath.fsum(w) for x in w]
        for a, b in zip(r.q, P):
            assert abs(a / b - 1) < mpmath.mpf(10) ** (2 - dps)
    assert abs(r.log_lam) < mpmath.mpf(10) ** (2 - dps) and r.certificate < mpmath.mpf(10) ** (2 - dps)


def test_certificate_sees_the_simplex_and_guards_the_answer(monkeypatch):
    """q scaled by 1 + 1e-15 is not a minimizer although the inverse map (which normalizes) cannot tell at
    gamma = 0; a certificate above (1 + gamma) 10**(-dps/2) is an error, not an answer."""
    with mpmath.workdps(40), ref_mp.workdps(40):
        P = [mpmath.mpf("0.3"), mpmath.mpf("0.7")]
        q = [x * (1 + mpmath.mpf("1e-15")) for x in P]
        assert _certificate(P, q, [1 - x for x in q], mpmath.mpf(0)) >= mpmath.mpf("0.9e-15")
        assert _certificate(P, P, [1 - x for x in P], mpmath.mpf(0)) < mpmath.mpf("1e-38")
    monkeypatch.setattr(reference_minimizer, "_certificate", lambda *a, **k: mpmath.mpf("1e-3"))
    with pytest.raises(ArithmeticError, match="certificate"):
        minimizer_mp([0.3, 0.7], 2.0, dps=20)


def test_scalar_references_keep_the_complement_of_the_input():
    """1 - q is formed from q as given: an mpf or a decimal string within 1e-120 of 1 keeps it."""
    with mpmath.workdps(200):
        q = 1 - mpmath.mpf(2) ** -400
        c = mpmath.mpf(2) ** -400
        # gamma = 1: g(q) = c/q - log q = c (1 + 1/q) + O(c^2), and l(q) = -c log q = c^2 (1 + O(c))
        assert abs(g_mp(q, 1, dps=20) / (c * (1 + 1 / q)) - 1) < mpmath.mpf("1e-18")
        assert abs(focal_loss_mp(q, 1, dps=20) / (c * c) - 1) < mpmath.mpf("1e-18")
    s = "0." + "9" * 300  # gamma = 1/2: g = c^(-1/2) (c/q - log(q) / 2) = 1.5 c^(1/2) (1 + O(c)), c = 1e-300
    assert abs(g_mp(s, 0.5, dps=20) / mpmath.mpf("1.5e-150") - 1) < mpmath.mpf("1e-18")
    with pytest.raises(TypeError, match="p must be a sequence"):
        minimizer_mp({1: 2.0}, 2.0)


def test_importing_regimes_does_not_import_mpmath():
    """The double-precision chart solves regimes uses live outside the mpmath reference."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = str(Path(__file__).resolve().parent.parent)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([root, os.environ.get("PYTHONPATH", "")]))
    code = "import focaltheory.regimes, sys; print('mpmath' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    assert done.stdout.strip() == "False"
