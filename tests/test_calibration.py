"""Tests of FocalCalibrator (focaltheory.calibration) and the inverse-design helpers
(focaltheory.design).

The calibration tests train small models in numpy/scipy with the focal loss on
synthetic data whose posterior is known, then check that the transformed scores
are calibrated and ranked as before.  The known posteriors are built with the
textbook inverse formulas written out here (g(q) = (1-q)^(gamma-1) [(1-q)/q -
gamma log q]), not with the code under test; the torchvision sigmoid focal loss
and its gradient are written out here too.

ECE ("expected calibration error"), as used throughout: 15 equal-width bins on
[0, 1]; ECE = sum over bins of (n_bin / N) |mean(label) - mean(score)|.  For the
sigmoid (binary, per class) case the score is P(y = 1) itself; for the softmax
case it is the top-label ECE of Guo et al. (2017): confidence = max probability,
label = [argmax == y].
"""

import time

import numpy as np
import pytest
from mpmath import mp
from scipy.optimize import check_grad, minimize
from scipy.stats import rankdata

from focaltheory import inverse_minimizer, minimizer
from focaltheory.calibration import FocalCalibrator
from focaltheory.design import alpha_for_rare_score, crossover_gamma, gamma_for_rare_score
from focaltheory.sigmoid import sigmoid_minimizer, sigmoid_posterior

mp.dps = 60


# ---------------------------------------------------------------------------
# helpers written out independently of the package
# ---------------------------------------------------------------------------

def _g_text(q, gam):
    return (1 - q) ** (gam - 1) * ((1 - q) / q - gam * np.log(q))


def _ece(p, hit, bins=15):
    idx = np.minimum((p * bins).astype(int), bins - 1)
    total = 0.0
    for b in range(bins):
        m = idx == b
        if m.any():
            total += m.sum() * abs(hit[m].mean() - p[m].mean())
    return total / len(p)


def _ece_top(P, y, bins=15):
    return _ece(P.max(axis=1), (P.argmax(axis=1) == y).astype(float), bins)


def _auc(score, y):
    """Mann-Whitney AUC with midranks for ties."""
    r = rankdata(score)
    n1 = y.sum()
    n0 = len(y) - n1
    return (r[y == 1].sum() - n1 * (n1 + 1) / 2) / (n1 * n0)


# torchvision.ops.sigmoid_focal_loss (mean reduction) and its analytic gradient in the logit
def _tv_loss_grad(theta, X, y, gam, alpha):
    z = X @ theta[:-1] + theta[-1]
    ls, lc = -np.logaddexp(0, -z), -np.logaddexp(0, z)  # log s, log(1 - s)
    s, c = np.exp(ls), np.exp(lc)
    loss = y * alpha * c**gam * (-ls) + (1 - y) * (1 - alpha) * s**gam * (-lc)
    # d/dz l(s) = -s(1-s) g(s) = -c^gam (c - gam s log s);  d/dz l(1-s) = s^gam (s - gam c log c)
    dz = -y * alpha * c**gam * (c - gam * s * ls) + (1 - y) * (1 - alpha) * s**gam * (s - gam * c * lc)
    n = len(y)
    return loss.mean(), np.concatenate([X.T @ dz / n, [dz.mean()]])


# ---------------------------------------------------------------------------
# training: sigmoid focal loss (detector defaults)
# ---------------------------------------------------------------------------

GAM, ALPHA = 2.0, 0.25
W_TRUE, B_TRUE = np.array([1.5, -1.0, 0.8, 0.5]), -1.0


def _sigmoid_data(rng, n):
    """Known posterior: eta(x) = the textbook inverse of the score sigmoid(w.x + b).

    Built so that the population minimizer of the focal risk is exactly a
    logistic-linear score: a linear model can reach it, and the test isolates
    the loss's distortion from model misspecification.
    """
    X = rng.standard_normal((n, W_TRUE.size))
    s = 1 / (1 + np.exp(-(X @ W_TRUE + B_TRUE)))
    num = (1 - ALPHA) * _g_text(1 - s, GAM)
    eta = num / (ALPHA * _g_text(s, GAM) + num)
    y = (rng.uniform(size=n) < eta).astype(float)
    return X, y, eta


