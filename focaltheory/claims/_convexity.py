"""Checks of convexity in Q, concavity of H_g(P), the envelope and continuity (docs/theory.md, section theory-convexity)."""

from __future__ import annotations

import math

import mpmath
import numpy as np
from mpmath import mp

from ._cases import GAMMAS, _KS_QUICK, _KS_FULL, _families, _complements, _random_pq, _random_simplex_points
from ._framework import _Worst, _wit
from ._tolerances import EPS, TINY, solver_tol


def _check_strict_convexity(ctx):
    """Hessian on the tangent space PD iff at most one class is off supp P; strict midpoint inequality."""
    import sympy as sp

    from ..symbolic import focal_loss_expr, simplex_hessian_expr

    W = _Worst(ctx.name)
    impl = ctx.impl
    rng = ctx.rng
    lmp = impl.focal_loss_mp
    n_mp = 0
    # (a) sympy's simplex Hessian (K = 3, chart Q_3 = 1 - Q_1 - Q_2) equals diag(P l'') + P_K l''(Q_K) 1 1^T,
    #     evaluated at random rational points: exact agreement (tol 1e-25 relative at 30 digits)
    Hs, Ps, Qs = simplex_hessian_expr(3)
    from ..symbolic import gamma as g_sym, q as q_sym
    d2f = sp.lambdify((q_sym, g_sym), sp.diff(focal_loss_expr(), q_sym, 2), "mpmath")
    Hf = sp.lambdify(list(Ps) + list(Qs) + [g_sym], Hs, "mpmath")
    with mp.workdps(30):
        for _ in range(ctx.n(3, 10)):
            pv = [mpmath.mpf(x) for x in rng.dirichlet(np.ones(3))]
            qv = [mpmath.mpf(x) for x in rng.dirichlet(np.ones(3))[:2]]
            gv = mpmath.mpf(float(rng.choice((0.5, 2.0, 5.0))))
            M = Hf(*pv, *qv, gv)
            q3 = 1 - qv[0] - qv[1]
            D = [pv[i] * d2f(qv[i], gv) for i in range(2)]
            B = pv[2] * d2f(q3, gv)
            err = max(abs(M[i, j] - ((D[i] if i == j else 0) + B)) for i in range(2) for j in range(2))
            W.add_one(float(1e-25 - err / (abs(M[0, 0]) + abs(M[1, 1]))), 0.0,
                      _wit([float(x) for x in pv], float(gv), q=[float(x) for x in qv], what="sympy Hessian == chart formula"))
    # (b) PD: in the chart, H = diag(d_1..d_{K-1}) + d_K 1 1^T with d_x = P_x l''(Q_x).  For Q in the open
    #     simplex, H is PD iff at most one d_x is 0 i.e. at most one class off supp P.  Decided exactly: d_x > 0
    #     iff P_x > 0 and log(-g'(Q_x)) is finite (computed in logs, no underflow); numerical eigenvalues of the
    #     tangent Hessian (projected, K <= 100) must agree (tol 50 K eps relative to the largest).
    for label, P, gam in _families(ctx, rows_quick=10, rows_full=60, Ks=(2, 3, 5, 10, 100)):
        n, K = P.shape
        Q = np.stack([_random_simplex_points(rng, K, 1)[0] for _ in range(n)])
        C = _complements(Q)
        logd = np.log(np.where(P > 0, P, 1.0)) + impl.log_neg_dg(Q, C, gam[:, None])
        pos = (P > 0) & np.isfinite(logd)
        n_zero = K - pos.sum(axis=1)
        claim_pd = n_zero <= 1
        # tangent-space eigenvalues: basis of {sum v = 0}
        B = np.linalg.qr(np.vstack([np.ones(K), np.eye(K)[:-1]]).T)[0][:, 1:]
        with np.errstate(over="ignore"):
            d = np.where(pos, np.exp(np.clip(logd, -700, 700)), 0.0)
        for i in range(n):
            if K > 100:
                break
            di = d[i] / d[i].max()
            ev = np.linalg.eigvalsh((B.T * di) @ B)
            # exact decision from the logs; eigenvalues must not contradict it beyond rounding
            tol = 50 * K * EPS
            # with all d > 0, eigenvalues >= min d > 0: numerical min must be >= -tol; when PD is claimed
            # false (>= 2 zeros), the smallest eigenvalue must be 0 (|ev| <= tol)
            slack = ev[0] if claim_pd[i] else -abs(ev[0])
            W.add_one(float(slack), tol, _wit(P[i], gam[i], q=Q[i], zeros_off_support=int(n_zero[i]),
                                              pd_claimed=bool(claim_pd[i]), min_eig_rel=float(ev[0])))
        # (c) midpoint inequality H(P, (Q1+Q2)/2) < (H(P,Q1) + H(P,Q2))/2, strict when at most one class
        #     is off supp P; equality along directions inside the zero classes when two or more are
        Q1 = np.stack([_random_simplex_points(rng, K, 1)[0] for _ in range(n)])
        Q2 = np.where(rng.random((n, 1)) < 0.3, Q1 + 1e-7 * (np.stack([_random_simplex_points(rng, K, 1)[0]
                                                                             for _ in range(n)]) - Q1), Q)
        Qm = 0.5 * (Q1 + Q2)
        H = impl.focal_entropy
        h1, h2, hm = H(P, Q1, gam), H(P, Q2, gam), H(P, Qm, gam)
        slack = 0.5 * (h1 + h2) - hm
        # each H is a sum of K nonnegative terms: relative error (K+4) eps; plus the rounding of Qm
        # (relative eps per entry, times |l'| Q <= l(Q) + 1): tol 4 (K+4) eps (h1 + h2 + hm + 1)
        tol = 4 * (K + 4) * EPS * (h1 + h2 + hm + 1)
        for i in np.flatnonzero(np.abs(slack) <= tol)[: ctx.n(2, 8)]:
            if not claim_pd[i]:
                continue
            # strictness undecidable in doubles: decide at 50 digits
            with mp.workdps(50):
                def Hm(q):
                    return mp.fsum(mpmath.mpf(P[i, k]) * lmp(mpmath.mpf(q[k]), float(gam[i])) for k in range(K) if P[i, k] > 0)
                qa = [mpmath.mpf(x) for x in Q1[i]]
                qb = [mpmath.mpf(x) for x in Q2[i]]
                sa, sb = mp.fsum(qa), mp.fsum(qb)
                qa = [x / sa for x in qa]
                qb = [x / sb for x in qb]
                s_mp = (Hm(qa) + Hm(qb)) / 2 - Hm([(x + y) / 2 for x, y in zip(qa, qb)])
            n_mp += 1
            slack[i] = 1.0 if s_mp > 0 else -np.inf
            tol[i] = 1.0
        W.add(np.where(claim_pd, slack, 0.0), tol, lambda i: _wit(P[i], gam[i], q1=Q1[i], q2=Q2[i], what="midpoint"))
        ctx.progress(label)
    # (d) flat direction when two classes are off the support: exact equality of H along it
    for K in (3, 5, 10):
        P = np.zeros(K)
        P[: K - 2] = rng.dirichlet(np.ones(K - 2))
        Q = _random_simplex_points(rng, K, 1)[0]
        v = np.zeros(K)
        v[-2:] = (1.0, -1.0)
        t = min(Q[-2], Q[-1]) / 2
        h0 = impl.focal_entropy(P, Q, 2.0)
        ht = impl.focal_entropy(P, Q + t * v, 2.0)
        # equal up to the renormalization of Q + t v (relative eps per entry): tol 4 (K+4) eps H
        W.add_one(4 * (K + 4) * EPS * h0 - abs(h0 - ht), 4 * (K + 4) * EPS * h0, _wit(P, 2.0, q=Q, direction=v, what="flat direction off the support"))
    W.decided_mp = n_mp
    return W.result("PD decided from log P + log(-g'(Q)) (exact), eigenvalues and the midpoint inequality "
                    "on random P, Q1, Q2 (some 1e-7 apart); strictness needs |supp P| >= K - 1")


