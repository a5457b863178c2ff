"""Files of the command line (focaltheory._arrayio): CSV headers, bad .npy files, all-or-nothing writes."""

import os
import resource
import signal
import stat
import subprocess
import sys

import numpy as np
import pytest

from focaltheory import minimizer
from focaltheory._arrayio import read_array, write_array
from focaltheory.cli import main

from _cli import csv_rows, run
from focaltheory.sigmoid import sigmoid_minimizer, sigmoid_posterior

P = np.array([[0.7, 0.2, 0.1], [0.1, 0.3, 0.6]])




def _rows(arr):
    return "".join(",".join(repr(float(v)) for v in row) + "\n" for row in arr)


# -- CSV headers ----------------------------------------------------------------

# what pandas.DataFrame(P, columns=["a", "b", "c"]).to_csv(path) writes (index=True, the default),
# the same with index=False, and DataFrame(P).to_csv(path) (integer column names, index=True)
PANDAS_INDEX = ",a,b,c\n" + "".join(f"{i}," + _rows(P[i:i + 1]) for i in range(2))
PANDAS_NO_INDEX = "a,b,c\n" + _rows(P)
PANDAS_INT_COLUMNS = ",0,1,2\n" + "".join(f"{i}," + _rows(P[i:i + 1]) for i in range(2))


@pytest.mark.parametrize("text", [PANDAS_INDEX, PANDAS_NO_INDEX, PANDAS_INT_COLUMNS,
                                  "\ufeff" + PANDAS_INDEX,                      # with a UTF-8 byte order mark
                                  "# scores\n\n" + PANDAS_NO_INDEX,             # comments and blank lines first
                                  '"a, first",b,c\n' + _rows(P),                 # a quoted name with a comma
                                  PANDAS_INDEX.replace("\n", "\r\n")])          # Windows line ends
def test_read_csv_with_a_header(tmp_path, text):
    f = tmp_path / "p.csv"
    f.write_bytes(text.encode("utf-8"))
    got = read_array(str(f), "--input")
    assert got.shape == (2, 3)
    np.testing.assert_array_equal(got, P)


def test_numeric_first_line_is_data_unless_header(tmp_path):
    # to_csv(index=False) of a frame with integer column names writes "0,1,2": data by the rule, --header skips it
    f = tmp_path / "p.csv"
    f.write_text("0,1,2\n" + _rows(P))
    np.testing.assert_array_equal(read_array(str(f), "--input"), np.vstack([[0, 1, 2], P]))
    np.testing.assert_array_equal(read_array(str(f), "--input", header=True), P)
    # without a header, --header drops the first data row (the flag is explicit)
    g = tmp_path / "q.csv"
    g.write_text(_rows(P))
    np.testing.assert_array_equal(read_array(str(g), "--input", header=True), P[1:])


def test_header_only_and_malformed_first_rows(tmp_path):
    f = tmp_path / "h.csv"
    f.write_text("a,b,c\n")
    with pytest.raises(ValueError, match=r"has no rows \(only a header line\)"):
        read_array(str(f), "--input")
    # an empty field that is not the first one is a malformed row, not a header
    f.write_text("0.5,,0.5\n0.2,0.3,0.5\n")
    with pytest.raises(ValueError, match="not a numeric CSV file"):
        read_array(str(f), "--input")
    # a text row after the first line is an error, not a header
    f.write_text("0.5,0.5\nx,y\n")
    with pytest.raises(ValueError, match="not a numeric CSV file"):
        read_array(str(f), "--input")


@pytest.mark.parametrize("loss", ["softmax", "sigmoid"])
def test_solve_and_calibrate_read_pandas_csv(tmp_path, capsys, loss):
    f = tmp_path / "p.csv"
    f.write_text(PANDAS_INDEX)
    code, out, err = run(["solve", "--loss", loss, "--gamma", "2", "--input", str(f)], capsys)
    assert code == 0
    want = minimizer(P, 2.0).q if loss == "softmax" else sigmoid_minimizer(P, 2.0, 0.25).s
    np.testing.assert_array_equal(csv_rows(out), want)
    # the outputs of a model, with a header, back to P
    g = tmp_path / "q.csv"
    g.write_text(",a,b,c\n" + "".join(f"{i}," + _rows(want[i:i + 1]) for i in range(2)))
    code, out, err = run(["calibrate", "--loss", loss, "--gamma", "2", str(g)], capsys)
    assert code == 0 and err == ""
    np.testing.assert_allclose(csv_rows(out), P if loss == "softmax" else sigmoid_posterior(want, 2.0, 0.25),
                               rtol=1e-12)


