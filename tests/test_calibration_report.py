"""calibration_report: the comparison table on held-out data, its recommendation, and the lazy imports."""

import dataclasses
import json
import subprocess
import sys

import numpy as np
import pytest

pytest.importorskip("sklearn")

from focaltheory import calibration_report, minimizer  # noqa: E402
from focaltheory._jsonio import dumps  # noqa: E402
from focaltheory.calibration import CalibrationReport  # noqa: E402
from focaltheory.metrics import brier_score, expected_calibration_error, negative_log_likelihood  # noqa: E402


def _model(seed, n, k=4):
    rng = np.random.default_rng(seed)
    z = rng.normal(size=(n, k)) * 1.5
    P = np.exp(z - z.max(axis=1, keepdims=True))
    P /= P.sum(axis=1, keepdims=True)
    y = (P.cumsum(axis=1) < rng.uniform(size=(n, 1))).sum(axis=1).clip(max=k - 1)
    return z, P, y


@pytest.fixture(scope="module")
def exact():
    z, P, y = _model(0, 8000)
    Q = minimizer(P, 3.0).q
    return Q, y, calibration_report(Q, y, gamma=3.0)


def test_report_table_and_recommendation_on_exact_focal_outputs(exact):
    Q, y, r = exact
    assert isinstance(r, CalibrationReport)
    assert r.methods == ("raw", "inverse", "temperature", "focal-temperature", "isotonic", "auto")
    assert r.metrics == ("ece", "nll", "brier") and r.values.shape == (6, 3) and r.n_samples == 8000
    # "raw" is not fitted: its row is the metrics of the outputs themselves
    assert r["raw"] == pytest.approx({"ece": expected_calibration_error(Q, y), "nll": negative_log_likelihood(Q, y),
                                      "brier": brier_score(Q, y)}, rel=1e-12)
    # the closed form undoes the distortion; temperature cannot (measured ECE 0.154 raw, 0.006 inverse,
    # 0.030 temperature; NLL 1.005, 0.930, 0.943)
    assert r.recommended == "inverse"
    assert r["inverse"]["ece"] < 0.02 < r["temperature"]["ece"] < r["raw"]["ece"]
    assert r["inverse"]["nll"] < r["temperature"]["nll"] - 0.005
    assert r["auto"]["nll"] == pytest.approx(r["inverse"]["nll"], abs=1e-3)
    assert r.params[1] == {"temperature": [1.0, 1.0], "gamma": [3.0, 3.0]}
    # frozen, read-only, printable, JSON-able
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.recommended = "raw"
    assert not r.values.flags.writeable
    text = str(r)
    assert text.splitlines()[0].split() == ["method", "ece", "nll", "brier"]
    assert text.splitlines()[-1].startswith("recommended: inverse (")
    assert json.loads(dumps(r.to_dict()))["table"]["inverse"]["nll"] == pytest.approx(r["inverse"]["nll"])


def test_report_on_overconfident_logits_recommends_temperature():
    z, P, y = _model(1, 6000)
    r = calibration_report(logits=2.0 * z, y=y, gamma=0.0, auto=False, isotonic=False)
    assert r.methods == ("raw", "inverse", "temperature", "focal-temperature")
    assert r.recommended == "temperature"
    # gamma = 0 (cross-entropy): the inverse map is the identity, and focal-TS is TS
    assert r["inverse"] == pytest.approx(r["raw"], rel=1e-9)
    assert r["focal-temperature"] == pytest.approx(r["temperature"], rel=1e-6)
    assert all(abs(t - 2.0) < 0.1 for t in r.params[2]["temperature"])  # measured 2.01, 1.99
    assert r["temperature"]["ece"] < 0.03 < r["raw"]["ece"]


def test_report_sigmoid_and_bad_input():
    rng = np.random.default_rng(2)
    eta = rng.beta(0.7, 1.5, size=(4000, 2))
    y = (rng.uniform(size=eta.shape) < eta).astype(int)
    from focaltheory.sigmoid import sigmoid_minimizer

    s = sigmoid_minimizer(eta, 2.0, 0.25).s
    r = calibration_report(s, y, loss="sigmoid", gamma=2.0, alpha=0.25, auto=False)
    assert r.recommended == "inverse" and r["inverse"]["ece"] < 0.02 < r["raw"]["ece"]
    from focaltheory import FocalCalibrator

    auto = FocalCalibrator("sigmoid", gamma=2.0, alpha=0.25, fit_gamma=False, method="auto").fit(s, y)
    assert auto.method_ == "inverse" and auto.classes_.tolist() == [0, 1] and auto.n_features_in_ == 2
    with pytest.raises(ValueError, match="labels"):
        calibration_report(s)
    with pytest.raises(ValueError, match="at least 4"):
        calibration_report([[0.5, 0.5], [0.2, 0.8]], [0, 1])


def test_import_focaltheory_loads_neither_sklearn_nor_the_calibration_package():
    code = ("import sys, focaltheory; print(sorted(m for m in sys.modules if m.startswith(('sklearn', "
            "'focaltheory.calibration', 'scipy.optimize'))))")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0 and r.stdout.strip() == "[]", (r.stdout, r.stderr)
    code = "import focaltheory, sys; focaltheory.FocalCalibrator; print('sklearn.base' in sys.modules)"
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert r.stdout.strip() == "True"  # the estimator derives from scikit-learn's base classes
