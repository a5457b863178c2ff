"""``focaltheory solve``: the table, JSON, batches from files, and the sigmoid loss."""

import json
import warnings

import numpy as np
import pytest

from focaltheory import minimizer
from focaltheory.cli import main

from _cli import csv_rows, run
from focaltheory.sigmoid import sigmoid_minimizer


def test_solve_table(capsys):
    assert main(["solve", "--gamma", "2", "0.7", "0.2", "0.1"]) == 0
    out = capsys.readouterr().out
    q = minimizer([0.7, 0.2, 0.1], 2).q
    assert f"{q[0]:.6g}" in out and f"{q[2]:.6g}" in out
    lines = out.splitlines()
    assert lines[2].split()[-1] == "suppressed"  # 0.7 -> 0.535
    assert lines[3].split()[-1] == "amplified"
    assert "lambda*" in out and "converged: True" in out


def test_solve_json(capsys):
    assert main(["solve", "--gamma", "1", "--json", "3", "1", "0"]) == 0
    out = json.loads(capsys.readouterr().out)
    ref = minimizer([0.75, 0.25, 0.0], 1.0)
    assert [c["q"] for c in out["classes"]] == ref.q.tolist()
    assert out["classes"][2]["effect"] == "absent" and out["classes"][2]["q"] == 0.0
    assert out["log_lambda"] == float(ref.log_lam) and out["converged"] is True


@pytest.mark.parametrize("ext", [".csv", ".npy"])
def test_solve_batch_files(tmp_path, ext, capsys):
    P = np.random.default_rng(0).dirichlet(np.ones(4), size=5)
    src, dst = tmp_path / f"p{ext}", tmp_path / f"q{ext}"
    if ext == ".csv":
        np.savetxt(src, P, delimiter=",", fmt="%.17g")
    else:
        np.save(src, P)
    assert main(["solve", "--gamma", "2", "--input", str(src), "--output", str(dst)]) == 0
    Q = np.loadtxt(dst, delimiter=",") if ext == ".csv" else np.load(dst)
    np.testing.assert_array_equal(Q, minimizer(P, 2).q)
    assert "solved 5 distributions of 4 classes" in capsys.readouterr().out


def _strict_json(text):
    """json.loads that refuses the non-standard tokens Infinity, -Infinity and NaN."""
    def refuse(token):
        raise ValueError(f"non-standard JSON constant {token}")
    return json.loads(text, parse_constant=refuse)


