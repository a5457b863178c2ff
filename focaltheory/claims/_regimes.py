"""Checks of the regimes: phi, the threshold, amplification, suppression, over-suppression, FLSD-53 (docs/theory.md, section theory-regimes)."""

from __future__ import annotations

import math

import mpmath
import numpy as np
from mpmath import mp

from .. import _generated as _gen
from ._cases import GAMMAS, _dirichlet, _families, _hypothesis_search, _q_grid_mp, _GAMMA_GRID_MP
from ._framework import _Worst, _wit
from ._tolerances import EPS, TINY, solver_tol, log_solver_tol, reference_tol


# ---------------------------------------------------------------------------
# regimes: amplification, suppression, over-suppression
# ---------------------------------------------------------------------------

def _regime_signs(P, Q, ll, gam, impl):
    """sign(Q* - P) and sign(log phi(P) - log lambda*) with their rounding tolerances."""
    sup = P > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        rq = np.where(sup, Q / np.where(sup, P, 1.0) - 1.0, 0.0)
        C = 1 - P
        lphi = np.log(impl.phi(np.where(sup, P, 0.5), np.where(sup, C, 0.5), gam[:, None]))
    d = np.where(sup, lphi - ll[:, None], 0.0)
    # Q*/P accurate to 2e-13 (1 + gamma) (solver accuracy); log phi(P) - log lambda* to 2e-13 (2 + gamma)
    # + 8 eps (|log lambda*| + |log phi|): within these, the sign is decided at 50 digits
    tq = solver_tol(gam[:, None]) * np.ones_like(P)
    tp = log_solver_tol(gam[:, None]) + 8 * EPS * (np.abs(ll)[:, None] + np.abs(np.where(sup, lphi, 0.0)))
    return rq, tq, d, tp


def _mp_regime(impl, p, g, k):
    """sign(Q*(k) - P(k)) and sign(phi(P(k)) - lambda*) at 50 digits, through complements near 1."""
    ref = impl.minimizer_mp([float(x) for x in p], g)
    pk = ref.p[k]
    with mp.workdps(60):
        cp = mp.fsum(x for j, x in enumerate(ref.p) if j != k)  # 1 - P(k), exact
        s1 = mp.sign(cp - ref.complement[k]) if pk > 0.5 else mp.sign(ref.q[k] - pk)
        gm = mpmath.mpf(g)
        phi = cp ** (gm - 1) * (cp - gm * pk * mp.log1p(-cp))
        s2 = mp.sign(mp.log(phi) - ref.log_lam)
    return int(s1), int(s2)


def _check_regime_criterion(ctx):
    W = _Worst(ctx.name)
    impl = ctx.impl
    budget = [ctx.n(6, 30)]
    for label, P, gam in _families(ctx):
        keep = gam > 0
        P, gam = P[keep], gam[keep]
        res = impl.minimizer(P, gam)
        Q, ll = np.asarray(res.q), np.asarray(res.log_lam, dtype=float)
        multi = (P > 0).sum(1) >= 2
        P, Q, ll, gam = P[multi], Q[multi], ll[multi], gam[multi]
        rq, tq, d, tp = _regime_signs(P, Q, ll, gam, impl)
        sup = P > 0
        undq = np.abs(rq) <= tq
        undp = np.abs(d) <= tp
        agree = (np.sign(rq) == np.sign(d)) | undq | undp
        slack = np.where(sup & ~agree, -1.0, 1.0)
        for i, k in np.argwhere(sup & (undq | undp))[: budget[0]]:
            s1, s2 = _mp_regime(impl, P[i], float(gam[i]), int(k))
            slack[i, k] = 1.0 if s1 == s2 else -1.0
            budget[0] -= 1
            W.decided_mp += 1
        i_w = slack.argmin(1)
        rows = np.arange(P.shape[0])
        W.add(slack[rows, i_w], 0.0, lambda i: _wit(P[i], gam[i], q=Q[i], cls=int(i_w[i]), log_lam=float(ll[i]),
                                                    what="sign(Q*-P) == sign(phi(P) - lambda*)"))
        ctx.progress(label)
    return W.result("sign(Q*(x) - P(x)) vs sign(phi(P(x)) - lambda*) for every class over all families; "
                    "ties within rounding decided at 50 digits")


