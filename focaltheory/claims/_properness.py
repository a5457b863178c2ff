"""Checks of (non-)properness and fixed points (docs/theory.md, section theory-properness)."""

from __future__ import annotations

import math

import mpmath
import numpy as np
from mpmath import mp

from .. import _generated as _gen
from ._cases import GAMMAS, _dirichlet
from ._framework import _Worst, _wit
from ._tolerances import TINY, solver_tol


def _check_not_proper(ctx):
    """For every gamma > 0 and K >= 2 some P has Q*(P) != P; Q*(P) = P iff phi(P) is constant on the support."""
    W = _Worst(ctx.name)
    impl = ctx.impl
    rng = ctx.rng
    found_any = {}
    for K in (2, 3, 10, 100):
        for g in GAMMAS:
            P = _dirichlet(rng, K, ctx.n(5, 20), 1.0)
            P = np.where(P > 0, P, TINY)
            P /= P.sum(1, keepdims=True)
            Q = np.asarray(impl.minimizer(P, np.full(P.shape[0], g)).q)
            dev = np.abs(Q - P).max(1)
            i = int(dev.argmax())
            if g < 1e-6:  # the departure is O(gamma): decide at 50 digits
                ref = impl.minimizer_mp([float(x) for x in P[i]], g)
                d = float(max(abs(a - mpmath.mpf(float(b))) for a, b in zip(ref.q, P[i])))
                W.decided_mp += 1
                tol = 1e-40
            else:
                d = float(dev[i])
                tol = solver_tol(g)  # solver accuracy
            # existence: the departure must exceed the solver's accuracy (exact check on d - tol)
            W.add_one(d - tol, 0.0, _wit(P[i], g, q=Q[i], departure=d, accuracy=tol, what="some P with Q*(P) != P"))
            found_any[(K, g)] = d
    # the iff: over random and two-valued P, |Q* - P| small exactly when phi(P) is constant on the support.
    # Decided with the 50-digit reference on a sample: both quantities are either < 1e-35 or > 1e-12.
    for j in range(ctx.n(6, 30)):
        K = int(rng.choice((2, 3, 4, 5)))
        g = float(rng.choice((0.5, 1.0, 2.0, 5.0)))
        with mp.workdps(60):
            P = [mpmath.mpf(x) for x in rng.dirichlet(np.ones(K))] if j % 3 else [mpmath.mpf(1) / K] * K
            s = mp.fsum(P)
            P = [x / s for x in P]
        ref = impl.minimizer_mp(P, g)
        P = list(ref.p)
        with mp.workdps(50):
            ph = [impl.phi_mp(x, g) for x in P]
            sp_ = max(ph) - min(ph)
            dv = max(abs(a - b) for a, b in zip(ref.q, P))
        fixed_q = dv < mpmath.mpf("1e-35")
        const_phi = sp_ < mpmath.mpf("1e-35")
        decided = (fixed_q or dv > 1e-12) and (const_phi or sp_ > 1e-12)
        if not decided:
            W.undecided.append(_wit([float(x) for x in P], g, what="fixed point iff phi constant"))
        W.add_one(1.0 if fixed_q == const_phi else -1.0, 0.0,
                  _wit([float(x) for x in P], g, departure=float(dv), phi_spread=float(sp_), what="fixed point iff phi constant"))
        W.decided_mp += 1
    smallest = min(found_any.values())
    return W.result(f"a P with Q* != P found for each of {len(found_any)} (K, gamma) pairs (smallest departure "
                    f"{smallest:.1e}, gamma = 1e-9); the literal 'Q* != P for every non-uniform P' is false: see fixed-points")


def _phi_np(p, g):
    return _gen.phi(p, 1 - p, g)


def _peak(g, phi=None):
    """argmax of phi on (0, 1) for gamma > 0 (root of psi(p) = 2(1-p) + (1 - g p) log p), vectorized bisection in log p."""
    g = np.asarray(g, dtype=float)
    lo = np.full(g.shape, -745.0)
    hi = np.full(g.shape, math.log(0.5))
    # psi(0+) = -inf < 0 and psi(p) > 0 just below 1 (psi' (1) = -1 - gamma < 0, psi(1) = 0); is psi(1/2) > 0?
    # not always; extend hi to log(1 - 1e-9) where psi > 0 for gamma < 1e8
    hi = np.full(g.shape, math.log1p(-1e-9))
    for _ in range(80):
        mid = 0.5 * (lo + hi)
        p = np.exp(mid)
        psi = 2 * (-np.expm1(mid)) + (1 - g * p) * mid
        lo, hi = np.where(psi < 0, mid, lo), np.where(psi < 0, hi, mid)
    return np.exp(0.5 * (lo + hi))


