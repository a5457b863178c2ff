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
from focaltheory.sigmoid import sigmoid_posterior


def _run(argv, capsys):
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def _csv(out):
    return np.loadtxt(out.strip().splitlines(), delimiter=",", ndmin=2)


def test_calibrate_sigmoid_csv_to_stdout(tmp_path, capsys):
    s = np.array([[0.1, 0.5], [0.9, 0.3]])
    f = tmp_path / "scores.csv"
    np.savetxt(f, s, delimiter=",")
    code, out, err = _run(["calibrate", "--loss", "sigmoid", "--gamma", "2", "--alpha", "0.25", str(f)], capsys)
    assert code == 0 and err == ""
    got = _csv(out)
    np.testing.assert_allclose(got, sigmoid_posterior(s, 2.0, 0.25), rtol=1e-15)
    assert got[0, 1] == 0.75  # the detector default: score 1/2 <-> posterior 3/4


def test_calibrate_sigmoid_logits_npy_to_npy(tmp_path, capsys):
    z = np.array([-40.0, -3.0, 0.0, 2.5, 40.0])
    f, o = tmp_path / "logits.npy", tmp_path / "out.npy"
    np.save(f, z)
    code, out, err = _run(["calibrate", "--loss", "sigmoid", "--gamma", "3", "--alpha", "0.4", "--logits",
                           str(f), "--output", str(o)], capsys)
    assert code == 0 and "written to" in out
    got = np.load(o)
    np.testing.assert_array_equal(got, sigmoid_posterior(z, 3.0, 0.4, logits=True))
    assert got[2] == pytest.approx(0.6, rel=1e-15) and 0 < got[0] < 1e-60


def test_calibrate_sigmoid_defaults_and_disabled_alpha(tmp_path, capsys):
    f = tmp_path / "s.csv"
    np.savetxt(f, [0.5, 0.2], delimiter=",")
    _, out, _ = _run(["calibrate", "--loss", "sigmoid", str(f)], capsys)  # gamma 2, alpha 0.25
    np.testing.assert_allclose(_csv(out).ravel(), sigmoid_posterior([0.5, 0.2], 2.0, 0.25), rtol=1e-15)
    _, out, _ = _run(["calibrate", "--loss", "sigmoid", "--gamma", "0", "--alpha", "-1", str(f)], capsys)
    np.testing.assert_allclose(_csv(out).ravel(), [0.5, 0.2], rtol=1e-15)  # log loss: scores are posteriors


def test_calibrate_softmax_rows(tmp_path, capsys):
    P = np.array([[0.7, 0.2, 0.1], [0.1, 0.3, 0.6]])
    a = [1.0, 2.0, 0.5]
    Q = minimizer(P, 2.0, alpha=a).q
    f = tmp_path / "q.csv"
    np.savetxt(f, Q, delimiter=",", fmt="%.17g")
    code, out, _ = _run(["calibrate", "--gamma", "2", "--alpha", "1,2,0.5", str(f)], capsys)
    assert code == 0
    np.testing.assert_allclose(_csv(out), P, rtol=1e-13)
    # from logits
    f2 = tmp_path / "z.npy"
    np.save(f2, np.log(Q) + 3.0)
    code, out, _ = _run(["calibrate", "--gamma", "2", "--alpha", "1,2,0.5", "--logits", str(f2)], capsys)
    np.testing.assert_allclose(_csv(out), P, rtol=1e-13)


def test_calibrate_csv_one_row_stays_one_row(tmp_path, capsys):
    # a one-row CSV is one distribution (softmax) or one sample (sigmoid): the output is one row too
    f, o = tmp_path / "row.csv", tmp_path / "out.csv"
    f.write_text("0.5,0.3,0.2\n")
    code, out, err = _run(["calibrate", str(f)], capsys)
    assert code == 0 and err == "" and len(out.strip().splitlines()) == 1
    got = _csv(out)
    assert got.shape == (1, 3)
    np.testing.assert_allclose(minimizer(got, 2.0).q, [[0.5, 0.3, 0.2]], rtol=1e-13)
    code, out, err = _run(["calibrate", "--loss", "sigmoid", str(f), "--output", str(o)], capsys)
    assert code == 0 and o.read_text().count("\n") == 1
    np.testing.assert_array_equal(np.loadtxt(o, delimiter=",", ndmin=2),
                                  sigmoid_posterior(np.array([[0.5, 0.3, 0.2]]), 2.0, 0.25))
    code, out, err = _run(["solve", "--loss", "sigmoid", "--gamma", "2", "--input", str(f)], capsys)
    assert code == 0 and len(out.strip().splitlines()) == 1  # stdout: one row of 3 scores only
    assert len(err.strip().splitlines()) == 2  # the two summary lines
    assert _csv(out).shape == (1, 3)


def test_calibrate_softmax_one_column_csv_is_one_class_rows(tmp_path, capsys):
    # one column = a batch of one-class distributions (each must be 1; logits give 1)
    f = tmp_path / "col.csv"
    f.write_text("3.0\n-1.0\n")
    code, out, _ = _run(["calibrate", "--logits", str(f)], capsys)
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
    code, out, _ = _run(["calibrate", "--alpha=1,2,0.5", str(f)], capsys)
    assert code == 0
    np.testing.assert_allclose(_csv(out), P, rtol=1e-13)
    code, out, err = _run(["calibrate", "--alpha", "1", "2", "0.5", str(f)], capsys)
    assert code == 2 and out == "" and err.count("\n") == 1
    assert err.startswith("focaltheory calibrate: --alpha takes one token: a number or comma-separated numbers "
                          "without spaces (e.g. 1,2,0.5); '--alpha 1 2' is the space-separated form")


def test_calibrate_help_documents_alpha(capsys):
    assert main(["calibrate", "--help"]) == 0
    text = " ".join(capsys.readouterr().out.split())
    assert "--alpha A[,A...]" in text and "one token: a number or comma-separated numbers without spaces" in text
    assert "space-separated values are refused" in text and "--header" in text