@pytest.fixture(scope="module")
def sigmoid_model():
    rng = np.random.default_rng(7)
    Xtr, ytr, _ = _sigmoid_data(rng, 100_000)
    theta0 = np.zeros(W_TRUE.size + 1)
    # the analytic gradient is right (finite differences, relative to its size)
    err = check_grad(lambda t: _tv_loss_grad(t, Xtr[:2000], ytr[:2000], GAM, ALPHA)[0],
                     lambda t: _tv_loss_grad(t, Xtr[:2000], ytr[:2000], GAM, ALPHA)[1], theta0 + 0.1)
    assert err < 1e-6
    t = time.perf_counter()
    res = minimize(_tv_loss_grad, theta0, args=(Xtr, ytr, GAM, ALPHA), jac=True, method="L-BFGS-B",
                   options=dict(gtol=1e-10, maxiter=1000))
    train_time = time.perf_counter() - t
    assert res.success
    Xte, yte, eta = _sigmoid_data(rng, 100_000)
    z = Xte @ res.x[:-1] + res.x[-1]
    return dict(theta=res.x, z=z, y=yte, eta=eta, train_time=train_time)


def test_trained_sigmoid_model_is_calibrated_by_the_transform(sigmoid_model):
    m = sigmoid_model
    z, y, eta = m["z"], m["y"], m["eta"]
    # training recovered the population optimum's parameters (sampling error ~1/sqrt(N))
    np.testing.assert_allclose(m["theta"], np.r_[W_TRUE, B_TRUE], atol=0.03)
    raw = 1 / (1 + np.exp(-z))
    cal = FocalCalibrator("sigmoid", gamma=GAM, alpha=ALPHA).transform(logits=z)
    ece_raw, ece_cal, ece_true = _ece(raw, y), _ece(cal, y), _ece(eta, y)
    # Measured (seed 7, N = 1e5 test points): raw 0.1189, transformed 0.0027,
    # true posterior 0.0028 (AUC 0.96997 both, difference 0.0).  The raw scores are systematically low (alpha =
    # 0.25 and gamma = 2 pull them down); the transformed ones are at the
    # sampling floor of a 15-bin ECE with N = 1e5, about sum_b (n_b/N)
    # sqrt(2/pi) sqrt(v_b/n_b) <= 0.8 sqrt(15 * 0.25 / N) = 0.005.
    assert ece_raw > 0.10
    assert ece_cal < 0.005
    assert ece_cal < ece_raw / 20
    assert abs(ece_cal - ece_true) < 0.003
    # against the known posterior itself: mean |error| 0.120 raw vs 0.0015 transformed
    assert np.abs(raw - eta).mean() > 0.10
    assert np.abs(cal - eta).mean() < 0.003
    # ranking preserved: the transform is increasing, AUC unchanged up to ties
    order = np.argsort(z, kind="stable")
    assert np.all(np.diff(cal[order]) >= 0)
    assert abs(_auc(cal, y) - _auc(raw, y)) < 1e-12
    # the same from scores instead of logits
    np.testing.assert_allclose(FocalCalibrator("sigmoid", gamma=GAM, alpha=ALPHA).transform(raw), cal, rtol=1e-12)
    assert m["train_time"] < 10


