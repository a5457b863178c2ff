"""Checks of the loss l and of g = -l' (docs/theory.md, section theory-loss)."""

from __future__ import annotations

import mpmath
from mpmath import mp

from ._cases import _q_grid_mp, _GAMMA_GRID_MP
from ._framework import _Worst


def _check_loss_convex(ctx):
    """l'' > 0 on (0, 1) via the bracket formula (theory-loss); the bracket equals sympy's -g'; its two lower bounds."""
    import sympy as sp

    from ..symbolic import dg_expr, gamma as g_sym, q as q_sym

    W = _Worst(ctx.name)
    neg_dg = sp.lambdify((q_sym, g_sym), -dg_expr(), "mpmath")
    d2 = ctx.impl.d2loss_mp
    grid = _q_grid_mp(ctx.quick)
    with mp.workdps(60):
        for gs in _GAMMA_GRID_MP:
            gm = mpmath.mpf(gs)
            for qm in grid:
                v = d2(qm, gm)
                ref = neg_dg(qm, gm)
                t = (1 - qm) / qm
                scale = (1 - qm) ** (gm - 2) * (t * t + 2 * gm * t + abs(gm * (1 - gm)) * mp.log1p(t))
                wit = {"q": float(qm), "1-q": float(1 - qm), "gamma": float(gm)}
                # (a) positivity of l'' (relative to the size of its terms); exact in 60 digits: tol 1e-50
                W.add_one(float(v / scale), 1e-50, dict(wit, what="l''(q) > 0"))
                # (b) the bracket formula is l'' (sympy differentiation of l); 60-digit evaluation: 1e-40
                W.add_one(1e-40 - float(abs(v - ref) / scale), 1e-40, dict(wit, what="bracket == -g' (sympy)"))
                # (c) the lower bounds of the convexity proof (theory-loss)
                br = v / (1 - qm) ** (gm - 2)
                lb = t * t + gm * (1 + gm) * t if gm <= 1 else t * t + 2 * gm * t
                W.add_one(float((br - lb) / (br + lb)), 1e-50, dict(wit, what="bracket >= its lower bound"))
    return W.result("l''(q) = (1-q)^(gamma-2)[t^2+2 gamma t-gamma(1-gamma)log(1+t)] > 0 at 60 digits on q in [1e-300, 1-1e-300]")


def _check_g_shape(ctx):
    """g > 0, g' < 0, g q -> 1 as q -> 0, g / ((1+gamma) c^gamma) -> 1 as c -> 0, gamma = 0: g = 1/q."""
    W = _Worst(ctx.name)
    gf = ctx.impl.g_mp
    d2 = ctx.impl.d2loss_mp
    with mp.workdps(60):
        for gs in _GAMMA_GRID_MP:
            gm = mpmath.mpf(gs)
            prev = None
            for qm in _q_grid_mp(ctx.quick):
                v = gf(qm, gm)
                wit = {"q": float(qm), "1-q": float(1 - qm), "gamma": float(gm)}
                W.add_one(float(mp.sign(v)), 0.0, dict(wit, what="g(q) > 0"))
                if prev is not None:  # strictly decreasing along the increasing grid
                    W.add_one(float((prev - v) / (abs(prev) + abs(v))), 1e-50, dict(wit, what="g decreasing"))
                prev = v
                c = 1 - qm
                if c <= mpmath.mpf("1e-3"):
                    # series at 1: g = c^gamma [(1+gamma) + (1+gamma/2) c + ...], so |ratio - 1| <= c
                    # ((1+gamma/2)/(1+gamma) <= 1); tolerance 2c for the higher terms at c <= 1e-3
                    r = v / ((1 + gm) * c ** gm)
                    W.add_one(float(2 * c - abs(r - 1)) / float(2 * c), 1.0, dict(wit, what="g ~ (1+gamma)(1-q)^gamma"))
                # plus 1e-45 for the 50-digit evaluation of g
                bnd = 2 * (1 + gm) * qm * (1 + abs(mp.log(qm))) + mpmath.mpf("1e-45")
                if bnd < mpmath.mpf("0.1"):
                    # q g = c^(gamma-1)(c - gamma q log q) = 1 + O((1+gamma) q (1 + |log q|)): |q g - 1| <= bnd
                    # (first-order terms (gamma-1) q + gamma q |log q|, doubled for the remainder while bnd < 0.1)
                    W.add_one(float((bnd - abs(v * qm - 1)) / bnd), 0.0, dict(wit, what="q g(q) -> 1 as q -> 0"))
                if gm == 0:
                    W.add_one(float(1e-45 - abs(v * qm - 1)), 0.0, dict(wit, what="gamma = 0: g = 1/q"))
                # g' = -l'' < 0 (l'' from the bracket formula)
                W.add_one(float(mp.sign(d2(qm, gm))), 0.0, dict(wit, what="g'(q) < 0"))
    return W.result("g on a 60-digit grid q in [1e-300, 1-1e-300], 12 gammas in [0, 1000]")
