"""Checks of the minimizer: existence, uniqueness, KKT structure, order, inverse map (docs/theory.md, section theory-minimizer)."""

from __future__ import annotations

import mpmath
import numpy as np
from mpmath import mp

from ._cases import GAMMAS, _dirichlet, _adversarial, _KS_QUICK, _KS_FULL, _families, _complements, _hypothesis_search
from ._framework import _Worst, _wit
from ._tolerances import EPS, TINY, solver_tol, log_solver_tol, reference_tol


# ---------------------------------------------------------------------------
# existence and uniqueness, structure, inverse map
# ---------------------------------------------------------------------------

def _generic_solve(P, gamma, q0, method):
    """Minimize H_g(P, .) with a generic scipy solver from q0, without its UserWarning chatter."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # trust-constr: "delta_grad == 0.0" on flat steps
        return _generic_solve_raw(P, gamma, q0, method)


def _generic_solve_raw(P, gamma, q0, method):
    """Minimize H_g(P, .) over the simplex with a generic scipy solver from q0 (no focaltheory code)."""
    from scipy.optimize import minimize

    sup = P > 0

    def f(q):
        q = np.clip(q, TINY, 1.0)
        return float(-np.sum(P[sup] * (1 - q[sup]) ** gamma * np.log(q[sup])))

    def grad(q):
        q = np.clip(q, TINY, 1.0)
        c = 1 - q
        gr = np.zeros_like(q)
        # d/dq [-(1-q)^g log q] = g (1-q)^(g-1) log q - (1-q)^g / q
        with np.errstate(all="ignore"):
            gr[sup] = P[sup] * (gamma * c[sup] ** (gamma - 1) * np.log(q[sup]) - c[sup] ** gamma / q[sup])
        return np.nan_to_num(gr, nan=0.0, posinf=1e300, neginf=-1e300)

    K = P.size
    cons = [{"type": "eq", "fun": lambda q: np.sum(q) - 1.0, "jac": lambda q: np.ones(K)}]
    bounds = [(0.0, 1.0)] * K
    if method == "SLSQP":
        r = minimize(f, q0, jac=grad, method="SLSQP", bounds=bounds, constraints=cons,
                     options={"ftol": 1e-15, "maxiter": 500})
    else:
        from scipy.optimize import Bounds, LinearConstraint
        r = minimize(f, q0, jac=grad, method="trust-constr", bounds=Bounds(np.zeros(K), np.ones(K)),
                     constraints=[LinearConstraint(np.ones((1, K)), 1.0, 1.0)],
                     options={"gtol": 1e-12, "xtol": 1e-14, "maxiter": 2000})
    q = np.clip(r.x, 0.0, 1.0)
    return q / q.sum(), f(q / q.sum())


def _check_existence_uniqueness(ctx):
    W = _Worst(ctx.name)
    rng = ctx.rng
    mz = ctx.impl.minimizer
    n_dist = ctx.n(5, 60)
    n_starts = ctx.n(3, 8)
    max_dist = 0.0
    for j in range(n_dist):
        K = int(rng.choice((2, 3, 5, 10, 20)))
        P = rng.dirichlet(np.full(K, rng.choice((0.5, 1.0, 5.0))))
        if j % 4 == 3 and K > 2:
            P[rng.integers(0, K)] = 0.0  # a class off the support
        P = np.maximum(P, 0)
        P = P / P.sum()
        P = np.where(P < 1e-4, 0.0, P)  # generic solvers cannot resolve tiny classes; keep them exact zeros
        P = P / P.sum()
        gam = float(rng.choice((0.5, 1.0, 2.0, 5.0)))
        res = mz(P, gam)
        qs = np.asarray(res.q)
        hs = float(np.asarray(res.value))
        for s in range(n_starts):
            q0 = rng.dirichlet(np.ones(K))
            for method in (("SLSQP", "trust-constr") if s < 2 or not ctx.quick else ("SLSQP",)):
                try:
                    qg, hg = _generic_solve(P, gam, q0, method)
                except (ValueError, FloatingPointError, np.linalg.LinAlgError) as exc:
                    # a generic solver that breaks down proves nothing either way; counted, not scored
                    W.notes.append(f"{method} failed once ({type(exc).__name__})") if len(W.notes) < 3 else None
                    continue
                # existence/optimality: no generic solver finds a lower value; tol 1e-12 (1 + H): the values are
                # sums of K <= 20 terms of size <= H + 1, rounding ~1e-14
                W.add_one(hg - hs + 0.0, 1e-12 * (1 + hs), _wit(P, gam, q_generic=qg, q_minimizer=qs,
                                                                method=method, what="generic value >= minimizer value"))
                # uniqueness: a generic point within 1e-9 (1+H) of the optimum lies within 1e-3 of Q*
                # (strong convexity: |dQ|^2 <= 2 dH / mu, mu >= min_x P_x l''(Q_x) >~ 1e-2 here, so |dQ| <~ 5e-4)
                if hg <= hs + 1e-9 * (1 + hs):
                    d = float(np.max(np.abs(qg - qs)))
                    max_dist = max(max_dist, d)
                    W.add_one(1e-3 - d, 0.0, _wit(P, gam, q_generic=qg, q_minimizer=qs, method=method,
                                                 what="near-optimal generic point is near Q*"))
                # zeros off the support
                W.add_one(1.0 if np.all(qs[P == 0] == 0) else -1.0, 0.0, _wit(P, gam, q=qs, what="Q* = 0 off supp P"))
        ctx.progress(f"{j + 1}/{n_dist} distributions")
    return W.result(f"SLSQP and trust-constr (no focaltheory code) from random starts vs minimizer; largest "
                    f"|Q_generic - Q*| among near-optimal runs {max_dist:.1e}")


def _kkt_residual(P, Q, log_lam, gam, log_g):
    """max over the support of |log P + log g(Q) - log lambda*| and its rounding tolerance."""
    C = _complements(Q)
    sup = P > 0
    lp = np.log(np.where(sup, P, 1.0))
    lg = log_g(np.where(sup, Q, 0.5), np.where(sup, C, 0.5), gam[:, None])
    r = np.where(sup, np.abs(lp + lg - log_lam[:, None]), 0.0)
    # tolerance: the solver is documented accurate to ~1e-13 relative in q and 1 - q; d log g / d log q is
    # at most 1 + gamma (q small: -1; q near 1: gamma log(1-q)) so 2e-13 (2 + gamma), plus rounding of the
    # large terms log P, gamma log(1-q), log q and log lambda: 8 eps (|log P| + gamma |log c| + |log q| + |log lam|)
    big = np.abs(lp) + gam[:, None] * np.abs(np.log(np.where(sup, C, 1.0))) + np.abs(np.log(np.where(sup, Q, 1.0)))
    tol = log_solver_tol(gam[:, None]) + 8 * EPS * (big + np.abs(log_lam)[:, None])
    return np.where(sup, r, 0.0), np.where(sup, tol, 1.0)


def _check_structure(ctx):
    W = _Worst(ctx.name)
    impl = ctx.impl
    for label, P, gam in _families(ctx):
        res = impl.minimizer(P, gam)
        Q = np.asarray(res.q)
        ll = np.asarray(res.log_lam, dtype=float)
        n, K = P.shape
        npos = (P > 0).sum(1)
        multi = npos >= 2
        r, tol = _kkt_residual(P, Q, np.where(multi, ll, 0.0), gam, impl.log_g)
        ratio = np.where(multi[:, None], r / tol, 0.0)
        i_r = ratio.argmax(1)
        W.add(np.where(multi, tol[np.arange(n), i_r] - r[np.arange(n), i_r], 1.0), tol[np.arange(n), i_r],
              lambda i: _wit(P[i], gam[i], q=Q[i], log_lam=float(ll[i]), cls=int(i_r[i]),
                             what="P(x) g(Q*(x)) = lambda* on the support"))
        # Q* = 0 off the support, > 0 on it; point masses are their own minimizer; sum Q* = 1
        off = np.where((P == 0) & (Q != 0), -1.0, 1.0).min(1)
        on = np.where((P > 0) & (Q <= 0), -1.0, 1.0).min(1)
        pm = np.where(~multi & ~np.all(Q == (P > 0), axis=1), -1.0, 1.0)
        W.add(np.minimum(np.minimum(off, on), pm), 0.0,
              lambda i: _wit(P[i], gam[i], q=Q[i], what="zeros exactly off the support / point mass"))
        s = np.abs(Q.sum(1) - 1)
        W.add(4 * K * EPS - s, 4 * K * EPS, lambda i: _wit(P[i], gam[i], q=Q[i], what="sum Q* = 1"))
        ctx.progress(label)
    # independent 50-digit reference on a sample: relative error of q and of 1 - q <= 1e-12 (1 + gamma)
    # (documented double accuracy ~1e-13, times the conditioning (1 + gamma) of the complement near 1)
    n_mp = ctx.n(8, 60)
    rng = ctx.rng
    for j in range(n_mp):
        K = int(rng.choice((2, 3, 5, 10, 50)))
        fam = _adversarial(rng, K)
        lab, P = fam[rng.integers(0, len(fam))] if j % 2 else ("Dirichlet", rng.dirichlet(np.full(K, 0.5)))
        g = float(rng.choice(GAMMAS))
        ref = impl.minimizer_mp([float(x) for x in P], g)
        Q = np.asarray(impl.minimizer(P, g).q)
        C = _complements(Q[None])[0]
        err = 0.0
        for k in range(K):
            qm, cm = ref.q[k], ref.complement[k]
            if qm == 0:
                err = max(err, 0.0 if Q[k] == 0 else np.inf)
                continue
            e = float(abs(Q[k] - qm) / qm) if qm <= 0.5 else float(abs(C[k] - cm) / cm) if cm > 0 else float(C[k] != 0)
            err = max(err, e)
        tol = reference_tol(g)
        W.add_one(-err, tol, _wit(P, g, q=Q, what=f"vs 50-digit reference ({lab})", rel_err=err))
    W.decided_mp = n_mp
    return W.result("KKT P g(Q*) = lambda* with g from the generated kernels and complements; zeros off the "
                    "support; vs minimizer_mp on a sample")


def _check_inverse_identity(ctx):
    W = _Worst(ctx.name)
    impl = ctx.impl
    rng = ctx.rng
    for K in (_KS_QUICK if ctx.quick else _KS_FULL):
        n = ctx.n(60, 300) if K <= 100 else ctx.n(8, 40)
        Q = _dirichlet(rng, K, n, rng.choice((0.1, 1.0, 10.0)))
        Q = np.where(Q > 1e-250, Q, 1e-250)
        Q[: n // 5] = np.where(np.arange(K) == 0, 1.0, 1e-12)  # near-degenerate
        Q = Q / Q.sum(1, keepdims=True)
        gam = np.concatenate([np.array(GAMMAS), 10.0 ** rng.uniform(-6, 3, n)])[:n]
        rng.shuffle(gam)
        P = impl.inverse_minimizer(Q, gam)
        # where the true P has entries below the double range (P(x) ~ 1/g(Q(x)) can be 1e-500 next to a
        # class near 1 at large gamma) P underflows: those rows are checked at 50 digits below
        unrep = ((P < 1e-290) & (Q > 0)).any(1)
        res = impl.minimizer(np.where(unrep[:, None], 1.0 / K, P), gam)
        Q2 = np.asarray(res.q)
        C, C2 = _complements(Q), _complements(Q2)
        small = Q <= 0.5
        rel = np.where(small, np.abs(Q2 - Q) / Q, np.abs(C2 - C) / np.maximum(C, TINY))
        worst = np.where(unrep, 0.0, rel.max(1))
        for i in np.flatnonzero(unrep)[: ctx.n(1, 3)]:
            from ..reference import inverse_minimizer_mp
            with mp.workdps(60):
                qm_ = [mpmath.mpf(float(x)) for x in Q[i]]
                sq = mp.fsum(qm_)
                qm_ = [x / sq for x in qm_]
            Pm = inverse_minimizer_mp(qm_, float(gam[i]))
            ref = impl.minimizer_mp(Pm, float(gam[i]))
            e = max(float(abs(a - mpmath.mpf(float(b))) / mpmath.mpf(float(b))) for a, b in zip(ref.q, Q[i]))
            W.add_one(1e-14 - e, 1e-14, _wit(Q[i], gam[i], what="50-digit round trip (P below the double range)",
                                             rel_err=e))
            W.decided_mp += 1
        if unrep.any():
            W.notes.append(f"{int(unrep.sum())} rows at K={K} with P below 1e-290 (round trip at 50 digits on a sample)")
        # solver and closed form are each accurate to ~1e-13 relative in q and 1 - q; P depends on the
        # complement of a large class through (1-q)^gamma: amplification 1 + gamma; factor 10 for the sums
        tol = reference_tol(gam)
        W.add(-worst, tol, lambda i: _wit(P[i], gam[i], q_in=Q[i], q_back=Q2[i], what="Q*(inverse(Q)) = Q"))
        # lambda* = 1 / sum 1/g(Q*)
        lg = impl.log_g(Q2, C2, gam[:, None])
        m = (-lg).max(1)
        ll = -(m + np.log(np.exp(-lg - m[:, None]).sum(1)))
        d = np.abs(ll - np.asarray(res.log_lam))
        tol2 = log_solver_tol(gam) + 8 * EPS * np.abs(ll) * K
        W.add(-d, tol2, lambda i: _wit(P[i], gam[i], q=Q2[i], what="lambda* = 1/sum 1/g(Q*)"))
        ctx.progress(f"K={K}")

    def viol(p, g):
        if (p == 0).any():
            return False
        q = np.asarray(impl.minimizer(p, g).q)
        pb = impl.inverse_minimizer(q, g)
        return bool(np.max(np.abs(pb - p) / p) > reference_tol(g) * 10)

    found, tried = _hypothesis_search(ctx, viol)
    W.cases += tried
    if found is not None:
        W.add_one(-np.inf, 0.0, _wit(found[0], found[1], found_by="hypothesis", what="inverse(Q*(P)) = P"))
    return W.result("Q -> P = inverse(Q) -> Q*(P) round trip (entries down to 1e-250, near-degenerate) and "
                    "lambda* = 1/sum 1/g(Q*); hypothesis on P -> Q* -> P")


# ---------------------------------------------------------------------------
# order, properness, fixed points
# ---------------------------------------------------------------------------

def _check_order(ctx):
    W = _Worst(ctx.name)
    impl = ctx.impl
    n_mp = [0]
    budget = ctx.n(4, 20)
    for label, P, gam in _families(ctx):
        Q = np.asarray(impl.minimizer(P, gam).q)
        n, K = P.shape
        o = np.argsort(P, axis=1, kind="stable")
        Ps = np.take_along_axis(P, o, 1)
        Qs = np.take_along_axis(Q, o, 1)
        dP = np.diff(Ps, axis=1)
        dQ = np.diff(Qs, axis=1)
        # strict order: P(x) < P(y) => Q*(x) < Q*(y); rounding of Q*: documented ~1e-13 relative, so a
        # reversal within 2e-13 (1 + gamma) Q is undecided in doubles and goes to 50 digits
        tol = solver_tol(gam[:, None]) * np.abs(Qs[:, 1:])
        strict = dP > 0
        slack = np.where(strict, dQ, -np.abs(dQ))  # ties: equal (within the tolerance tol)
        und = np.argwhere(strict & (slack <= tol) & (Ps[:, :-1] > 0))
        for i, k in und[: max(budget - n_mp[0], 0)]:
            ref = impl.minimizer_mp([float(x) for x in P[i]], float(gam[i]))
            a, b = ref.q[o[i, k]], ref.q[o[i, k + 1]]
            slack[i, k] = 1.0 if b > a else -np.inf
            tol[i, k] = 1.0
            n_mp[0] += 1
        key = np.where(tol > 0, slack / np.where(tol > 0, tol, 1), slack)
        kk = key.argmin(1) if K > 1 else np.zeros(n, int)
        rows = np.arange(n)
        W.add(slack[rows, kk], tol[rows, kk], lambda i: _wit(P[i], gam[i], q=Q[i], pair=[int(o[i, kk[i]]), int(o[i, kk[i] + 1])],
                                                              what="order of P preserved by Q*"))
        # argmax preserved (exactly: the argmax of Q* is one of the argmaxes of P)
        am = np.argmax(Q, 1)
        W.add(np.where(P[rows, am] == P.max(1), 1.0, -1.0), 0.0,
              lambda i: _wit(P[i], gam[i], q=Q[i], what="argmax preserved"))
        ctx.progress(label)

    def viol(p, g):
        q = np.asarray(impl.minimizer(p, g).q)
        o = np.argsort(p, kind="stable")
        dp, dq = np.diff(p[o]), np.diff(q[o])
        return bool(np.any((dp > 0) & (dq < -solver_tol(g) * np.abs(q[o][1:]))))

    found, tried = _hypothesis_search(ctx, viol)
    W.cases += tried
    if found is not None:
        W.add_one(-np.inf, 0.0, _wit(found[0], found[1], found_by="hypothesis"))
    W.decided_mp = n_mp[0]
    return W.result("adjacent pairs in P order over all families incl. near-ties at 4 ulp; reversals within "
                    "rounding decided at 50 digits")
