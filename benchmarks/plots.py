"""PNG figures of a benchmark run (matplotlib, imported lazily, Agg backend)."""

import os

import numpy as np

__all__ = ["plot_accuracy", "plot_speed"]

COLORS = {"focaltheory": "C0", "SLSQP": "C1", "trust-constr": "C2", "mirror descent": "C3", "focal_entropy": "0.4"}


def _plt():
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    return plt


def _floor(v):
    """Errors for a log axis: exact zeros shown at 1e-18, non-finite at 10."""
    v = np.asarray(v, dtype=float)
    v = np.where(np.isfinite(v), v, 10.0)
    return np.maximum(v, 1e-18)


def plot_accuracy(acc, path):
    """Relative error of Q* and KKT residual per case, one strip per solver, vs gamma."""
    plt = _plt()
    rows = acc["cases"]
    solvers = [s for s in COLORS if any(r["solver"] == s for r in rows)]
    fig, axes = plt.subplots(1, 2, figsize=(12, 4.6))
    for ax, key, title in ((axes[0], "rel_err", "max relative error of Q* vs mpmath reference"),
                           (axes[1], "kkt", "KKT residual (log form, from the returned doubles)")):
        for j, s in enumerate(solvers):
            rs = [r for r in rows if r["solver"] == s]
            g = np.array([r["gamma"] for r in rs])
            v = _floor([r[key] for r in rs])
            jitter = 1.0 + 0.08 * (j - (len(solvers) - 1) / 2)
            ax.scatter(g * jitter, v, s=12, alpha=0.7, color=COLORS[s], label=s)
        if key == "rel_err":
            ax.axhline(1e-13, color="k", ls="--", lw=1, label="goal 1e-13")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("gamma")
        ax.set_title(title, fontsize=10)
        ax.grid(True, which="major", alpha=0.3)
    axes[0].legend(fontsize=8, loc="upper left")
    Ks = sorted({r["K"] for r in rows})
    fig.suptitle(f"Accuracy over {acc['n_cases']} cases: K in {Ks}, Dirichlet / balanced+rare / extreme binary, "
                 f"reference at {acc['dps']} digits", fontsize=10)
    fig.tight_layout()
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)


