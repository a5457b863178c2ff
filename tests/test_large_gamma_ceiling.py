"""Large finite gamma: the right value, or the documented ValueError ceiling.

Functions whose numerics hold at every finite gamma (focal_loss,
focal_entropy, inverse_minimizer, threshold, the sigmoid functions, the logit
gradient, FocalCalibrator) return the right value there, without NaN or a
warning; those that solve for the minimizer or square gamma (minimizer,
regimes, over_suppression, the logit Hessian-vector product, the softmax
design functions) raise ValueError above 1e150, naming the argument.
"""

import warnings

import mpmath
import numpy as np
import pytest

from focaltheory import (
    FocalCalibrator,
    alpha_for_rare_score,
    focal_entropy,
    focal_loss,
    focal_loss_grad_logits,
    focal_loss_hvp_logits,
    gamma_for_rare_score,
    inverse_minimizer,
    minimizer,
    over_suppression,
    regimes,
    sigmoid_focal_risk,
    sigmoid_minimizer,
    sigmoid_posterior,
    sigmoid_posterior_from_logits,
    threshold,
)
from focaltheory import _dd
from focaltheory._constants import _MAX_GAMMA

TINY = np.finfo(np.float64).tiny
HUGE = [1e19, 1e150, 1e200, 1.3e300, 1e305, 1e306, np.finfo(np.float64).max]


