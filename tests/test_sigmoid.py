"""Tests of the sigmoid (one-vs-rest, torchvision-convention) focal loss: focaltheory.sigmoid.

References are written here in mpmath at 60 working digits (50 asked) from the
textbook formulas: l(q) = -(1-q)^gamma log q, g = -l' = (1-q)^(gamma-1)
[(1-q)/q - gamma log q], the stationarity equation
alpha eta g(s) = (1-alpha)(1-eta) g(1-s) solved with mpmath.findroot on a wide
bracket, and the inverse eta = (1-alpha) g(1-s)/(alpha g(s) + (1-alpha) g(1-s)).
Nothing is taken from the code under test.
"""

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from mpmath import mp

from _mp import rel

from focaltheory.sigmoid import (
    SigmoidMinimizerResult,
    sigmoid_focal_risk,
    sigmoid_minimizer,
    sigmoid_posterior,
    sigmoid_posterior_from_logits,
)

mp.dps = 60


# ---------------------------------------------------------------------------
# mpmath references, in the logit z of the score (s and 1 - s both exact)
# ---------------------------------------------------------------------------

def _log_g_mp(z, gam):
    """log g(sigmoid(z)) from the textbook g, with q and 1 - q taken exactly from z."""
    z, gam = mp.mpf(z), mp.mpf(gam)
    q = 1 / (1 + mp.exp(-z))
    c = 1 / (1 + mp.exp(z))
    logq = -mp.log1p(mp.exp(-z))
    return (gam - 1) * mp.log(c) + mp.log(c / q - gam * logq)


def _weights_mp(eta, alpha):
    eta = mp.mpf(eta)
    if alpha is None:
        return eta, 1 - eta
    a = mp.mpf(alpha)
    return a * eta, (1 - a) * (1 - eta)


def _score_logit_mp(eta, gam, alpha):
    """The logit of s*: root of log(alpha eta g(s)) - log((1-alpha)(1-eta) g(1-s))."""
    wp, wn = _weights_mp(eta, alpha)
    f = lambda z: mp.log(wp) + _log_g_mp(z, gam) - mp.log(wn) - _log_g_mp(-z, gam)  # noqa: E731
    T = abs(mp.log(wp / wn)) + 40
    return mp.findroot(f, (-T, T), solver="anderson")


def _posterior_mp(z, gam, alpha):
    """(eta, 1 - eta) for a score with logit z, from the inverse formula."""
    a = mp.mpf(1) / 2 if alpha is None else mp.mpf(alpha)
    lr = mp.log(1 - a) - mp.log(a) + _log_g_mp(-z, gam) - _log_g_mp(z, gam)
    return 1 / (1 + mp.exp(-lr)), 1 / (1 + mp.exp(lr))


def _logit_of_score_mp(s):
    s = mp.mpf(float(s))  # the double, exactly
    return mp.log(s / (1 - s))


_rel = rel  # relative error of a double against an mpf, formed at 60 digits


_rng = np.random.default_rng(20261122)
# posteriors from 1e-300 up to 1 - 1e-15, both tails dense
ETAS = np.concatenate([
    10.0 ** -_rng.uniform(0, 300, 24),
    1.0 - 10.0 ** -_rng.uniform(1, 15, 12),
    [1e-300, 1e-100, 1e-15, 0.1, 0.25, 0.5, 0.75, 0.9, 1 - 1e-15],
])
GAMMAS = [0.0, 0.5, 1.0, 2.0, 5.0, 20.0]
ALPHAS = [0.25, None, 0.9, 1e-6]