def test_header_flag_on_the_command_line(tmp_path, capsys):
    f = tmp_path / "p.csv"
    f.write_text("0,1,2\n" + _rows(P))
    code, out, _ = run(["solve", "--gamma", "2", "--header", "--input", str(f)], capsys)
    assert code == 0
    np.testing.assert_array_equal(csv_rows(out), minimizer(P, 2.0).q)
    code, out, _ = run(["calibrate", "--header", "--loss", "sigmoid", str(f)], capsys)
    assert code == 0
    np.testing.assert_array_equal(csv_rows(out), sigmoid_posterior(P, 2.0, 0.25))


# -- files that are not what their name says --------------------------------------------

def _bad_npy(tmp_path, kind):
    f = tmp_path / "x.npy"
    if kind == "empty":
        f.write_bytes(b"")
    elif kind == "npz":
        np.savez(tmp_path / "x.npz", a=P, b=P)
        os.replace(tmp_path / "x.npz", f)
    elif kind == "text":
        f.write_text("0.5,0.5\n")
    elif kind == "truncated":
        np.save(f, P)
        f.write_bytes(f.read_bytes()[:-8])
    return f


BAD_NPY = {"empty": "is empty (0 bytes), not a .npy file",
           "npz": "is an .npz archive (several arrays), not a .npy file",
           "text": "is not a .npy file (no NumPy header)",
           "truncated": "is not a valid .npy file"}


@pytest.mark.parametrize("kind", list(BAD_NPY))
@pytest.mark.parametrize("command", [["solve", "--gamma", "2", "--input"],
                                     ["solve", "--loss", "sigmoid", "--gamma", "2", "--input"],
                                     ["calibrate"], ["calibrate", "--loss", "sigmoid"]])
def test_bad_npy_is_one_line_exit_2(tmp_path, capsys, kind, command):
    f = _bad_npy(tmp_path, kind)
    name = "--input" if command[0] == "solve" else "FILE"
    code, out, err = run(command + [str(f), "--output", str(tmp_path / "o.npy")], capsys)
    assert code == 2 and out == ""
    assert err.startswith(f"focaltheory {command[0]}: error: {name} {str(f)!r} {BAD_NPY[kind]}")
    assert err.count("\n") == 1
    assert not (tmp_path / "o.npy").exists()


def test_bad_npy_from_the_console(tmp_path):
    for kind in ("empty", "npz"):
        f = _bad_npy(tmp_path, kind)
        r = subprocess.run([sys.executable, "-m", "focaltheory", "solve", "--gamma", "2", "--input", str(f)],
                           capture_output=True, text=True, timeout=60)
        assert r.returncode == 2 and r.stdout == "" and "Traceback" not in r.stderr
        assert r.stderr == f"focaltheory solve: error: --input {str(f)!r} {BAD_NPY[kind]}\n"


# -- output files: written whole or not at all --------------------------------------------

def _limit_file_size(limit):
    def preexec():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return preexec


@pytest.fixture(scope="module")
def big(tmp_path_factory):
    d = tmp_path_factory.mktemp("big")
    P = np.random.default_rng(0).dirichlet(np.ones(4), size=3000)  # Q* in CSV: about 230 kB
    np.save(d / "big.npy", P)
    np.savetxt(d / "big.csv", P, delimiter=",", fmt="%.17g")
    return d


