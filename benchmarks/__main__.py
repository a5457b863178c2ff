"""Run the focaltheory benchmark suite: ``python -m benchmarks [--quick] [--out DIR]``.

Writes to DIR (default ``benchmarks/results/``):

* ``accuracy.json``, ``accuracy.csv``: every (case, solver) row and the per-solver summary;
* ``speed.json``, ``speed_N.csv``, ``speed_K.csv``, ``speed_gamma.csv``: timings
  (median, min, max, quartiles of the repeats), memory and scaling fits;
* ``summary.json``, ``summary.md``: the goal table and the accuracy table;
* ``accuracy.png``, ``speed.png``: the figures;

and prints the summary.  ``--publish`` also copies the figures to
``benchmarks/figures/`` and writes ``benchmarks/RESULTS.md`` (for a full run).

The full run keeps its sizes (batches up to 1e6 x 10, five repeats);
``--quick`` is a smoke-sized run (every section once, batches up to 5e4,
two repeats, under 30 s on 2 cores) whose numbers are not the published ones.

The figures need matplotlib (the ``bench`` extra).  Without it a plain or
``--quick`` run still writes every numeric result, skips the figures and says
so in one line on stderr::

    figures need matplotlib: pip install "focaltheory[bench]" (from a clone: pip install -e ".[bench]")

``--publish``, which must produce the figures, prints the same line and exits
with status 2 before measuring anything (unless ``--no-plots`` is given).
``--republish`` and ``--no-plots`` never need matplotlib.
"""

import argparse
import datetime
import os
import platform
import shutil
import sys
import time

import numpy as np
import scipy

from ._common import PRESETS, read_json, write_csv, write_json

HERE = os.path.dirname(os.path.abspath(__file__))
NEED_MATPLOTLIB = ('figures need matplotlib: pip install "focaltheory[bench]" '
                   '(from a clone: pip install -e ".[bench]")')
GOALS = {"ratio_to_floor": 10.0, "speedup_vs_slsqp": 1000.0, "memory": 12.0, "accuracy": 1e-13}


def _have_matplotlib():
    """Whether matplotlib can be imported (the figures need it)."""
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        return False
    return True


def _load():
    try:
        return tuple(round(x, 2) for x in os.getloadavg())
    except OSError:  # pragma: no cover
        return None


def _cpu():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:  # pragma: no cover
        pass
    return platform.processor() or platform.machine()


def _git():
    """Commit of the working tree and whether focaltheory/ has uncommitted changes."""
    import subprocess

    def run(*a):
        try:
            return subprocess.run(["git", *a], cwd=os.path.dirname(HERE), capture_output=True, text=True,
                                  timeout=10).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return ""

    dirty = [line[3:] for line in run("status", "--porcelain", "focaltheory").splitlines() if line.strip()]
    return {"commit": run("rev-parse", "--short", "HEAD"), "focaltheory_dirty": dirty}


def machine_info():
    """Machine and library versions recorded with every run."""
    return {
        "cpu": _cpu(),
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "platform": platform.platform(),
    }


def _fmt_spread(s, fmt="{:.3g}"):
    return f"{fmt.format(s['median'])} ({fmt.format(s['min'])}-{fmt.format(s['max'])})"


def _met(ok):
    return "met" if ok else "**MISSED**"