def _quiet(f, *args, **kw):
    """Call f with every warning an error (a RuntimeWarning fails the test)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return f(*args, **kw)


def _mp_loss(q, g):
    with mpmath.workdps(60):
        q = mpmath.mpf(float(q))
        return -mpmath.exp(mpmath.mpf(float(g)) * mpmath.log1p(-q)) * mpmath.log(q)


def _sub_tol(q):
    """Absolute tolerance on a loss whose power is subnormal: two of its ulps times -log q."""
    return 2 * 5e-324 * max(1.0, -np.log(q))


# ---------------------------------------------------------------------------
# focal_loss / focal_entropy: the right value at every finite gamma
# ---------------------------------------------------------------------------

def test_focal_loss_large_gamma_is_zero_not_nan():
    assert _quiet(focal_loss, 0.3, 1e19) == 0.0
    out = _quiet(focal_loss, [0.3, 0.9, 1e-300, 1.0, 0.0, 0.5], np.array(HUGE)[:, None])
    assert not np.any(np.isnan(out))
    assert np.all(out[:, [0, 1, 3, 5]] == 0.0) and not np.any(np.signbit(out))
    assert np.all(out[:, 4] == np.inf)


def test_focal_loss_large_gamma_agrees_with_mpmath():
    # values that stay in range although (1 - fl(1 - q)) ** gamma alone would not
    cases = [(1e-17, 1e19), (7.584206308430812e-17, 8.911643718280158e18), (1.358014868163346e-11, 3.1637531289590e13),
             (2.8325222613044464e-05, 3914598.129798687), (0.3, 2000.0), (0.01, 70000.0), (1e-300, 1e302)]
    for q, g in cases:
        ref = _mp_loss(q, g)
        got = _quiet(focal_loss, q, g)
        if ref > TINY:
            assert float(abs(got / ref - 1)) <= 1e-15, (q, g, got, ref)
        else:  # below the normal range: absolute accuracy only
            assert abs(got - float(ref)) <= _sub_tol(q), (q, g, got, ref)


def test_focal_loss_random_large_gamma_few_ulp():
    rng = np.random.default_rng(7)
    q = 10 ** rng.uniform(-17, -0.01, 400)
    target = -rng.uniform(1, 744, 400)  # log of the power
    g = np.array([float(t / mpmath.log1p(-mpmath.mpf(x))) for t, x in zip(target, q)])
    got = _quiet(focal_loss, q, g)
    for x, gg, v in zip(q, g, got):
        ref = _mp_loss(x, gg)
        if ref > TINY:
            assert float(abs(v / ref - 1)) <= 1e-15, (x, gg)
        else:
            assert abs(v - float(ref)) <= _sub_tol(x), (x, gg)


def test_focal_entropy_large_gamma():
    assert _quiet(focal_entropy, [0.5, 0.5], [0.3, 0.7], 1e19) == 0.0
    assert _quiet(focal_entropy, [1, 0], [0.3, 0.7], 1e306) == 0.0
    out = _quiet(focal_entropy, [[0.5, 0.5], [0.2, 0.8]], [[0.3, 0.7], [1e-17, 1 - 1e-17]], np.array(HUGE)[:, None])
    assert np.all(out[1:] == 0.0) and out[0, 0] == 0.0  # (1 - 1e-17)**1e19 = exp(-100) is not 0
    assert float(abs(out[0, 1] / (0.2 * _mp_loss(1e-17, 1e19)) - 1)) <= 1e-15
    got = _quiet(focal_entropy, [0.5, 0.5], [1e-17, 1 - 1e-17], 1e19)
    ref = 0.5 * _mp_loss(1e-17, 1e19)  # the other term is 0 in doubles
    assert float(abs(got / ref - 1)) <= 1e-15
    # a class outside the support of Q still gives inf
    assert _quiet(focal_entropy, [0.5, 0.5], [1.0, 0.0], 1e300) == np.inf


# ---------------------------------------------------------------------------
# the double-double product, and the inverse map
# ---------------------------------------------------------------------------

def test_two_prod_exact_for_huge_operands():
    # (2**27 + 1) a overflows above ~1.3e300: the split scales those entries
    a = np.array([1.7976931348623157e308, 1.3e300, -1e305, 2.0**996 * 1.5, 3.0, 2.0**1000])
    b = np.array([-0.5, -0.6931471805599453, 1.1e-3, 2.0 / 3.0, 1e300, 2.0**-1000 * 3.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        p, e = _dd.two_prod(a, b)
    for i in range(a.size):
        exact = mpmath.mpf(float(a[i])) * mpmath.mpf(float(b[i]))
        assert mpmath.mpf(float(p[i])) + mpmath.mpf(float(e[i])) == exact, i


@pytest.mark.parametrize("gamma", HUGE)
def test_inverse_minimizer_large_gamma_no_nan_no_negative_zero(gamma):
    for q, want in [([0.6, 0.4], [1.0, 0.0]), ([0.6, 0.3, 0.1], [1.0, 0.0, 0.0]),
                    ([0.4, 0.4, 0.2], [0.5, 0.5, 0.0]), ([0.5, 0.5], [0.5, 0.5]), ([1.0, 0.0], [1.0, 0.0])]:
        P = _quiet(inverse_minimizer, q, gamma)
        assert P.tolist() == want, (q, gamma, P)
        assert not np.any(np.signbit(P)), (q, gamma, P)


def test_inverse_minimizer_no_negative_zero_at_the_ceiling():
    P = inverse_minimizer([0.6, 0.3, 0.1], 1e150)
    assert P.tolist() == [1.0, 0.0, 0.0] and not np.any(np.signbit(P))


def test_inverse_minimizer_near_tie_at_huge_gamma_agrees_with_mpmath():
    # a 1-ulp near-tie keeps P nontrivial up to gamma ~ 1e18
    u = np.nextafter(0.5, 0)
    for gamma in [1e15, 4e15, 1e16, 1e17]:
        got = _quiet(inverse_minimizer, [0.5, u], gamma)
        with mpmath.workdps(60):
            g = mpmath.mpf(gamma)
            lw = [mpmath.log(x) - g * mpmath.log(1 - x) - mpmath.log(1 + g * x * (-mpmath.log(x)) / (1 - x))
                  for x in (mpmath.mpf(0.5), mpmath.mpf(float(u)))]
            m = max(lw)
            w = [mpmath.e ** (v - m) for v in lw]
            for a, b in zip(got, w):
                assert float(abs(a / (b / sum(w)) - 1)) <= 1e-15, gamma


def test_calibrator_softmax_large_gamma():
    out = _quiet(FocalCalibrator(gamma=1e306).transform, np.array([[0.6, 0.3, 0.1], [0.5, 0.3, 0.2]]))
    assert out.tolist() == [[1.0, 0.0, 0.0], [1.0, 0.0, 0.0]] and not np.any(np.signbit(out))


# ---------------------------------------------------------------------------
# the other functions: right values at every finite gamma
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("gamma", HUGE)
def test_threshold_every_finite_gamma(gamma):
    p = _quiet(threshold, gamma)
    assert 0 < p < 1e-18
    # phi(p) = (1 - p)**(gamma - 1) ((1 - p) - gamma p log p) = 1 at the root
    with mpmath.workdps(50):
        P, G = mpmath.mpf(p), mpmath.mpf(gamma)
        phi = mpmath.exp((G - 1) * mpmath.log1p(-P)) * ((1 - P) - G * P * mpmath.log(P))
        assert abs(float(phi) - 1) <= 1e-14


@pytest.mark.parametrize("gamma", HUGE)
def test_sigmoid_functions_every_finite_gamma(gamma):
    s = _quiet(sigmoid_minimizer, [0.0, 1e-300, 0.4, 0.6, 1.0], gamma).s
    # s* -> 1/2 for every 0 < eta < 1: s* - 1/2 ~ log(odds) / (4 gamma), -1.7e-17 for eta = 1e-300
    # at gamma = 1e19 (within an ulp of 1/2)
    assert s[[0, 2, 3, 4]].tolist() == [0.0, 0.5, 0.5, 1.0] and abs(s[1] - 0.5) <= 2**-54
    risk = _quiet(sigmoid_focal_risk, [0.0, 0.3, 0.5, 1.0], [0.0, 0.4, 0.5, 1.0], gamma)
    assert np.all(np.isfinite(risk)) and np.all(risk == 0.0)  # each term has a factor below 0.7**gamma
    eta = _quiet(sigmoid_posterior, [0.0, 0.3, 0.5, 0.7, 1.0], gamma)
    assert eta.tolist() == [0.0, 0.0, 0.75, 1.0, 1.0]  # alpha = 0.25: s = 1/2 maps to 1 - alpha
    eta = _quiet(sigmoid_posterior_from_logits, [-800.0, -1.0, 0.0, 1.0, 800.0], gamma)
    assert eta.tolist() == [0.0, 0.0, 0.75, 1.0, 1.0]
    out = _quiet(FocalCalibrator(loss="sigmoid", gamma=gamma).transform, logits=np.array([[3.0, 0.0, -3.0]]))
    assert out.tolist() == [[1.0, 0.5, 0.0]]  # alpha None: s = 1/2 maps to 1/2


@pytest.mark.parametrize("gamma", HUGE)
def test_logit_gradient_every_finite_gamma(gamma):
    z = np.array([[1.0, 0.0, -1.0], [-700.0, 0.0, 0.0]])
    loss, grad = _quiet(focal_loss_grad_logits, z, [0, 0], gamma)
    assert np.all(np.isfinite(loss)) and np.all(np.isfinite(grad))
    q = np.exp(z - z.max(axis=1, keepdims=True))
    q /= q.sum(axis=1, keepdims=True)
    if gamma <= 1e200:  # (beyond, the gradient's own loss drifts: 2.7e-12 relative at 1e306)
        np.testing.assert_allclose(loss, focal_loss(q[:, 0], gamma), rtol=1e-13, atol=0)


# ---------------------------------------------------------------------------
# the ceiling: ValueError above 1e150 where the minimizer is solved or gamma squared
# ---------------------------------------------------------------------------

def test_one_ceiling():
    from focaltheory import logits
    from focaltheory.solver import _api

    assert _MAX_GAMMA == 1e150
    assert logits._MAX_GAMMA_HVP == _MAX_GAMMA
    assert _api._MAX_GAMMA == _MAX_GAMMA


ABOVE = [np.nextafter(1e150, np.inf), 1e200, 1e306, np.finfo(np.float64).max]
CEILING = {
    "minimizer": lambda g: minimizer([0.6, 0.3, 0.1], g),
    "regimes": lambda g: regimes([0.6, 0.3, 0.1], g),
    "over_suppression": lambda g: over_suppression([0.6, 0.3, 0.1], g),
    "over_suppression batch": lambda g: over_suppression([[0.6, 0.3, 0.1]] * 2, [2.0, g]),
    "hvp": lambda g: focal_loss_hvp_logits(np.array([[1.0, 0.0, -1.0]]), [0], g, np.ones((1, 3))),
    "alpha_for_rare_score softmax": lambda g: alpha_for_rare_score(0.01, 0.1, g, loss="softmax"),
    "gamma_for_rare_score softmax": lambda g: gamma_for_rare_score(0.01, 0.6, loss="softmax", gamma_max=g),
}


@pytest.mark.parametrize("name", sorted(CEILING))
@pytest.mark.parametrize("gamma", ABOVE)
def test_ceiling_is_a_value_error_naming_gamma(name, gamma):
    argname = "gamma_max" if name.startswith("gamma_for") else "gamma"
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # refused up front: no warning first
        with pytest.raises(ValueError, match=rf"^{argname} must be at most 1e\+150"):
            CEILING[name](gamma)


@pytest.mark.parametrize("name", sorted(CEILING))
def test_at_the_ceiling_is_accepted(name):
    if name.startswith("alpha_for"):  # no weight reaches the target at gamma = 1e150: its own ValueError
        with pytest.raises(ValueError, match="no class weight"):
            CEILING[name](1e150)
        return
    if name.startswith("gamma_for"):
        with pytest.raises(ValueError, match="no gamma in"):
            CEILING[name](1e150)
        return
    _quiet(CEILING[name], 1e150)


def test_sigmoid_design_has_no_ceiling():
    assert _quiet(alpha_for_rare_score, 0.3, 0.5, 1e306) == pytest.approx(0.7, rel=1e-12)
    g = _quiet(gamma_for_rare_score, 0.01, 0.1, gamma_max=1e306)
    assert g == pytest.approx(gamma_for_rare_score(0.01, 0.1), rel=1e-10)


def test_inverse_minimizer_never_returns_negative_zero():
    # -0.0 in q (a class outside the support), point masses, ties, the exact large-gamma step
    for q in ([1.0, -0.0], [-0.0, 1.0], [0.5, 0.5, -0.0], [0.6, 0.3, 0.1], [1.0, 0.0, -0.0]):
        for gamma in [0.0, 1e-12, 0.5, 2.0, 300.0, 301.0, 5000.0, 1e19, 1e150, 1e300, np.finfo(np.float64).max]:
            for alpha in (None, [1.0, 2.0, 3.0][: len(q)]):
                P = _quiet(inverse_minimizer, q, gamma, alpha=alpha)
                assert not np.any(np.signbit(P)) and np.all(np.isfinite(P)), (q, gamma, alpha, P)