# ---------------------------------------------------------------------------
# minimizer and inverse against mpmath
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("gam", GAMMAS)
@pytest.mark.parametrize("alpha", ALPHAS)
def test_minimizer_and_posterior_match_mpmath(gam, alpha):
    res = sigmoid_minimizer(ETAS, gam, alpha)
    assert isinstance(res, SigmoidMinimizerResult)
    assert res.converged.all()
    eta2, om2 = sigmoid_posterior(res.s, gam, alpha, return_complement=True)
    eta3, om3 = sigmoid_posterior(res.logit, gam, alpha, logits=True, return_complement=True)
    worst = dict(s=0.0, comp=0.0, eta=0.0, om=0.0, etaL=0.0, omL=0.0, value=0.0)
    for i, eta in enumerate(ETAS):
        z = _score_logit_mp(eta, gam, alpha)
        s_ref, c_ref = 1 / (1 + mp.exp(-z)), 1 / (1 + mp.exp(z))
        worst["s"] = max(worst["s"], _rel(res.s[i], s_ref))
        worst["comp"] = max(worst["comp"], _rel(res.complement[i], c_ref))
        # the minimal risk, from the reference score
        wp, wn = _weights_mp(eta, alpha)
        # -log s = log1p(e^-z), -log(1-s) = log1p(e^z): exact even where 1 - s rounds to 1
        val = wp * c_ref ** gam * mp.log1p(mp.exp(-z)) + wn * s_ref ** gam * mp.log1p(mp.exp(z))
        worst["value"] = max(worst["value"], _rel(res.value[i], val))
        # inverse of the double score (exactly as stored) and of the double logit
        e_ref, o_ref = _posterior_mp(_logit_of_score_mp(res.s[i]), gam, alpha)
        worst["eta"] = max(worst["eta"], _rel(eta2[i], e_ref))
        worst["om"] = max(worst["om"], _rel(om2[i], o_ref))
        e_ref, o_ref = _posterior_mp(mp.mpf(float(res.logit[i])), gam, alpha)
        worst["etaL"] = max(worst["etaL"], _rel(eta3[i], e_ref))
        worst["omL"] = max(worst["omL"], _rel(om3[i], o_ref))
    # Measured (2026-11-22): s <= 3.7e-14 (the rounded exponent 1/(1+gamma) of the
    # final power costs min(1, gamma) ulp(log X)/(1+gamma) at eta = 1e-300),
    # 1 - s <= 2.1e-15, eta and 1 - eta <= 4.5e-15, value <= 1e-14.  Spec: 1e-13.
    for key, v in worst.items():
        assert v < 1e-13, (key, v)


@pytest.mark.parametrize("gam", [1e-8, 1e-3, 0.9, 1e3, 1e5])
def test_extreme_gamma_against_mpmath(gam):
    eta = np.array([1e-300, 1e-5, 0.3, 0.75, 0.9, 1 - 1e-15])
    res = sigmoid_minimizer(eta, gam, 0.25)
    assert res.converged.all()
    back, om = sigmoid_posterior(res.logit, gam, 0.25, logits=True, return_complement=True)
    for i, e in enumerate(eta):
        z = _score_logit_mp(e, gam, mp.mpf("0.25"))
        assert _rel(res.s[i], 1 / (1 + mp.exp(-z))) < 1e-13
        assert _rel(res.complement[i], 1 / (1 + mp.exp(z))) < 1e-13
        pe, po = _posterior_mp(mp.mpf(float(res.logit[i])), gam, mp.mpf("0.25"))
        assert _rel(back[i], pe) < 1e-13 and _rel(om[i], po) < 1e-13
    # The round trip through a double score is conditioned by 1 + gamma
    # (eta ~ s^(1+gamma) in the tails): measured 1.3e-13 up to gamma = 1e3 and
    # 3.8e-12 at gamma = 1e5, i.e. within (1 + gamma) * 4e-17 + 2e-13.
    rt = max(np.max(np.abs(back / eta - 1)), np.max(np.abs(om / (1 - eta) - 1)))
    assert rt < (1 + gam) * 4e-17 + 2e-13, rt


def test_round_trip_eta_score_eta():
    """eta -> s* -> eta within 1e-12 relative for eta and for 1 - eta.

    For eta near 1 the stored double s* near 1 has lost 1 - s*, so the round
    trip of 1 - eta goes through the logit (which the result carries).
    """
    worst_eta, worst_om = 0.0, 0.0
    for gam in GAMMAS:
        for alpha in ALPHAS:
            res = sigmoid_minimizer(ETAS, gam, alpha)
            eta_s = sigmoid_posterior(res.s, gam, alpha)
            eta_z, om_z = sigmoid_posterior(res.logit, gam, alpha, logits=True, return_complement=True)
            worst_eta = max(worst_eta, np.max(np.abs(eta_s / ETAS - 1)), np.max(np.abs(eta_z / ETAS - 1)))
            worst_om = max(worst_om, np.max(np.abs(om_z / (1 - ETAS) - 1)))
    # measured: eta 7e-14, 1 - eta 1.1e-13 (the logit of a score at 1e-100 carries ulp(230))
    assert worst_eta < 1e-12 and worst_om < 1e-12, (worst_eta, worst_om)


