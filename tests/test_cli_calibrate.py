"""``focaltheory calibrate``: undoing the focal loss on model outputs read from files.

Expected numbers come from the documented closed forms (score 1/2 <-> posterior
1 - alpha) and from the library functions tested against mpmath elsewhere.
"""

import subprocess
import sys

import numpy as np
import pytest

from focaltheory import minimizer
from focaltheory.cli import main

from _cli import csv_rows, run
from focaltheory.sigmoid import sigmoid_posterior




def test_calibrate_sigmoid_csv_to_stdout(tmp_path, capsys):
    s = np.array([[0.1, 0.5], [0.9, 0.3]])
    f = tmp_path / "scores.csv"
    np.savetxt(f, s, delimiter=",")
    code, out, err = run(["calibrate", "--loss", "sigmoid", "--gamma", "2", "--alpha", "0.25", str(f)], capsys)
    assert code == 0 and err == ""
    got = csv_rows(out)
    np.testing.assert_allclose(got, sigmoid_posterior(s, 2.0, 0.25), rtol=1e-15)
    assert got[0, 1] == 0.75  # the detector default: score 1/2 <-> posterior 3/4


def test_calibrate_sigmoid_logits_npy_to_npy(tmp_path, capsys):
    z = np.array([-40.0, -3.0, 0.0, 2.5, 40.0])
    f, o = tmp_path / "logits.npy", tmp_path / "out.npy"
    np.save(f, z)
    code, out, err = run(["calibrate", "--loss", "sigmoid", "--gamma", "3", "--alpha", "0.4", "--logits",
                           str(f), "--output", str(o)], capsys)
    assert code == 0 and "written to" in out
    got = np.load(o)
    np.testing.assert_array_equal(got, sigmoid_posterior(z, 3.0, 0.4, logits=True))
    assert got[2] == pytest.approx(0.6, rel=1e-15) and 0 < got[0] < 1e-60


def test_calibrate_sigmoid_defaults_and_disabled_alpha(tmp_path, capsys):
    f = tmp_path / "s.csv"
    np.savetxt(f, [0.5, 0.2], delimiter=",")
    _, out, _ = run(["calibrate", "--loss", "sigmoid", str(f)], capsys)  # gamma 2, alpha 0.25
    np.testing.assert_allclose(csv_rows(out).ravel(), sigmoid_posterior([0.5, 0.2], 2.0, 0.25), rtol=1e-15)
    _, out, _ = run(["calibrate", "--loss", "sigmoid", "--gamma", "0", "--alpha", "-1", str(f)], capsys)
    np.testing.assert_allclose(csv_rows(out).ravel(), [0.5, 0.2], rtol=1e-15)  # log loss: scores are posteriors


def test_calibrate_softmax_rows(tmp_path, capsys):
    P = np.array([[0.7, 0.2, 0.1], [0.1, 0.3, 0.6]])
    a = [1.0, 2.0, 0.5]
    Q = minimizer(P, 2.0, alpha=a).q
    f = tmp_path / "q.csv"
    np.savetxt(f, Q, delimiter=",", fmt="%.17g")
    code, out, _ = run(["calibrate", "--gamma", "2", "--alpha", "1,2,0.5", str(f)], capsys)
    assert code == 0
    np.testing.assert_allclose(csv_rows(out), P, rtol=1e-13)
    # from logits
    f2 = tmp_path / "z.npy"
    np.save(f2, np.log(Q) + 3.0)
    code, out, _ = run(["calibrate", "--gamma", "2", "--alpha", "1,2,0.5", "--logits", str(f2)], capsys)
    np.testing.assert_allclose(csv_rows(out), P, rtol=1e-13)