def _check_concavity(ctx):
    W = _Worst(ctx.name)
    rng = ctx.rng
    mz = ctx.impl.minimizer
    for label, P1, gam in _families(ctx, rows_quick=30, rows_full=150):
        n, K = P1.shape
        P2 = P1[rng.permutation(n)]
        close = rng.random(n) < 0.3
        P2 = np.where(close[:, None], P1 + 1e-4 * (P2 - P1), P2)
        t = rng.uniform(0.05, 0.95, n)
        Pm = t[:, None] * P1 + (1 - t[:, None]) * P2
        v1 = np.asarray(mz(P1, gam).value)
        v2 = np.asarray(mz(P2, gam).value)
        vm = np.asarray(mz(Pm, gam).value)
        slack = vm - (t * v1 + (1 - t) * v2)
        # the value at a minimizer is insensitive (to first order) to the solver's error in Q*; it is a sum
        # of K terms: relative error (K+4) eps; the rounding of Pm moves it by <= eps H: tol 4 (K+4) eps sum
        tol = 4 * (K + 4) * EPS * (np.abs(vm) + np.abs(v1) + np.abs(v2) + EPS)
        W.add(slack, tol, lambda i: _wit(P1[i], gam[i], p2=P2[i], t=float(t[i]), H_mix=float(vm[i]),
                                         H_chord=float(t[i] * v1[i] + (1 - t[i]) * v2[i])))
        ctx.progress(label)
    return W.result("H_g(tP1+(1-t)P2) - [t H_g(P1) + (1-t) H_g(P2)] >= 0 over all families (30% of pairs 1e-4 apart)")