def test_fit_estimates_the_training_gamma(sigmoid_model):
    m = sigmoid_model
    cal = FocalCalibrator("sigmoid", gamma=0.5, alpha=ALPHA).fit(logits=m["z"], y=m["y"])
    # measured 1.968 (N = 1e5); bootstrap SD over the test set 0.008, and the
    # fitted model itself is off the population optimum by its training error
    # (parameters within 0.008), which biases the estimate a little: 0.15 is a
    # wide margin that a wrong inverse (e.g. a wrong exponent or alpha
    # convention) would still violate
    assert abs(cal.gamma_ - GAM) < 0.15
    assert cal.nll_ < cal.nll_at_init_
    assert cal.get_params()["gamma"] == 0.5  # the constructor parameter is untouched
    out = cal.transform(logits=m["z"])
    assert _ece(out, m["y"]) < 0.005
    # fit_transform = fit + transform; without labels it is transform
    np.testing.assert_array_equal(FocalCalibrator("sigmoid", gamma=0.5, alpha=ALPHA)
                                  .fit_transform(logits=m["z"], y=m["y"]), out)
    np.testing.assert_array_equal(FocalCalibrator("sigmoid", gamma=GAM, alpha=ALPHA).fit_transform(logits=m["z"]),
                                  sigmoid_posterior(m["z"], GAM, ALPHA, logits=True))


def test_fit_on_population_scores_recovers_gamma_for_several_values():
    rng = np.random.default_rng(11)
    eta = rng.beta(0.5, 2.0, size=60_000)
    y = (rng.uniform(size=eta.size) < eta).astype(int)
    for gam in (0.0, 1.0, 3.0):
        s = sigmoid_minimizer(eta, gam, None).s
        est = FocalCalibrator("sigmoid", gamma=1.5, alpha=None).fit(s, y).gamma_
        # measured errors 0.000, 0.004, 0.008 (exact population scores, N = 6e4)
        assert abs(est - gam) < 0.05 + 0.1 * gam, (gam, est)


# ---------------------------------------------------------------------------
# training: softmax focal loss
# ---------------------------------------------------------------------------

def test_trained_softmax_model_is_calibrated_by_the_transform():
    from focaltheory.logits import focal_loss_grad_logits

    rng = np.random.default_rng(3)
    d, K, gam = 4, 3, 2.0
    W = rng.standard_normal((d, K)) * 1.2
    b = np.array([0.5, 0.0, -0.5])

    def data(n):
        X = rng.standard_normal((n, d))
        Z = X @ W + b
        Q = np.exp(Z - Z.max(axis=1, keepdims=True))
        Q /= Q.sum(axis=1, keepdims=True)
        P = 1 / _g_text(Q, gam)  # textbook inverse map: P proportional to 1/g(Q)
        P /= P.sum(axis=1, keepdims=True)
        y = np.minimum((rng.uniform(size=(n, 1)) > np.cumsum(P, axis=1)).sum(axis=1), K - 1)
        return X, y, P

    def fg(th, X, y):
        L, G = focal_loss_grad_logits(X @ th[: d * K].reshape(d, K) + th[d * K:], y, gam)
        n = len(y)
        return L.mean(), np.concatenate([(X.T @ G / n).ravel(), G.mean(axis=0)])

    Xtr, ytr, _ = data(50_000)
    res = minimize(fg, np.zeros(d * K + K), args=(Xtr, ytr), jac=True, method="L-BFGS-B",
                   options=dict(gtol=1e-9, maxiter=2000))
    Xte, yte, Pte = data(50_000)
    Z = Xte @ res.x[: d * K].reshape(d, K) + res.x[d * K:]
    Q = np.exp(Z - Z.max(axis=1, keepdims=True))
    Q /= Q.sum(axis=1, keepdims=True)
    Pc = FocalCalibrator("softmax", gamma=gam).transform(logits=Z)
    e_raw, e_cal = _ece_top(Q, yte), _ece_top(Pc, yte)
    # measured (seed 3, N = 5e4): raw 0.076 (the focal-trained softmax is
    # underconfident here), transformed 0.0035, true posterior 0.0022; the
    # sampling floor of a 15-bin ECE at N = 5e4 is up to 0.8 sqrt(3.75/N) = 0.007
    assert e_raw > 0.06 and e_cal < 0.007 and e_cal < e_raw / 10, (e_raw, e_cal)
    # mean |P - posterior|: measured 0.0016 transformed vs 0.052 raw
    assert np.abs(Pc - Pte).mean() < 0.005 and np.abs(Q - Pte).mean() > 0.03
    np.testing.assert_array_equal(Pc.argmax(axis=1), Q.argmax(axis=1))  # argmax preserved
    np.testing.assert_allclose(FocalCalibrator("softmax", gamma=gam).transform(Q), Pc, rtol=1e-10)