def test_calibrate_csv_one_row_stays_one_row(tmp_path, capsys):
    # a one-row CSV is one distribution (softmax) or one sample (sigmoid): the output is one row too
    f, o = tmp_path / "row.csv", tmp_path / "out.csv"
    f.write_text("0.5,0.3,0.2\n")
    code, out, err = run(["calibrate", str(f)], capsys)
    assert code == 0 and err == "" and len(out.strip().splitlines()) == 1
    got = csv_rows(out)
    assert got.shape == (1, 3)
    np.testing.assert_allclose(minimizer(got, 2.0).q, [[0.5, 0.3, 0.2]], rtol=1e-13)
    code, out, err = run(["calibrate", "--loss", "sigmoid", str(f), "--output", str(o)], capsys)
    assert code == 0 and o.read_text().count("\n") == 1
    np.testing.assert_array_equal(np.loadtxt(o, delimiter=",", ndmin=2),
                                  sigmoid_posterior(np.array([[0.5, 0.3, 0.2]]), 2.0, 0.25))
    code, out, err = run(["solve", "--loss", "sigmoid", "--gamma", "2", "--input", str(f)], capsys)
    assert code == 0 and len(out.strip().splitlines()) == 1  # stdout: one row of 3 scores only
    assert len(err.strip().splitlines()) == 2  # the two summary lines
    assert csv_rows(out).shape == (1, 3)


def test_calibrate_softmax_one_column_csv_is_one_class_rows(tmp_path, capsys):
    # one column = a batch of one-class distributions (each must be 1; logits give 1)
    f = tmp_path / "col.csv"
    f.write_text("3.0\n-1.0\n")
    code, out, _ = run(["calibrate", "--logits", str(f)], capsys)
    assert code == 0 and out.split() == ["1", "1"]