def test_score_round_trip_on_a_grid_of_scores():
    """s -> eta -> s*: the minimizer undoes the closed-form inverse."""
    s = np.concatenate([10.0 ** -np.linspace(0.5, 80, 30), 1 - 10.0 ** -np.linspace(0.5, 15, 20), [0.5]])
    for gam in (0.0, 2.0, 7.5):
        eta = sigmoid_posterior(s, gam, 0.25)
        back = sigmoid_minimizer(eta, gam, 0.25).s
        # eta near 1 rounds (its complement is what carries s); eta below 1e-300 underflows
        ok = (eta < 0.999) & (eta > 1e-300)
        np.testing.assert_allclose(back[ok], s[ok], rtol=1e-13, atol=0)


@settings(max_examples=200, deadline=None)
@given(
    log_eta=st.floats(-690, -1e-3),
    upper=st.booleans(),
    gam=st.floats(0, 50),
    alpha=st.floats(0.001, 0.999),
)
def test_property_round_trip_and_order(log_eta, upper, gam, alpha):
    e = float(np.exp(log_eta))
    eta = np.array([1 - e if upper else e, 0.5])
    if not 0 < eta[0] < 1:
        return
    res = sigmoid_minimizer(eta, gam, alpha)
    assert res.converged.all() and np.all(res.residual < 1e-12)
    back, om = sigmoid_posterior(res.logit, gam, alpha, logits=True, return_complement=True)
    tol = (1 + gam) * 4e-17 + 2e-13
    assert abs(back[0] / eta[0] - 1) < tol and abs(om[0] / (1 - eta[0]) - 1) < tol
    # order preserved: s* is increasing in eta
    assert (res.s[0] - res.s[1]) * (eta[0] - eta[1]) >= 0


# ---------------------------------------------------------------------------
# the detector default: score 1/2 <-> posterior 1 - alpha exactly
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("gam", [0.0, 0.5, 1.0, 2.0, 3.0, 5.0, 10.0, 100.0])
def test_detector_default_half_score_is_posterior_three_quarters(gam):
    # exact: at s = 1/2, g(s) = g(1 - s), so eta = (1 - alpha) = 0.75, for every gamma
    assert sigmoid_posterior(0.5, gam, 0.25) == 0.75
    assert sigmoid_posterior_from_logits(0.0, gam, 0.25) == 0.75
    res = sigmoid_minimizer(0.75, gam, 0.25)
    assert abs(res.s - 0.5) <= 2e-16 and abs(res.logit) <= 1e-15
    # and in mpmath, to 50 digits
    e_ref, _ = _posterior_mp(mp.mpf(0), gam, mp.mpf("0.25"))
    assert abs(e_ref - mp.mpf("0.75")) < mp.mpf(10) ** -50
    # generally: s = 1/2 <-> eta = 1 - alpha
    for a in (0.1, 0.5, 0.8):
        assert abs(sigmoid_posterior(0.5, gam, a) - (1 - a)) <= 2e-16


def test_detector_scores_are_low():
    """At the defaults positives score below their posterior: eta = 0.9 gets s* ~ 0.63."""
    res = sigmoid_minimizer([0.5, 0.9], 2.0, 0.25)
    z = [_score_logit_mp(e, 2, mp.mpf("0.25")) for e in (0.5, 0.9)]
    ref = [float(1 / (1 + mp.exp(-zz))) for zz in z]
    np.testing.assert_allclose(res.s, ref, rtol=1e-14)
    assert res.s[0] < 0.5 and res.s[1] < 0.9


# ---------------------------------------------------------------------------
# conventions, special cases, vectorization
# ---------------------------------------------------------------------------

def test_alpha_none_and_minus_one_disable_weighting():
    eta = np.array([1e-5, 0.2, 0.6, 0.99])
    a = sigmoid_minimizer(eta, 2.0, None).s
    b = sigmoid_minimizer(eta, 2.0, -1).s
    c = sigmoid_minimizer(eta, 2.0, 0.5).s  # a common factor 1/2 does not move the minimizer
    np.testing.assert_array_equal(a, b)
    np.testing.assert_allclose(a, c, rtol=1e-15)
    np.testing.assert_allclose(sigmoid_focal_risk(0.3, 0.4, 2.0, None), 2 * sigmoid_focal_risk(0.3, 0.4, 2.0, 0.5),
                               rtol=1e-15)