def goal_table(acc, sp):
    """Rows (metric, goal, measured, verdict) of the headline table."""
    h = sp["headline"]
    sa = acc["summary"]
    ft = sa["focaltheory"]
    mem = sp["memory"][-1]
    sc = sp["scaling"]
    size = f"{h['N']:.0e} x {h['K']}".replace("e+0", "e")
    rows = [
        (f"minimizer time / one focal_entropy evaluation, {size}, gamma = 2", "<= 10",
         _fmt_spread(h["ratio_to_floor"], "{:.2f}") + f"; best times {h['ratio_of_best_times']:.2f}", _met(h["ratio_to_floor"]["median"] <= GOALS["ratio_to_floor"])),
        ("throughput over SLSQP (analytic gradient, one distribution at a time, K = 10)", ">= 1000x",
         _fmt_spread(h["speedup_vs_slsqp"], "{:.0f}") + f"x; best times {h['speedup_vs_slsqp_best_times']:.0f}x",
         _met(h["speedup_vs_slsqp"]["median"] >= GOALS["speedup_vs_slsqp"])),
        ("throughput over trust-constr (gradient + Hessian, one at a time)", "-",
         _fmt_spread(h["speedup_vs_trust_constr"], "{:.0f}") + "x", ""),
        (f"throughput over mirror descent ({h['mirror_descent_iters']} iterations, batched)", "-",
         _fmt_spread(h["speedup_vs_mirror_descent"], "{:.0f}") + "x", ""),
        (f"minimizer throughput at {size}", "-", _fmt_spread(h["minimizer_dist_per_s"], "{:.3g}") + " dist/s", ""),
        ("minimizer one distribution per call (latency)", "-",
         _fmt_spread({k: v * 1e3 for k, v in h["minimizer_one_at_a_time_s_per_dist"].items() if k != "samples"},
                     "{:.2f}") + " ms", ""),
        (f"peak extra memory / input nbytes (tracemalloc), N = {mem['N']}, K = 10", "<= 12",
         f"{mem['peak_over_input']:.2f}", _met(mem["peak_over_input"] <= GOALS["memory"])),
        (f"worst relative error of Q*, minimizer ({ft['cases']} cases, K <= {ft['K_max']})", "<= 1e-13",
         f"{ft['rel_err_worst']:.1e} ({ft['rel_err_worst_case']})", _met(ft["rel_err_worst"] <= GOALS["accuracy"])),
        ("worst error of log lambda*, minimizer (relative, absolute below 1)", "<= 1e-13",
         f"{ft['log_lam_err_worst']:.1e} ({ft['log_lam_err_worst_case']})",
         _met(ft["log_lam_err_worst"] <= GOALS["accuracy"])),
    ]
    if "SLSQP" in sa:
        s = sa["SLSQP"]
        rows.append((f"SLSQP relative error of Q*, median / worst ({s['cases']} cases, K <= {s['K_max']})", "about 1e-8",
                     f"{s['rel_err_median']:.1e} / {s['rel_err_worst']:.1e}", ""))
    fmt = lambda x: "n/a" if x is None else f"{x:.2f}"  # noqa: E731
    def verdict(x, limit):
        return "n/a" if x is None else _met(x <= limit)

    rows += [
        ("time exponent in N K, N sweep at K = 10 (points with N K >= 1e4)", "1 (linear)",
         fmt(sc["exponent_N_at_K10"]), verdict(sc["exponent_N_at_K10"], 1.15)),
        ("time exponent in N K, K sweep at N = 10 (points with N K >= 1e4)", "1 (linear)",
         fmt(sc["exponent_K_at_N10"]), verdict(sc["exponent_K_at_N10"], 1.15)),
        ("time exponent in gamma (gamma sweep)", "<= 0 (no growth)", fmt(sc["exponent_gamma"]),
         verdict(sc["exponent_gamma"], 0.0)),
    ]
    return rows


def accuracy_table(acc):
    """Rows of the per-solver accuracy table."""
    rows = []
    for s in ("focaltheory", "SLSQP", "trust-constr", "mirror descent"):
        d = acc["summary"].get(s)
        if d is None:
            continue
        rows.append((s, str(d["cases"]), str(d["K_max"]), f"{d['rel_err_worst']:.1e}", f"{d['rel_err_median']:.1e}",
                     f"{d['kkt_worst']:.1e}", f"{d['kkt_median']:.1e}",
                     f"{d['seconds_per_solve']['median'] * 1e3:.2f}"))
    return rows


def markdown_table(header, rows):
    """A GitHub markdown table."""
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    out += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(out)


def summary_markdown(acc, sp):
    """The two summary tables as markdown."""
    g = markdown_table(("metric", "goal", "measured: median (min-max)", "verdict"), goal_table(acc, sp))
    a = markdown_table(("solver", "cases", "K up to", "worst rel. error Q*", "median rel. error Q*", "worst KKT residual",
                        "median KKT residual", "median ms / solve"), accuracy_table(acc))
    misses = acc["summary"]["focaltheory"]["cases_rel_err_above_1e-13"]
    lines = [g, "", a]
    missed = [r[0] for r in goal_table(acc, sp) if r[3] == "**MISSED**"]
    if missed:
        lines += ["", "Goals missed in this run: " + "; ".join(missed) + "."]
    if misses:
        lines += ["", "focaltheory.minimizer cases above 1e-13 relative error: " + "; ".join(misses)]
    nc = acc["summary"]["focaltheory"]["not_converged"]
    if nc:
        lines += ["", "focaltheory.minimizer cases reported not converged: " + "; ".join(nc)]
    return "\n".join(lines)


