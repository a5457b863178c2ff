"""Accuracy: every solver against the mpmath reference over a grid of cases.

For each case (imbalance family, K, gamma) the 40-digit (30 in quick mode)
reference :func:`focaltheory.reference.minimizer_mp` is computed once, and
each solver's double-precision answer is scored by

* ``rel_err``: max over classes of |q_x - q*_x| / q*_x (computed in mpmath);
* ``kkt``: the KKT residual of the answer, computed in mpmath from the
  returned doubles, the same way for every solver:
  max( (max_x L_x - min_x L_x) / 2, |sum_x q_x - 1| ) with
  L_x = log P(x) + log g(q_x), i.e. the smallest achievable
  max_x |log(P(x) g(q_x)) - log lambda| over lambda.  When the largest
  class is above 1/2 its complement 1 - q is taken as the (exact) sum of the
  others, the way a near-degenerate answer has to be read (its own 1 - q is
  rounding); every other complement is 1 - q_x, exact in mpmath.

For focaltheory.minimizer the error of log lambda* (relative, or absolute
below 1) and the solver's own reported residual are recorded too.
"""

import time

import numpy as np
from mpmath import mp

from focaltheory import minimizer
from focaltheory.reference import minimizer_mp

from . import generic
from ._common import accuracy_cases, spread

__all__ = ["SOLVERS", "run_accuracy", "rel_error_mp", "kkt_residual_mp"]

SOLVERS = ["focaltheory", "SLSQP", "trust-constr", "mirror descent"]


def _log_g_mp(q, c, gamma):
    """log g(q) from q and its complement c (mp numbers, 0 < q < 1)."""
    lq = mp.log(q) if q <= 0.5 else mp.log1p(-c)
    return (gamma - 1) * mp.log(c) + mp.log(c / q - gamma * lq)


def rel_error_mp(q, ref):
    """max_x |q_x - ref_x| / ref_x over the reference's support (inf on NaN)."""
    q = np.asarray(q, dtype=float)
    if not np.all(np.isfinite(q)):
        return float("inf")
    worst = mp.zero
    for x, r in zip(q.tolist(), ref.q):
        if r != 0:
            worst = max(worst, abs(mp.mpf(x) - r) / r)
    return float(worst)


def kkt_residual_mp(q, p, gamma):
    """Solver-independent KKT residual of a double answer ``q`` (see module doc).

    Returns inf when q is not finite or not inside the open simplex on the
    support of ``p``.
    """
    q = np.asarray(q, dtype=float)
    p = np.asarray(p, dtype=float)
    if not np.all(np.isfinite(q)):
        return float("inf")
    sup = np.flatnonzero(p > 0)
    if np.any(q[sup] <= 0) or np.any(q[sup] >= 1):
        return float("inf")
    qs = [mp.mpf(x) for x in q[sup].tolist()]
    ps = [mp.mpf(x) for x in p[sup].tolist()]
    tot_p = mp.fsum(ps)
    total = mp.fsum(qs)
    dom = int(np.argmax(q[sup]))
    g = mp.mpf(gamma)
    L = []
    for i, (qx, px) in enumerate(zip(qs, ps)):
        # a class above 1/2 is read through the others (its own 1 - q is rounding)
        c = total - qx if (i == dom and qx > 0.5) else 1 - qx
        if c <= 0:
            return float("inf")
        L.append(mp.log(px / tot_p) + _log_g_mp(qx, c, g))
    stat = (max(L) - min(L)) / 2
    return float(max(stat, abs(total - 1)))


def _case_label(c):
    return f"{c['family']}({c['param']:g}) K={c['K']} gamma={c['gamma']:g}"


