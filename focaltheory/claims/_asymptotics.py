"""Checks of the asymptotic expansions (docs/theory.md, section theory-asymptotics)."""

from __future__ import annotations

import mpmath
import numpy as np
from mpmath import mp

from ._framework import _Worst, _wit


# ---------------------------------------------------------------------------
# asymptotics: gamma -> 0, gamma -> inf, small P
# ---------------------------------------------------------------------------

def _asym_P(ctx):
    rng = ctx.rng
    out = [["0.7", "0.2", "0.09", "0.01"]]
    for _ in range(ctx.n(2, 16)):
        K = int(rng.choice((2, 3, 5, 8)))
        out.append([mpmath.nstr(mpmath.mpf(float(x)), 17) for x in rng.dirichlet(np.full(K, 2.0))])
    return out


def _check_asym_gamma0(ctx):
    """Q* = P + gamma D1 + O(gamma^2), lambda* = 1 + gamma sum P f(P) + O(gamma^2)."""
    W = _Worst(ctx.name)
    impl = ctx.impl
    gs = [mpmath.mpf(10) ** -k for k in (2, 3, 4, 5)]
    for Ps in _asym_P(ctx):
        with mp.workdps(60):
            P = [mpmath.mpf(x) for x in Ps]
            s = mp.fsum(P)
            P = [x / s for x in P]
            f = [mp.log(1 - p) - p * mp.log(p) / (1 - p) for p in P]
            S = mp.fsum(p * fx for p, fx in zip(P, f))
            D1 = [p * (fx - S) for p, fx in zip(P, f)]
            Cq, Cl = [], []
            for g in gs:
                r = impl.minimizer_mp(P, g)
                Cq.append(max(abs(q - p - g * d) for q, p, d in zip(r.q, P, D1)) / g ** 2)
                Cl.append(abs(mp.exp(r.log_lam) - 1 - g * S) / g ** 2)
                if impl.asymptotics:
                    # focaltheory.asymptotics (sympy-derived) must give the stated first-order terms (1e-40)
                    qa, la = impl.asymptotics.small_gamma_expansion(P, g, order=1, dps=50)
                    dev = max(max(abs(a - p - g * d) for a, p, d in zip(qa, P, D1)), abs(la - g * S))
                    W.add_one(float(mpmath.mpf("1e-40") - dev), 0.0, _wit([float(x) for x in P], float(g), deviation=float(dev),
                                                                          what="asymptotics.small_gamma_expansion == the stated expansion"))
        # O(gamma^2): the scaled errors converge, so over three decades they may not grow by more than a
        # factor 3 (pre-asymptotic drift at gamma = 1e-2); a wrong first-order term grows them 1000-fold
        for C, what in ((Cq, "Q* = P + gamma D1 + O(gamma^2)"), (Cl, "lambda* = 1 + gamma sum P f + O(gamma^2)")):
            growth = float(C[-1] / max(C[0], mpmath.mpf("1e-30")))
            W.add_one(3.0 - growth, 0.0, _wit([float(x) for x in P], None, scaled_errors=[float(x) for x in C], what=what))
        W.cases += len(gs) - 1
    return W.result("50-digit minimizer at gamma = 1e-2 ... 1e-5: (error / gamma^2) bounded (growth <= 3)")