def _n(x):
    """1000000 -> '1e6', 100 -> '100'."""
    x = int(x)
    e = len(str(x)) - 1
    return f"1e{e}" if x >= 1000 and x == 10**e else str(x)


def _free_start_bullet(sp, slsqp):
    """The free-start measurement, read against the time 1000x SLSQP allows (empty if not run)."""
    fs = {r["start_error"]: r for r in sp.get("free_start", [])}
    if not fs:
        return []

    def us(err):
        return fs[err]["s_per_dist"]["median"] * 1e6

    budget = slsqp / 1000 * 1e6
    parts = [f"within {err:g}: {us(err):.2f} us ({fs[err]['iterations_mean']:.1f} iterations)"
             for err in sorted(e for e in fs if e is not None)]
    step = us(1e-4) - us(1e-8) if 1e-4 in fs and 1e-8 in fs else float("nan")
    size = f"{_n(sp['headline']['N'])} x {sp['headline']['K']}"
    return [f"- Free start (the minimizer handed its own answer plus noise as the start, at no cost; {size}, gamma = 2): "
            + "; ".join(parts) + f"; from its own start {us(None):.2f} us ({fs[None]['iterations_mean']:.1f} iterations). "
            f"1000x SLSQP allows {budget:.2f} us per distribution, so a start would have to come within about 1e-8 "
            f"of the answer for less than {budget - us(1e-8):.2f} us, where one Newton iteration costs {step:.2f} us."]


def observations(acc, sp):
    """Bullet points computed from the run: where the goals stand and why."""
    h = sp["headline"]
    ratios = ", ".join(f"{_n(r['N'])}: {r['ratio_to_floor']['median']:.1f}" for r in sp["N_sweep"])
    kr = ", ".join(f"{_n(r['K'])}: {r['ratio_to_floor']['median']:.1f}" for r in sp["K_sweep"])
    per = h["minimizer_s"]["median"] / h["N"]
    sl = h["slsqp_s_per_dist"]["median"]
    small = [m for m in sp["memory"] if m["peak_over_input"] > 12]
    out = [
        f"- Ratio of minimizer time to one focal_entropy evaluation by N (K = 10): {ratios}.  "
        "Each timed call of the headline follows an untimed call of the same function, so that neither pays "
        "for the fresh pages a first large call after the other one does (focal_entropy measured right after "
        "the minimizer would flatter the ratio).",
        f"- The same ratio by K (N = 10): {kr}.",
        f"- SLSQP, measured in this run, takes {sl * 1e3:.2f} ms per distribution (K = 10, analytic gradient, "
        f"ftol 1e-15, one distribution per call); the minimizer {per * 1e6:.2f} us per distribution in a batch of "
        f"{_n(h['N'])}.  The throughput ratio, {h['speedup_vs_slsqp']['median']:.0f}x, is SLSQP's time per "
        "distribution over the minimizer's, taken within each repeat: how many distributions the minimizer "
        f"solves in the time SLSQP solves one.  1000x would need {sl / 1000 * 1e6:.2f} us per distribution.",
        *_free_start_bullet(sp, sl),
        f"- One distribution per call, the minimizer takes {h['minimizer_one_at_a_time_s_per_dist']['median'] * 1e3:.2f} ms: "
        "per-call overhead, not arithmetic.",
    ]
    if small:
        out.append("- Peak memory over input above 12 at small batches (fixed working set of a solver chunk): "
                   + ", ".join(f"N = {m['N']}: {m['peak_over_input']:.0f}" for m in small) + ".")
    nc = acc["summary"]["focaltheory"]["not_converged"]
    if nc:
        rows = [r for r in acc["cases"] if r["solver"] == "focaltheory" and not r["converged"]]
        out.append("- The minimizer flagged `converged = False` on: " + "; ".join(
            f"{r['family']}({r['param']:g}) K={r['K']} gamma={r['gamma']:g} after {r['iterations']} iterations "
            f"(relative error {r['rel_err']:.1e}, log lambda error {r['log_lam_err']:.1e})" for r in rows) + ".")
    return "\n".join(out)


