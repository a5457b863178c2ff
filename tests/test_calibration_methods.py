"""FocalCalibrator's fitted methods on synthetic models whose posterior is known.

A "model" here is a known posterior P = softmax(z_P) with labels drawn from P;
its outputs are built from P: exactly Q*(P) (a focal-trained model at the
population optimum), Q*(P) behind a temperature (logits T0 log Q*(P): a
focal-trained model that is also over- or under-confident), or softmax(2 z_P)
(an over-confident cross-entropy model).  The tolerances on fitted parameters
come from the sample size: the standard errors are those of the maximum
likelihood estimate, the inverse observed Fisher information of the N held-out
samples, computed here by finite differences of a negative log-likelihood
written out with the public inverse map.
"""

import warnings

import numpy as np
import pytest

from focaltheory import FocalCalibrator, inverse_minimizer, minimizer
from focaltheory.sigmoid import sigmoid_minimizer

GAM = 3.0
T0 = 1.5


def _model(seed, n, k=4, scale=1.5):
    rng = np.random.default_rng(seed)
    zp = rng.normal(size=(n, k)) * scale
    P = np.exp(zp - zp.max(axis=1, keepdims=True))
    P /= P.sum(axis=1, keepdims=True)
    y = (P.cumsum(axis=1) < rng.uniform(size=(n, 1))).sum(axis=1).clip(max=k - 1)
    return zp, P, y


def _nll_fts(z, y, t, g):
    """Mean NLL of softmax(z / t) followed by the inverse map at g (written out)."""
    e = np.exp((z - z.max(axis=1, keepdims=True)) / t)
    R = inverse_minimizer(e / e.sum(axis=1, keepdims=True), g)
    return -np.log(R[np.arange(len(y)), y]).mean()


def _hessian(f, th, h):
    th, n = np.asarray(th, float), len(th)
    H = np.empty((n, n))
    for i in range(n):
        for j in range(n):
            ei, ej = np.eye(n)[i] * h[i], np.eye(n)[j] * h[j]
            H[i, j] = (f(th + ei + ej) - f(th + ei - ej) - f(th - ei + ej) + f(th - ei - ej)) / (4 * h[i] * h[j])
    return H


def _heldout_nll(cal, X, y, **kw):
    return -cal.score(X, y, **kw)


@pytest.fixture(scope="module")
def focal_tempered():
    zp, P, y = _model(0, 20_000)
    z = T0 * np.log(minimizer(P, GAM).q)  # softmax(z / T0) = Q*(P)
    return z, y


def test_focal_temperature_recovers_temperature_and_gamma(focal_tempered):
    z, y = focal_tempered
    cal = FocalCalibrator(gamma=1.0, method="focal-temperature", input_type="logits").fit(z, y)
    th = np.array([cal.temperature_, cal.gamma_])
    # the fit is the minimum of the written-out likelihood (not a point the optimizer stalled at)
    assert cal.nll_ == pytest.approx(_nll_fts(z, y, *th), rel=1e-12)
    assert cal.nll_ <= _nll_fts(z, y, T0, GAM)
    # sampling error: covariance = (N * Hessian of the mean NLL)^-1 at the estimate.  T and gamma are
    # strongly correlated (measured correlation 0.994; standard errors 0.12 and 0.45 at N = 2e4)
    H = _hessian(lambda t: _nll_fts(z, y, *t), th, [1e-3, 1e-2])
    cov = np.linalg.inv(H) / len(y)
    se = np.sqrt(np.diag(cov))
    d = th - [T0, GAM]
    assert np.all(np.abs(d) < 4 * se), (th, se)
    # joint: the squared Mahalanobis distance is chi-square with 2 degrees of freedom (99.9 %: 13.8);
    # measured 3.4
    assert d @ np.linalg.solve(cov, d) < 13.8
    assert se[0] < 0.2 and se[1] < 0.7  # the tolerance is a real constraint at this N