def _upper_root(level, g, pk):
    """b in (peak, 1) with phi(b) = level (phi decreasing there), vectorized bisection in log-odds."""
    lo = np.log(pk / (1 - pk))
    hi = np.full(np.shape(level), 40.0)
    for _ in range(90):
        mid = 0.5 * (lo + hi)
        b = 1 / (1 + np.exp(-mid))
        c = 1 / (1 + np.exp(mid))
        v = _gen.phi(b, c, g)
        lo, hi = np.where(v > level, mid, lo), np.where(v > level, hi, mid)
    z = 0.5 * (lo + hi)
    return 1 / (1 + np.exp(-z))


def _fixed_point_scan(K, m, gams, n_a=400):
    """Roots of F(a) = m a + (K - m) b(a) - 1, a in (0, peak), b(a) > peak with phi(b) = phi(a).

    A root is a non-uniform fixed point with m classes at a and K - m at b.  Returns a list of
    (gamma, a_lo, a_hi) brackets (sign changes of F on a log grid of a).
    """
    out = []
    for g in gams:
        pk = float(_peak(g))
        a = pk * 10.0 ** -np.linspace(300, 1e-7, n_a)  # log grid of a in (0, peak)
        lv = _phi_np(a, g)
        b = _upper_root(lv, g, pk)
        F = m * a + (K - m) * b - 1
        sc = np.flatnonzero(np.sign(F[:-1]) != np.sign(F[1:]))
        for j in sc:
            out.append((g, float(a[j]), float(a[j + 1])))
    return out


def _refine_bracket(g, K, m, lo, hi, steps=60):
    """Bisect F(a) = m a + (K - m) b(a) - 1 (the scan's function) on [lo, hi] in doubles."""
    pk = float(_peak(g))

    def F(a):
        return m * a + (K - m) * float(_upper_root(np.array(_phi_np(a, g)), g, pk)) - 1

    flo = F(lo)
    for _ in range(steps):
        mid = 0.5 * (lo + hi)
        fm = F(mid)
        if (fm > 0) == (flo > 0):
            lo, flo = mid, fm
        else:
            hi = mid
    return lo, hi


def _fixed_point_mp(g, K, m, a_lo, a_hi, dps=50):
    """Refine a bracketed fixed point at dps digits: returns (a, b) with phi(a) = phi(b), m a + (K-m) b = 1."""
    a_lo, a_hi = _refine_bracket(float(g), K, m, float(a_lo), float(a_hi))
    w = max(a_hi - a_lo, 1e-15 * a_hi)
    a_lo, a_hi = a_lo - w, a_hi + w
    with mp.workdps(dps + 10):
        g = mpmath.mpf(g)

        def phi(p):
            return (1 - p) ** (g - 1) * ((1 - p) - g * p * mp.log(p))

        def b_of(a):
            # b = (1 - m a)/(K - m); solve in a: phi(a) - phi(b(a)) = 0
            return (1 - m * a) / (K - m)

        a = mp.findroot(lambda a: phi(a) - phi(b_of(a)), (mpmath.mpf(a_lo), mpmath.mpf(a_hi)), solver="anderson")
        return +a, +b_of(a)


