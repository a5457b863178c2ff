"""Speed, memory and scaling of focaltheory.minimizer, side by side in one process.

* N sweep: distributions per second as N grows (K = 10, gamma = 2), with one
  focal_entropy evaluation of the same batch timed in the same repeat (the
  floor: the minimizer cannot beat one evaluation of the objective).
* K sweep: the same as K grows (N = 10).
* Headline (N = floor_N, K = 10, gamma = 2): per repeat, minimizer,
  focal_entropy, SLSQP and trust-constr one distribution at a time, and
  batched mirror descent, interleaved, so every ratio is taken within one
  repeat and its median and spread are reported.
* gamma sweep: time and iterations as gamma grows, on a mixed batch of
  imbalance families (K = 10).
* Free start (N = floor_N, K = 10, gamma = 2): the minimizer handed, in place
  of its own start, the answer it computed plus Gaussian noise of a given
  size, at no cost.  Its time is what the certified Newton solve costs from
  a start of that accuracy: a lower bound on any cleverer start.
* Peak memory (tracemalloc) of one minimizer call relative to the input's nbytes.
* Scaling: least-squares slopes of log time against log(N K) and log gamma.
"""

import contextlib
import time
import tracemalloc
from unittest import mock

import numpy as np

from focaltheory import focal_entropy, minimizer, solver

from . import generic
from ._common import family, spread, time_call

__all__ = ["run_speed", "fit_exponent", "peak_memory_ratio"]

GAMMA = 2.0
K_HEAD = 10
# noise (in log-odds and in log lambda) of the free starts
FREE_START_ERRORS = (0.0, 1e-8, 1e-4, 1e-2)


def fit_exponent(x, y):
    """Least-squares slope b of log y = a + b log x (None with fewer than 2 points)."""
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    if x.size < 2:
        return None
    return float(np.polyfit(np.log(x), np.log(y), 1)[0])


def peak_memory_ratio(fn, nbytes):
    """Peak memory allocated while ``fn()`` runs (tracemalloc), over ``nbytes``."""
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        base = tracemalloc.get_traced_memory()[0]
        out = fn()
        peak = tracemalloc.get_traced_memory()[1] - base
    finally:
        tracemalloc.stop()
    del out
    return peak / nbytes, peak


@contextlib.contextmanager
def free_start(z, u):
    """Hand the solver the start (z, u) for the rows of the minimizer calls made inside.

    ``z`` (N, K) are log-odds and ``u`` (N,) log-multipliers; the solver's
    own start (``solver._solve._initial_guess``) is bypassed, so none of its cost is
    paid.  Chunks are served in order; the context checks on exit that every
    row was served exactly once per call made.
    """
    served = [0]

    def guess(sys):
        n = sys.P.shape[0]
        o = served[0] % z.shape[0]
        served[0] += n
        return z[o:o + n], u[o:o + n]

    with mock.patch.object(solver._solve, "_initial_guess", guess):
        yield
    if served[0] % z.shape[0]:
        raise RuntimeError(f"free start served {served[0]} rows, not a multiple of {z.shape[0]}")