def test_plain_temperature_is_worse_on_tempered_focal_outputs(focal_tempered):
    z, y = focal_tempered
    fit, ev = slice(0, 10_000), slice(10_000, None)
    fts = FocalCalibrator(gamma=GAM, fit_gamma=False, method="focal-temperature", input_type="logits")
    fts.fit(z[fit], y[fit])
    ts = FocalCalibrator(method="temperature", input_type="logits").fit(z[fit], y[fit])
    assert abs(fts.temperature_ - T0) < 0.03  # gamma known: T alone is sharp (measured 1.50)
    l_fts = -np.log(fts.predict_proba(z[ev])[np.arange(10_000), y[ev]])
    l_ts = -np.log(ts.predict_proba(z[ev])[np.arange(10_000), y[ev]])
    diff = l_ts - l_fts
    # measured: TS worse by 0.0127 nats, 11 standard errors of the paired difference
    assert diff.mean() > 4 * diff.std(ddof=1) / np.sqrt(diff.size)
    auto = FocalCalibrator(gamma=GAM, fit_gamma=False, method="auto", input_type="logits").fit(z[fit], y[fit])
    assert auto.method_ == "focal-temperature"
    assert auto.selection_.chosen == "focal-temperature" and "lowest" in auto.selection_.reason


def test_exact_focal_outputs_inverse_wins_and_auto_picks_it():
    zp, P, y = _model(1, 10_000)
    Q = minimizer(P, GAM).q
    for fit_gamma in (False, True):
        auto = FocalCalibrator(gamma=GAM, fit_gamma=fit_gamma, method="auto").fit(Q, y)
        assert auto.method_ == "inverse", auto.selection_
        sel = auto.selection_
        assert sel.methods == ("inverse", "temperature", "focal-temperature")
        nll = dict(zip(sel.methods, sel.nll))
        # temperature cannot undo the focal distortion: measured +0.013 nats (about 10 standard errors)
        assert nll["temperature"] - nll["inverse"] > 4 * sel.nll_se[1]
        # focal-temperature nests the inverse: a near tie, broken for the simpler map
        assert abs(nll["focal-temperature"] - nll["inverse"]) < 1e-3
        assert not sel.nll.flags.writeable
        assert auto.temperature_ == 1.0
    # known gamma: the map is exactly the closed form
    np.testing.assert_allclose(auto.transform(Q), inverse_minimizer(Q, auto.gamma_), rtol=1e-13)
    # fitted gamma (the legacy fit): within sampling error of 3 (measured 2.95 at N = 2e4)
    assert abs(FocalCalibrator(gamma=1.0).fit(Q, y).gamma_ - GAM) < 0.15


def test_overconfident_outputs_temperature_is_chosen():
    zp, P, y = _model(2, 10_000)
    z = 2.0 * zp  # a cross-entropy model over-confident by a factor 2: softmax(z / 2) = P
    auto = FocalCalibrator(gamma=GAM, method="auto", input_type="logits").fit(z, y)
    assert auto.method_ == "temperature", auto.selection_
    assert auto.gamma_ == 0.0
    f = lambda t: _nll_fts(z, y, t[0], 0.0)
    se = 1 / np.sqrt(len(y) * _hessian(f, [auto.temperature_], [1e-3])[0, 0])
    assert abs(auto.temperature_ - 2.0) < 4 * se and se < 0.05, (auto.temperature_, se)
    nll = dict(zip(auto.selection_.methods, auto.selection_.nll))
    assert nll["inverse"] - nll["temperature"] > 0.05  # gamma >= 0 only sharpens: measured +0.17
    # the inverse with a fitted gamma can only go to gamma = 0 here (the identity)
    assert FocalCalibrator(gamma=GAM, input_type="logits").fit(z, y).gamma_ < 0.05


def test_temperature_on_probabilities_is_temperature_on_log_probabilities():
    zp, P, y = _model(3, 3000)
    Q = np.exp(2 * zp)
    Q /= Q.sum(axis=1, keepdims=True)
    a = FocalCalibrator(method="temperature").fit(Q, y)
    b = FocalCalibrator(method="temperature").fit(logits=np.log(Q), y=y)
    assert a.temperature_ == pytest.approx(b.temperature_, rel=1e-9)
    np.testing.assert_allclose(a.transform(Q), b.transform(logits=np.log(Q)), rtol=1e-9, atol=1e-15)
    # the recovered probabilities are P's up to the estimate's error
    assert np.abs(a.transform(Q) - P).mean() < 0.02


