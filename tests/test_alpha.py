"""Class weights alpha (alpha-balanced softmax focal loss) in focal_entropy, minimizer
and inverse_minimizer, checked against 50-digit mpmath.

Two independent references:
* focaltheory.reference.minimizer_mp on the reweighted distribution
  alpha P / sum(alpha P), formed here in mpmath from the exact double inputs;
* the weighted KKT condition alpha_x P_x g(Q_x) = lambda, evaluated here in
  mpmath from the textbook g(q) = (1-q)^(gamma-1) [(1-q)/q - gamma log q] with
  the reference's exact complements (so entries near 1 are not rounded away).
"""

import numpy as np
import pytest
from mpmath import mp

from focaltheory import focal_entropy, inverse_minimizer, minimizer
from focaltheory.reference import minimizer_mp

from _mp import log_g_qc, loss_qc, rel


@pytest.fixture(autouse=True)
def _sixty_digits():
    """The mpmath side of every test here works at 60 digits (restored after each test)."""
    with mp.workdps(60):
        yield


CASES = [
    # (P, alpha, gamma)
    ([0.7, 0.2, 0.1], [1.0, 1.0, 1.0], 2.0),
    ([0.7, 0.2, 0.1], [0.25, 1.0, 4.0], 2.0),
    ([0.5, 0.3, 0.2], [3.0, 0.1, 1.0], 0.5),
    ([0.9, 0.09, 0.01], [0.1, 1.0, 10.0], 5.0),
    ([0.25] * 4, [1.0, 2.0, 3.0, 4.0], 1.0),
    ([0.98, 0.01, 0.01], [1e-3, 1.0, 1.0], 3.0),  # weights that reverse the order of P
    ([1 - 1e-12, 1e-12], [1.0, 1e6], 2.0),
    ([0.5, 0.5 - 1e-300, 1e-300], [1.0, 1.0, 7.0], 2.0),  # a tiny class, weighted up
    ([0.6, 0.3, 0.1], [2.0, 2.0, 2.0], 0.0),  # gamma = 0: Q* = alpha P normalized
    ([0.6, 0.3, 0.1, 0.0], [1.0, 5.0, 0.2, 3.0], 20.0),  # a class outside the support
]


@pytest.mark.parametrize("P, alpha, gam", CASES)
def test_weighted_minimizer_matches_mpmath(P, alpha, gam):
    res = minimizer(P, gam, alpha=alpha)
    assert bool(res.converged)
    Pm = [mp.mpf(x) for x in P]
    Am = [mp.mpf(x) for x in alpha]
    Pm = [x / mp.fsum(Pm) for x in Pm]
    W = [a * p for a, p in zip(Am, Pm)]
    Z = mp.fsum(W)
    ref = minimizer_mp([w / Z for w in W], gam, dps=50)
    for got, r in zip(res.q, ref.q):
        assert rel(got, r) < 1e-13, (got, r)
    # the KKT condition of the WEIGHTED problem, alpha_x P_x g(Q_x) = lambda, in mpmath
    logs = [mp.log(w) + log_g_qc(q, c, gam) for w, q, c in zip(W, ref.q, ref.complement) if w > 0]
    assert max(logs) - min(logs) < mp.mpf(10) ** -45
    lam = logs[0]
    # log_lam and value refer to the weighted risk sum alpha P l(Q)
    assert abs(float(res.log_lam) - float(lam)) < 1e-13 * max(1.0, abs(float(lam)))
    value = mp.fsum(w * loss_qc(q, c, gam) for w, q, c in zip(W, ref.q, ref.complement) if w > 0)
    assert rel(res.value, value) < 1e-13
    # off the support of alpha P, Q* vanishes exactly
    for w, q in zip(W, res.q):
        if w == 0:
            assert q == 0.0