@pytest.mark.parametrize("content", ["", "\n"])
def test_calibrate_empty_csv_one_line_even_under_W_error(tmp_path, content):
    f = tmp_path / "empty.csv"
    f.write_text(content)
    r = subprocess.run([sys.executable, "-W", "error", "-m", "focaltheory", "calibrate", str(f)],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 2 and r.stdout == ""
    assert r.stderr == f"focaltheory calibrate: error: FILE {str(f)!r} has no rows\n"


def test_calibrate_alpha_one_token(tmp_path, capsys):
    P = np.array([[0.7, 0.2, 0.1]])
    f = tmp_path / "q.csv"
    np.savetxt(f, minimizer(P, 2.0, alpha=[1.0, 2.0, 0.5]).q, delimiter=",", fmt="%.17g")
    code, out, _ = run(["calibrate", "--alpha=1,2,0.5", str(f)], capsys)
    assert code == 0
    np.testing.assert_allclose(csv_rows(out), P, rtol=1e-13)
    code, out, err = run(["calibrate", "--alpha", "1", "2", "0.5", str(f)], capsys)
    assert code == 2 and out == "" and err.count("\n") == 1
    assert err.startswith("focaltheory calibrate: --alpha takes one token: a number or comma-separated numbers "
                          "without spaces (e.g. 1,2,0.5); '--alpha 1 2' is the space-separated form")


def test_calibrate_help_documents_alpha(capsys):
    assert main(["calibrate", "--help"]) == 0
    text = " ".join(capsys.readouterr().out.split())
    assert "--alpha A[,A...]" in text and "one token: a number or comma-separated numbers without spaces" in text
    assert "space-separated values are refused" in text and "--header" in text


# -- --fit VAL --labels LABELS: a map fitted on held-out data ----------------------------------

def _focal_data(seed, n, gamma=2.0, k=3):
    rng = np.random.default_rng(seed)
    z = rng.normal(size=(n, k)) * 1.5
    P = np.exp(z - z.max(axis=1, keepdims=True))
    P /= P.sum(axis=1, keepdims=True)
    y = (P.cumsum(axis=1) < rng.uniform(size=(n, 1))).sum(axis=1).clip(max=k - 1)
    return P, minimizer(P, gamma).q, y


@pytest.fixture(scope="module")
def heldout(tmp_path_factory):
    d = tmp_path_factory.mktemp("heldout")
    P, Q, y = _focal_data(0, 3000)
    Pt, Qt, _ = _focal_data(1, 50)
    z = 1.5 * np.log(Q)  # tempered: softmax(z / 1.5) = Q*(P)
    np.savetxt(d / "val.csv", Q, delimiter=",", fmt="%.17g")
    np.save(d / "val_logits.npy", z)
    np.savetxt(d / "labels.csv", y, fmt="%d")
    np.savetxt(d / "test.csv", Qt, delimiter=",", fmt="%.17g")
    np.save(d / "test_logits.npy", 1.5 * np.log(Qt))
    return d, Pt


def test_calibrate_fit_round_trip_matches_the_library(heldout, capsys):
    from focaltheory import FocalCalibrator

    d, Pt = heldout
    code, out, err = run(["calibrate", "--fit", str(d / "val.csv"), "--labels", str(d / "labels.csv"),
                           "--method", "inverse", str(d / "test.csv")], capsys)
    assert code == 0 and err == ""
    # known gamma (no --fit-gamma): the closed form itself
    np.testing.assert_allclose(csv_rows(out), Pt, rtol=1e-12)
    code, out, err = run(["calibrate", "--fit", str(d / "val_logits.npy"), "--labels", str(d / "labels.csv"),
                           "--logits", "--method", "focal-temperature", str(d / "test_logits.npy")], capsys)
    assert code == 0
    val, y = np.load(d / "val_logits.npy"), np.loadtxt(d / "labels.csv")
    lib = FocalCalibrator(gamma=2.0, method="focal-temperature", fit_gamma=False, input_type="logits").fit(val, y)
    np.testing.assert_array_equal(csv_rows(out), lib.transform(np.load(d / "test_logits.npy")))
    assert abs(lib.temperature_ - 1.5) < 0.1
    np.testing.assert_allclose(csv_rows(out), Pt, atol=0.03)  # the posterior, up to the estimate of T


def test_calibrate_fit_auto_report_and_json(heldout, capsys, tmp_path):
    import json

    d, _ = heldout
    args = ["calibrate", "--fit", str(d / "val_logits.npy"), "--labels", str(d / "labels.csv"), "--logits"]
    code, out, err = run(args + ["--report", str(d / "test_logits.npy")], capsys)
    assert code == 0 and csv_rows(out).shape == (50, 3)  # data on stdout, the report on stderr
    lines = err.splitlines()
    assert lines[1].split() == ["method", "ece", "nll", "brier"]
    assert [ln.split()[0] for ln in lines[2:8]] == ["raw", "inverse", "temperature", "focal-temperature",
                                                   "isotonic", "auto"]
    assert "recommended: focal-temperature" in err and "fitted: method focal-temperature" in err
    o = tmp_path / "p.npy"
    code, out, err = run(args + ["--json", "--output", str(o), str(d / "test_logits.npy")], capsys)
    assert code == 0 and err == ""
    first, rest = out.split("\n", 1)
    obj = json.loads(first)  # the JSON report on stdout with --output, then the summary line
    assert obj["fitted"]["method"] == "focal-temperature" == obj["report"]["recommended"]
    assert obj["selection"]["chosen"] == "focal-temperature"
    t = obj["report"]["table"]
    assert t["focal-temperature"]["nll"] < t["temperature"]["nll"] < t["raw"]["nll"] + 1
    assert "written to" in rest and np.load(o).shape == (50, 3)


@pytest.mark.parametrize("argv, message", [
    (["--labels", "{d}/labels.csv", "{d}/test.csv"], "--labels needs --fit VAL"),
    (["--report", "{d}/test.csv"], "--report needs --fit VAL"),
    (["--method", "temperature", "{d}/test.csv"], "--method temperature fits a map"),
    (["--fit", "{d}/val.csv", "{d}/test.csv"], "--fit needs --labels"),
    (["--fit", "{d}/val.csv", "--labels", "{d}/val.csv", "{d}/test.csv"], "one class index per row"),
    (["--fit", "{d}/test.csv", "--labels", "{d}/labels.csv", "{d}/test.csv"], "--labels has 3000 rows"),
])
def test_calibrate_fit_bad_input_one_line(heldout, capsys, argv, message):
    d, _ = heldout
    code, out, err = run(["calibrate"] + [a.format(d=d) for a in argv], capsys)
    assert code == 2 and out == "" and err.count("\n") == 1 and message in err, err


def test_calibrate_softmax_refuses_a_single_alpha(tmp_path, capsys):
    # one --alpha value would weight every class alike (a no-op for the softmax loss): one line, exit 2
    src = tmp_path / "s.csv"
    src.write_text("0.6,0.3,0.1\n")
    code, out, err = run(["calibrate", "--alpha", "0.25", str(src)], capsys)
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and "one weight per class" in err
    code, out, _ = run(["calibrate", "--alpha", "0.25,1,1", str(src)], capsys)
    assert code == 0 and csv_rows(out).shape == (1, 3)