def test_solve_weights_whose_sum_overflows(capsys):
    # P.sum() overflows; the table must show the normalized p = 1/2, without a RuntimeWarning
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert main(["solve", "--gamma", "2", "1e308", "1e308"]) == 0
        lines = capsys.readouterr().out.splitlines()
        assert lines[2].split() == ["0", "0.5", "0.5", "1.000000", "unchanged"]
        assert lines[3].split() == ["1", "0.5", "0.5", "1.000000", "unchanged"]
        assert main(["solve", "--gamma", "2", "--json", "1e308", "1.7e308"]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    d = _strict_json(out)
    np.testing.assert_allclose([c["p"] for c in d["classes"]], [1 / 2.7, 1.7 / 2.7], rtol=1e-15)
    np.testing.assert_allclose([c["q"] for c in d["classes"]], minimizer([1.0, 1.7], 2).q, rtol=1e-14)
    assert [c["effect"] for c in d["classes"]] == ["amplified", "suppressed"]


def test_solve_ratio_overflow_is_inf_without_warning(capsys):
    # q*/p overflows for a subnormal p: shown as inf (table) and "inf" (JSON), no RuntimeWarning
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert main(["solve", "--gamma", "60", "1", "5e-324"]) == 0
        assert capsys.readouterr().out.splitlines()[3].split()[3] == "inf"
        assert main(["solve", "--gamma", "60", "--json", "1", "5e-324"]) == 0
    assert _strict_json(capsys.readouterr().out)["classes"][1]["ratio"] == "inf"


def test_solve_json_non_finite_as_strings(tmp_path, capsys):
    # a point mass has log lambda* = -inf: printed as the string "-inf", not the invalid token -Infinity
    assert main(["solve", "--gamma", "2", "--json", "1", "0"]) == 0
    d = _strict_json(capsys.readouterr().out)
    assert d["log_lambda"] == "-inf" and d["lambda"] == 0.0 and float(d["log_lambda"]) == -np.inf
    f = tmp_path / "p.npy"
    np.save(f, np.array([[1.0, 0.0], [0.5, 0.5]]))
    assert main(["solve", "--gamma", "2", "--json", "--input", str(f)]) == 0
    d = _strict_json(capsys.readouterr().out)
    assert d["log_lam"][0] == "-inf" and d["log_lam"][1] == float(minimizer([0.5, 0.5], 2).log_lam)


def test_solve_csv_one_row_and_one_column(tmp_path, capsys):
    # CSV: one distribution per row, also for one row (1 x K) and for one column (N x 1: N point masses)
    row, col, out = tmp_path / "row.csv", tmp_path / "col.csv", tmp_path / "q.csv"
    row.write_text("0.7,0.2,0.1\n")
    col.write_text("0.1\n0.5\n0.9\n")
    assert main(["solve", "--gamma", "2", "--input", str(row), "--output", str(out)]) == 0
    assert "solved 1 distributions of 3 classes" in capsys.readouterr().out
    assert out.read_text().count("\n") == 1
    np.testing.assert_array_equal(np.loadtxt(out, delimiter=",", ndmin=2), minimizer([[0.7, 0.2, 0.1]], 2).q)
    assert main(["solve", "--gamma", "2", "--input", str(col), "--output", str(out)]) == 0
    assert "solved 3 distributions of 1 classes" in capsys.readouterr().out
    assert out.read_text().split() == ["1", "1", "1"]
    # a 1-D .npy file is one distribution, and is written to CSV as one row
    one = tmp_path / "one.npy"
    np.save(one, np.array([0.7, 0.2, 0.1]))
    assert main(["solve", "--gamma", "2", "--input", str(one), "--output", str(out)]) == 0
    assert out.read_text().count("\n") == 1 and out.read_text().count(",") == 2


@pytest.mark.parametrize("content, needle", [
    ("", "has no rows"),
    ("\n\n", "has no rows"),
    ("# only a comment\n", "has no rows"),
    (np.zeros((0, 3)), "has no rows"),
    (np.zeros((3, 0)), "has no columns"),
    (np.zeros(0), "has no values"),
])
@pytest.mark.parametrize("loss", ["softmax", "sigmoid"])
def test_solve_empty_input_is_one_line_error(tmp_path, capsys, content, needle, loss):
    if isinstance(content, str):
        f = tmp_path / "empty.csv"
        f.write_text(content)
    else:
        f = tmp_path / "empty.npy"
        np.save(f, content)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        code = main(["solve", "--loss", loss, "--gamma", "2", "--input", str(f), "--output", str(tmp_path / "o.csv")])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert err.strip() == f"focaltheory solve: error: --input {str(f)!r} {needle}"
    assert not (tmp_path / "o.csv").exists()




def test_solve_loss_sigmoid_table_and_json(capsys):
    code, out, _ = run(["solve", "--loss", "sigmoid", "--gamma", "2", "0.01", "0.75", "0.99"], capsys)
    assert code == 0
    assert "sigmoid focal loss minimizer at gamma = 2, alpha = 0.25" in out
    assert "converged: True" in out
    code, out, _ = run(["solve", "--loss", "sigmoid", "--gamma", "2", "--json", "0.01", "0.75", "0.99"], capsys)
    d = json.loads(out)
    s = [r["s"] for r in d["classes"]]
    np.testing.assert_array_equal(s, sigmoid_minimizer([0.01, 0.75, 0.99], 2.0, 0.25).s)
    assert s[1] == 0.5 and d["alpha"] == 0.25 and d["converged"]
    # --alpha -1: no weighting (options before the positional values)
    code, out, _ = run(["solve", "--loss", "sigmoid", "--gamma", "1", "--json", "0.3", "--alpha", "-1"], capsys)
    d = json.loads(out)
    assert d["alpha"] is None
    assert d["classes"][0]["s"] == sigmoid_minimizer(0.3, 1.0, None).s


def test_solve_loss_sigmoid_batch_file(tmp_path, capsys):
    eta = np.array([[1e-300, 0.2], [0.75, 1 - 1e-15]])
    f, o = tmp_path / "eta.npy", tmp_path / "s.npy"
    np.save(f, eta)
    code, out, _ = run(["solve", "--loss", "sigmoid", "--gamma", "2", "--input", str(f), "--output", str(o)], capsys)
    assert code == 0 and "all converged: True" in out
    np.testing.assert_array_equal(np.load(o), sigmoid_minimizer(eta, 2.0, 0.25).s)
    code, out, _ = run(["solve", "--loss", "sigmoid", "--gamma", "2", "--input", str(f), "--json"], capsys)
    d = json.loads(out)
    assert d["values"] == 4 and d["all_converged"]
    np.testing.assert_array_equal(d["s"], sigmoid_minimizer(eta, 2.0, 0.25).s.tolist())


def test_solve_softmax_unchanged_by_loss_option(capsys):
    code, out, _ = run(["solve", "--gamma", "2", "--json", "0.7", "0.2", "0.1"], capsys)
    code2, out2, _ = run(["solve", "--loss", "softmax", "--gamma", "2", "--json", "0.7", "0.2", "0.1"], capsys)
    assert code == code2 == 0 and out == out2
    q = [r["q"] for r in json.loads(out)["classes"]]
    np.testing.assert_array_equal(q, minimizer([0.7, 0.2, 0.1], 2.0).q)


def test_solve_loss_sigmoid_json_is_strict(capsys, tmp_path):
    def refuse(token):
        raise ValueError(f"non-standard JSON constant {token}")

    code, out, _ = run(["solve", "--loss", "sigmoid", "--gamma", "2", "--json", "0", "0.3", "1"], capsys)
    assert code == 0
    d = json.loads(out, parse_constant=refuse)
    assert [r["logit"] for r in d["classes"]][::2] == ["-inf", "inf"]
    assert [r["s"] for r in d["classes"]][::2] == [0.0, 1.0]
    f = tmp_path / "eta.csv"
    f.write_text("0,0.3,1\n")
    code, out, _ = run(["solve", "--loss", "sigmoid", "--gamma", "2", "--json", "--input", str(f)], capsys)
    d = json.loads(out, parse_constant=refuse)
    assert code == 0 and d["values"] == 3
    np.testing.assert_array_equal(d["s"], sigmoid_minimizer(np.array([[0.0, 0.3, 1.0]]), 2.0, 0.25).s.tolist())


def test_json_help_documents_non_finite_numbers(capsys):
    assert main(["solve", "--help"]) == 0
    assert '"inf", "-inf", "nan"' in " ".join(capsys.readouterr().out.split())


# -- the batch output on stdout is a CSV file ----------------------------------

@pytest.mark.parametrize("loss", ["softmax", "sigmoid"])
def test_solve_input_without_output_prints_only_csv(tmp_path, capsys, loss):
    P = np.random.default_rng(1).dirichlet(np.ones(3), size=4)
    f = tmp_path / "p.npy"
    np.save(f, P)
    code, out, err = run(["solve", "--loss", loss, "--gamma", "2", "--input", str(f)], capsys)
    assert code == 0
    want = minimizer(P, 2.0).q if loss == "softmax" else sigmoid_minimizer(P, 2.0, 0.25).s
    assert len(out.splitlines()) == 4
    np.testing.assert_array_equal(np.loadtxt(out.splitlines(), delimiter=","), want)  # every stdout line is data
    lines = err.splitlines()
    assert len(lines) == 2 and lines[1].startswith("all converged: True")
    assert lines[0] == ("solved 4 distributions of 3 classes at gamma = 2" if loss == "softmax" else
                        "sigmoid focal minimizer for 12 posteriors at gamma = 2, alpha = 0.25")
    # with --output the summary stays on stdout and nothing goes to stderr
    code, out, err = run(["solve", "--loss", loss, "--gamma", "2", "--input", str(f), "--output",
                           str(tmp_path / "q.csv")], capsys)
    assert code == 0 and err == "" and len(out.splitlines()) == 3 and "written to" in out


# -- --alpha: one token, the same in solve and calibrate ----------------------------

def test_solve_alpha_comma_separated(capsys):
    want = minimizer([0.9, 0.05, 0.05], 2.0, alpha=[0.25, 1.0, 1.0]).q
    assert not np.allclose(want, minimizer([0.9, 0.05, 0.05], 2.0).q)  # the weights matter
    for argv in (["--alpha", "0.25,1,1", "0.9", "0.05", "0.05"],
                 ["0.9", "0.05", "0.05", "--alpha", "0.25,1,1"],
                 ["--alpha=0.25,1,1", "0.9", "0.05", "0.05"],
                 ["--alpha", "0.25,1,1", "--", "0.9", "0.05", "0.05"]):
        code, out, err = run(["solve", "--gamma", "2", "--json"] + argv, capsys)
        assert code == 0 and err == "", argv
        np.testing.assert_array_equal([c["q"] for c in json.loads(out)["classes"]], want)


def test_solve_sigmoid_alpha_per_class(capsys):
    code, out, _ = run(["solve", "--loss", "sigmoid", "--gamma", "2", "--json", "--alpha", "0.25,0.5",
                         "0.3", "0.3"], capsys)
    d = json.loads(out)
    assert code == 0 and d["alpha"] == [0.25, 0.5]
    np.testing.assert_array_equal([c["s"] for c in d["classes"]],
                                  sigmoid_minimizer([0.3, 0.3], 2.0, np.array([0.25, 0.5])).s)
    assert d["classes"][0]["s"] != d["classes"][1]["s"]


@pytest.mark.parametrize("argv", [
    ["solve", "--gamma", "2", "0.9", "0.05", "0.05", "--alpha", "0.25", "1", "1"],
    ["solve", "--gamma", "2", "--alpha", "0.25", "1", "1", "--", "0.9", "0.05", "0.05"],
    ["solve", "--gamma", "2", "--al", "0.25", "1", "1", "--", "0.9", "0.05", "0.05"],
    ["solve", "--loss", "sigmoid", "--gamma", "2", "--alpha", "0.25", "0.3"],
    ["solve", "--loss", "sigmoid", "--gamma", "2", "--alpha", "-1", "0.3"],
])
def test_solve_space_separated_alpha_is_refused(capsys, argv):
    code, out, err = run(argv, capsys)
    assert code == 2 and out == "" and err.count("\n") == 1
    i = next(k for k, a in enumerate(argv) if a.startswith("--al"))
    assert err.startswith(f"focaltheory solve: --alpha takes one token: a number or comma-separated numbers "
                          f"without spaces (e.g. 1,2,0.5); '{argv[i]} {argv[i + 1]} {argv[i + 2]}' is the "
                          "space-separated form: join the values with commas")


def test_solve_help_documents_alpha_and_stdout(capsys):
    assert main(["solve", "--help"]) == 0
    text = " ".join(capsys.readouterr().out.split())
    assert "--alpha A[,A...]" in text and "one token: a number or comma-separated numbers without spaces" in text
    assert "stdout holds only the CSV rows of the result (the summary goes to stderr)" in text
    assert "space-separated values are refused" in text
    assert "--header" in text and "index column of pandas' to_csv" in text
