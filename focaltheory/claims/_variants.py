"""Checks of the variants: class weights alpha, sigmoid one-vs-rest (docs/theory.md, section theory-variants)."""

from __future__ import annotations

import math

import mpmath
import numpy as np
from mpmath import mp

from ._cases import _families, _complements
from ._framework import _Worst, _wit
from ._tolerances import TINY, solver_tol


def _check_alpha(ctx):
    """alpha-balanced: Q*(P; alpha) = Q*(alpha P / sum alpha P), i.e. alpha_x P(x) g(Q*(x)) = lambda*."""
    W = _Worst(ctx.name)
    impl = ctx.impl
    rng = ctx.rng
    for label, P, gam in _families(ctx, rows_quick=10, rows_full=50, Ks=(2, 3, 10, 100)):
        n, K = P.shape
        A = 10.0 ** rng.uniform(-3, 3, K)
        Q1 = np.asarray(impl.minimizer(P, gam, alpha=A).q)
        R = A * P
        Q2 = np.asarray(impl.minimizer(R / R.sum(1, keepdims=True), gam).q)
        C1, C2 = _complements(Q1), _complements(Q2)
        rel = np.where(Q2 <= 0.5, np.abs(Q1 - Q2) / np.where(Q2 > 0, Q2, 1), np.abs(C1 - C2) / np.maximum(C2, TINY))
        rel = np.where((Q2 == 0) & (Q1 == 0), 0.0, rel)
        # two runs of the solver on inputs equal up to rounding of alpha P (relative eps): 2e-13 (1+gamma) each
        tol = 2 * solver_tol(gam)
        W.add(-rel.max(1), tol, lambda i: _wit(P[i], gam[i], alpha=A, q_alpha=Q1[i], q_reweighted=Q2[i]))
        ctx.progress(label)
    return W.result("minimizer(P, alpha) vs minimizer(alpha P normalized), alpha in [1e-3, 1e3]")


def _check_sigmoid(ctx):
    """alpha eta g(s) = (1-alpha)(1-eta) g(1-s) at the minimizing score; eta(0.5) = 0.75 at the defaults."""
    W = _Worst(ctx.name)
    impl = ctx.impl
    rng = ctx.rng
    n = ctx.n(30, 200)
    s = np.concatenate([rng.uniform(0.01, 0.99, n), [0.5, 1e-6, 1 - 1e-6]])
    for alpha in (0.25, 0.5, 0.9):
        for g in (0.0, 0.5, 2.0, 5.0):
            eta = np.asarray(impl.sigmoid_posterior(s, g, alpha))
            for i in range(0, s.size, max(1, s.size // ctx.n(5, 25))):
                with mp.workdps(50):
                    sm = mpmath.mpf(float(s[i]))
                    ga, gb = impl.g_mp(sm, g), impl.g_mp(1 - sm, g)
                    e_mp = (1 - alpha) * gb / (alpha * ga + (1 - alpha) * gb)
                # the closed form at 50 digits vs the package (1e-12 relative: double evaluation of g)
                W.add_one(1e-12 - float(abs(eta[i] - e_mp) / e_mp), 0.0,
                          {"s": float(s[i]), "gamma": g, "alpha": alpha, "eta": float(eta[i]), "eta_mp": float(e_mp),
                           "what": "posterior formula"})
            # the score minimizing the risk at eta(s) is s: 1-D risk minimized independently (bounded scalar)
            from scipy.optimize import minimize_scalar
            for i in range(0, n, max(1, n // ctx.n(4, 15))):
                e = float(eta[i])

                def risk(z, e=e):
                    q = 1 / (1 + math.exp(-z))
                    c = 1 / (1 + math.exp(z))
                    return -(alpha * e * c ** g * math.log(q) + (1 - alpha) * (1 - e) * q ** g * math.log(c))

                r = minimize_scalar(risk, bounds=(-30, 30), method="bounded", options={"xatol": 1e-10})
                sz = 1 / (1 + math.exp(-r.x))
                sm = float(np.asarray(impl.sigmoid_minimizer(e, g, alpha).s))
                # a bounded scalar search resolves the score to ~1e-7 (flat minimum: sqrt of eps)
                W.add_one(1e-6 - abs(sz - s[i]), 0.0, {"s": float(s[i]), "gamma": g, "alpha": alpha, "eta": e,
                                                       "s_generic": sz, "what": "risk minimized at s"})
                W.add_one(1e-6 - abs(sm - s[i]), 0.0, {"s": float(s[i]), "gamma": g, "alpha": alpha, "eta": e,
                                                       "s_minimizer": sm, "what": "sigmoid_minimizer(eta) = s"})
    v = float(impl.sigmoid_posterior(0.5, 2.0, 0.25))
    st = impl.numbers["sigmoid_half"]
    W.add_one(0.5 * 10.0 ** -len(st.split(".")[1]) - abs(v - float(st)), 0.0,
              {"s": 0.5, "gamma": 2.0, "alpha": 0.25, "stated": st, "computed": v, "what": "score 0.5 at the defaults"})
    return W.result("posterior formula vs 50 digits, independent 1-D risk minimization, the 0.5 -> 0.75 figure")
