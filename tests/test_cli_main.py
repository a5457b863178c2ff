"""The ``focaltheory`` command: dispatch, one-line errors, the console entry point, ``verify``."""

import json
import subprocess
import sys

import numpy as np
import pytest

from focaltheory.cli import main


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
    text.write_text("0.2,0.5\na,b\n")  # a text row after a numeric first line (a text first line is a header)
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


def test_verify_arguments_pass_through(monkeypatch, capsys):
    import focaltheory.claims

    seen = []

    def fake(argv):
        seen.append(argv)
        if "--help" in argv:
            raise SystemExit(0)
        if "--bad" in argv:
            raise ValueError("unknown claim 'x'\nsecond line")
        return 7

    monkeypatch.setattr(focaltheory.claims, "main_verify", fake)
    argv = ["--quick", "--claim", "x", "--seed", "-1", "--json", "--", "y"]
    assert main(["verify"] + argv) == 7 and seen[-1] == argv
    assert main(["verify"]) == 7 and seen[-1] == []
    assert main(["verify", "--help"]) == 0 and seen[-1] == ["--help"]
    assert main(["verify", "--bad"]) == 2
    assert capsys.readouterr().err == "focaltheory verify: error: unknown claim 'x'\n"


def test_top_level_help_and_usage(capsys):
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: focaltheory [-h] {solve,verify,calibrate} ...")
    assert out.rstrip().endswith("Run 'focaltheory COMMAND --help' for the options of a command.")
    for name in ("solve", "verify", "calibrate"):
        assert f"\n    {name} " in out
    assert main([]) == 2
    assert capsys.readouterr().err == "focaltheory: the following arguments are required: command\n"
    assert main(["frobnicate"]) == 2
    assert "invalid choice: 'frobnicate'" in capsys.readouterr().err


def test_import_focaltheory_does_not_load_the_cli():
    code = ("import sys, focaltheory, focaltheory.calibration; "
            "print(sorted(m for m in sys.modules if m.startswith('focaltheory.cli')))")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0 and r.stdout.strip() == "[]", r.stderr


def test_calibration_imports_neither_cli_nor_scipy_optimize_at_import_time():
    import ast
    import inspect

    import focaltheory.calibration

    tree = ast.parse(inspect.getsource(focaltheory.calibration))
    top = []
    for node in tree.body:  # module level only: function bodies may import lazily
        if isinstance(node, ast.ImportFrom):
            top.append("." * node.level + (node.module or ""))
        elif isinstance(node, ast.Import):
            top.extend(a.name for a in node.names)
    assert not [m for m in top if m.startswith(("scipy.optimize", ".cli", "focaltheory.cli"))], top


def test_python_m_focaltheory_cli_runs_too():
    r = subprocess.run([sys.executable, "-m", "focaltheory.cli", "solve", "--gamma", "0", "--json", "0.25", "0.75"],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0 and [c["q"] for c in json.loads(r.stdout)["classes"]] == [0.25, 0.75]