def test_gamma_zero_is_the_weighted_log_loss():
    # cross-entropy with alpha: s*/(1-s*) = alpha eta / ((1-alpha)(1-eta)), exactly
    eta = np.array([1e-300, 1e-8, 0.3, 0.75, 1 - 1e-12])
    res = sigmoid_minimizer(eta, 0.0, 0.25)
    ref = [mp.mpf(0.25) * mp.mpf(e) / (mp.mpf(0.25) * mp.mpf(e) + mp.mpf(0.75) * (1 - mp.mpf(e))) for e in eta]
    for got, r in zip(res.s, ref):
        assert _rel(got, r) < 4e-16
    np.testing.assert_allclose(sigmoid_posterior([0.1, 0.3, 0.8], 0.0, None), [0.1, 0.3, 0.8], rtol=2e-16)


def test_endpoints():
    res = sigmoid_minimizer([0.0, 1.0], 2.0)
    np.testing.assert_array_equal(res.s, [0.0, 1.0])
    np.testing.assert_array_equal(res.complement, [1.0, 0.0])
    np.testing.assert_array_equal(res.logit, [-np.inf, np.inf])
    np.testing.assert_array_equal(res.value, [0.0, 0.0])
    np.testing.assert_array_equal(sigmoid_posterior([0.0, 1.0]), [0.0, 1.0])
    # saturated logits keep the complement
    eta, om = sigmoid_posterior_from_logits(50.0, 2.0, 0.25, return_complement=True)
    _, o_ref = _posterior_mp(mp.mpf(50), 2, mp.mpf("0.25"))
    assert eta == 1.0 and _rel(om, o_ref) < 1e-14


def test_minimizer_minimizes_the_risk():
    eta = np.array([0.003, 0.2, 0.7, 0.97])
    for gam, alpha in [(2.0, 0.25), (0.7, None), (4.0, 0.6)]:
        res = sigmoid_minimizer(eta, gam, alpha)
        r0 = sigmoid_focal_risk(res.s, eta, gam, alpha)
        np.testing.assert_allclose(r0, res.value, rtol=1e-14)
        for f in (1 - 1e-4, 1 + 1e-4):
            z = res.logit + np.log(f) * 10
            assert np.all(sigmoid_focal_risk(z, eta, gam, alpha, logits=True) > r0)


def test_risk_matches_torchvision_elementwise_expectation():
    """R(s; eta) = E_y[alpha_t (1 - p_t)^gamma BCE] with torchvision's formula, written out."""
    z = np.array([-3.0, -0.2, 0.0, 1.5, 6.0])
    eta = np.array([0.1, 0.5, 0.3, 0.9, 0.99])
    gam, alpha = 2.0, 0.25

    def tv(x, t):  # torchvision.ops.sigmoid_focal_loss, elementwise, in numpy
        p = 1 / (1 + np.exp(-x))
        ce = np.logaddexp(0, -x) * t + np.logaddexp(0, x) * (1 - t)
        p_t = p * t + (1 - p) * (1 - t)
        loss = ce * (1 - p_t) ** gam
        return (alpha * t + (1 - alpha) * (1 - t)) * loss

    expect = eta * tv(z, 1.0) + (1 - eta) * tv(z, 0.0)
    np.testing.assert_allclose(sigmoid_focal_risk(z, eta, gam, alpha, logits=True), expect, rtol=1e-14)


def test_broadcasting_and_shapes():
    eta = _rng.uniform(0, 1, size=(4, 3))
    alpha = np.array([0.25, 0.5, 0.75])  # per class
    gam = np.array([[1.0], [2.0], [3.0], [4.0]])
    res = sigmoid_minimizer(eta, gam, alpha)
    assert res.s.shape == (4, 3)
    for i in range(4):
        for j in range(3):
            assert res.s[i, j] == sigmoid_minimizer(eta[i, j], gam[i, 0], alpha[j]).s
    back = sigmoid_posterior(res.s, gam, alpha)
    np.testing.assert_allclose(back, eta, rtol=1e-14)
    assert np.ndim(sigmoid_posterior(0.3)) == 0
    assert sigmoid_minimizer(np.zeros((0, 3)), 2.0).s.shape == (0, 3)


def test_large_batch_is_fast():
    import time

    eta = _rng.uniform(0, 1, size=200_000)
    t = time.perf_counter()
    res = sigmoid_minimizer(eta, 2.0, 0.25)
    t1 = time.perf_counter() - t
    t = time.perf_counter()
    sigmoid_posterior(res.s)
    t2 = time.perf_counter() - t
    assert res.converged.all() and res.iterations.max() <= 6  # measured: 2 to 4 Newton steps
    # measured 0.3 s and 0.04 s (1.6 s and 0.2 s for 1e6 entries) on 2 shared cores
    assert t1 < 5 and t2 < 2, (t1, t2)