def _l1(a, b):
    return np.abs(a - b).sum(axis=-1)


def _check_continuity(ctx):
    """H_g: a mean-value modulus; P -> Q*: difference quotients converge (interior), Hölder 1/(1+gamma) at vertices."""
    W = _Worst(ctx.name)
    rng = ctx.rng
    impl = ctx.impl
    H = impl.focal_entropy
    # (a) |H(P',Q') - H(P,Q)| <= sum |dP| l(Q) + sum P' g(min(Q,Q')) |dQ|  (mean value theorem, l decreasing
    #     and convex so |l'| is largest at the smaller argument).  Rounding: 8 (K+4) eps (H + H').
    for K in (_KS_QUICK if ctx.quick else _KS_FULL):
        n = ctx.n(100, 600) if K <= 100 else ctx.n(10, 60)
        P, Q = _random_pq(ctx, K, n)
        for delta in (1e-2, 1e-6, 1e-10):
            R1, R2 = _random_pq(ctx, K, n)
            P2 = (1 - delta) * P + delta * R1
            Q2 = (1 - delta) * Q + delta * R2
            gam = rng.choice(np.array(GAMMAS), n)
            h, h2 = H(P, Q, gam), H(P2, Q2, gam)
            qmin = np.minimum(Q, Q2)
            bound = (np.abs(P2 - P) * impl.focal_loss(Q, gam[:, None])).sum(1) +\
                    (P2 * impl.g(qmin, 1 - qmin, gam[:, None]) * np.abs(Q2 - Q)).sum(1)
            slack = bound - np.abs(h2 - h)
            # rounding: each H to (K+4) eps, plus the renormalization of Q' (relative eps per entry) which moves
            # l(q) by eps q g(q) (the condition number of l is q g / l, up to gamma q/(1-q)): tol below
            #     and the rounding of 1 - q inside (1-q)^gamma: relative gamma eps / (1-q) on each term l(q)
            def cond_of(Pa, Qa):
                ca = np.maximum(1 - Qa, EPS)
                la = np.where(Pa > 0, impl.focal_loss(Qa, gam[:, None]), 0.0)
                return (Pa * Qa * impl.g(Qa, 1 - Qa, gam[:, None]) + Pa * la * gam[:, None] / ca).sum(1)
            cond = cond_of(P, Q) + cond_of(P2, Q2)
            W.add(slack, 8 * (K + 4) * EPS * (h + h2 + cond),
                  lambda i: _wit(P[i], gam[i], q=Q[i], p2=P2[i], q2=Q2[i], what="H_g mean-value modulus"))
    # (b) inside a face Q* is a smooth function of log P: for a relative move P' = P exp(d xi) / norm
    #     (xi standard normal, |xi|_inf scaled to 1) the quotients ||Q*(P') - Q*(P)||_1 / d at d = 1e-4 and
    #     1e-5 agree to 10% (O(d) truncation) plus the solver noise 2 K 2e-13 (1+gamma) / (d ||dQ||); their
    #     size is the modulus: how far Q* moves (L1) per unit relative move of P, reported.
    lip = 0.0
    for label, P, gam in _families(ctx, rows_quick=10, rows_full=60, Ks=(2, 3, 10, 100)):
        n, K = P.shape
        xi = rng.standard_normal((n, K))
        xi /= np.abs(xi).max(1, keepdims=True)
        q0 = np.asarray(impl.minimizer(P, gam).q)
        quot = []
        for d in (1e-4, 1e-5):
            Pd = P * np.exp(d * xi)
            Pd = Pd / Pd.sum(1, keepdims=True)
            quot.append(_l1(np.asarray(impl.minimizer(Pd, gam).q), q0) / d)
        a, b = quot
        noise = 2 * K * solver_tol(gam) / (1e-5 * np.maximum(b, TINY))
        ok = np.isfinite(a) & np.isfinite(b) & (noise < 0.1)
        rel = np.where(ok, np.abs(a - b) / np.maximum(b, TINY), 0.0)
        # the claim: the quotients agree to 10%; the tolerance is the rounding (noise) alone
        W.add(0.1 - rel, np.where(ok, noise, 0.0), lambda i: _wit(P[i], gam[i], xi=xi[i], quotient_1e4=float(a[i]),
                                             quotient_1e5=float(b[i]), what="difference quotient in log P converges"))
        if ok.any():
            lip = max(lip, float(np.max(np.where(ok, b, 0))))
        ctx.progress(label)
    # (c) vertex: P = (1 - e, e R) has Q*(small) -> 0 with (1+gamma) eta^(1+gamma) / e -> 1 (eta = 1 - Q*_1),
    #     i.e. modulus omega(e) ~ (e/(1+gamma))^(1/(1+gamma)); checked where eta < 1e-3 (asymptotic regime):
    #     |log ratio| <= 0.01 + 5 (1+gamma) eta log(1/eta) (next-order term of g)
    worst_exp = None
    for g in (0.1, 0.5, 1.0, 2.0, 5.0, 10.0):
        for k in (20, 50, 100, 200, 300):
            e = 10.0 ** -k
            for K in (2, 5):
                R = rng.dirichlet(np.ones(K - 1))
                P = np.concatenate([[1.0], e * R])
                res = impl.minimizer(P, g)
                eta = float(np.asarray(res.q)[1:].sum())
                if not (0 < eta < 1e-3):
                    if eta >= 1e-3:
                        continue
                    W.add_one(-np.inf, 0.0, _wit(P, g, eta=eta, what="vertex modulus: Q* did not leave the vertex"))
                    continue
                # e is the mass off the vertex of the normalized P
                emass = float(np.sum(P[1:]) / np.sum(P))
                # with several small classes the relation is (1+gamma) eta^gamma * sum_x g^-1 ... : it reads
                # (1+gamma) eta^gamma eta_x ~ P_x for each x, summing: (1+gamma) eta^(1+gamma) ~ e
                lr = math.log(1 + g) + (1 + g) * math.log(eta) - math.log(emass)
                # the relation holds to 0.01 + its next terms (part of the claim); rounding: eta from the
                # solver to ~1e-13 (1 + gamma) relative, times (1 + gamma) in the log ratio
                bound = 0.01 + 5 * (1 + g) * eta * math.log(1 / eta)
                W.add_one(bound - abs(lr), 1e-12 * (1 + g) ** 2, _wit(P, g, eta=eta, log_ratio=lr, what="vertex Hölder modulus"))
                worst_exp = 1 / (1 + g) if worst_exp is None else min(worst_exp, 1 / (1 + g))
    return W.result(f"H_g obeys its mean-value modulus; P -> Q* smooth in log P inside faces (largest "
                    f"||dQ*||_1 / ||d log P||_inf seen {lip:.3g}), Hölder with exponent 1/(1+gamma) at vertices: omega(d) ~ (d/(1+gamma))^(1/(1+gamma))")