# ---------------------------------------------------------------------------
# transform semantics
# ---------------------------------------------------------------------------

def test_transform_matches_the_closed_forms():
    P = np.array([[0.7, 0.2, 0.1], [0.05, 0.9, 0.05]])
    q = minimizer(P, 3.0).q
    np.testing.assert_allclose(FocalCalibrator("softmax", gamma=3.0).transform(q), P, rtol=1e-13)
    a = np.array([1.0, 2.0, 0.5])
    qa = minimizer(P, 3.0, alpha=a).q
    np.testing.assert_allclose(FocalCalibrator("softmax", gamma=3.0, alpha=a).transform(qa), P, rtol=1e-13)
    # class axis 0
    np.testing.assert_allclose(FocalCalibrator("softmax", gamma=3.0, axis=0).transform(q.T), P.T, rtol=1e-13)
    s = np.array([[0.01, 0.5], [0.3, 0.99]])
    np.testing.assert_array_equal(FocalCalibrator("sigmoid", gamma=2.0, alpha=0.25).transform(s),
                                  sigmoid_posterior(s, 2.0, 0.25))
    np.testing.assert_array_equal(FocalCalibrator("sigmoid", gamma=2.0, alpha=0.25).transform(s)[0, 1], 0.75)


def test_params_protocol():
    # scikit-learn semantics: parameters stored verbatim, validated at fit / transform, fitted
    # attributes only after fit
    cal = FocalCalibrator("sigmoid", gamma=1.0, alpha=0.25)
    assert cal.get_params() == dict(loss="sigmoid", gamma=1.0, alpha=0.25, axis=-1, gamma_bounds=(0.0, 20.0),
                                    method="inverse", input_type="probs", fit_gamma=True, fit_alpha=False,
                                    classes=None, temperature_bounds=(0.05, 20.0), cv=5, random_state=0,
                                    sum_tol=None)
    cal.set_params(gamma=3.0)
    assert not hasattr(cal, "gamma_")  # no fitted attribute before fit
    np.testing.assert_array_equal(cal.transform([0.5, 0.2]), sigmoid_posterior([0.5, 0.2], 3.0, 0.25))
    cal.set_params(alpha=1.5)  # stored as given ...
    assert cal.alpha == 1.5
    with pytest.raises(ValueError, match="alpha"):  # ... and refused where it is used
        cal.transform([0.5])
    with pytest.raises(ValueError, match="Invalid parameter 'beta'"):
        cal.set_params(beta=1)
    assert "loss='sigmoid'" in repr(cal) and repr(cal).startswith("FocalCalibrator(")


