"""``focaltheory solve --law "geom(p=0.3)"``: the minimizer of a scipy.stats discrete law.

The law is parsed without eval: a name from an allow-list of scipy.stats
discrete distributions and keyword (or positional) parameters that are
plain integers or floats.
"""

import math
import re

import numpy as np

from ._output import print_json

__all__ = ["parse_law", "run_law", "LAW_HELP"]

_COUNTABLE = ("geom", "poisson", "nbinom", "logser", "zipf", "yulesimon", "planck", "dlaplace", "betanbinom")
_FINITE = ("binom", "bernoulli", "betabinom", "hypergeom", "zipfian", "boltzmann", "randint", "nhypergeom")
LAW_HELP = ("a scipy.stats discrete law, e.g. \"geom(p=0.3)\", \"poisson(mu=2)\", \"zipf(a=3)\" "
            f"(countable: {', '.join(_COUNTABLE)}; finite: {', '.join(_FINITE)})")
_NUM = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _number(text, where):
    t = text.strip()
    if not _NUM.match(t):
        raise ValueError(f"--law: {where} must be a number, got {t!r}")
    return int(t) if re.fullmatch(r"[+-]?\d+", t) else float(t)


def parse_law(text):
    """The frozen scipy.stats law of a text such as ``"geom(p=0.3)"`` (no eval)."""
    m = re.fullmatch(r"\s*([A-Za-z_][A-Za-z0-9_]*)\s*\((.*)\)\s*", text or "")
    if not m:
        raise ValueError(f"--law must look like name(param=value, ...), e.g. \"geom(p=0.3)\"; got {text!r}")
    name, inner = m.group(1), m.group(2)
    if name not in _COUNTABLE + _FINITE:
        raise ValueError(f"--law: unknown or unsupported distribution {name!r}; one of "
                         f"{', '.join(_COUNTABLE + _FINITE)}")
    args, kwds = [], {}
    for part in [p for p in inner.split(",") if p.strip()] if inner.strip() else []:
        if "=" in part:
            k, v = part.split("=", 1)
            k = k.strip()
            if not _KEY.match(k):
                raise ValueError(f"--law: bad parameter name {k!r}")
            if k in kwds:
                raise ValueError(f"--law: parameter {k!r} given twice")
            kwds[k] = _number(v, f"parameter {k}")
        else:
            if kwds:
                raise ValueError("--law: positional parameters must come before keyword ones")
            args.append(_number(part, "a positional parameter"))
    from scipy import stats

    dist = getattr(stats, name)
    try:
        return dist(*args, **kwds)
    except TypeError as e:
        raise ValueError(f"--law: {name}: {e}") from None


def run_law(args):
    """Solve and print; returns the exit code (1 if not converged)."""
    from .. import minimizer

    law = parse_law(args.law)
    res = minimizer(law, args.gamma)
    if hasattr(res, "mass_bound"):
        return _print_countable(args, law, res)
    from ..countable import finite_points

    ks, p = finite_points(law)
    rows = [{"k": int(k), "p": float(pk), "q": float(qk), "ratio": float(qk / pk) if pk > 0 else None}
            for k, pk, qk in zip(ks, p, res.q)]
    out = {"law": args.law, "gamma": args.gamma, "support": "finite", "head": rows,
           "log_lambda": float(res.log_lam), "value": float(res.value), "converged": bool(res.converged),
           "residual": float(res.residual)}
    if args.json:
        print_json(out)
    else:
        print(f"focal-entropy minimizer of {args.law} (finite support) at gamma = {args.gamma:g}")
        _table(rows)
        print(f"lambda* = {math.exp(out['log_lambda']):.10g}  (log lambda* = {out['log_lambda']:.10g})")
        print(f"minimal focal-entropy H_gamma(P) = {out['value']:.10g} nats")
        print(f"converged: {out['converged']}; KKT residual {out['residual']:.2e}")
    return 0 if res.converged else 1


def _table(rows):
    print(f"{'k':>6}  {'P(k)':>12}  {'Q*(k)':>12}  {'Q*/P':>10}")
    for r in rows:
        ratio = "-" if r["ratio"] is None else f"{r['ratio']:.6f}"
        print(f"{r['k']:>6}  {r['p']:>12.6g}  {r['q']:>12.6g}  {ratio:>10}")


def _print_countable(args, law, res):
    head = np.asarray(res.head)
    P = np.asarray(res.law.pmf(head))
    # the head's points in order, up to 1 - 1e-6 of the mass of P (at most 25)
    cum = np.cumsum(P)
    start = int(np.argmax(P >= 1e-12 * P.max()))
    stop = min(head.size, start + 25, int(np.searchsorted(cum, 1 - 1e-6)) + 1)
    ks = head[start:max(stop, start + 1)]
    Q = np.asarray(res.pmf(ks))
    rows = [{"k": int(k), "p": float(pk), "q": float(qk), "ratio": float(qk / pk) if pk > 0 else None}
            for k, pk, qk in zip(ks, P[start:start + ks.size], Q)]
    out = {"law": args.law, "gamma": args.gamma, "support": "countable", "head": rows,
           "head_points": [int(head[0]), int(head[-1])], "tail_ratio": float(res.tail_ratio),
           "log_lambda": float(res.log_lam), "lambda": float(np.exp(res.log_lam)), "value": float(res.value),
           "value_bound": float(res.value_bound), "mass_bound": float(res.mass_bound),
           "residual": float(res.residual), "converged": bool(res.converged), "reason": res.reason}
    if args.json:
        print_json(out)
    else:
        print(f"focal-entropy minimizer of {args.law} at gamma = {args.gamma:g}")
        _table(rows)
        print(f"head solved exactly on k = {head[0]} .. {head[-1]}; tail ratio Q*(k)/P(k) -> 1/lambda* = "
              f"{out['tail_ratio']:.12g}")
        print(f"lambda* = {out['lambda']:.12g}  (log lambda* = {out['log_lambda']:.12g})")
        print(f"minimal focal-entropy H_gamma(P) = {out['value']:.12g} nats  (+- {out['value_bound']:.2e})")
        print(f"mass balance: |sum_k Q*(k) - 1| <= {out['mass_bound']:.2e}; inverse-map residual on the head "
              f"{out['residual']:.2e}")
        print(f"converged: {out['converged']}" + ("" if res.reason is None else f" ({res.reason})"))
    return 0 if res.converged else 1