def run_accuracy(cfg, log=print):
    """Run the accuracy grid of ``cfg``; return a dict with ``cases`` and ``summary``.

    Parameters
    ----------
    cfg : benchmarks._common.Config
        The run configuration.
    log : callable
        Progress printer.

    Returns
    -------
    dict
        ``cases``: one row per (case, solver) with rel_err, kkt, seconds and
        solver-specific fields; ``summary``: per solver, worst and median of
        rel_err and kkt with the worst case named, and coverage.
    """
    cases = accuracy_cases(cfg)
    rows = []
    t_ref = 0.0
    t0 = time.perf_counter()
    with mp.workdps(cfg.dps):
        for i, c in enumerate(cases):
            p, gamma, K = c["p"], c["gamma"], c["K"]
            base = {k: c[k] for k in ("family", "param", "draw", "K", "gamma")}
            ts = time.perf_counter()
            ref = minimizer_mp(p.tolist(), gamma, dps=cfg.dps)
            t_ref += time.perf_counter() - ts

            # focaltheory
            ts = time.perf_counter()
            res = minimizer(p, gamma)
            el = time.perf_counter() - ts
            ll_ref = ref.log_lam
            ll_err = float(abs(mp.mpf(float(res.log_lam)) - ll_ref) / max(mp.one, abs(ll_ref)))
            rows.append(dict(base, solver="focaltheory", rel_err=rel_error_mp(res.q, ref),
                             kkt=kkt_residual_mp(res.q, p, gamma), seconds=el,
                             iterations=int(res.iterations), converged=bool(res.converged),
                             reported_residual=float(res.residual), log_lam_err=ll_err))
            # generic solvers
            if K <= cfg.slsqp_max_K:
                ts = time.perf_counter()
                q, nit = generic.solve_slsqp(p, gamma)
                el = time.perf_counter() - ts
                rows.append(dict(base, solver="SLSQP", rel_err=rel_error_mp(q, ref), kkt=kkt_residual_mp(q, p, gamma),
                                 seconds=el, iterations=nit))
            if K <= cfg.trust_max_K:
                ts = time.perf_counter()
                q, nit = generic.solve_trust_constr(p, gamma)
                el = time.perf_counter() - ts
                rows.append(dict(base, solver="trust-constr", rel_err=rel_error_mp(q, ref),
                                 kkt=kkt_residual_mp(q, p, gamma), seconds=el, iterations=nit))
            ts = time.perf_counter()
            q = generic.mirror_descent(p, gamma, iters=cfg.md_iters)
            el = time.perf_counter() - ts
            rows.append(dict(base, solver="mirror descent", rel_err=rel_error_mp(q, ref),
                             kkt=kkt_residual_mp(q, p, gamma), seconds=el, iterations=cfg.md_iters))
            if (i + 1) % 20 == 0 or i + 1 == len(cases):
                log(f"  accuracy: {i + 1}/{len(cases)} cases, {time.perf_counter() - t0:.0f} s")
    summary = summarize(rows)
    return {"dps": cfg.dps, "n_cases": len(cases), "reference_seconds": t_ref, "cases": rows, "summary": summary}


def _worst(rows, key):
    vals = np.array([r[key] for r in rows], dtype=float)
    vals = np.where(np.isnan(vals), np.inf, vals)
    i = int(np.argmax(vals))
    return float(vals[i]), _case_label(rows[i]), float(np.median(vals))


def summarize(rows):
    """Per-solver summary of accuracy rows (worst/median, worst case, coverage)."""
    out = {}
    for s in SOLVERS:
        rs = [r for r in rows if r["solver"] == s]
        if not rs:
            continue
        we, wc, me = _worst(rs, "rel_err")
        wk, wkc, mk = _worst(rs, "kkt")
        d = {
            "cases": len(rs),
            "K_max": max(r["K"] for r in rs),
            "rel_err_worst": we,
            "rel_err_worst_case": wc,
            "rel_err_median": me,
            "kkt_worst": wk,
            "kkt_worst_case": wkc,
            "kkt_median": mk,
            "seconds_per_solve": spread([r["seconds"] for r in rs]),
            "cases_rel_err_above_1e-13": [_case_label(r) + f": {r['rel_err']:.2e}" for r in rs if not r["rel_err"] <= 1e-13],
        }
        if s == "focaltheory":
            d["log_lam_err_worst"], d["log_lam_err_worst_case"], d["log_lam_err_median"] = _worst(rs, "log_lam_err")
            d["not_converged"] = [_case_label(r) for r in rs if not r["converged"]]
            d["iterations"] = spread([r["iterations"] for r in rs])
        out[s] = d
    # the minimizer on exactly the cases SLSQP ran, for a like-for-like comparison
    ks = {(r["family"], r["param"], r["draw"], r["K"], r["gamma"]) for r in rows if r["solver"] == "SLSQP"}
    common = [r for r in rows if r["solver"] == "focaltheory" and (r["family"], r["param"], r["draw"], r["K"], r["gamma"]) in ks]
    if common:
        out["focaltheory_on_SLSQP_cases"] = {"rel_err_worst": _worst(common, "rel_err")[0],
                                             "kkt_worst": _worst(common, "kkt")[0], "cases": len(common)}
    return out