def plot_speed(sp, path):
    """Six panels: throughput vs N, ratio to floor, time vs K, time vs gamma, iterations, memory."""
    plt = _plt()
    fig, ax = plt.subplots(2, 3, figsize=(15, 8.5))
    h = sp["headline"]

    # (a) throughput vs N
    a = ax[0, 0]
    rows = sp["N_sweep"]
    N = np.array([r["N"] for r in rows])
    for key, lab, c in (("minimizer_s", "focaltheory.minimizer", COLORS["focaltheory"]),
                        ("focal_entropy_s", "one focal_entropy evaluation (floor)", COLORS["focal_entropy"])):
        med = np.array([r[key]["median"] for r in rows])
        lo = np.array([r[key]["min"] for r in rows])
        hi = np.array([r[key]["max"] for r in rows])
        a.errorbar(N, N / med, yerr=[N / med - N / hi, N / lo - N / med], marker="o", color=c, label=lab, capsize=3)
    for key, lab, c in (("slsqp_s_per_dist", "SLSQP, one at a time", COLORS["SLSQP"]),
                        ("trust_constr_s_per_dist", "trust-constr, one at a time", COLORS["trust-constr"]),
                        ("mirror_descent_s_per_dist", f"mirror descent ({h['mirror_descent_iters']} it., batched)",
                         COLORS["mirror descent"])):
        a.axhline(1.0 / h[key]["median"], color=c, ls="--", label=lab)
    a.set_xscale("log")
    a.set_yscale("log")
    a.set_xlabel("N distributions (K = 10, gamma = 2)")
    a.set_ylabel("distributions / s")
    a.set_title("throughput", fontsize=10)
    a.legend(fontsize=7)
    a.grid(True, alpha=0.3)

    # (b) ratio to the floor vs N
    b = ax[0, 1]
    med = np.array([r["ratio_to_floor"]["median"] for r in rows])
    lo = np.array([r["ratio_to_floor"]["min"] for r in rows])
    hi = np.array([r["ratio_to_floor"]["max"] for r in rows])
    b.errorbar(N, med, yerr=[med - lo, hi - med], marker="o", capsize=3, color=COLORS["focaltheory"],
               label="minimizer time / focal_entropy time")
    b.axhline(10, color="k", ls="--", lw=1, label="goal <= 10 at N = 1e6")
    b.set_xscale("log")
    b.set_xlabel("N distributions (K = 10, gamma = 2)")
    b.set_ylabel("ratio (median, min-max)")
    b.set_title("cost in evaluations of the objective", fontsize=10)
    b.legend(fontsize=8)
    b.grid(True, alpha=0.3)

    # (c) time vs K at N = 10
    c = ax[0, 2]
    rows = sp["K_sweep"]
    K = np.array([r["K"] for r in rows])
    for key, lab, col in (("minimizer_s", "focaltheory.minimizer", COLORS["focaltheory"]),
                          ("focal_entropy_s", "focal_entropy", COLORS["focal_entropy"])):
        c.plot(K, [r[key]["median"] for r in rows], marker="o", color=col, label=lab)
    e = sp["scaling"]["exponent_K_at_N10"]
    c.set_xscale("log")
    c.set_yscale("log")
    c.set_xlabel("K classes (N = 10, gamma = 2)")
    c.set_ylabel("seconds per call (median)")
    c.set_title(f"scaling in K (fitted exponent {e:.2f} for N K >= 1e4)" if e is not None else "scaling in K",
                fontsize=10)
    c.legend(fontsize=8)
    c.grid(True, alpha=0.3)

    # (d) time vs gamma
    d = ax[1, 0]
    rows = sp["gamma_sweep"]
    g = np.array([r["gamma"] for r in rows])
    med = np.array([r["minimizer_s"]["median"] for r in rows])
    d.plot(g, med, marker="o", color=COLORS["focaltheory"], label="seconds (median)")
    d.set_xscale("log")
    d.set_yscale("log")
    d.set_xlabel("gamma")
    d.set_ylabel("seconds per call")
    d2 = d.twinx()
    d2.plot(g, [r["iterations_mean"] for r in rows], marker="s", ls=":", color="C4", label="mean iterations")
    d2.set_ylabel("mean Newton iterations")
    d2.set_ylim(bottom=0)
    e = sp["scaling"]["exponent_gamma"]
    d.set_title(f"gamma sweep, N = {rows[0]['N']} mixed families, K = 10 (exponent {e:.2f})", fontsize=10)
    d.legend(loc="upper left", fontsize=8)
    d2.legend(loc="upper right", fontsize=8)
    d.grid(True, alpha=0.3)

    # (e) iterations histogram
    f = ax[1, 1]
    hist = sp["iterations_histogram"]
    tot = None
    for counts in hist.values():
        cnt = np.asarray(counts)
        tot = cnt if tot is None else np.pad(tot, (0, max(0, cnt.size - tot.size))) + np.pad(cnt, (0, max(0, tot.size - cnt.size)))
    f.bar(np.arange(tot.size), tot / tot.sum(), color=COLORS["focaltheory"])
    f.set_yscale("log")
    f.set_xlabel("Newton iterations")
    f.set_ylabel("fraction of distributions")
    f.set_title(f"iterations over the gamma sweep ({int(tot.sum())} solves)", fontsize=10)
    f.grid(True, alpha=0.3)

    # (f) memory
    m = ax[1, 2]
    mem = sp["memory"]
    Nm = [r["N"] for r in mem]
    m.plot(Nm, [r["peak_over_input"] for r in mem], marker="o", color=COLORS["focaltheory"], label="minimizer")
    m.plot(Nm, [r["focal_entropy_peak_over_input"] for r in mem], marker="s", color=COLORS["focal_entropy"],
           label="focal_entropy")
    m.axhline(12, color="k", ls="--", lw=1, label="goal <= 12")
    m.set_xscale("log")
    m.set_xlabel("N distributions (K = 10)")
    m.set_ylabel("peak traced memory / input nbytes")
    m.set_title("peak extra memory (tracemalloc)", fontsize=10)
    m.legend(fontsize=8)
    m.grid(True, alpha=0.3)

    fig.tight_layout()
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    fig.savefig(path, dpi=100)
    plt.close(fig)