def _flat(rows):
    """Flatten the timing dicts of sweep rows (median, min, max, quartiles) for CSV."""
    out = []
    for r in rows:
        d = {}
        for k, v in r.items():
            if isinstance(v, dict):
                for kk in ("median", "min", "max", "q25", "q75"):
                    d[f"{k}_{kk}"] = v[kk]
            else:
                d[k] = v
        out.append(d)
    return out


def _fmt_load(x):
    """A load-average triple as '(a, b, c)', also when read back from JSON as a list."""
    return str(tuple(x)) if x is not None else "n/a"


def write_results_md(path, acc, sp, meta):
    """benchmarks/RESULTS.md for a published run."""
    fig_dir = "figures"
    d = meta["git"]["focaltheory_dirty"]
    dirty = f" (uncommitted changes in: {', '.join(d)})" if d else ""
    text = f"""# focaltheory benchmark results

Latest full run: {meta['date']} (wall time {meta['seconds'] / 60:.1f} min), at commit
{meta['git']['commit']}{dirty}.

Command (from the repository root):

```
{meta['command']}
```

Machine: {meta['machine']['cpu']}, {meta['machine']['cores']} cores, Python {meta['machine']['python']},
NumPy {meta['machine']['numpy']}, SciPy {meta['machine']['scipy']}.  Load average (1, 5, 15 min) at start
{_fmt_load(meta['load_start'])}, at end {_fmt_load(meta['load_end'])}{meta['load_note']}.
Timings are medians over {meta['config']['repeats']} repeats with (min-max) in parentheses; every ratio is
taken within one repeat, all in one process.

## Goals

{summary_markdown(acc, sp)}

## Observations

{observations(acc, sp)}

Accuracy: errors against `focaltheory.reference.minimizer_mp` at {acc['dps']} digits over {acc['n_cases']} cases
(K in {meta['config']['acc_K']}, gamma in {meta['config']['acc_gammas']}; Dirichlet concentrations
{meta['config']['dirichlet']}, K - 1 balanced classes plus one of mass {meta['config']['rare']}, binary
(1 - eps, eps) with eps in {meta['config']['binary']}).  The KKT residual is computed the same way for every
solver, in mpmath from the returned doubles (so even a correctly rounded answer shows about gamma ulp at large
gamma: log g is that sensitive to q).  SLSQP runs up to K = {meta['config']['slsqp_max_K']} (its dense
QP takes minutes per solve at K = 1000), trust-constr up to K = {meta['config']['trust_max_K']}; mirror descent
has a fixed budget of {meta['config']['md_iters']} iterations.

![accuracy]({fig_dir}/accuracy.png)

![speed]({fig_dir}/speed.png)

Raw numbers: `{meta['out']}/` (`accuracy.json`, `speed.json`, CSV files; not committed).
"""
    with open(path, "w") as f:
        f.write(text)


def _republish(out):
    acc, sp = read_json(os.path.join(out, "accuracy.json")), read_json(os.path.join(out, "speed.json"))
    meta = read_json(os.path.join(out, "summary.json"))["meta"]
    write_results_md(os.path.join(HERE, "RESULTS.md"), acc, sp, meta)
    print(f"rewrote {os.path.join(HERE, 'RESULTS.md')} from {out}")
    return 0


DESCRIPTION = """\
Run the focaltheory benchmarks: accuracy against the mpmath reference and
speed against generic solvers (SLSQP, trust-constr, mirror descent), written
to --out.  The full run (no option) takes a few minutes on 2 cores and is the
one --publish records; --quick is a smoke-sized run of every section.
"""
EPILOG = f"""\
figures: accuracy.png and speed.png need matplotlib (the 'bench' extra).
Without it a plain or --quick run writes every numeric result, skips the
figures and prints on stderr:
  {NEED_MATPLOTLIB}
--publish, which must produce the figures, prints that line and exits with
status 2 before measuring (unless --no-plots); --republish never needs it.
"""