def test_calibrator_bad_input():
    # the constructor stores its arguments; transform and fit validate them
    q = [[0.5, 0.5]]
    with pytest.raises(ValueError, match="loss"):
        FocalCalibrator("hinge").transform(q)
    with pytest.raises(ValueError, match="gamma"):
        FocalCalibrator(gamma=-1).transform(q)
    with pytest.raises(ValueError, match="alpha"):
        FocalCalibrator("sigmoid", alpha=1.2).transform(q)
    with pytest.raises(ValueError, match="alpha"):
        FocalCalibrator("softmax", alpha=[1.0, -0.5]).transform(q)
    with pytest.raises(ValueError, match="gamma_bounds"):
        FocalCalibrator(gamma_bounds=(3, 1)).fit(q, [0])
    cal = FocalCalibrator("sigmoid", gamma=2, alpha=0.25)
    with pytest.raises(ValueError, match="exactly one"):
        cal.transform()
    with pytest.raises(ValueError, match="exactly one"):
        cal.transform([0.5], logits=[0.0])
    with pytest.raises(ValueError, match="probs must lie"):
        cal.transform([0.5, 1.5])
    with pytest.raises(ValueError, match="finite"):
        cal.transform(logits=[np.nan])
    with pytest.raises(ValueError, match="shape"):
        cal.fit([0.2, 0.3], [1, 0, 1])
    with pytest.raises(ValueError, match="0 or 1"):
        cal.fit([0.2, 0.3], [1, 2])
    with pytest.raises(ValueError, match="labels"):
        cal.fit([0.2, 0.3])
    soft = FocalCalibrator("softmax", gamma=2, alpha=[1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="sum to 1"):
        soft.transform([[0.5, 0.4, 0.3]])
    with pytest.raises(ValueError, match="not broadcastable"):
        soft.transform([[0.5, 0.5]])
    with pytest.raises(ValueError, match="class indices"):
        soft.fit([[0.5, 0.3, 0.2]], [3])
    with pytest.raises(ValueError, match="batch shape"):
        soft.fit([[0.5, 0.3, 0.2]], [0, 1])


# ---------------------------------------------------------------------------
# design: crossover gamma (Lambert W), rare-class gamma and alpha
# ---------------------------------------------------------------------------

def _crossover_mp(p, gam0):
    """gamma with phi_gamma(p) = 1, textbook phi, mpmath root from a nearby start."""
    p = mp.mpf(p)

    def logphi(g):
        return (g - 1) * mp.log1p(-p) + mp.log((1 - p) - g * p * mp.log(p))

    if gam0 > 0:  # in log gamma: the root reaches 1e300 at p = 1e-300
        return mp.exp(mp.findroot(lambda t: logphi(mp.exp(t)), mp.log(mp.mpf(gam0))))
    return mp.findroot(logphi, mp.mpf(gam0))


def test_crossover_gamma_against_mpmath_and_theory():
    ps = np.array([1e-300, 1e-30, 1e-6, 0.01, 0.1, 0.2, 0.25, 0.3, np.exp(-1), 0.45, 0.49])
    got = crossover_gamma(ps)
    worst = 0.0
    for p, g in zip(ps, got):
        ref = _crossover_mp(p, g * (1 + 1e-6))  # a start off the answer; the root is isolated
        worst = max(worst, float(abs(g - ref) / ref))
    # measured 1.1e-15
    assert worst < 1e-13
    assert abs(crossover_gamma(0.2) - 4.8506) < 5e-5  # Mukhoti et al. (NeurIPS 2020)
    assert abs(crossover_gamma(np.exp(-1)) - 1.0) < 1e-15  # gamma = 1 <-> p = 1/e
    assert crossover_gamma(0.5) == 0.0


def test_crossover_gamma_inverts_threshold():
    from focaltheory.regimes import threshold

    ps = np.array([1e-12, 1e-3, 0.05, 0.2, 0.3, 0.4, 0.49])
    np.testing.assert_allclose(threshold(crossover_gamma(ps)), ps, rtol=1e-13)
    gams = np.array([0.1, 0.5, 1.0, 2.0, 5.0, 50.0])
    np.testing.assert_allclose(crossover_gamma(threshold(gams)), gams, rtol=1e-12)


def test_crossover_gamma_negative_branch():
    ps = np.array([0.5 + 1e-6, 0.55, 0.7, 0.9, 0.999])
    got = crossover_gamma(ps, allow_negative=True)
    assert np.all(got < 0)
    for p, g in zip(ps, got):
        ref = _crossover_mp(p, g * (1 + 1e-6))
        assert float(abs(g - ref) / abs(ref)) < 1e-12, (p, g, ref)
    # the positive branch is the same function through the other call
    mixed = crossover_gamma([0.2, 0.7], allow_negative=True)
    assert mixed[0] == crossover_gamma(0.2) and mixed[1] < 0


def test_crossover_gamma_negative_branch_is_the_focal_form_at_negative_gamma():
    """The gamma < 0 root is the same loss -(1-q)^gamma log q continued to negative gamma, whose weight
    (1-q)^gamma grows with q; the documentation says so and keeps it apart from the "inverse focal loss"
    of Wang et al., whose weight (1+q)^gamma has no crossover at these p."""
    doc = crossover_gamma.__doc__
    assert "negative gamma" in doc and "(1+q)^gamma" in doc and "Wang" in doc
    assert '"inverse focal" loss with gamma < 0' not in doc
    p = 0.7
    g = float(crossover_gamma(p, allow_negative=True))
    with mp.workdps(40):
        P, G = mp.mpf(p), mp.mpf(g)
        # phi_gamma(p) = p g_gamma(p) = 1 for l(q) = -(1-q)^gamma log q at this gamma < 0
        phi = (1 - P) ** (G - 1) * ((1 - P) - G * P * mp.log(P))
        assert abs(phi - 1) < 1e-13
        # the weight (1-q)^gamma increases with q: the confident examples weigh more
        w = [(1 - mp.mpf(q)) ** G for q in ("0.1", "0.5", "0.9")]
        assert w[0] < w[1] < w[2]
        # with the weight (1+q)^b, b > 0, p g(p) = (1+p)^b - b p (1+p)^(b-1) log p > 1: no crossover
        for b in ("0.5", "1", "2", "5"):
            b = mp.mpf(b)
            for x in ("0.55", "0.7", "0.9"):
                x = mp.mpf(x)
                assert (1 + x) ** b - b * x * (1 + x) ** (b - 1) * mp.log(x) > 1


def test_crossover_gamma_bad_input():
    for bad in (0.0, 1.0, -0.1, np.nan):
        with pytest.raises(ValueError, match="p"):
            crossover_gamma(bad)
    with pytest.raises(ValueError, match="allow_negative"):
        crossover_gamma(0.7)
    with pytest.raises(TypeError):
        crossover_gamma("0.2")


def test_gamma_for_rare_score_sigmoid_and_softmax():
    g = gamma_for_rare_score(0.01, 0.1, loss="sigmoid", alpha=0.25)
    assert abs(sigmoid_minimizer(0.01, g, 0.25).s - 0.1) < 1e-12
    assert sigmoid_minimizer(0.01, g * 0.99, 0.25).s < 0.1  # the smallest such gamma (monotone here)
    # already there at gamma = 0
    assert gamma_for_rare_score(0.3, 0.1, loss="sigmoid", alpha=None) == 0.0
    # the limit is 1/2: unreachable target
    with pytest.raises(ValueError, match="best"):
        gamma_for_rare_score(0.01, 0.6, loss="sigmoid", alpha=0.25)
    # softmax, binary: rare classes are always amplified (docs/theory.md, theory-regimes)
    g2 = gamma_for_rare_score(0.01, 0.05, loss="softmax", alpha=None)
    assert abs(minimizer([0.01, 0.99], g2).q[0] - 0.05) < 1e-12
    # the inverse map confirms it at the answer: P = inverse_minimizer(Q*)
    np.testing.assert_allclose(inverse_minimizer([0.05, 0.95], g2), [0.01, 0.99], rtol=1e-10)
    # over-suppression: 50 classes of ~0.0198 keep a 0.01 class below 1/51 for every gamma
    with pytest.raises(ValueError, match="no gamma"):
        gamma_for_rare_score(0.01, 0.05, loss="softmax", alpha=None, others=np.ones(50))


def test_alpha_for_rare_score():
    for gam in (0.0, 2.0, 5.0):
        a = alpha_for_rare_score(0.01, 0.2, gamma=gam, loss="sigmoid")
        assert 0 < a < 1
        assert abs(sigmoid_minimizer(0.01, gam, a).s - 0.2) < 1e-13
        assert sigmoid_minimizer(0.01, gam, a * 0.999).s < 0.2
    # gamma = 0: s/(1-s) = a eta/((1-a)(1-eta)) gives a in closed form
    a0 = alpha_for_rare_score(0.01, 0.2, gamma=0.0)
    assert abs(a0 - 1 / (1 + (0.01 / 0.99) / (0.2 / 0.8))) < 1e-15
    w = alpha_for_rare_score(0.01, 0.05, gamma=2.0, loss="softmax", others=[1.0, 1.0, 1.0])
    q = minimizer([0.01, 0.33, 0.33, 0.33], 2.0, alpha=[w, 1.0, 1.0, 1.0]).q
    assert abs(q[0] - 0.05) < 1e-12
    with pytest.raises(ValueError, match="prior"):
        alpha_for_rare_score(0.0, 0.1)
    with pytest.raises(ValueError, match="loss"):
        alpha_for_rare_score(0.01, 0.1, loss="hinge")


def test_alpha_for_rare_score_at_the_edges_of_double_precision():
    # sigmoid: an alpha within rounding of 1 (or 0) is not a weight in (0, 1): a clear error, not 1.0 (or 0.0)
    with pytest.raises(ValueError, match="within rounding of 1"):
        alpha_for_rare_score(1e-300, 0.99, 5.0)
    with pytest.raises(ValueError, match="within rounding of 0"):
        alpha_for_rare_score(0.3, 1e-300, 1.0)
    # softmax: weights beyond e^50 are found (the bracket widens up to e^700)
    w = alpha_for_rare_score(1e-30, 0.5, gamma=2.0, loss="softmax")
    q = minimizer([1e-30, 1.0 - 1e-30], 2.0, alpha=[w, 1.0]).q
    assert 1e29 < w < 1e31 and q[0] == pytest.approx(0.5, rel=1e-12)


def test_softmax_scalar_alpha_is_refused_with_the_reason():
    # a scalar alpha multiplies every class alike for the softmax loss: it would change nothing,
    # so it is refused where it is used (the sigmoid loss keeps torchvision's scalar convention)
    q = [[0.6, 0.3, 0.1]]
    with pytest.raises(ValueError, match="one weight per class.*changes nothing"):
        FocalCalibrator("softmax", gamma=2.0, alpha=0.25).transform(q)
    with pytest.raises(ValueError, match="one weight per class"):
        FocalCalibrator("softmax", gamma=2.0, alpha=0.25).fit([[0.6, 0.4], [0.2, 0.8]], [0, 1])
    # per-class weights work as before, and equal weights are the plain map
    np.testing.assert_allclose(FocalCalibrator("softmax", gamma=2.0, alpha=[0.25] * 3).transform(q),
                               FocalCalibrator("softmax", gamma=2.0).transform(q), rtol=1e-15)
    np.testing.assert_allclose(FocalCalibrator("sigmoid", gamma=2.0, alpha=0.25).transform([0.5]), [0.75], rtol=1e-15)


def test_calibration_report_takes_the_sum_tolerance():
    from focaltheory.calibration import calibration_report

    rng = np.random.default_rng(3)
    P = rng.dirichlet(np.ones(3), size=60)
    y = np.array([rng.choice(3, p=p) for p in P])
    off = P * (1 + 1e-4)  # rows summing to 1 + 1e-4, as a float16 softmax does
    with pytest.raises(ValueError, match="sum to 1"):
        calibration_report(off, y, isotonic=False, auto=False)
    rep = calibration_report(off, y, isotonic=False, auto=False, sum_tol=1e-3)
    ref = calibration_report(P, y, isotonic=False, auto=False)
    np.testing.assert_allclose(rep.values, ref.values, rtol=1e-3)