def _check_mid_range(ctx):
    """Amplified classes form one contiguous range of P; if lambda* <= 1 all classes below p_gamma are amplified;
    the largest class is suppressed when it exceeds p_gamma (in particular when it is >= 1/2)."""
    W = _Worst(ctx.name)
    impl = ctx.impl
    amp_top = None
    for label, P, gam in _families(ctx):
        keep = gam > 1e-6  # below, Q* - P is at the solver's rounding level for most classes
        P, gam = P[keep], gam[keep]
        res = impl.minimizer(P, gam)
        Q, ll = np.asarray(res.q), np.asarray(res.log_lam, dtype=float)
        n, K = P.shape
        rq, tq, _, _ = _regime_signs(P, Q, ll, gam, impl)
        sup = P > 0
        amp = sup & (rq > tq)
        sup_ = sup & (rq < -tq)
        o = np.argsort(P, axis=1, kind="stable")
        A = np.take_along_axis(amp, o, 1)
        S = np.take_along_axis(sup_, o, 1)
        # contiguity: no suppressed class strictly between two amplified ones (in P order)
        first = np.where(A.any(1), A.argmax(1), K)
        last = np.where(A.any(1), K - 1 - A[:, ::-1].argmax(1), -1)
        idx = np.arange(K)
        between = S & (idx > first[:, None]) & (idx < last[:, None])
        W.add(np.where(between.any(1), -1.0, 1.0), 0.0,
              lambda i: _wit(P[i], gam[i], q=Q[i], what="amplified classes contiguous in P order"))
        # lambda* <= 1 (log_lam < -tol): every class below p_gamma is amplified
        pg = np.asarray(impl.threshold(gam))
        low = (ll < -log_solver_tol(gam)) & ((P > 0) & (P < pg[:, None]) & ~amp & (np.abs(rq) > tq)).any(1)
        W.add(np.where(low, -1.0, 1.0), 0.0, lambda i: _wit(P[i], gam[i], q=Q[i], log_lam=float(ll[i]),
                                                            what="lambda* <= 1 => P < p_gamma amplified"))
        # the largest class, if above p_gamma, is suppressed
        top = P.argmax(1)
        rows = np.arange(n)
        above = P[rows, top] > pg * (1 + 1e-12)
        bad = above & (rq[rows, top] > tq[rows, top])
        W.add(np.where(bad, -1.0, 1.0), 0.0, lambda i: _wit(P[i], gam[i], q=Q[i], what="largest class > p_gamma suppressed"))
        # record (not a violation): a largest class below p_gamma that is amplified (over-suppression regime)
        cand = ~above & (rq[rows, top] > tq[rows, top]) & ((P > 0).sum(1) >= 2)
        if amp_top is None and cand.any():
            i = int(np.flatnonzero(cand)[0])
            amp_top = (float(gam[i]), int(K), float(P[i, top[i]]), float(Q[i, top[i]]))
        ctx.progress(label)
    # an explicit witness that a largest class below p_gamma can be amplified (over-suppression regime):
    # 0.05, 98 equal classes and a rare one at gamma = 2 -> the top class grows by about 11%
    P = np.array([0.05] + [(1 - 0.05 - 1e-8) / 98] * 98 + [1e-8])
    q = np.asarray(impl.minimizer(P, 2.0).q)
    W.add_one(float(q[0] / P[0] - 1) - solver_tol(2.0), 0.0, _wit(P, 2.0, q_top=float(q[0]), ratio_top=float(q[0] / P[0]),
                                                          what="a largest class below p_gamma amplified (exists)"))
    note = "" if amp_top is None else (f"; note: the largest class CAN be amplified when it is below p_gamma "
                                       f"(gamma={amp_top[0]:g}, K={amp_top[1]}: P_max={amp_top[2]:.4g} -> Q*={amp_top[3]:.4g})")
    return W.result("contiguity of the amplified range, amplification below p_gamma when lambda* <= 1, "
                    "suppression of a largest class above p_gamma" + note)


