"""The interleaved A/B benchmark harness (benchmarks/ab.py): a revision against itself agrees bitwise."""

import io
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _in_git_checkout():
    if shutil.which("git") is None:
        return False
    done = subprocess.run(["git", "rev-parse", "--verify", "HEAD"], cwd=ROOT, capture_output=True)
    return done.returncode == 0


pytestmark = pytest.mark.skipif(not _in_git_checkout(), reason="benchmarks.ab extracts git revisions")


def test_head_against_head_is_bitwise_equal_and_reports_the_ratio():
    from benchmarks import ab

    buf = io.StringIO()
    out = ab.run(base="HEAD", new="HEAD", n=300, k=4, gamma=2.0, repeats=2, file=buf)
    assert out["bitwise_equal"] == dict.fromkeys(ab.FIELDS, True)
    assert len(out["times"]["old"]) == len(out["times"]["new"]) == 2
    assert out["ratio"] == out["median"]["new"] / out["median"]["old"] > 0
    text = buf.getvalue()
    assert "ratio new/old: " in text and "bitwise equal: all six fields" in text
    assert "300 x 4" in text


def test_revision_package_is_importable_beside_the_working_tree_and_removed_after():
    import sys

    import focaltheory
    from benchmarks import ab

    with ab.revision_package("HEAD") as (pkg, sha):
        assert pkg.__name__ != "focaltheory" and pkg.minimizer is not focaltheory.minimizer
        assert pkg.solver.minimizer.__module__.startswith(pkg.__name__ + ".")
        assert len(sha) == 40
        name = pkg.__name__
    assert not any(m == name or m.startswith(name + ".") for m in sys.modules)


def test_the_working_tree_side_runs_and_reports_every_field():
    """With the default new side (the working tree) the harness runs and reports every field."""
    from benchmarks import ab

    buf = io.StringIO()
    out = ab.run(base="HEAD", n=50, k=3, gamma=0.5, repeats=1, file=buf)
    assert set(out["bitwise_equal"]) == set(ab.FIELDS)
    assert "working tree" in buf.getvalue()