def test_sigmoid_focal_temperature_and_alpha():
    rng = np.random.default_rng(4)
    n, gam, alpha = 40_000, 2.0, 0.25
    eta = rng.beta(0.7, 1.5, size=n)
    y = (rng.uniform(size=n) < eta).astype(int)
    s = sigmoid_minimizer(eta, gam, alpha).s
    z = 0.7 * (np.log(s) - np.log1p(-s))  # an under-confident detector: sigmoid(z / 0.7) = s*(eta)
    fts = FocalCalibrator("sigmoid", gamma=gam, alpha=alpha, fit_gamma=False, method="focal-temperature")
    fts.fit(logits=z, y=y)
    assert abs(fts.temperature_ - 0.7) < 0.03  # measured within 0.01
    assert fts.classes_.tolist() == [0, 1] and fts.n_features_in_ == 1
    # fitted on a flat vector of scores: the elementwise map applies to any shape (one detector, K classes)
    np.testing.assert_array_equal(fts.transform(logits=z[:6].reshape(2, 3)),
                                  fts.transform(logits=z[:6]).reshape(2, 3))
    np.testing.assert_array_equal(fts.predict(logits=z), (fts.transform(logits=z) > 0.5).astype(int))
    ts = FocalCalibrator("sigmoid", method="temperature").fit(logits=z, y=y)
    assert ts.nll_ > fts.nll_ + 0.005
    # alpha estimated with gamma known, at T = 1 (exact scores): measured 0.25 +- 0.01
    inv = FocalCalibrator("sigmoid", gamma=gam, alpha=0.5, fit_gamma=False, fit_alpha=True).fit(s, y)
    assert abs(inv.alpha_ - alpha) < 0.05


def test_fit_is_silent_and_isolated_from_the_callers_fp_state():
    zp, P, y = _model(5, 500)
    z = np.vstack([2 * zp, [[1e308, -1e308, 0.0, 0.0]]])
    yy = np.r_[y, 0]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        old = np.seterr(all="raise")
        try:
            for m in ("inverse", "temperature", "focal-temperature", "auto"):
                cal = FocalCalibrator(method=m, input_type="logits", cv=3).fit(z, yy)
                out = cal.transform(z)
                assert np.all(np.isfinite(out)) and np.allclose(out.sum(axis=1), 1)
            assert np.geterr()["over"] == "raise"
        finally:
            np.seterr(**old)


def test_fit_validation_messages():
    cal = FocalCalibrator(method="auto")
    with pytest.raises(ValueError, match="method must be one of"):
        FocalCalibrator(method="platt").fit([[0.5, 0.5]], [0])
    with pytest.raises(ValueError, match="at least 2 held-out samples"):
        FocalCalibrator("sigmoid", method="auto").fit([0.3], [1])
    with pytest.raises(ValueError, match="one class only"):
        cal.fit([[0.5, 0.5], [0.4, 0.6]], [1, 1])
    with pytest.raises(ValueError, match="temperature_bounds"):
        FocalCalibrator(method="temperature", temperature_bounds=(0, 2)).fit([[0.5, 0.5], [0.4, 0.6]], [0, 1])
    with pytest.raises(ValueError, match="cv must be"):
        FocalCalibrator(method="auto", cv=1).fit([[0.5, 0.5], [0.4, 0.6]], [0, 1])
    with pytest.raises(ValueError, match="exactly 3 distinct labels"):
        FocalCalibrator().fit([[0.5, 0.3, 0.2], [0.2, 0.3, 0.5]], ["a", "b"])


def test_without_scikit_learn_the_same_protocol():
    import subprocess
    import sys

    code = (
        "import sys; sys.modules['sklearn'] = None\n"  # import sklearn raises ImportError
        "import numpy as np\n"
        "from focaltheory import FocalCalibrator, minimizer\n"
        "q = minimizer([[0.7, 0.2, 0.1], [0.2, 0.5, 0.3]], 2).q\n"
        "c = FocalCalibrator(gamma=2.0)\n"
        "assert np.allclose(c.transform(q), [[0.7, 0.2, 0.1], [0.2, 0.5, 0.3]])\n"
        "assert repr(c.set_params(method='temperature')) == \"FocalCalibrator(method='temperature')\"\n"
        "try:\n    c.transform(q)\nexcept ValueError as e:\n    assert 'not fitted' in str(e)\n"
        "c.fit(np.vstack([q] * 5), [0, 1] * 5)\n"
        "assert c.method_ == 'temperature' and c.get_params()['method'] == 'temperature'\n"
        "assert not hasattr(c, '__sklearn_tags__')\n"
        "print('ok')\n"
    )
    r = subprocess.run([sys.executable, "-W", "error", "-c", code], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0 and r.stdout.strip() == "ok", r.stderr