def _g_inv_logits(P, gam, lam=1.0):
    """Log-odds z_x of g^-1(lam/P(x)), by bisection on log g (independent of regimes.py); NaN off the support."""
    sup = P > 0
    target = np.where(sup, np.log(lam) - np.log(np.where(sup, P, 1.0)), 0.0)
    lo = np.full(P.shape, -800.0)
    hi = np.full(P.shape, 800.0)
    G = np.broadcast_to(np.asarray(gam, float)[..., None], P.shape)
    for _ in range(110):
        z = 0.5 * (lo + hi)
        v = _gen.log_g_from_logit(z, G)  # decreasing in z
        lo, hi = np.where(v > target, z, lo), np.where(v > target, hi, z)
    return np.where(sup, 0.5 * (lo + hi), np.nan)


def _g_inv_sum_minus_1(P, gam, lam=1.0):
    """S - 1 with S = sum_x g^-1(lam/P(x)), summed with complements (no cancellation against 1)."""
    sup = P > 0
    z = np.where(sup, _g_inv_logits(P, gam, lam), 0.0)
    q = np.where(sup, 1 / (1 + np.exp(-z)), 0.0)
    c = np.where(sup, 1 / (1 + np.exp(z)), 1.0)
    big = sup & (q > 0.5)
    return np.where(big, -c, q).sum(-1) + (big.sum(-1) - 1.0)


def _g_inv_sum_minus_1_mp(p_mp, g, z0):
    """S - 1 at the working precision, each g^-1(1/P(x)) refined from the double log-odds z0 by secant."""
    g = mpmath.mpf(g)
    out = mpmath.mpf(-1)
    cache = {}
    for pk, zk in zip(p_mp, z0):
        if pk == 0:
            continue
        if pk not in cache:
            t = -mp.log(pk)

            def f(z):
                q = 1 / (1 + mp.exp(-z))
                c = 1 / (1 + mp.exp(z))
                return g * mp.log(c) - mp.log(q) + mp.log1p(g * q * (-mp.log(q)) / c) - t

            zz = mpmath.mpf(float(zk))
            z = mp.findroot(f, (zz - mpmath.mpf("1e-6") * (1 + abs(zz)), zz + mpmath.mpf("1e-6") * (1 + abs(zz))),
                            solver="secant")
            cache[pk] = (1 / (1 + mp.exp(-z)), 1 / (1 + mp.exp(z)))
        q, c = cache[pk]
        out += (q if q <= 0.5 else 1 - c)
    return out


