"""The ``focaltheory`` command line: output, batches, and one-line errors."""

import json
import subprocess
import sys

import numpy as np
import pytest

from focaltheory import minimizer
from focaltheory.cli import main


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


@pytest.mark.parametrize("argv,msg", [
    (["solve", "--gamma", "2", "0.7", "-0.2"], "p must be nonnegative"),
    (["solve", "--gamma", "-1", "0.5", "0.5"], "gamma must be nonnegative"),
    (["solve", "--gamma", "2"], "give the weights of P"),
    (["solve", "--gamma", "2", "--input", "missing.csv"], "missing.csv"),
    (["solve", "--gamma", "2", "--input", "x.txt"], "--input must be a .csv or .npy file"),
    (["solve", "0.5", "0.5"], "the following arguments are required: --gamma"),
    (["solve", "--gamma", "abc", "0.5"], "invalid float value"),
])
def test_errors_are_one_line(argv, msg, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert msg in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_console_entry_point_runs_as_module():
    done = subprocess.run([sys.executable, "-m", "focaltheory", "solve", "--gamma", "2", "0.5", "0.5"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and "0.5" in done.stdout
    bad = subprocess.run([sys.executable, "-m", "focaltheory", "solve", "--gamma", "2", "nan", "1"],
                         capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2 and bad.stderr.strip() == "focaltheory solve: error: p must be finite, found NaN"