@pytest.mark.parametrize("argv, ext", [
    (["solve", "--gamma", "2", "--input", "{big}.csv", "--output", "{out}"], ".csv"),
    (["solve", "--gamma", "2", "--input", "{big}.npy", "--output", "{out}"], ".npy"),
    (["solve", "--loss", "sigmoid", "--gamma", "2", "--input", "{big}.npy", "--output", "{out}"], ".csv"),
    (["calibrate", "--loss", "sigmoid", "{big}.csv", "--output", "{out}"], ".npy"),
    (["calibrate", "--loss", "sigmoid", "{big}.npy", "--output", "{out}"], ".csv"),
])
@pytest.mark.parametrize("existing", [True, False])
def test_output_under_a_file_size_limit(tmp_path, big, argv, ext, existing):
    out = tmp_path / f"precious{ext}"
    if existing:
        out.write_bytes(b"precious contents\n")
        os.chmod(out, 0o640)
    argv = [a.format(big=big / "big", out=out) for a in argv]
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    r = subprocess.run([sys.executable, "-m", "focaltheory"] + argv, capture_output=True, text=True,
                       timeout=120, preexec_fn=_limit_file_size(64 * 1024), env=env)
    assert r.returncode == 2 and "Traceback" not in r.stderr, r.stderr
    assert r.stderr.count("\n") == 1
    assert f"--output {str(out)!r} was not written (left unchanged)" in r.stderr
    if existing:
        assert out.read_bytes() == b"precious contents\n"
        assert stat.S_IMODE(os.stat(out).st_mode) == 0o640
    else:
        assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ([out.name] if existing else [])  # no temporary left
    if not existing:
        return
    # without the limit the same command writes the whole file
    r = subprocess.run([sys.executable, "-m", "focaltheory"] + argv, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    got = np.load(out) if ext == ".npy" else np.loadtxt(out, delimiter=",", ndmin=2)
    assert got.shape == (3000, 4)
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o640  # the replaced file keeps its permissions


def test_write_array_failure_leaves_nothing(tmp_path, monkeypatch):
    target = tmp_path / "q.csv"
    target.write_text("old\n")

    def boom(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(np, "savetxt", boom)
    with pytest.raises(OSError, match=r"--output '.*q\.csv' was not written \(left unchanged\): No space left"):
        write_array(str(target), P)
    assert target.read_text() == "old\n" and [p.name for p in tmp_path.iterdir()] == ["q.csv"]
    monkeypatch.setattr(np, "savetxt", lambda *a, **k: (_ for _ in ()).throw(KeyboardInterrupt()))
    with pytest.raises(KeyboardInterrupt):
        write_array(str(tmp_path / "new.csv"), P)
    assert [p.name for p in tmp_path.iterdir()] == ["q.csv"]


def test_write_array_new_file_mode_and_symlink(tmp_path):
    umask = os.umask(0o022)
    try:
        write_array(str(tmp_path / "q.npy"), P)
    finally:
        os.umask(umask)
    assert stat.S_IMODE(os.stat(tmp_path / "q.npy").st_mode) == 0o644
    np.testing.assert_array_equal(np.load(tmp_path / "q.npy"), P)
    # through a symbolic link the linked file is replaced, the link stays
    real, link = tmp_path / "real.csv", tmp_path / "link.csv"
    real.write_text("old\n")
    link.symlink_to(real)
    write_array(str(link), P)
    assert link.is_symlink()
    np.testing.assert_array_equal(np.loadtxt(real, delimiter=","), P)


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root may write read-only files")
def test_read_only_output_is_refused(tmp_path, capsys):
    f, out = tmp_path / "p.csv", tmp_path / "q.csv"
    f.write_text(_rows(P))
    out.write_text("keep\n")
    os.chmod(out, 0o444)
    code, _, err = run(["solve", "--gamma", "2", "--input", str(f), "--output", str(out)], capsys)
    assert code == 2 and "is not writable" in err and out.read_text() == "keep\n"


@pytest.mark.parametrize("argv", [
    ["solve", "--gamma", "2", "--input", "{f}", "--output", "{d}/missing/q.csv"],
    ["calibrate", "{f}", "--output", "{d}/missing/q.npy"],
])
def test_output_in_a_missing_directory(tmp_path, capsys, argv):
    f = tmp_path / "p.csv"
    f.write_text(_rows(P))
    argv = [a.format(f=f, d=tmp_path) for a in argv]
    code, out, err = run(argv, capsys)
    assert code == 2 and out == "" and err.count("\n") == 1
    assert "cannot be written: No such file or directory" in err


@pytest.mark.parametrize("argv", [
    ["solve", "--gamma", "2", "--input", "{f}", "--output", "{d}/q.txt"],
    ["calibrate", "{f}", "--output", "{d}/q.txt"],
])
def test_output_suffix_checked_before_any_work(tmp_path, capsys, argv):
    f = tmp_path / "p.csv"
    f.write_text("not numbers\n1,x\n")  # would be an error too, but the --output name is checked first
    code, out, err = run([a.format(f=f, d=tmp_path) for a in argv], capsys)
    assert code == 2 and out == ""
    assert err.strip().endswith(f"--output must be a .csv or .npy file, got {str(tmp_path / 'q.txt')!r}")


def test_binary_file_named_csv(tmp_path):
    f = tmp_path / "p.csv"
    np.save(tmp_path / "p.npy", P)
    os.replace(tmp_path / "p.npy", f)
    with pytest.raises(ValueError, match=r"'.*p\.csv' is not a text CSV file \(not UTF-8\)"):
        read_array(str(f), "--input")