def _check_over_suppression_criterion(ctx):
    W = _Worst(ctx.name)
    impl = ctx.impl
    budget = [ctx.n(6, 30)]
    n_over = 0
    for label, P, gam in _families(ctx):
        keep = (gam > 0) & ((P > 0).sum(1) >= 2)
        P, gam = P[keep], gam[keep]
        ll = np.asarray(impl.minimizer(P, gam).log_lam, dtype=float)
        m = _g_inv_sum_minus_1(P, gam)
        K = P.shape[1]
        # S - 1 to ~ K 1e-15 (bisection to the last bit of z, complements); log lambda* to 2e-13 (2 + gamma)
        tm = 4 * K * EPS * 8
        tl = log_solver_tol(gam) + 8 * EPS * np.abs(ll)
        und = (np.abs(m) <= tm) | (np.abs(ll) <= tl)
        slack = np.where(und | (np.sign(m) == np.sign(ll)), 1.0, -1.0)
        for i in np.flatnonzero(und)[: budget[0]]:
            ref = impl.minimizer_mp([float(x) for x in P[i]], float(gam[i]))
            budget[0] -= 1
            W.decided_mp += 1
            with mp.workdps(60):
                if abs(ref.log_lam) < mpmath.mpf("1e-40"):
                    continue
                # S - 1 at 60 digits: each g^-1(1/P(x)) refined from its double value
                s = _g_inv_sum_minus_1_mp(ref.p, float(gam[i]), _g_inv_logits(P[i:i + 1], gam[i:i + 1])[0])
                slack[i] = 1.0 if mp.sign(s) == mp.sign(ref.log_lam) else -1.0
        W.add(slack, 0.0, lambda i: _wit(P[i], gam[i], log_lam=float(ll[i]), S_minus_1=float(m[i]),
                                         what="lambda* > 1 iff sum g^-1(1/P) > 1"))
        # the package's over_suppression() must agree where decided
        o = impl.over_suppression(P, gam)
        os_ = np.asarray(o.over_suppressed)
        W.add(np.where(und | (os_ == (ll > 0)), 1.0, -1.0), 0.0,
              lambda i: _wit(P[i], gam[i], log_lam=float(ll[i]), what="over_suppression() agrees with lambda* > 1"))
        n_over += int((ll > tl).sum())
        ctx.progress(label)
    # sum_x g^-1(lam/P(x)) is strictly decreasing in lam (so the criterion is an equivalence)
    rng = ctx.rng
    P = _dirichlet(rng, 6, ctx.n(50, 300), 1.0)
    P = np.where(P > 0, P, TINY)
    P /= P.sum(1, keepdims=True)
    gam = 10.0 ** rng.uniform(-3, 3, P.shape[0])
    lams = 10.0 ** np.linspace(-3, 3, 25)
    S = np.stack([_g_inv_sum_minus_1(P, gam, lam) for lam in lams])
    dec = S[:-1] - S[1:]
    W.add(np.where(dec > -1e-14, 1.0, -1.0).min(0), 0.0, lambda i: _wit(P[i], gam[i], what="S(lam) decreasing"))
    return W.result(f"sign(log lambda*) vs sign(S - 1), S computed independently (bisection on log g); "
                    f"{n_over} over-suppressed cases seen")


