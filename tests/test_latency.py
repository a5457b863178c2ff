"""The side-by-side speed benchmark (benchmarks/latency.py): every figure is reported, finite, for both sides."""

import io
import math

import pytest

from test_ab import _in_git_checkout

pytestmark = pytest.mark.skipif(not _in_git_checkout(), reason="benchmarks.latency extracts a git revision")


def _finite(x):
    return isinstance(x, (int, float)) and math.isfinite(x) and x >= 0


def test_quick_run_reports_every_figure_for_both_sides():
    from benchmarks import latency

    buf = io.StringIO()
    out = latency.run(base="HEAD", quick=True, repeats=1, file=buf)
    b = out["batch"]
    assert (b["n"], b["k"], b["gamma"]) == (2000, 10, 2.0)
    assert _finite(b["log_pass_s"]) and _finite(b["focal_entropy_s"]) and _finite(b["ratio"])
    for side in ("old", "new"):
        for key in ("minimizer_s", "log_passes", "focal_entropy_ratio", "us_per_distribution", "iterations_mean"):
            assert _finite(b[side][key]), (side, key)
        assert b[side]["iterations_mean"] >= 1
    # the two sides solve the same problem: within the documented accuracy of each other
    assert b["max_rel_diff_q"] <= 2e-13
    assert [s["k"] for s in out["single"]] == list(latency.SINGLE_K)
    for s in out["single"]:
        assert s["calls"] == 30 and _finite(s["ratio"]) and s["max_rel_diff_q"] <= 2e-13
        assert _finite(s["old"]["us_per_call"]) and _finite(s["new"]["us_per_call"])
    g = out["gamma_sweep"]
    assert [r["gamma"] for r in g["points"]] == list(latency.GAMMAS)
    for r in g["points"]:
        assert r["max_rel_diff_q"] <= 2e-13
        for side in ("old", "new"):
            assert _finite(r[side]["s"]) and r[side]["relative_to_cheapest"] >= 1.0
    for side in ("old", "new"):
        assert min(r[side]["relative_to_cheapest"] for r in g["points"]) == 1.0
        assert g[side]["worst_relative_to_cheapest"] >= 1.0
        rep = g[side]["per_repeat"]
        assert 1.0 <= rep["min"] <= rep["median"] <= rep["max"] and _finite(rep["max"])
    text = buf.getvalue()
    for part in ("np.log passes", "focal_entropy evaluations", "us per distribution", "K = 10", "gamma = 5000",
                 "worst relative to cheapest", "within each repeat", "working tree"):
        assert part in text


def test_the_default_old_side_is_the_solver_before_the_speed_work():
    from benchmarks import ab, latency

    with ab.revision_package(latency.PREVIOUS) as (pkg, sha):
        assert sha.startswith(latency.PREVIOUS) and hasattr(pkg, "minimizer")
