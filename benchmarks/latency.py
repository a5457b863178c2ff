"""The minimizer's speed against a previous revision, side by side in one process.

Measured, for the solver of the working tree ("new") and the solver of a git
revision ("old", loaded from git as :mod:`benchmarks.ab` does), interleaved
so that a drift in the machine's load falls on both sides alike:

* batch: N = 1e6 distributions x K = 10, gamma = 2, Dirichlet(0.5): the
  minimizer's time in units of one ``np.log`` pass over the same array (timed
  in the same repeat, into a preallocated output), its ratio to one
  ``focal_entropy`` evaluation of the same batch, and the time per
  distribution;
* single: one distribution per call, K = 3, 10 and 100: the median of 1000
  calls, each call timed on its own, old and new alternating every 50
  calls (a loop over distributions: consecutive warm calls);
* gamma sweep: 0.1 to 5000 on 1e5 x 10 Dirichlet(0.5) rows, each point's
  time relative to the cheapest point of the same side (every point timed in
  every repeat, so that the points, too, are interleaved in time); the worst
  point over the cheapest from the medians, and within each repeat (its
  median and range over the repeats: the machine's noise in that figure).

Every figure is printed for both sides with the ratio new/old, so each gain
is a ratio measured within one process.  ``--quick`` shrinks every size
(seconds; used by the tests, which assert no timings).

Run from the repository root::

    python -m benchmarks.latency [--base REV] [--quick] [--repeats R]
"""

import argparse
import contextlib
import statistics
import sys
import time

import numpy as np

from . import ab

# the default old side: the revision of the solver the speed figures are measured against
PREVIOUS = "befbd7b"
GAMMA = 2.0
GAMMAS = (0.1, 0.3, 1.0, 2.0, 5.0, 10.0, 30.0, 100.0, 300.0, 1000.0, 5000.0)
SINGLE_K = (3, 10, 100)
# single-distribution calls per side before the sides alternate (see _single)
_BLOCK = 50

_SIZES = {
    False: dict(batch_n=1_000_000, single_calls=1000, gamma_n=100_000, repeats=7),
    True: dict(batch_n=2000, single_calls=30, gamma_n=400, repeats=2),
}


def _rows(n, k, seed):
    return np.random.default_rng(seed).dirichlet(np.full(k, 0.5), size=n)


def _max_rel_diff(a, b):
    a, b = np.asarray(a.q), np.asarray(b.q)
    with np.errstate(divide="ignore", invalid="ignore"):
        d = np.where(a == b, 0.0, np.abs(a - b) / np.maximum(np.abs(a), np.abs(b)))
    return float(d.max()) if d.size else 0.0


def _timed(f):
    t0 = time.perf_counter()
    out = f()
    return time.perf_counter() - t0, out


def _batch(pkgs, n, repeats, seed):
    """Minimizer in np.log passes and focal_entropy evaluations, per side (see module doc)."""
    P = _rows(n, 10, seed)
    buf = np.empty_like(P)
    new = pkgs["new"]
    q = np.array(new.minimizer(P, GAMMA).q)
    first = {s: m.minimizer(P, GAMMA) for s, m in pkgs.items()}  # untimed warm calls
    t = {s: [] for s in pkgs}
    logs, fes = [], []
    for r in range(repeats):
        for s in (("old", "new") if r % 2 == 0 else ("new", "old")):
            dt, res = _timed(lambda: pkgs[s].minimizer(P, GAMMA))
            t[s].append(dt)
            del res
        # the units, timed in the same repeat (warm: each after an untimed call)
        np.log(P, out=buf)
        logs.append(statistics.median(_timed(lambda: np.log(P, out=buf))[0] for _ in range(5)))
        new.focal_entropy(P, q, GAMMA)
        fes.append(statistics.median(_timed(lambda: new.focal_entropy(P, q, GAMMA))[0] for _ in range(3)))
    out = {"n": n, "k": 10, "gamma": GAMMA, "repeats": repeats,
           "log_pass_s": statistics.median(logs), "focal_entropy_s": statistics.median(fes),
           "max_rel_diff_q": _max_rel_diff(first["old"], first["new"])}
    for s in pkgs:
        med = statistics.median(t[s])
        out[s] = {"minimizer_s": med,
                  "log_passes": statistics.median(a / b for a, b in zip(t[s], logs)),
                  "focal_entropy_ratio": statistics.median(a / b for a, b in zip(t[s], fes)),
                  "us_per_distribution": med / n * 1e6,
                  "iterations_mean": float(np.mean(first[s].iterations))}
    out["ratio"] = out["new"]["minimizer_s"] / out["old"]["minimizer_s"]
    return out


