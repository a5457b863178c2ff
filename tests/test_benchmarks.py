"""Smoke test of the benchmark suite: the quick pipeline on a tiny size (no timing asserted)."""

import json
import math
import pathlib
import sys

import pytest

# benchmarks/ is a top-level folder of the repository, not part of the installed package
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))

pytest.importorskip("matplotlib")

from benchmarks.__main__ import main  # noqa: E402


def _finite_positive(x):
    return isinstance(x, (int, float)) and math.isfinite(x) and x > 0


def test_benchmarks_tiny_run(tmp_path, capsys):
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