def _check_over_suppression_exists(ctx):
    """The over-suppression example, the limit Q*/P -> 1/lambda* as P(x) -> 0, and uniform P: lambda* = phi(1/K)."""
    W = _Worst(ctx.name)
    impl = ctx.impl
    nums = impl.numbers
    # (a) the example: 99 classes of 1/99 and one of 1e-8 at gamma = 2
    P = np.array([1.0] * 99 + [1e-8])
    P = P / P.sum()
    res = impl.minimizer(P, 2.0)
    lam = lam_ex = float(np.exp(np.asarray(res.log_lam)))
    shrink = shrink_ex = 1 - float(np.asarray(res.q)[-1] / P[-1])
    for stated, got, what in ((nums["lambda_example"], lam, "lambda* of the example"),
                              (nums["shrink_example"], shrink, "shrink of the rare class")):
        h = 0.5 * 10.0 ** -len(stated.split(".")[1])
        W.add_one(h - abs(float(stated) - got), 0.0, _wit(P, 2.0, stated=stated, computed=got, what=what))
    W.add_one(math.log(lam), 0.0, _wit(P, 2.0, what="example is over-suppressed (lambda* > 1)"))
    # (b) Q*(x)/P(x) -> 1/lambda* as P(x) -> 0 with the rest fixed; next term gamma P (log(lambda/P) - 1)/lambda^2
    rng = ctx.rng
    for trial in range(ctx.n(4, 20)):
        K = int(rng.choice((10, 50, 100)))
        g = float(rng.choice((0.5, 1.0, 2.0, 5.0, 10.0)))
        base = rng.dirichlet(np.full(K - 1, 50.0))
        for e in (1e-6, 1e-10, 1e-20, 1e-100, TINY):
            P = np.concatenate([base, [e]])
            P = P / P.sum()
            res = impl.minimizer(P, g)
            lam = math.exp(float(np.asarray(res.log_lam)))
            ratio = float(np.asarray(res.q)[-1] / P[-1])
            p = P[-1]
            bound = 2 * g * p * (abs(math.log(lam / p)) + 1) / lam ** 2  # the claim's own error term
            W.add_one(bound - abs(ratio - 1 / lam), reference_tol(g),
                      _wit(P, g, ratio=ratio, inv_lambda=1 / lam, what="Q*/P -> 1/lambda* as P -> 0"))
    # (c) uniform P on K classes: lambda* = phi(1/K), and lambda* > 1 iff 1/K < p_gamma
    for K in (2, 3, 5, 10, 30, 100, 1000):
        gam = np.array(GAMMAS)
        P = np.full((gam.size, K), 1.0 / K)
        ll = np.asarray(impl.minimizer(P, gam).log_lam, dtype=float)
        lphi = np.log(impl.phi(np.full(gam.size, 1.0 / K), np.full(gam.size, 1 - 1.0 / K), gam))
        tol = log_solver_tol(gam) + 8 * EPS * np.abs(ll)
        W.add(-np.abs(ll - lphi), tol, lambda i, K=K: _wit(np.full(K, 1.0 / K), gam[i], what="uniform: lambda* = phi(1/K)"))
        pg = np.asarray(impl.threshold(gam))
        dec = np.abs(ll) > tol
        W.add(np.where(~dec | ((ll > 0) == (1.0 / K < pg)), 1.0, -1.0), 0.0,
              lambda i, K=K: _wit(np.full(K, 1.0 / K), gam[i], what="uniform: over-suppressed iff 1/K < p_gamma"))
    return W.result(f"the 99+1 example (lambda* = {lam_ex:.6g}, shrink {shrink_ex:.4f}), the small-P limit 1/lambda* to first order, "
                    f"uniform P on K = 2..1000")