# ---------------------------------------------------------------------------
# bad input
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("alpha", [1.5, -0.5, -2, np.nan, [0.2, 1.2]])
def test_alpha_outside_unit_interval(alpha):
    with pytest.raises(ValueError, match="alpha"):
        sigmoid_minimizer(0.3, 2.0, alpha)
    with pytest.raises(ValueError, match="alpha"):
        sigmoid_posterior(0.3, 2.0, alpha)
    with pytest.raises(ValueError, match="alpha"):
        sigmoid_focal_risk(0.3, 0.3, 2.0, alpha)


@pytest.mark.parametrize("alpha", [0.0, 1.0])
def test_degenerate_alpha_refused_by_minimizer_and_inverse(alpha):
    with pytest.raises(ValueError, match="zero weight"):
        sigmoid_minimizer(0.3, 2.0, alpha)
    with pytest.raises(ValueError, match="zero weight"):
        sigmoid_posterior(0.3, 2.0, alpha)
    assert np.isfinite(sigmoid_focal_risk(0.3, 0.3, 2.0, alpha))  # the risk itself is fine


@pytest.mark.parametrize("s", [-0.1, 1.0 + 1e-12, np.nan, np.inf, [0.2, 2.0]])
def test_scores_outside_unit_interval(s):
    with pytest.raises(ValueError, match="s must"):
        sigmoid_posterior(s)


def test_other_bad_input():
    with pytest.raises(ValueError, match="eta"):
        sigmoid_minimizer(1.2)
    with pytest.raises(ValueError, match="eta"):
        sigmoid_minimizer(np.nan)
    with pytest.raises(ValueError, match="gamma"):
        sigmoid_minimizer(0.3, -1.0)
    with pytest.raises(ValueError, match="shape mismatch"):
        sigmoid_minimizer(np.ones((3, 2)) / 2, 2.0, [0.25, 0.25, 0.25])
    with pytest.raises(ValueError, match="shape mismatch"):
        sigmoid_posterior(np.full(4, 0.5), [1.0, 2.0])
    with pytest.raises(ValueError, match="s must not contain NaN"):
        sigmoid_posterior_from_logits([0.0, np.nan])
    with pytest.raises(ValueError, match="s must be finite"):
        sigmoid_posterior([0.5, np.inf])  # scores (logits=False) must be finite
    with pytest.raises(TypeError, match="alpha"):
        sigmoid_minimizer(0.3, 2.0, "0.25")
    with pytest.raises(TypeError, match="eta"):
        sigmoid_minimizer([1 + 1j])
    with pytest.raises(TypeError, match="maxiter"):
        sigmoid_minimizer(0.3, maxiter=2.5)


def test_risk_at_the_endpoints_for_gamma_zero():
    """l(0) = inf and l(1) = 0 at gamma = 0 as at every gamma (the stable form met 0 * exp(-0 * inf) = NaN)."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert sigmoid_focal_risk(0.0, 0.3, gamma=0.0) == np.inf
        assert sigmoid_focal_risk(1.0, 0.3, gamma=0.0, alpha=None) == np.inf
        assert sigmoid_focal_risk(1.0, 1.0, gamma=0.0) == 0.0
        assert sigmoid_focal_risk(0.0, 0.0, gamma=0.0, alpha=None) == 0.0
        np.testing.assert_array_equal(sigmoid_focal_risk([0.0, 1.0], 0.3, gamma=[0.0, 2.0]), [np.inf, np.inf])


def test_infinite_logits_round_trip_and_subnormal_alpha():
    """The +-inf logits sigmoid_minimizer returns for eta in {0, 1} map back to 0 and 1; a subnormal alpha
    (valid) warns about nothing."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        r = sigmoid_minimizer([0.0, 0.3, 1.0], 2.0)
        eta, om = sigmoid_posterior(r.logit, logits=True, return_complement=True)
        np.testing.assert_array_equal(eta[[0, 2]], [0.0, 1.0])
        np.testing.assert_array_equal(om[[0, 2]], [1.0, 0.0])
        assert eta[1] == pytest.approx(0.3, rel=1e-14)
        s = sigmoid_minimizer(0.3, 2.0, 1e-310).s
        assert 0 < s < 1e-100
        assert sigmoid_posterior(s, 2.0, 1e-310) == pytest.approx(0.3, rel=1e-12)