def _check_asym_gamma_inf(ctx):
    W = _Worst(ctx.name)
    impl = ctx.impl
    nums = impl.numbers
    gs = [mpmath.mpf(x) for x in (1000, 10000, 100000)]
    for Ps in _asym_P(ctx):
        with mp.workdps(60):
            P = [mpmath.mpf(x) for x in Ps]
            s = mp.fsum(P)
            P = [x / s for x in P]
            n = len(P)
            m = 1 - mpmath.mpf(1) / n
            lp = [mp.log(p) for p in P]
            ml = mp.fsum(lp) / n
            e = [m * (x - ml) for x in lp]
            me2 = mp.fsum(x * x for x in e) / n
            d = [x * (1 - (n - 1) / mp.log(n)) - (x * x - me2) / (2 * m) for x in e]
            Cq, Cl = [], []
            for g in gs:
                r = impl.minimizer_mp(P, g)
                Cq.append(max(abs(q - (1 / mpmath.mpf(n) + ex / g + dx / g ** 2)) for q, ex, dx in zip(r.q, e, d)) * g ** 3)
                ll = (g - 1) * mp.log(1 - mpmath.mpf(1) / n) + mp.log(g) + mp.log(mp.log(n)) + ml
                Cl.append(abs(r.log_lam - ll) * g)
                if impl.asymptotics:
                    qa, _ = impl.asymptotics.large_gamma_expansion(P, g, order=2, dps=50)
                    _, la = impl.asymptotics.large_gamma_expansion(P, g, order=1, dps=50)
                    dev = max(max(abs(a - (1 / mpmath.mpf(n) + ex / g + dx / g ** 2)) for a, ex, dx in zip(qa, e, d)),
                              abs(la - ll) / abs(ll))
                    W.add_one(float(mpmath.mpf("1e-40") - dev), 0.0, _wit([float(x) for x in P], float(g), deviation=float(dev),
                                                                          what="asymptotics.large_gamma_expansion == the stated expansion"))
        for C, what in ((Cq, "Q* = 1/n + e/gamma + d/gamma^2 + O(gamma^-3)"), (Cl, "log lambda* expansion + O(1/gamma)")):
            growth = float(C[-1] / max(C[0], mpmath.mpf("1e-30")))
            W.add_one(3.0 - growth, 0.0, _wit([float(x) for x in P], None, scaled_errors=[float(x) for x in C], what=what))
        W.cases += 1
    # the stated numbers for P = (0.7, 0.2, 0.09, 0.01): gamma (Q*_1 - Q*_2), its limit m log(P1/P2), log lambda*(1000)
    P = nums["gap_P"]
    for g, stated in nums["gap"].items():
        r = impl.minimizer_mp(list(P), g)
        v = g * (r.q[0] - r.q[1])
        h = 0.5 * 10.0 ** -len(stated.split(".")[1])
        W.add_one(h - float(abs(v - mpmath.mpf(stated))), 0.0, {"gamma": g, "stated": stated, "computed": mpmath.nstr(v, 10),
                                                                  "what": "gamma (Q*(x) - Q*(y))"})
    with mp.workdps(50):
        lim = (1 - mpmath.mpf(1) / len(P)) * mp.log(mpmath.mpf(P[0]) / mpmath.mpf(P[1]))
    st = nums["gap_limit"]
    W.add_one(0.5 * 10.0 ** -len(st.split(".")[1]) - float(abs(lim - mpmath.mpf(st))), 0.0,
              {"stated": st, "computed": mpmath.nstr(lim, 10), "what": "limit m log(P(x)/P(y))"})
    r = impl.minimizer_mp(list(P), 1000)
    st = nums["log_lam_1000"]
    W.add_one(0.5 * 10.0 ** -len(st.split(".")[1]) - float(abs(r.log_lam - mpmath.mpf(st))), 0.0,
              {"gamma": 1000, "stated": st, "computed": mpmath.nstr(r.log_lam, 10), "what": "log lambda* at gamma = 1000"})
    return W.result("50-digit minimizer at gamma = 1e3, 1e4, 1e5: (error x gamma^3) and (log-lambda error x gamma) "
                    "bounded; the stated 0.760/0.896/0.937/0.9396 and -282.40")


def _check_asym_small_p(ctx):
    W = _Worst(ctx.name)
    impl = ctx.impl
    rng = ctx.rng
    for t in range(ctx.n(3, 10)):
        K = int(rng.choice((2, 3, 5)))
        base = [mpmath.mpf(float(x)) for x in rng.dirichlet(np.full(K, 2.0))]
        g = float(rng.choice((0.5, 1.0, 2.0, 5.0)))
        C = []
        for k in (6, 10, 14, 20):
            eps = mpmath.mpf(10) ** -k
            r = impl.minimizer_mp(base + [eps], g)
            with mp.workdps(60):
                lam = mp.exp(r.log_lam)
                p = r.p[-1]
                pred = 1 / lam + g * p * (mp.log(lam / p) - 1) / lam ** 2
                C.append(abs(r.q[-1] / p - pred) / (p * mp.log(p)) ** 2)
                if impl.asymptotics:
                    a = impl.asymptotics.small_probability_ratio(p, r.log_lam, g, order=2, dps=50)
                    dev = abs(a - pred) / pred
                    W.add_one(float(mpmath.mpf("1e-40") - dev), 0.0, _wit([float(x) for x in base], g, p_small=float(p),
                                                                          deviation=float(dev),
                                                                          what="asymptotics.small_probability_ratio == the stated expansion"))
        growth = float(C[-1] / max(C[0], mpmath.mpf("1e-30")))
        # O(P^2 log^2 P): the scaled error converges (measured growth ~1.5 over 14 decades); a wrong
        # coefficient of the P log P term grows it like 1/(P log P), by ~1e14
        W.add_one(3.0 - growth, 0.0, _wit([float(x) for x in base], g, scaled_errors=[float(x) for x in C],
                                         what="Q*/P = 1/lambda* + gamma P (log(lambda*/P) - 1)/lambda*^2 + O(P^2 log^2 P)"))
        W.cases += 3
    return W.result("50-digit minimizer with P(x) = 1e-6 ... 1e-20: (error / (P log P)^2) bounded (growth <= 3)")