@pytest.mark.parametrize("P, alpha, gam", CASES)
def test_weighted_inverse_and_entropy_match_mpmath(P, alpha, gam):
    q = minimizer(P, gam, alpha=alpha).q
    back = inverse_minimizer(q, gam, alpha=alpha)
    # the inverse of the double q, in mpmath: P proportional to 1/(alpha g(q)) on the support
    qs = [mp.mpf(float(x)) for x in q]
    top = max(range(len(qs)), key=lambda i: qs[i])
    cs = [1 - x for x in qs]
    cs[top] = mp.fsum(qs[i] for i in range(len(qs)) if i != top)  # as documented: complement of the largest
    w = [mp.zero if x == 0 else 1 / (mp.mpf(a) * mp.exp(log_g_qc(x, c, gam))) for x, c, a in zip(qs, cs, alpha)]
    tot = mp.fsum(w)
    for b, ww in zip(back, w):
        assert rel(b, ww / tot) < 1e-13
    # round trip to the input
    p = np.asarray(P) / np.sum(P)
    np.testing.assert_allclose(back, p, rtol=1e-12, atol=0)
    # the weighted focal-entropy of the double q, in mpmath
    got = focal_entropy(P, q, gam, alpha=alpha)
    Pm = [mp.mpf(x) for x in P]
    Pm = [x / mp.fsum(Pm) for x in Pm]
    ref = mp.fsum(mp.mpf(a) * pp * loss_qc(x, c, gam) for a, pp, x, c in zip(alpha, Pm, qs, cs) if pp > 0)
    assert rel(got, ref) < 1e-13


def test_constant_weights_change_nothing_but_scale():
    P = np.array([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8]])
    plain = minimizer(P, 2.0)
    scaled = minimizer(P, 2.0, alpha=3.0)
    np.testing.assert_allclose(scaled.q, plain.q, rtol=1e-15)
    np.testing.assert_allclose(scaled.value, 3.0 * plain.value, rtol=1e-15)
    np.testing.assert_allclose(scaled.log_lam, plain.log_lam + np.log(3.0), rtol=1e-15)


def test_weights_apply_to_the_normalized_distribution():
    """p is normalized before alpha applies, so the scale of p changes nothing (it used to scale value and lambda*)."""
    P = np.array([0.7, 0.2, 0.1])
    a = np.array([0.25, 1.0, 3.0])
    ref = minimizer(P, 2.0, alpha=a)
    # the weighted risk of the reweighted problem: Z H(P') with Z = sum(alpha P), checked against focal_entropy
    np.testing.assert_allclose(ref.value, focal_entropy(P, ref.q, 2.0, alpha=a), rtol=1e-14)
    for scale in (10.0, 1e-200, 1e300):
        res = minimizer(P * scale, 2.0, alpha=a)
        np.testing.assert_allclose(res.q, ref.q, rtol=1e-15)
        np.testing.assert_allclose(res.value, ref.value, rtol=1e-14)
        np.testing.assert_allclose(res.log_lam, ref.log_lam, rtol=1e-14)
    # alpha = 1 is the plain problem, whatever the scale of p
    plain = minimizer([10.0, 10.0, 0.0], 2.0)
    ones = minimizer([10.0, 10.0, 0.0], 2.0, alpha=1.0)
    assert ones.value == pytest.approx(float(plain.value), rel=1e-15) and plain.value == pytest.approx(np.log(2) / 4)
    assert ones.log_lam == pytest.approx(float(plain.log_lam), rel=1e-15)


def test_huge_weights_scale_the_value_without_overflow():
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = minimizer([1e300, 1e300], 2.0, alpha=[1e10, 1e10])
        assert res.value == pytest.approx(1e10 * np.log(2) / 4, rel=1e-14)
        # Z = 1e307: the product Z H is formed from Z's exact scaling, not from exp(log Z)
        big = minimizer([0.5, 0.5], 2.0, alpha=[1e307, 1e307])
        assert big.value == pytest.approx(1e307 * np.log(2) / 4, rel=1e-14)
        # 1.7e308 * log(2) / 4 is still a double
        assert minimizer([0.5, 0.5], 2.0, alpha=1.7e308).value == pytest.approx(1.7e308 * np.log(2) / 4, rel=1e-14)
    # 1.7e308 * (0.99)**0.5 log(100) is not: a clear error, not inf
    with pytest.raises(ValueError, match="alpha"):
        minimizer(np.ones(100), 0.5, alpha=1.7e308)


def test_weights_broadcast_over_batch_and_axis():
    rng = np.random.default_rng(5)
    P = rng.dirichlet(np.ones(4), size=6)
    a = np.array([0.5, 1.0, 2.0, 4.0])
    res = minimizer(P, 2.0, alpha=a)
    for i in range(6):
        np.testing.assert_array_equal(res.q[i], minimizer(P[i], 2.0, alpha=a).q)
    # per-row weights, and the class axis first
    A = rng.uniform(0.1, 3, size=(6, 4))
    res2 = minimizer(P.T, 2.0, axis=0, alpha=A.T)
    for i in range(6):
        np.testing.assert_allclose(res2.q[:, i], minimizer(P[i], 2.0, alpha=A[i]).q, rtol=1e-15)
    np.testing.assert_allclose(inverse_minimizer(res2.q, 2.0, axis=0, alpha=A.T), P.T, rtol=1e-12)
    # with a gamma sweep: gamma x batch x K
    res3 = minimizer(P, np.array([[1.0], [2.0]]), alpha=a)
    assert res3.q.shape == (2, 6, 4)
    np.testing.assert_array_equal(res3.q[1], res.q)


