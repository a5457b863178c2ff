"""Smoke tests of the benchmark suite: the pipeline on a tiny size, without matplotlib, output (no timing asserted)."""

import json
import math
import os
import pathlib
import subprocess
import sys

import numpy as np
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
# benchmarks/ is a top-level folder of the repository, not part of the installed package
sys.path.insert(0, str(ROOT))

import benchmarks.__main__ as bench_main  # noqa: E402
from benchmarks._common import PRESETS, read_json, write_csv, write_json  # noqa: E402
from benchmarks.__main__ import NEED_MATPLOTLIB, main  # noqa: E402

NUMERIC = ("accuracy.json", "accuracy.csv", "speed.json", "speed_N.csv", "speed_K.csv", "speed_gamma.csv",
           "summary.json", "summary.md")


def _finite_positive(x):
    return isinstance(x, (int, float)) and math.isfinite(x) and x > 0


def test_benchmarks_tiny_run(tmp_path, capsys):
    pytest.importorskip("matplotlib")
    out = tmp_path / "results"
    assert main(["--preset", "tiny", "--out", str(out)]) == 0
    for name in ("accuracy.json", "accuracy.csv", "speed.json", "speed_N.csv", "speed_K.csv", "speed_gamma.csv",
                 "summary.json", "summary.md", "accuracy.png", "speed.png"):
        assert (out / name).stat().st_size > 0, name
    assert (out / "accuracy.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

    acc = json.loads((out / "accuracy.json").read_text())["summary"]
    ft, sl = acc["focaltheory"], acc["SLSQP"]
    assert ft["cases"] == 12 and sl["cases"] == 12
    # real numbers from a real comparison: the minimizer is at rounding level,
    # SLSQP (a generic solver) is measurably worse on the same cases
    assert 0 < ft["rel_err_worst"] < 1e-12
    assert 0 < ft["kkt_worst"] < 1e-12
    assert ft["log_lam_err_worst"] < 1e-12
    assert ft["not_converged"] == []
    assert sl["rel_err_worst"] > 100 * ft["rel_err_worst"]
    assert sl["rel_err_median"] > ft["rel_err_median"]
    assert acc["mirror descent"]["rel_err_worst"] > ft["rel_err_worst"]

    sp = json.loads((out / "speed.json").read_text())
    h = sp["headline"]
    for key in ("minimizer_s", "focal_entropy_s", "ratio_to_floor", "slsqp_s_per_dist", "trust_constr_s_per_dist",
                "speedup_vs_slsqp"):
        assert h[key]["n"] == 2 and _finite_positive(h[key]["median"]), key
        assert h[key]["min"] <= h[key]["median"] <= h[key]["max"], key
    assert h["all_converged"] is True
    assert [r["N"] for r in sp["N_sweep"]] == [100, 1000]
    assert [r["K"] for r in sp["K_sweep"]] == [2, 10, 100]
    assert all(_finite_positive(r["minimizer_dist_per_s"]) for r in sp["N_sweep"] + sp["K_sweep"])
    assert all(_finite_positive(m["peak_over_input"]) for m in sp["memory"])
    assert _finite_positive(sp["memory"][-1]["peak_bytes"])
    # iterations histogram: every solve of the gamma sweep counted once
    assert sum(sum(c) for c in sp["iterations_histogram"].values()) == 3 * 500
    assert isinstance(sp["scaling"]["exponent_gamma"], float)
    # free starts: each one used (from the answer itself one iteration certifies it, where the solver's own
    # start needs more) and each leading to the same answer
    fs = {r["start_error"]: r for r in sp["free_start"]}
    assert set(fs) == {None, 0.0, 1e-8, 1e-4, 1e-2}
    assert all(r["all_converged"] and r["max_rel_diff_from_own_start"] < 1e-13 for r in fs.values())
    assert fs[0.0]["iterations_mean"] <= 1.0 < fs[None]["iterations_mean"]
    assert fs[1e-8]["iterations_mean"] <= fs[1e-4]["iterations_mean"] <= fs[1e-2]["iterations_mean"]

    summary = (out / "summary.md").read_text()
    assert "throughput over SLSQP" in summary and "| focaltheory |" in summary
    assert "ratio to floor" in capsys.readouterr().out


def _strict(text):
    """json.loads that refuses the non-standard NaN / Infinity literals."""
    def refuse(name):
        raise ValueError(f"non-strict JSON literal {name}")
    return json.loads(text, parse_constant=refuse)


def test_missing_matplotlib_plain_run_skips_figures(tmp_path, capsys, monkeypatch):
    # an import of matplotlib now raises ImportError, as when it is not installed
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    out = tmp_path / "results"
    assert main(["--preset", "tiny", "--out", str(out)]) == 0
    for name in NUMERIC:
        assert (out / name).stat().st_size > 0, name
    assert not (out / "accuracy.png").exists() and not (out / "speed.png").exists()
    cap = capsys.readouterr()
    said = [line for line in cap.err.splitlines() if "matplotlib" in line]
    assert said == [NEED_MATPLOTLIB]
    assert 'pip install "focaltheory[bench]"' in NEED_MATPLOTLIB
    assert 'pip install -e ".[bench]"' in NEED_MATPLOTLIB
    assert "Traceback" not in cap.err
    # the numbers are still all there
    acc = _strict((out / "accuracy.json").read_text())["summary"]
    assert acc["focaltheory"]["cases"] == 12 and 0 < acc["focaltheory"]["rel_err_worst"] < 1e-12


def test_missing_matplotlib_no_plots_says_nothing(tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    out = tmp_path / "results"
    assert main(["--preset", "tiny", "--only", "accuracy", "--no-plots", "--out", str(out)]) == 0
    assert (out / "accuracy.json").stat().st_size > 0 and not (out / "accuracy.png").exists()
    assert "matplotlib" not in capsys.readouterr().err


def test_missing_matplotlib_publish_exits_2_before_measuring(tmp_path):
    # a subprocess, for the real exit status; benchmarks/ is pointed at tmp_path so that nothing
    # could overwrite the committed RESULTS.md or figures even if the check failed
    here, out = tmp_path / "here", tmp_path / "results"
    code = ("import sys; sys.modules['matplotlib'] = None\n"
            "import benchmarks.__main__ as m\n"
            f"m.HERE = {str(here)!r}\n"
            f"sys.exit(m.main(['--publish', '--preset', 'tiny', '--out', {str(out)!r}]))\n")
    r = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300,
                       env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert r.returncode == 2, r.stderr
    assert r.stderr.splitlines() == [NEED_MATPLOTLIB]
    assert r.stdout == ""
    assert not out.exists() and not here.exists()


def test_help_documents_the_bench_extra(capsys):
    with pytest.raises(SystemExit) as e:
        main(["--help"])
    assert e.value.code == 0
    text = capsys.readouterr().out
    assert NEED_MATPLOTLIB in text
    flat = " ".join(text.split())
    assert "--publish, which must produce the figures, prints that line and exits with status 2" in flat
    assert "--quick" in flat and "smoke-sized" in flat
    doc = " ".join(bench_main.__doc__.split())
    assert NEED_MATPLOTLIB in doc and "exits with status 2" in doc


def test_presets_full_keeps_its_sizes_and_quick_covers_every_section():
    full, quick = PRESETS["full"], PRESETS["quick"]
    assert full.floor_N == 1_000_000 and full.repeats == 5
    assert full.speed_N == [100, 1000, 10_000, 100_000, 1_000_000]
    assert full.speed_K == [2, 10, 100, 1000, 10_000, 100_000]
    assert full.acc_K == [2, 10, 100, 1000] and full.gamma_N == 100_000 and full.dps == 40
    assert quick.floor_N < full.floor_N and quick.repeats < full.repeats and quick.repeats >= 2
    assert max(quick.speed_N) <= quick.floor_N and max(quick.speed_K) < max(full.speed_K)
    # every section is exercised: accuracy on every family, each solver, sweeps with enough points to fit a slope
    for attr in ("acc_K", "acc_gammas", "dirichlet", "rare", "binary", "gammas"):
        assert len(getattr(quick, attr)) >= 1, attr
    assert 2 in quick.acc_K and max(quick.acc_K) > 2
    assert min(quick.slsqp_max_K, quick.trust_max_K) >= 10
    assert sum(n * 10 >= 10_000 for n in quick.speed_N) >= 2
    assert sum(k * 10 >= 10_000 for k in quick.speed_K) >= 2
    assert len(quick.gammas) >= 2 and quick.slsqp_count >= 1 and quick.trust_count >= 1 and quick.md_N >= 1


def test_json_and_csv_are_strict_with_nonfinite_as_strings(tmp_path):
    obj = {"a": np.float64("inf"), "b": [np.int64(3), -math.inf, float("nan")], "c": np.array([0.5, np.nan]),
           "ok": np.bool_(True), "none": None}
    path = tmp_path / "x.json"
    write_json(str(path), obj)
    raw = _strict(path.read_text())
    assert raw == {"a": "inf", "b": [3, "-inf", "nan"], "c": [0.5, "nan"], "ok": True, "none": None}
    back = read_json(str(path))
    assert back["a"] == math.inf and back["b"][:2] == [3, -math.inf] and math.isnan(back["b"][2])
    assert back["c"][0] == 0.5 and math.isnan(back["c"][1]) and back["ok"] is True and back["none"] is None
    csv_path = tmp_path / "x.csv"
    write_csv(str(csv_path), [{"x": np.float64(1.5), "y": math.inf, "z": None},
                              {"x": np.int64(2), "y": -math.inf, "z": np.float32("nan")}])
    assert csv_path.read_text().splitlines() == ["x,y,z", "1.5,inf,", "2,-inf,nan"]
    write_csv(str(tmp_path / "empty.csv"), [])
    assert (tmp_path / "empty.csv").read_text() == ""
