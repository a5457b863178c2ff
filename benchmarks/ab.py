"""Interleaved A/B timing of the minimizer: a git revision against the working tree, in one process.

The ``focaltheory/`` tree at revision ``--base`` (default ``HEAD``) is
extracted into a temporary directory under another package name (the package
imports itself relatively, so the copy is self-contained) and imported beside
the working-tree package.  On the same input both are called alternately,
after one untimed warm call of each, with the order of the pair swapped at
every repeat so that a drift in the machine's load falls on both sides alike.
Printed: the median time of each (with its min-max), the ratio new/old, and
whether the six result fields are bitwise equal.

Run from the repository root::

    python -m benchmarks.ab [--base REV] [--new REV] [--n N] [--k K] [--gamma G] [--repeats R]

``--new`` takes a revision in place of the working tree (``--base HEAD --new
HEAD`` checks the harness itself: the two sides must agree bitwise).
"""

import argparse
import contextlib
import importlib
import io
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
import uuid
from pathlib import Path

import numpy as np

FIELDS = ("q", "log_lam", "value", "iterations", "converged", "residual")
_ROOT = Path(__file__).resolve().parent.parent


def _git(*args):
    return subprocess.run(["git", *args], cwd=_ROOT, check=True, capture_output=True).stdout


@contextlib.contextmanager
def revision_package(rev):
    """Import the ``focaltheory/`` tree of git revision ``rev`` under a fresh package name; yield (module, sha)."""
    sha = _git("rev-parse", "--verify", f"{rev}^{{commit}}").decode().strip()
    name = f"focaltheory_{sha[:10]}_{uuid.uuid4().hex[:6]}"
    with tempfile.TemporaryDirectory(prefix="focaltheory-ab-") as tmp:
        with tarfile.open(fileobj=io.BytesIO(_git("archive", "--format=tar", sha, "focaltheory"))) as tar:
            tar.extractall(tmp, filter="data")
        (Path(tmp) / "focaltheory").rename(Path(tmp) / name)
        sys.path.insert(0, tmp)
        try:
            yield importlib.import_module(name), sha
        finally:
            sys.path.remove(tmp)
            for mod in [m for m in sys.modules if m == name or m.startswith(name + ".")]:
                del sys.modules[mod]


def _working_tree_package():
    if str(_ROOT) not in sys.path:
        sys.path.insert(0, str(_ROOT))
    return importlib.import_module("focaltheory")


def _bitwise_equal(a, b):
    return {f: bool(np.asarray(getattr(a, f)).dtype == np.asarray(getattr(b, f)).dtype
                    and np.shape(getattr(a, f)) == np.shape(getattr(b, f))
                    and np.asarray(getattr(a, f)).tobytes() == np.asarray(getattr(b, f)).tobytes())
            for f in FIELDS}


def compare(old, new, n=1_000_000, k=10, gamma=2.0, repeats=7, seed=0):
    """Time ``old.minimizer`` against ``new.minimizer`` on Dirichlet(0.5) rows, interleaved.

    Returns a dict with the per-call times of each side (seconds), their
    medians, the ratio new/old of the medians and, per result field, whether
    the two sides agree bitwise (on every call).
    """
    P = np.random.default_rng(seed).dirichlet(np.full(k, 0.5), size=n)
    sides = {"old": old.minimizer, "new": new.minimizer}
    first = {s: f(P, gamma) for s, f in sides.items()}  # the untimed warm calls
    equal = _bitwise_equal(first["old"], first["new"])
    times = {"old": [], "new": []}
    for r in range(repeats):
        for s in (("old", "new") if r % 2 == 0 else ("new", "old")):
            t0 = time.perf_counter()
            res = sides[s](P, gamma)
            times[s].append(time.perf_counter() - t0)
            for f, same in _bitwise_equal(res, first[s]).items():  # each side is reproducible
                equal[f] &= same
            del res
    med = {s: statistics.median(t) for s, t in times.items()}
    return {"n": n, "k": k, "gamma": gamma, "repeats": repeats, "seed": seed, "times": times,
            "median": med, "ratio": med["new"] / med["old"], "bitwise_equal": equal}


def report(out, old_label, new_label, file=None):
    """Print the figures of :func:`compare`."""
    file = sys.stdout if file is None else file
    print(f"minimizer on {out['n']} x {out['k']} Dirichlet(0.5) rows, gamma = {out['gamma']:g}, "
          f"seed {out['seed']}, {out['repeats']} interleaved repeats", file=file)
    for side, label in (("old", old_label), ("new", new_label)):
        t = out["times"][side]
        print(f"  {side} ({label}): median {out['median'][side] * 1e3:.1f} ms "
              f"(min {min(t) * 1e3:.1f}, max {max(t) * 1e3:.1f})", file=file)
    print(f"  ratio new/old: {out['ratio']:.3f}", file=file)
    eq = out["bitwise_equal"]
    print(f"  bitwise equal: {'all six fields' if all(eq.values()) else 'NO'} "
          f"({', '.join(f'{f}={v}' for f, v in eq.items())})", file=file)


def run(base="HEAD", new=None, n=1_000_000, k=10, gamma=2.0, repeats=7, seed=0, file=None):
    """Compare revision ``base`` with the working tree (or revision ``new``), print and return the figures."""
    with contextlib.ExitStack() as stack:
        old_pkg, old_sha = stack.enter_context(revision_package(base))
        if new is None:
            new_pkg, new_label = _working_tree_package(), "working tree"
        else:
            new_pkg, new_sha = stack.enter_context(revision_package(new))
            new_label = f"{new} = {new_sha[:10]}"
        out = compare(old_pkg, new_pkg, n=n, k=k, gamma=gamma, repeats=repeats, seed=seed)
        report(out, f"{base} = {old_sha[:10]}", new_label, file=file)
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python -m benchmarks.ab", description=__doc__.splitlines()[0])
    ap.add_argument("--base", default="HEAD", help="git revision of the old side (default HEAD)")
    ap.add_argument("--new", default=None, help="git revision of the new side (default: the working tree)")
    ap.add_argument("--n", type=int, default=1_000_000, help="rows (default 1e6)")
    ap.add_argument("--k", type=int, default=10, help="classes (default 10)")
    ap.add_argument("--gamma", type=float, default=2.0, help="focusing parameter (default 2)")
    ap.add_argument("--repeats", type=int, default=7, help="timed calls of each side (default 7)")
    ap.add_argument("--seed", type=int, default=0, help="seed of the input (default 0)")
    a = ap.parse_args(argv)
    out = run(a.base, a.new, n=a.n, k=a.k, gamma=a.gamma, repeats=a.repeats, seed=a.seed)
    return 0 if all(out["bitwise_equal"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