def _check_binary(ctx):
    W = _Worst(ctx.name)
    impl = ctx.impl
    n = ctx.n(400, 4000)
    rng = ctx.rng
    p = np.concatenate([10.0 ** -rng.uniform(0, 300, n // 2), rng.uniform(0, 0.5, n // 2), [0.5, 0.25, TINY]])
    gam = np.concatenate([np.array(GAMMAS), 10.0 ** rng.uniform(-9, 4, 30)])
    pp, gg = np.meshgrid(p, gam)
    pp, gg = pp.ravel(), gg.ravel()
    P = np.stack([pp, 1 - pp], axis=1)
    ll = np.asarray(impl.minimizer(P, gg).log_lam, dtype=float)
    # log lambda* < 0 claimed; rounding 2e-13 (2 + gamma) + 8 eps |log lambda*|; within it, decide at 50 digits
    tol = log_solver_tol(gg) + 8 * EPS * np.abs(ll)
    slack = -ll
    und = np.flatnonzero(np.abs(ll) <= tol)
    for i in und[: ctx.n(5, 200)]:
        ref = impl.minimizer_mp([float(P[i, 0]), float(P[i, 1])], float(gg[i]))
        slack[i] = 1.0 if ref.log_lam < 0 else -np.inf
        tol[i] = 1.0
        W.decided_mp += 1
    W.add(slack, tol, lambda i: _wit(P[i], gg[i], log_lam=float(ll[i]), what="binary: lambda* < 1"))
    if und.size > ctx.n(5, 200):
        W.notes.append(f"{und.size - ctx.n(5, 200)} near-zero cases left to the double tolerance")

    def viol(w, g):
        if w.size != 2 or (w == 0).any():
            return False
        l = float(np.asarray(impl.minimizer(w, g).log_lam))
        return l > log_solver_tol(g) + 8 * EPS * abs(l)

    found, tried = _hypothesis_search(ctx, viol, kmax=2)
    W.cases += tried
    if found is not None:
        W.add_one(-np.inf, 0.0, _wit(found[0], found[1], found_by="hypothesis"))
    if impl.asymptotics:
        # the sympy-checked proof in focaltheory.asymptotics (via e^x > 1 + x) must go through
        proof = impl.asymptotics.binary_lambda_below_one()
        W.add_one(1.0 if proof.get("proved") else -1.0, 0.0, {"what": "asymptotics.binary_lambda_below_one() proof",
                                                               "steps": {k: bool(v) for k, v in proof.items()}})
    return W.result(f"log lambda* over P(rare) in [1e-300, 1/2] x gamma in [1e-9, 1e4] "
                    f"(the closest: log lambda* = {-W.margin if W.margin is not None else float('nan'):.3g})")


# ---------------------------------------------------------------------------
# phi, the threshold and its numbers
# ---------------------------------------------------------------------------

def _check_phi_unimodal(ctx):
    """phi(0+) = 1, phi(1) = 0, phi' = -gamma (1-p)^(gamma-2) psi(p), psi concave: one maximum above 1."""
    import sympy as sp

    from ..symbolic import dphi_expr, gamma as g_sym, q as q_sym

    W = _Worst(ctx.name)
    impl = ctx.impl
    # (a) the factorization of phi', symbolically (sympy: exact zero)
    psi = 2 * (1 - q_sym) + (1 - g_sym * q_sym) * sp.log(q_sym)
    diff = sp.simplify(dphi_expr() + g_sym * (1 - q_sym) ** (g_sym - 2) * psi)
    W.add_one(1.0 if diff == 0 else -1.0, 0.0, {"what": "phi' = -gamma (1-p)^(gamma-2) psi(p) (sympy)", "residual": str(diff)})
    # psi'' = -1/p^2 - gamma/p < 0: concave (sympy)
    d2 = sp.simplify(sp.diff(psi, q_sym, 2) + 1 / q_sym ** 2 + g_sym / q_sym)
    W.add_one(1.0 if d2 == 0 else -1.0, 0.0, {"what": "psi'' = -1/p^2 - gamma/p", "residual": str(d2)})
    # (b) on a 60-digit grid per gamma: phi rises then falls (one sign change of the differences), its max > 1,
    #     phi(1e-300) within 1e-200 of 1 ... and phi(1 - 1e-300) ~ 0
    grid = _q_grid_mp(ctx.quick)
    for gs in _GAMMA_GRID_MP[1:]:
        gm = mpmath.mpf(gs)
        # phi - 1 ~ gamma p |log p| at p = 1e-300: 330 digits resolve it at gamma = 1e-8
        with mp.workdps(330):
            vals = [(1 - x) ** (gm - 1) * ((1 - x) - gm * x * mp.log(x)) for x in grid]
            dif = [b - a for a, b in zip(vals, vals[1:])]
            changes = sum(1 for a, b in zip(dif, dif[1:]) if (a > 0) != (b > 0))
            W.add_one(1.0 if changes <= 1 else -1.0, 0.0, {"gamma": float(gm), "sign_changes": changes,
                                                           "what": "phi unimodal on the grid"})
            W.add_one(float(max(vals) - 1), 0.0, {"gamma": float(gm), "max": float(max(vals)), "what": "max phi > 1"})
            W.add_one(float(mpmath.mpf("1e-200") - abs(vals[0] - 1)), 0.0, {"gamma": float(gm), "what": "phi(0+) = 1"})
    # (c) gamma = 1: the peak is 1 + e^-2 at p = e^-2 (50 digits)
    with mp.workdps(60):
        pk = mp.findroot(lambda p: 2 * (1 - p) + (1 - p) * mp.log(p), mpmath.mpf("0.13"))
        val = impl.phi_mp(pk, 1)
        W.add_one(float(mpmath.mpf("1e-45") - abs(pk - mp.exp(-2))), 0.0, {"gamma": 1.0, "peak_at": mpmath.nstr(pk, 30),
                                                                          "what": "peak at e^-2"})
        W.add_one(float(mpmath.mpf("1e-45") - abs(val - 1 - mp.exp(-2))), 0.0, {"gamma": 1.0, "peak": mpmath.nstr(val, 30),
                                                                               "what": "peak value 1 + e^-2"})
    # (d) phi is Mukhoti et al.'s gradient ratio (1-p)^gamma - gamma p (1-p)^(gamma-1) log p (sympy)
    from ..symbolic import phi_expr
    muk = (1 - q_sym) ** g_sym - g_sym * q_sym * (1 - q_sym) ** (g_sym - 1) * sp.log(q_sym)
    r = sp.simplify(sp.powsimp(sp.expand((phi_expr() - muk) / (1 - q_sym) ** (g_sym - 1)), force=True))
    W.add_one(1.0 if r == 0 else -1.0, 0.0, {"what": "phi == Mukhoti's g(p, gamma)", "residual": str(r)})
    return W.result("sympy factorization and concavity of psi; 60-digit grid per gamma; the gamma = 1 peak")


def _check_threshold_numbers(ctx):
    W = _Worst(ctx.name)
    impl = ctx.impl
    nums = impl.numbers
    with mp.workdps(60):
        p1 = impl.threshold_mp(1)
        W.add_one(float(mpmath.mpf("1e-45") - abs(p1 - mp.exp(-1))), 0.0, {"gamma": 1.0, "p_gamma": mpmath.nstr(p1, 40),
                                                                          "what": "p_1 = 1/e"})
        for g, stated in nums["p_threshold"].items():
            v = impl.threshold_mp(g)
            h = 0.5 * 10.0 ** -len(stated.split(".")[1])
            W.add_one(h - float(abs(v - mpmath.mpf(stated))), 0.0, {"gamma": g, "stated": stated, "computed": mpmath.nstr(v, 15),
                                                                     "what": "p_gamma value"})
    # p_gamma -> 1/2 as gamma -> 0 (p_gamma = 1/2 - O(gamma)); decreasing in gamma
    gam = 10.0 ** np.linspace(-10, 3, ctx.n(60, 400))
    pg = np.asarray(impl.threshold(gam))
    W.add(np.diff(-pg) + 1e-15, 1e-15, lambda i: {"gamma": float(gam[i]), "what": "p_gamma decreasing in gamma"})
    W.add_one(1e-8 - abs(pg[0] - 0.5), 0.0, {"gamma": float(gam[0]), "p_gamma": float(pg[0]), "what": "p_gamma -> 1/2"})
    # the double threshold agrees with the 50-digit one (1e-13 relative) on a sample
    for g in gam[:: max(1, gam.size // ctx.n(6, 20))]:
        v = float(impl.threshold_mp(float(g)))
        W.add_one(1e-13 - abs(float(impl.threshold(float(g))) / v - 1), 0.0, {"gamma": float(g), "what": "threshold vs threshold_mp"})
    # Lambert-W inverse: gamma_for_threshold(0.2) = 4.8506 (4 decimals), and round trips
    stated = nums["gamma_for_p02"]
    v = float(impl.gamma_for_threshold(0.2))
    W.add_one(0.5e-4 - abs(v - float(stated)), 0.0, {"p": 0.2, "stated": stated, "computed": v, "what": "gamma for p_gamma = 0.2"})
    ps = np.linspace(0.01, 0.49, 49)
    back = np.asarray(impl.threshold(np.asarray(impl.gamma_for_threshold(ps))))
    W.add(1e-12 - np.abs(back / ps - 1), 0.0, lambda i: {"p": float(ps[i]), "what": "threshold(gamma_for_threshold(p)) = p"})
    return W.result("p_1 = 1/e at 50 digits; the stated p_2, p_5 to their digits; p_gamma -> 1/2 and decreasing; "
                    "the Lambert-W inverse")


def _stated_half_unit(stated):
    """Half a unit of the last digit of a decimal string."""
    return 0.5 * 10.0 ** -len(stated.split(".")[1])


def _check_flsd53_threshold_gammas(ctx):
    """FLSD-53's gammas as rounded Lambert-W threshold gammas: gamma(0.2) = 4.8506 -> 5, gamma(0.25) = 3.070 -> 3."""
    W = _Worst(ctx.name)
    impl = ctx.impl
    nums = impl.numbers
    for p0, g_round, stated in nums["flsd53_threshold_gammas"]:
        g = float(impl.gamma_for_threshold(p0))
        wit = {"p0": p0, "gamma_schedule": g_round, "gamma_of_p0": g, "stated": stated}
        # gamma(p0) to the digits stated, and its rounding is the schedule's gamma (|gamma(p0) - gamma| <= 1/2)
        W.add_one(_stated_half_unit(stated) - abs(g - float(stated)), 0.0, dict(wit, what="gamma(p0) to the stated digits"))
        W.add_one(0.5 - abs(g - g_round), 0.0, dict(wit, what="gamma(p0) rounds to the schedule's gamma"))
        # and it is the threshold gamma of p0: p_gamma(p0) = p0 at 50 digits (the Lambert-W inverse is exact)
        with mp.workdps(50):
            back = impl.threshold_mp(g)
        W.add_one(1e-12 - abs(float(back) / p0 - 1), 0.0, dict(wit, p_gamma=float(back), what="p_gamma(p0) = p0"))
    # the threshold of gamma = 3 (about 0.25: gamma = 3 is the threshold gamma of p ~ 0.25, not of 0.5)
    st = nums["p_threshold_3"]
    with mp.workdps(50):
        p3 = impl.threshold_mp(3)
    W.add_one(_stated_half_unit(st) - float(abs(p3 - mpmath.mpf(st))), 0.0,
              {"gamma": 3.0, "stated": st, "computed": mpmath.nstr(p3, 15), "what": "p_3"})
    return W.result("gamma_for_threshold at p0 = 0.2 and 0.25 vs the stated digits and FLSD-53's gammas 5 and 3; "
                    "p_3 at 50 digits")


def _check_mukhoti_rule(ctx):
    """The reading 'each FLSD-53 gamma is the rounded threshold gamma of its bucket's upper edge' (0.2 -> 5, 0.5 -> 3).

    False as stated: gamma(0.5) = 0, since phi_gamma(1/2) = 2^-gamma (1 + gamma log 2) < 1 for every
    gamma > 0 (so p_gamma < 1/2 always); the witness is the (0.5, 3) bucket.
    """
    W = _Worst(ctx.name)
    impl = ctx.impl
    for p0, g_stated in impl.numbers["flsd53_buckets"]:
        g = float(impl.gamma_for_threshold(p0))
        # the reading: gamma is the rounded inverse at the edge, |gamma(p0) - gamma| <= 1/2
        with mp.workdps(50):
            p_stated = impl.threshold_mp(g_stated)
        W.add_one(0.5 - abs(g - g_stated), 0.0, {"p0": p0, "gamma_stated": g_stated, "gamma_of_p0": g,
                                                 "p_gamma_of_stated": float(p_stated),
                                                 "what": "gamma_for_threshold(p0) rounds to the stated gamma"})
    # why p0 = 1/2 cannot work: phi_gamma(1/2) = 2^-gamma (1 + gamma log 2) < 1 for every gamma > 0, so
    # p_gamma < 1/2 always and gamma(1/2) = 0 (checked at 50 digits on a grid of gamma)
    with mp.workdps(50):
        for gs in _GAMMA_GRID_MP[1:]:
            gm = mpmath.mpf(gs)
            v = mp.mpf(2) ** (-gm) * (1 + gm * mp.log(2))
            W.add_one(float(1 - v), 0.0, {"gamma": float(gm), "phi_half": float(v), "what": "phi(1/2) < 1"})
    return W.result("gamma_for_threshold at FLSD-53's bucket edges 0.2, 0.5 vs the bucket's gamma (rounded); "
                    "p_gamma < 1/2 for all gamma")