def _check_fixed_points(ctx):
    W = _Worst(ctx.name)
    impl = ctx.impl
    found = []
    # (a) the stated fixed points, refined at 50 digits from their stated digits, must agree with the
    #     stated digits (half a unit of the last digit) and be fixed by the 50-digit minimizer (1e-40)
    for g, K, a_s, b_s in impl.numbers["fixed_points"]:
        a0 = mpmath.mpf(a_s)
        try:
            a, b = _fixed_point_mp(g, K, 1, a0 * (1 - mpmath.mpf("1e-6")), a0 * (1 + mpmath.mpf("1e-6")))
        except Exception:
            W.add_one(-np.inf, 0.0, {"gamma": g, "K": K, "a": a_s, "b": b_s, "what": "no fixed point near the stated one"})
            continue
        for stated, exact in ((a_s, a), (b_s, b)):
            d = float(abs(mpmath.mpf(stated) - exact))
            h = 0.5 * 10.0 ** -len(stated.split(".")[1])
            W.add_one(h - d, 0.0, {"gamma": g, "K": K, "stated": stated, "exact_50": mpmath.nstr(exact, 40),
                                   "what": "stated digits of a fixed point"})
        P = [a] + [b] * (K - 1)
        ref = impl.minimizer_mp(P, g)
        dev = float(max(abs(x - y) for x, y in zip(ref.q, P)))
        W.add_one(1e-40 - dev, 0.0, {"gamma": g, "K": K, "p": [mpmath.nstr(x, 30) for x in P[:2]], "departure": dev,
                                     "what": "Q*(P) = P at 50 digits"})
        found.append((g, K, mpmath.nstr(a, 12), mpmath.nstr(b, 12)))
    # (b) K = 2: no non-uniform fixed point (any gamma); (c) K = 3: none (scan); K = 4, 5: the scan finds
    #     fixed points, consistent with (a).  A fixed point takes two values a < peak < b (phi unimodal).
    gams = 10.0 ** np.linspace(-3, 3, ctx.n(60, 400)) if ctx.quick else 10.0 ** np.linspace(-4, 4, 800)
    counts = {}
    for K in (2, 3):
        for m in range(1, K):
            br = _fixed_point_scan(K, m, gams, n_a=ctx.n(200, 600))
            counts[(K, m)] = len(br)
            for g, lo, hi in br[:3]:
                a, b = _fixed_point_mp(g, K, m, lo, hi)
                W.add_one(-np.inf, 0.0, {"gamma": float(g), "K": K, "m": m, "a": mpmath.nstr(a, 20), "b": mpmath.nstr(b, 20),
                                         "what": f"non-uniform fixed point for K = {K}"})
            W.cases += gams.size
    # the scan is able to find fixed points: it must find the K = 4, m = 1 family (contains gamma = 1)
    br4 = _fixed_point_scan(4, 1, np.array([1.0]), n_a=ctx.n(200, 600))
    W.add_one(1.0 if br4 else -np.inf, 0.0, {"gamma": 1.0, "K": 4, "what": "scan finds the stated K = 4 fixed point"})
    return W.result(f"the stated fixed points refined at 50 digits: {found}; scan over {gams.size} gammas in "
                    f"[{gams[0]:g}, {gams[-1]:g}], all splits: sign changes {counts}")


def _check_q_neq_p_everywhere(ctx):
    """The literal reading: Q*(P) != P for every gamma > 0 and every non-uniform P."""
    W = _Worst(ctx.name)
    impl = ctx.impl
    # search: the two-valued fixed points of the scan (K = 4, 5), refined at 50 digits, are candidates;
    # a candidate is a counterexample when the 50-digit minimizer returns it (departure < 1e-40)
    gams = 10.0 ** np.linspace(-2, 1, ctx.n(8, 40))
    for K in (4, 5, 6):
        for m in range(1, K):
            for g, lo, hi in _fixed_point_scan(K, m, gams, n_a=ctx.n(200, 600))[: ctx.n(1, 3)]:
                a, b = _fixed_point_mp(g, K, m, lo, hi)
                P = [a] * m + [b] * (K - m)
                ref = impl.minimizer_mp(P, g)
                with mp.workdps(50):
                    dev = max(abs(x - y) for x, y in zip(ref.q, ref.p))
                    spread = abs(a - b)
                # exact claim: departure must exceed 1e-40 (50-digit noise) for a non-uniform P
                W.add_one(float(dev) - 1e-40, 0.0, {"gamma": float(g), "K": K, "m": m, "p": [mpmath.nstr(x, 50) for x in P],
                                                    "departure": float(dev), "non_uniformity": float(spread),
                                                    "what": "non-uniform P with Q*(P) = P"})
    # and random non-uniform P (these do depart)
    rng = ctx.rng
    for _ in range(ctx.n(10, 50)):
        K = int(rng.choice((2, 3, 5)))
        g = float(rng.choice((0.5, 1.0, 2.0)))
        P = rng.dirichlet(np.ones(K))
        q = np.asarray(impl.minimizer(P, g).q)
        d = float(np.abs(q - P).max())
        W.add_one(d - solver_tol(g), 0.0, _wit(P, g, departure=d, what="random non-uniform P departs"))
    return W.result("two-valued fixed points from the phi level-set scan, verified by the 50-digit minimizer")