# ---------------------------------------------------------------------------
# the envelope of the minimal focal-entropy
# ---------------------------------------------------------------------------

def _check_envelope(ctx):
    """d/dt H_g(P + t v) at 0 equals sum_x v_x l(Q*(x)) for sum v = 0 (supp v in supp P)."""
    W = _Worst(ctx.name)
    impl = ctx.impl
    rng = ctx.rng
    worst_rel = 0.0
    for label, P, gam in _families(ctx, rows_quick=10, rows_full=50, Ks=(2, 3, 5, 10, 100)):
        n, K = P.shape
        ok = (P > 1e-3).sum(1) >= 2
        P, gam = P[ok], gam[ok]
        if P.shape[0] == 0:
            continue
        n = P.shape[0]
        V = rng.standard_normal((n, K)) * (P > 1e-3)
        V -= (P > 1e-3) * (V.sum(1, keepdims=True) / (P > 1e-3).sum(1, keepdims=True))
        V /= np.abs(V).sum(1, keepdims=True)
        Q = np.asarray(impl.minimizer(P, gam).q)
        pred = np.where(V != 0, V * impl.focal_loss(Q, gam[:, None]), 0.0).sum(1)
        h = 1e-4 * np.min(np.where(P > 1e-3, P, 1.0), axis=1)

        def val(t):
            return np.asarray(impl.minimizer(P + t[:, None] * V, gam).value)

        d1 = (val(h) - val(-h)) / (2 * h)
        d2 = (val(h / 2) - val(-h / 2)) / h
        rich = (4 * d2 - d1) / 3
        # error of the Richardson estimate: |d2 - d1| bounds the O(h^2) truncation (by a factor 4/3), rounding
        # of the values: 8 K eps |H| / h; tolerance = their sum, plus 1e-10 |pred| for the solver
        Hs = np.abs(np.asarray(impl.minimizer(P, gam).value))
        tol = 2 * np.abs(d2 - d1) + 16 * (K + 4) * EPS * (Hs + 1) / h + 1e-10 * (np.abs(pred) + 1)
        W.add(-np.abs(rich - pred), tol, lambda i: _wit(P[i], gam[i], direction=V[i], fd=float(rich[i]),
                                                             envelope=float(pred[i])))
        worst_rel = max(worst_rel, float(np.max(np.abs(rich - pred) / (np.abs(pred) + 1))))
        ctx.progress(label)
    return W.result(f"central differences of the minimizer's value (Richardson) vs sum v l(Q*); "
                    f"largest relative gap {worst_rel:.1e}")