def _free_start_bound(P, res, repeats, log, seed=7):
    """Minimizer time from free starts of several accuracies, and from its own (see module doc).

    Every repeat times the minimizer from its own start and from each free
    start, interleaved, so the rows compare within one repeat.
    """
    q = np.asarray(res.q)
    z_star, u_star = np.log(q) - np.log1p(-q), np.asarray(res.log_lam)
    rng = np.random.default_rng(seed)
    starts = [(err, z_star + err * rng.standard_normal(z_star.shape), u_star + err * rng.standard_normal(u_star.shape))
              for err in FREE_START_ERRORS]
    ts = {err: [] for err in (None, *FREE_START_ERRORS)}
    last = {}
    for _ in range(repeats):
        for err, z, u in [(None, None, None), *starts]:
            with free_start(z, u) if err is not None else contextlib.nullcontext():
                minimizer(P, GAMMA)  # untimed call first, as in the headline
                t0 = time.perf_counter()
                last[err] = minimizer(P, GAMMA)
                ts[err].append(time.perf_counter() - t0)
    rows = []
    for err, t in ts.items():
        r = last[err]
        dev = float(np.max(np.abs(np.asarray(r.q) - q) / q))
        rows.append({"start_error": err, "minimizer_s": spread(t), "s_per_dist": spread(np.array(t) / P.shape[0]),
                     "iterations_mean": float(np.mean(r.iterations)), "all_converged": bool(np.all(r.converged)),
                     "max_rel_diff_from_own_start": dev})
        what = "own start" if err is None else f"free start within {err:g}"
        log(f"  {what}: {np.median(t) / P.shape[0] * 1e6:.2f} us/dist, "
            f"iterations {rows[-1]['iterations_mean']:.2f}, Q* differs by {dev:.1e}")
    return rows


def _side_by_side(P, repeats, min_time):
    """Interleaved timings of minimizer and focal_entropy on batch P (gamma = 2)."""
    tm, tf, ratio = [], [], []
    res = minimizer(P, GAMMA)  # warm-up, and the q for focal_entropy
    q = np.array(res.q)
    for _ in range(repeats):
        a, _ = time_call(lambda: minimizer(P, GAMMA), min_time)
        b, _ = time_call(lambda: focal_entropy(P, q, GAMMA), min_time)
        tm.append(a)
        tf.append(b)
        ratio.append(a / b)
    return tm, tf, ratio, res


def _sweep_row(N, K, tm, tf, ratio, res):
    return {
        "N": int(N),
        "K": int(K),
        "minimizer_s": spread(tm),
        "focal_entropy_s": spread(tf),
        "ratio_to_floor": spread(ratio),
        "minimizer_dist_per_s": N / float(np.median(tm)),
        "focal_entropy_dist_per_s": N / float(np.median(tf)),
        "iterations_max": int(np.max(res.iterations)),
        "all_converged": bool(np.all(res.converged)),
    }