def test_zero_weight_removes_a_class():
    res = minimizer([0.5, 0.3, 0.2], 2.0, alpha=[1.0, 0.0, 1.0])
    assert res.q[1] == 0.0
    np.testing.assert_allclose(res.q[[0, 2]], minimizer([0.5, 0.2], 2.0).q, rtol=1e-15)
    with pytest.raises(ValueError, match="alpha is zero"):
        inverse_minimizer([0.5, 0.3, 0.2], 2.0, alpha=[1.0, 0.0, 1.0])


def test_bad_class_weights():
    with pytest.raises(ValueError, match="alpha must be nonnegative"):
        minimizer([0.5, 0.5], 2.0, alpha=[1.0, -0.1])
    with pytest.raises(ValueError, match="alpha must be nonnegative"):
        inverse_minimizer([0.5, 0.5], 2.0, alpha=[-1.0, 1.0])
    with pytest.raises(ValueError, match="alpha must be nonnegative"):
        focal_entropy([0.5, 0.5], [0.5, 0.5], 2.0, alpha=[-1.0, 1.0])
    with pytest.raises(ValueError, match="alpha with shape"):
        minimizer([0.5, 0.3, 0.2], 2.0, alpha=[1.0, 2.0])
    with pytest.raises(ValueError, match="alpha with shape"):
        inverse_minimizer([0.5, 0.3, 0.2], 2.0, alpha=[1.0, 2.0])
    with pytest.raises(ValueError, match="alpha with shape"):
        focal_entropy([0.5, 0.3, 0.2], [0.5, 0.3, 0.2], 2.0, alpha=np.ones((2, 3)))
    with pytest.raises(ValueError, match="alpha must be finite"):
        minimizer([0.5, 0.5], 2.0, alpha=[np.nan, 1.0])
    with pytest.raises(TypeError, match="alpha"):
        minimizer([0.5, 0.5], 2.0, alpha=[1j, 1.0])
    with pytest.raises(ValueError, match="all-zero"):
        minimizer([0.5, 0.5, 0.0], 2.0, alpha=[0.0, 0.0, 1.0])


def test_weighted_minimizer_when_alpha_times_p_underflows():
    # alpha * P below the double range (1e-300 * 1e-30) or subnormal (1e-300 * 1e-20)
    # is carried as a stand-in and an exponent, so the class keeps all its digits
    # the reweighted distribution (1, 1e-330) is fine for the solver in log space
    ref = minimizer_mp([1, mp.mpf("1e-330")], 2, dps=50)
    got = minimizer([1.0, 1e-300], 2.0, alpha=[1.0, 1e-30]).q
    assert rel(got[1], ref.q[1]) < 1e-13
    ref2 = minimizer_mp([1, mp.mpf("1e-320")], 2, dps=50)
    got2 = minimizer([1.0, 1e-300], 2.0, alpha=[1.0, 1e-20]).q
    assert rel(got2[1], ref2.q[1]) < 1e-13


@pytest.mark.parametrize("alpha", [[1e300, 1e-300], [1e200, 1e-300], [1e-300, 1e250, 1.0]])
def test_weights_that_put_a_class_far_below_the_double_range(alpha):
    """alpha P can put a class at 1e-600 of the largest, where its Q*/P reaches e^767: the solver's carrier
    exp(c) is scaled by a power of 2 instead of overflowing (it raised FloatingPointError)."""
    P = [0.5] * len(alpha)
    res = minimizer(P, 2.0, alpha=alpha)
    ref = minimizer_mp([mp.mpf(p) * mp.mpf(a) for p, a in zip(P, alpha)], 2.0, dps=40)
    assert bool(res.converged)
    for got, want in zip(res.q, ref.q):
        if want < np.finfo(float).tiny:  # below the double range: rounded like any double result
            assert abs(got - float(want)) <= 2 * 5e-324
        else:
            assert rel(got, want) < 1e-13