def _single(pkgs, k, calls, seed, block=_BLOCK):
    """Median time of one call on one distribution of K classes, old and new alternating in blocks.

    Each call is timed on its own; the sides alternate every ``block``
    calls, so that each side is timed as a loop over distributions runs
    (the calls one after another, warm) while a drift of the machine's load
    still falls on both sides alike.
    """
    p = _rows(1, k, seed)[0]
    first = {s: m.minimizer(p, GAMMA) for s, m in pkgs.items()}
    t = {s: [] for s in pkgs}
    for i in range(0, calls, block):
        for s in (("old", "new") if (i // block) % 2 == 0 else ("new", "old")):
            f = pkgs[s].minimizer
            f(p, GAMMA)  # (the first call of a block warms the side's code and data)
            for _ in range(min(block, calls - i)):
                t0 = time.perf_counter()
                f(p, GAMMA)
                t[s].append(time.perf_counter() - t0)
    out = {"k": k, "calls": calls, "max_rel_diff_q": _max_rel_diff(first["old"], first["new"])}
    for s in pkgs:
        out[s] = {"us_per_call": statistics.median(t[s]) * 1e6}
    out["ratio"] = out["new"]["us_per_call"] / out["old"]["us_per_call"]
    return out


def _gamma_sweep(pkgs, n, repeats, seed):
    """Time per gamma on one batch, relative to each side's cheapest gamma.

    Each repeat times every point of both sides (the sides' order swapped at
    every repeat, the points' order reversed at every other): the figure is a
    ratio between points of one side, so the points are interleaved in time
    as the sides are, and a drift of the machine's speed falls on all alike.
    """
    P = _rows(n, 10, seed)
    t = {s: {g: [] for g in GAMMAS} for s in pkgs}
    diff = {}
    for g in GAMMAS:  # untimed warm calls
        first = {s: m.minimizer(P, g) for s, m in pkgs.items()}
        diff[g] = _max_rel_diff(first["old"], first["new"])
        del first
    for r in range(repeats):
        for g in (GAMMAS if (r // 2) % 2 == 0 else GAMMAS[::-1]):
            for s in (("old", "new") if r % 2 == 0 else ("new", "old")):
                t[s][g].append(_timed(lambda: pkgs[s].minimizer(P, g))[0])
    out = {"n": n, "k": 10, "repeats": repeats, "points": []}
    med = {s: {g: statistics.median(t[s][g]) for g in GAMMAS} for s in pkgs}
    cheapest = {s: min(med[s].values()) for s in pkgs}
    for g in GAMMAS:
        row = {"gamma": g, "max_rel_diff_q": diff[g]}
        for s in pkgs:
            row[s] = {"s": med[s][g], "relative_to_cheapest": med[s][g] / cheapest[s]}
        row["ratio"] = med["new"][g] / med["old"][g]
        out["points"].append(row)
    for s in pkgs:
        # the same statistic within each repeat (its slowest point over its fastest): its
        # spread over the repeats shows how much of the figure is the machine's noise
        per_repeat = [max(t[s][g][r] for g in GAMMAS) / min(t[s][g][r] for g in GAMMAS) for r in range(repeats)]
        out[s] = {"worst_relative_to_cheapest": max(r[s]["relative_to_cheapest"] for r in out["points"]),
                  "per_repeat": {"median": statistics.median(per_repeat), "min": min(per_repeat),
                                 "max": max(per_repeat)}}
    return out


def measure(pkgs, quick=False, repeats=None, seed=0):
    """All three sections for ``pkgs`` (``{"old": module, "new": module}``); returns a dict."""
    size = dict(_SIZES[bool(quick)])
    if repeats is not None:
        size["repeats"] = repeats
    return {
        "quick": bool(quick),
        "batch": _batch(pkgs, size["batch_n"], size["repeats"], seed),
        "single": [_single(pkgs, k, size["single_calls"], seed + 1) for k in SINGLE_K],
        "gamma_sweep": _gamma_sweep(pkgs, size["gamma_n"], size["repeats"], seed + 2),
    }


def report(out, old_label, new_label, file=None):
    """Print the figures of :func:`measure`, old beside new."""
    file = sys.stdout if file is None else file

    def pr(*a):
        print(*a, file=file)

    pr(f"old: {old_label}    new: {new_label}")
    b = out["batch"]
    pr(f"batch {b['n']} x {b['k']} Dirichlet(0.5), gamma = {b['gamma']:g}, {b['repeats']} interleaved repeats; "
       f"np.log pass {b['log_pass_s'] * 1e3:.2f} ms, focal_entropy {b['focal_entropy_s'] * 1e3:.1f} ms")
    pr(f"  {'':28s}{'old':>12s}{'new':>12s}{'new/old':>10s}")
    for key, name, fmt in (("minimizer_s", "minimizer (ms)", "{:.1f}"), ("log_passes", "np.log passes", "{:.1f}"),
                           ("focal_entropy_ratio", "focal_entropy evaluations", "{:.2f}"),
                           ("us_per_distribution", "us per distribution", "{:.3f}"),
                           ("iterations_mean", "iterations (mean)", "{:.2f}")):
        o, n = b["old"][key], b["new"][key]
        if key == "minimizer_s":
            o, n = o * 1e3, n * 1e3
        pr(f"  {name:28s}{fmt.format(o):>12s}{fmt.format(n):>12s}{n / o:>10.3f}")
    pr(f"  largest relative difference of q, new vs old: {b['max_rel_diff_q']:.1e}")
    pr(f"single distribution, gamma = {GAMMA:g}: median us per call")
    for s in out["single"]:
        pr(f"  K = {s['k']:<4d} ({s['calls']} calls){'':10s}{s['old']['us_per_call']:>12.1f}"
           f"{s['new']['us_per_call']:>12.1f}{s['ratio']:>10.3f}   (q differs by {s['max_rel_diff_q']:.1e})")
    g = out["gamma_sweep"]
    pr(f"gamma sweep, {g['n']} x {g['k']} Dirichlet(0.5): time relative to the side's cheapest gamma (ms)")
    for r in g["points"]:
        pr(f"  gamma = {r['gamma']:<8g}{'':16s}{r['old']['relative_to_cheapest']:>7.2f} ({r['old']['s'] * 1e3:6.1f})"
           f"{r['new']['relative_to_cheapest']:>7.2f} ({r['new']['s'] * 1e3:6.1f}){r['ratio']:>8.3f}"
           f"   (q differs by {r['max_rel_diff_q']:.1e})")
    pr(f"  worst relative to cheapest: old {g['old']['worst_relative_to_cheapest']:.2f}, "
       f"new {g['new']['worst_relative_to_cheapest']:.2f}")
    o, n = g["old"]["per_repeat"], g["new"]["per_repeat"]
    pr(f"  within each repeat (its slowest point / its fastest): old {o['median']:.2f} ({o['min']:.2f}-{o['max']:.2f}), "
       f"new {n['median']:.2f} ({n['min']:.2f}-{n['max']:.2f}) over {g['repeats']} repeats")


def run(base=PREVIOUS, new=None, quick=False, repeats=None, seed=0, file=None):
    """Measure revision ``base`` against the working tree (or revision ``new``); print and return the figures."""
    with contextlib.ExitStack() as stack:
        old_pkg, old_sha = stack.enter_context(ab.revision_package(base))
        if new is None:
            new_pkg, new_label = ab._working_tree_package(), "working tree"
        else:
            new_pkg, new_sha = stack.enter_context(ab.revision_package(new))
            new_label = f"{new} = {new_sha[:10]}"
        out = measure({"old": old_pkg, "new": new_pkg}, quick=quick, repeats=repeats, seed=seed)
        out["old_label"], out["new_label"] = f"{base} = {old_sha[:10]}", new_label
        report(out, out["old_label"], new_label, file=file)
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python -m benchmarks.latency", description=__doc__.splitlines()[0])
    ap.add_argument("--base", default=PREVIOUS, help=f"git revision of the old side (default {PREVIOUS})")
    ap.add_argument("--new", default=None, help="git revision of the new side (default: the working tree)")
    ap.add_argument("--quick", action="store_true", help="small sizes (seconds)")
    ap.add_argument("--repeats", type=int, default=None, help="interleaved repeats of the batch timings")
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args(argv)
    run(a.base, a.new, quick=a.quick, repeats=a.repeats, seed=a.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
