"""CLI for the focal-loss variants: ``focaltheory calibrate`` and ``focaltheory solve --loss sigmoid``.

Expected numbers come from the documented closed forms (score 1/2 <-> posterior
1 - alpha) and from the library functions tested against mpmath elsewhere.
"""

import json
import subprocess
import sys

import numpy as np
import pytest

from focaltheory import minimizer
from focaltheory.cli import main
from focaltheory.sigmoid import sigmoid_minimizer, sigmoid_posterior


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


def test_solve_loss_sigmoid_table_and_json(capsys):
    code, out, _ = _run(["solve", "--loss", "sigmoid", "--gamma", "2", "0.01", "0.75", "0.99"], capsys)
    assert code == 0
    assert "sigmoid focal loss minimizer at gamma = 2, alpha = 0.25" in out
    assert "converged: True" in out
    code, out, _ = _run(["solve", "--loss", "sigmoid", "--gamma", "2", "--json", "0.01", "0.75", "0.99"], capsys)
    d = json.loads(out)
    s = [r["s"] for r in d["classes"]]
    np.testing.assert_array_equal(s, sigmoid_minimizer([0.01, 0.75, 0.99], 2.0, 0.25).s)
    assert s[1] == 0.5 and d["alpha"] == 0.25 and d["converged"]
    # --alpha -1: no weighting (options before the positional values)
    code, out, _ = _run(["solve", "--loss", "sigmoid", "--gamma", "1", "--json", "0.3", "--alpha", "-1"], capsys)
    d = json.loads(out)
    assert d["alpha"] is None
    assert d["classes"][0]["s"] == sigmoid_minimizer(0.3, 1.0, None).s


def test_solve_loss_sigmoid_batch_file(tmp_path, capsys):
    eta = np.array([[1e-300, 0.2], [0.75, 1 - 1e-15]])
    f, o = tmp_path / "eta.npy", tmp_path / "s.npy"
    np.save(f, eta)
    code, out, _ = _run(["solve", "--loss", "sigmoid", "--gamma", "2", "--input", str(f), "--output", str(o)], capsys)
    assert code == 0 and "all converged: True" in out
    np.testing.assert_array_equal(np.load(o), sigmoid_minimizer(eta, 2.0, 0.25).s)
    code, out, _ = _run(["solve", "--loss", "sigmoid", "--gamma", "2", "--input", str(f), "--json"], capsys)
    d = json.loads(out)
    assert d["values"] == 4 and d["all_converged"]
    np.testing.assert_array_equal(d["s"], sigmoid_minimizer(eta, 2.0, 0.25).s.tolist())


def test_solve_softmax_unchanged_by_loss_option(capsys):
    code, out, _ = _run(["solve", "--gamma", "2", "--json", "0.7", "0.2", "0.1"], capsys)
    code2, out2, _ = _run(["solve", "--loss", "softmax", "--gamma", "2", "--json", "0.7", "0.2", "0.1"], capsys)
    assert code == code2 == 0 and out == out2
    q = [r["q"] for r in json.loads(out)["classes"]]
    np.testing.assert_array_equal(q, minimizer([0.7, 0.2, 0.1], 2.0).q)