@pytest.mark.parametrize("gamma,alpha", [(1.0, [1e200, 1e-200]), (0.5, [1e200, 1e-200]), (3.0, [1e250, 1e-150]),
                                         (0.0, [6.0409255989722165e262, 4.29125085357808e-108])])
def test_weighted_value_when_the_normalized_terms_lie_below_the_double_range(gamma, alpha):
    """Z H where H (the reweighted problem's value, ~1e-400) underflows but Z H is a normal double: the terms
    are summed times 2**E (Z = Zs 2**E) instead of underflowing to 0 first; the round trip through the
    inverse map keeps the class whose weighted ratio is below the range (it returned 0 there)."""
    P = np.array([0.5, 0.5]) if gamma else np.array([4.1448886416951953e-69, 5.825160014553372e-136])
    P = P / P.sum()
    res = minimizer(P, gamma, alpha=alpha)
    ref = minimizer_mp([mp.mpf(p) * mp.mpf(a) for p, a in zip(P, alpha)], gamma, dps=40)
    want = ref.value * mp.fsum(mp.mpf(p) * mp.mpf(a) for p, a in zip(P, alpha))  # Z H of the reweighted problem
    assert 1e-300 < want < 1e300
    assert abs(mp.mpf(float(res.value)) / want - 1) < 1e-13
    if gamma:
        np.testing.assert_allclose(inverse_minimizer(res.q, gamma, alpha=alpha), P, rtol=1e-12, atol=0)


@pytest.mark.parametrize("P,gamma,alpha", [([0.5, 0.5], 0.1, [1e200, 1e-200]),
                                           ([0.92491, 0.57161], 0.081, [1.99e273, 3.39e-197])])
def test_weights_whose_minimizer_has_classes_below_the_double_range(P, gamma, alpha):
    """Q* of the weighted class is ~1e-364: the constraint log(others / (1 - q_m)) is formed from scaled
    q's (it was 0/0, and the solve raised FloatingPointError)."""
    P = np.array(P) / np.sum(P)
    res = minimizer(P, gamma, alpha=alpha)
    w = [mp.mpf(p) * mp.mpf(a) for p, a in zip(P, alpha)]
    ref = minimizer_mp(w, gamma, dps=40)
    assert bool(res.converged) and ref.q[1] < 1e-320 and res.q[0] == 1.0 and res.q[1] == 0.0
    assert abs(res.log_lam - (ref.log_lam + mp.log(mp.fsum(w)))) < 1e-13 * abs(res.log_lam)
    assert abs(mp.mpf(float(res.value)) / (ref.value * mp.fsum(w)) - 1) < 1e-13


@pytest.mark.parametrize("P, alpha, gam", [
    ([1.0, 1e-10], [1.0, 1e-313], 2.0),  # alpha P_x / (alpha_r P_r) = 1e-323: subnormal
    ([1.0, 1.0], [1.0, 1e-322], 2.0),
    ([0.6, 0.4], [1e300, 1e-310], 2.0),  # the weight ~1e-610 before alpha divides it back
    ([0.5, 0.3, 0.2], [1.0, 1e-315, 3e-312], 5.0),
    ([0.6, 0.4], [1.0, 1e-310], 1000.0),  # the exact large-gamma ratio, subnormal
    ([0.7, 0.2, 0.1], [1e200, 1e-200, 1e-120], 400.0),
])
def test_weighted_inverse_when_the_unweighted_ratio_is_subnormal(P, alpha, gam):
    q = minimizer(P, gam, alpha=alpha).q
    assert np.all(q >= np.finfo(float).tiny)  # q itself keeps all its digits
    back = inverse_minimizer(q, gam, alpha=alpha)
    p = np.asarray(P) / np.sum(P)
    np.testing.assert_allclose(back, p, rtol=1e-12, atol=0)
    # against the inverse of the double q in mpmath
    qs = [mp.mpf(float(x)) for x in q]
    top = max(range(len(qs)), key=lambda i: qs[i])
    cs = [1 - x for x in qs]
    cs[top] = mp.fsum(qs[i] for i in range(len(qs)) if i != top)
    w = [1 / (mp.mpf(a) * mp.exp(log_g_qc(x, c, gam))) for x, c, a in zip(qs, cs, alpha)]
    tot = mp.fsum(w)
    for b, ww in zip(back, w):
        assert rel(b, ww / tot) < 1e-13