def main(argv=None):
    """Command-line entry point (see the module docstring)."""
    ap = argparse.ArgumentParser(prog="python -m benchmarks", description=DESCRIPTION, epilog=EPILOG,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true",
                    help="smoke-sized run: every section once, batches up to 5e4, two repeats (under 30 s)")
    ap.add_argument("--preset", choices=sorted(PRESETS), help="explicit preset (overrides --quick); 'tiny' is for tests")
    ap.add_argument("--out", default=os.path.join(HERE, "results"), help="results folder (default benchmarks/results)")
    ap.add_argument("--only", choices=["accuracy", "speed"], help="run one part only")
    ap.add_argument("--no-plots", action="store_true", help="skip the PNG figures (matplotlib not needed)")
    ap.add_argument("--publish", action="store_true",
                    help="copy the figures to benchmarks/figures/ and write benchmarks/RESULTS.md "
                         "(needs matplotlib unless --no-plots)")
    ap.add_argument("--republish", action="store_true",
                    help="rewrite benchmarks/RESULTS.md from the JSON already in --out (no new measurements)")
    args = ap.parse_args(argv)
    if args.republish:
        return _republish(args.out)
    plots = not args.no_plots
    if plots and not _have_matplotlib():
        print(NEED_MATPLOTLIB, file=sys.stderr, flush=True)
        if args.publish:
            return 2
        plots = False
    name = args.preset or ("quick" if args.quick else "full")
    cfg = PRESETS[name]
    out = args.out
    os.makedirs(out, exist_ok=True)
    log = lambda msg: print(msg, flush=True)  # noqa: E731

    from .accuracy import run_accuracy
    from .speed import run_speed

    meta = {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "command": " ".join(["python -m benchmarks"] + list(sys.argv[1:] if argv is None else argv)),
        "preset": name,
        "config": cfg.to_dict(),
        "machine": machine_info(),
        "load_start": _load(),
        "out": os.path.relpath(out),
        "git": _git(),
    }
    log(f"focaltheory benchmarks, preset {name!r}, results in {out}; load average {meta['load_start']}")
    t0 = time.perf_counter()
    acc = sp = None
    if args.only in (None, "accuracy"):
        log("accuracy ...")
        acc = run_accuracy(cfg, log=log)
        write_json(os.path.join(out, "accuracy.json"), {"meta": meta, **acc})
        write_csv(os.path.join(out, "accuracy.csv"), acc["cases"])
    if args.only in (None, "speed"):
        log("speed ...")
        sp = run_speed(cfg, log=log)
        write_json(os.path.join(out, "speed.json"), {"meta": meta, **sp})
        write_csv(os.path.join(out, "speed_N.csv"), _flat(sp["N_sweep"]))
        write_csv(os.path.join(out, "speed_K.csv"), _flat(sp["K_sweep"]))
        write_csv(os.path.join(out, "speed_gamma.csv"), _flat(sp["gamma_sweep"]))
    meta["seconds"] = time.perf_counter() - t0
    meta["load_end"] = _load()
    loads = [x for x in (meta["load_start"], meta["load_end"]) if x]
    meta["load_note"] = (" (the machine was shared with other work: the timings are pessimistic and noisy)"
                         if loads and max(x[0] for x in loads) > 1.5 else "")
    if plots:
        from .plots import plot_accuracy, plot_speed

        if acc is not None:
            plot_accuracy(acc, os.path.join(out, "accuracy.png"))
        if sp is not None:
            plot_speed(sp, os.path.join(out, "speed.png"))
    if acc is not None and sp is not None:
        md = summary_markdown(acc, sp)
        with open(os.path.join(out, "summary.md"), "w") as f:
            f.write(md + "\n")
        write_json(os.path.join(out, "summary.json"), {
            "meta": meta,
            "goals": [dict(zip(("metric", "goal", "measured", "verdict"), r)) for r in goal_table(acc, sp)],
            "accuracy": acc["summary"],
            "headline": sp["headline"],
            "scaling": sp["scaling"],
            "memory": sp["memory"],
        })
        log("")
        log(md)
        if args.publish:
            fig = os.path.join(HERE, "figures")
            os.makedirs(fig, exist_ok=True)
            if plots:
                for f in ("accuracy.png", "speed.png"):
                    shutil.copy(os.path.join(out, f), os.path.join(fig, f))
            write_results_md(os.path.join(HERE, "RESULTS.md"), acc, sp, meta)
            log(f"published: {os.path.join(HERE, 'RESULTS.md')} and {fig}/")
    if name != "full":
        log(f"\npreset {name!r} is smoke-sized: its numbers check the pipeline; the goals are read on the full run")
    log(f"\ndone in {meta['seconds']:.0f} s (load average now {meta['load_end']})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