def run_speed(cfg, log=print, seed=2024):
    """Run the speed benchmarks of ``cfg``; return a dict of results (see module doc)."""
    rng = np.random.default_rng(seed)
    out = {"gamma": GAMMA}

    # -- headline: floor ratio and throughput ratios, all per repeat ----------
    N = cfg.floor_N
    P = family("dirichlet", K_HEAD, N, rng, 1.0)
    one = family("dirichlet", K_HEAD, max(cfg.slsqp_count, cfg.trust_count), rng, 1.0)
    res = minimizer(P, GAMMA)
    q = np.array(res.q)
    generic.solve_slsqp(one[0], GAMMA)  # warm-up (imports, caches)
    generic.solve_trust_constr(one[0], GAMMA)
    t_min, t_fe, t_sl, t_tc, t_md, t_one = [], [], [], [], [], []
    Pmd = P[: cfg.md_N]
    for r in range(cfg.repeats):
        # each timed call follows an untimed call of the same function: the
        # first large call after a different one pays for fresh pages (at
        # 1e6 x 10, focal_entropy right after the minimizer takes about three
        # times as long as warm), which would flatter whichever function is
        # measured second
        minimizer(P, GAMMA)
        t0 = time.perf_counter()
        minimizer(P, GAMMA)
        t_min.append(time.perf_counter() - t0)
        focal_entropy(P, q, GAMMA)
        t0 = time.perf_counter()
        focal_entropy(P, q, GAMMA)
        t_fe.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        for p in one[: cfg.slsqp_count]:
            generic.solve_slsqp(p, GAMMA)
        t_sl.append((time.perf_counter() - t0) / cfg.slsqp_count)
        t0 = time.perf_counter()
        for p in one[: cfg.trust_count]:
            generic.solve_trust_constr(p, GAMMA)
        t_tc.append((time.perf_counter() - t0) / cfg.trust_count)
        t0 = time.perf_counter()
        generic.mirror_descent(Pmd, GAMMA, iters=cfg.md_iters)
        t_md.append((time.perf_counter() - t0) / Pmd.shape[0])
        t0 = time.perf_counter()
        for p in one[: cfg.slsqp_count]:
            minimizer(p, GAMMA)
        t_one.append((time.perf_counter() - t0) / cfg.slsqp_count)
        log(f"  headline repeat {r + 1}/{cfg.repeats}: minimizer {t_min[-1]:.3f} s, focal_entropy {t_fe[-1]:.3f} s, "
            f"SLSQP {t_sl[-1] * 1e3:.2f} ms/dist, trust-constr {t_tc[-1] * 1e3:.1f} ms/dist")
    t_min, t_fe, t_sl, t_tc, t_md, t_one = map(np.array, (t_min, t_fe, t_sl, t_tc, t_md, t_one))
    per_dist = t_min / N
    out["headline"] = {
        "N": N,
        "K": K_HEAD,
        "minimizer_s": spread(t_min),
        "focal_entropy_s": spread(t_fe),
        "ratio_to_floor": spread(t_min / t_fe),
        "ratio_of_best_times": float(t_min.min() / t_fe.min()),
        "minimizer_dist_per_s": spread(N / t_min),
        "slsqp_s_per_dist": spread(t_sl),
        "trust_constr_s_per_dist": spread(t_tc),
        "mirror_descent_s_per_dist": spread(t_md),
        "mirror_descent_N": int(Pmd.shape[0]),
        "mirror_descent_iters": cfg.md_iters,
        "minimizer_one_at_a_time_s_per_dist": spread(t_one),
        "speedup_vs_slsqp": spread(t_sl / per_dist),
        "speedup_vs_slsqp_best_times": float(t_sl.min() / per_dist.min()),
        "speedup_vs_trust_constr": spread(t_tc / per_dist),
        "speedup_vs_mirror_descent": spread(t_md / per_dist),
        "speedup_vs_slsqp_one_at_a_time": spread(t_sl / t_one),
        "iterations_max": int(res.iterations.max()),
        "all_converged": bool(res.converged.all()),
    }
    log(f"  headline: ratio to floor {np.median(t_min / t_fe):.2f}, {np.median(t_sl / per_dist):.0f}x SLSQP")

    # -- free start: what the certified solve costs from a start it did not pay for
    out["free_start"] = _free_start_bound(P, res, cfg.repeats, log)

    # -- memory ----------------------------------------------------------------
    mem = []
    for n in sorted(set([n for n in cfg.speed_N if n <= N] + [N])):
        Pm = P[:n].copy()
        ratio, peak = peak_memory_ratio(lambda: minimizer(Pm, GAMMA), Pm.nbytes)
        qm = np.array(minimizer(Pm, GAMMA).q)
        ratio_fe, _ = peak_memory_ratio(lambda: focal_entropy(Pm, qm, GAMMA), Pm.nbytes)
        mem.append({"N": int(n), "K": K_HEAD, "input_bytes": int(Pm.nbytes), "peak_bytes": int(peak),
                    "peak_over_input": ratio, "focal_entropy_peak_over_input": ratio_fe})
    out["memory"] = mem
    log(f"  memory: peak/input {mem[-1]['peak_over_input']:.2f} at N = {mem[-1]['N']}")

    # -- N sweep (K = 10) --------------------------------------------------------
    rows = []
    for n in cfg.speed_N:
        if n == N:
            h = out["headline"]
            rows.append({"N": N, "K": K_HEAD, "minimizer_s": h["minimizer_s"], "focal_entropy_s": h["focal_entropy_s"],
                         "ratio_to_floor": h["ratio_to_floor"], "minimizer_dist_per_s": N / h["minimizer_s"]["median"],
                         "focal_entropy_dist_per_s": N / h["focal_entropy_s"]["median"],
                         "iterations_max": h["iterations_max"], "all_converged": h["all_converged"]})
            continue
        Pn = family("dirichlet", K_HEAD, n, rng, 1.0)
        rows.append(_sweep_row(n, K_HEAD, *_side_by_side(Pn, cfg.repeats, cfg.min_time)))
        log(f"  N sweep: N = {n}: {rows[-1]['minimizer_dist_per_s']:.3g} dist/s, ratio {rows[-1]['ratio_to_floor']['median']:.2f}")
    out["N_sweep"] = rows

    # -- K sweep (N = 10) --------------------------------------------------------
    rows = []
    for K in cfg.speed_K:
        Pk = family("dirichlet", K, 10, rng, 1.0)
        rows.append(_sweep_row(10, K, *_side_by_side(Pk, cfg.repeats, cfg.min_time)))
        log(f"  K sweep: K = {K}: {rows[-1]['minimizer_s']['median'] * 1e3:.3g} ms, ratio {rows[-1]['ratio_to_floor']['median']:.2f}")
    out["K_sweep"] = rows

    # -- gamma sweep (mixed families, K = 10) -------------------------------------
    m = cfg.gamma_N // 4
    Pg = np.concatenate([family("dirichlet", K_HEAD, m, rng, 0.1), family("dirichlet", K_HEAD, m, rng, 1.0),
                         family("dirichlet", K_HEAD, m, rng, 10.0), family("rare", K_HEAD, cfg.gamma_N - 3 * m, param=1e-8)])
    rows, hist = [], {}
    for g in cfg.gammas:
        ts = []
        for _ in range(cfg.repeats):
            t, r = time_call(lambda: minimizer(Pg, g), cfg.min_time)
            ts.append(t)
        it = np.asarray(r.iterations)
        hist[str(g)] = np.bincount(it, minlength=1).tolist()
        rows.append({"gamma": float(g), "N": int(Pg.shape[0]), "K": K_HEAD, "minimizer_s": spread(ts),
                     "dist_per_s": Pg.shape[0] / float(np.median(ts)), "iterations_mean": float(it.mean()),
                     "iterations_max": int(it.max()), "all_converged": bool(np.all(r.converged))})
        log(f"  gamma sweep: gamma = {g:g}: {rows[-1]['minimizer_s']['median']:.3f} s, "
            f"iterations mean {it.mean():.2f} max {it.max()}")
    out["gamma_sweep"] = rows
    out["iterations_histogram"] = hist

    # -- scaling fits ---------------------------------------------------------------
    def big(rows):
        return [r for r in rows if r["N"] * r["K"] >= 10_000]

    nb, kb = big(out["N_sweep"]), big(out["K_sweep"])
    out["scaling"] = {
        "note": "slope of log(median minimizer time) vs log(N K), fitted over the points with N K >= 1e4 "
                "(below that, per-call overhead dominates); and vs log gamma over the gamma sweep",
        "exponent_N_at_K10": fit_exponent([r["N"] * r["K"] for r in nb], [r["minimizer_s"]["median"] for r in nb]),
        "exponent_K_at_N10": fit_exponent([r["N"] * r["K"] for r in kb], [r["minimizer_s"]["median"] for r in kb]),
        "exponent_NK_both": fit_exponent([r["N"] * r["K"] for r in nb + kb],
                                         [r["minimizer_s"]["median"] for r in nb + kb]),
        "exponent_gamma": fit_exponent([r["gamma"] for r in out["gamma_sweep"]],
                                       [r["minimizer_s"]["median"] for r in out["gamma_sweep"]]),
        "focal_entropy_exponent_N_at_K10": fit_exponent([r["N"] * r["K"] for r in nb],
                                                        [r["focal_entropy_s"]["median"] for r in nb]),
    }
    return out