@pytest.mark.parametrize("argv, needle", [
    (["calibrate", "--loss", "sigmoid", "--alpha", "1.5", "{f}"], "alpha must lie in [0, 1]"),
    (["calibrate", "--loss", "sigmoid", "--alpha", "0", "{f}"], "zero weight"),
    (["calibrate", "--loss", "sigmoid", "{bad}"], "probs must lie in [0, 1]"),
    (["calibrate", "--loss", "sigmoid", "--gamma", "-1", "{f}"], "gamma must be nonnegative"),
    (["calibrate", "--gamma", "2", "{f}"], "must sum to 1"),
    (["calibrate", "--alpha", "1,-2", "{f}"], "nonnegative"),
    (["calibrate", "--alpha", "1,2,3", "{rows}"], "not broadcastable"),
    (["calibrate", "--loss", "sigmoid", "{missing}"], "not found"),
    (["calibrate", "--loss", "sigmoid", "{txt}"], ".csv or .npy"),
    (["calibrate", "--loss", "sigmoid", "{text}"], "not a numeric CSV"),
    (["calibrate", "--loss", "sigmoid", "--alpha", "0.2,x", "{f}"], "comma-separated"),
    (["calibrate", "--loss", "hinge", "{f}"], "invalid choice"),
    (["solve", "--loss", "sigmoid", "--gamma", "2", "1.5"], "eta must lie in [0, 1]"),
    (["solve", "--loss", "sigmoid", "--gamma", "2", "--alpha", "2", "--", "0.5"], "alpha must lie in [0, 1]"),
    (["solve", "--loss", "sigmoid", "--gamma", "2"], "give the posteriors"),
])
def test_bad_input_one_line_exit_2(tmp_path, capsys, argv, needle):
    f = tmp_path / "s.csv"
    np.savetxt(f, [[0.2, 0.5], [0.3, 0.4]], delimiter=",")
    bad = tmp_path / "bad.csv"
    np.savetxt(bad, [0.2, 1.5], delimiter=",")
    txt = tmp_path / "s.txt"
    txt.write_text("0.2\n")
    text = tmp_path / "text.csv"
    text.write_text("a,b\n")
    rows = tmp_path / "rows.csv"
    np.savetxt(rows, [[0.2, 0.8], [0.5, 0.5]], delimiter=",")
    paths = dict(f=f, rows=rows, bad=bad, missing=tmp_path / "missing.csv", txt=txt, text=text)
    argv = [a.format(**paths) for a in argv]
    try:
        code = main(argv)
    except SystemExit as exc:  # argparse errors may exit instead of returning
        code = exc.code
    out, err = capsys.readouterr()
    assert code == 2
    assert needle in err, err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_no_traceback_from_the_console(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("0.2,1.5\n")
    r = subprocess.run([sys.executable, "-m", "focaltheory", "calibrate", "--loss", "sigmoid", str(bad)],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 2
    assert r.stderr.count("\n") == 1 and "Traceback" not in r.stderr and "probs must lie" in r.stderr


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
    assert code == 0 and len(out.strip().splitlines()) == 3  # two summary lines, then one row of 3 scores
    assert _csv(out.strip().splitlines()[-1]).shape == (1, 3)


def test_calibrate_softmax_one_column_csv_is_one_class_rows(tmp_path, capsys):
    # one column = a batch of one-class distributions (each must be 1; logits give 1)
    f = tmp_path / "col.csv"
    f.write_text("3.0\n-1.0\n")
    code, out, _ = _run(["calibrate", "--logits", str(f)], capsys)
    assert code == 0 and out.split() == ["1", "1"]


def test_solve_loss_sigmoid_json_is_strict(capsys, tmp_path):
    def refuse(token):
        raise ValueError(f"non-standard JSON constant {token}")

    code, out, _ = _run(["solve", "--loss", "sigmoid", "--gamma", "2", "--json", "0", "0.3", "1"], capsys)
    assert code == 0
    d = json.loads(out, parse_constant=refuse)
    assert [r["logit"] for r in d["classes"]][::2] == ["-inf", "inf"]
    assert [r["s"] for r in d["classes"]][::2] == [0.0, 1.0]
    f = tmp_path / "eta.csv"
    f.write_text("0,0.3,1\n")
    code, out, _ = _run(["solve", "--loss", "sigmoid", "--gamma", "2", "--json", "--input", str(f)], capsys)
    d = json.loads(out, parse_constant=refuse)
    assert code == 0 and d["values"] == 3
    np.testing.assert_array_equal(d["s"], sigmoid_minimizer(np.array([[0.0, 0.3, 1.0]]), 2.0, 0.25).s.tolist())


def test_json_help_documents_non_finite_numbers(capsys):
    assert main(["solve", "--help"]) == 0
    assert '"inf", "-inf", "nan"' in " ".join(capsys.readouterr().out.split())


@pytest.mark.parametrize("content", ["", "\n"])
def test_calibrate_empty_csv_one_line_even_under_W_error(tmp_path, content):
    f = tmp_path / "empty.csv"
    f.write_text(content)
    r = subprocess.run([sys.executable, "-W", "error", "-m", "focaltheory", "calibrate", str(f)],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 2 and r.stdout == ""
    assert r.stderr == f"focaltheory calibrate: error: FILE {str(f)!r} has no rows\n"
