"""Checks of finiteness and of the bounds on H_g (docs/theory.md, section theory-bounds)."""

from __future__ import annotations

import mpmath
import numpy as np
from mpmath import mp

from ._cases import GAMMAS, _KS_QUICK, _KS_FULL, _complements, _hypothesis_search, _random_pq
from ._framework import _Worst, _wit
from ._tolerances import EPS, TINY


def _check_finiteness(ctx):
    W = _Worst(ctx.name)
    H = ctx.impl.focal_entropy
    for K in (_KS_QUICK if ctx.quick else _KS_FULL):
        n = ctx.n(400, 3000) if K <= 100 else ctx.n(20, 200)
        P, Q = _random_pq(ctx, K, n, zero_frac=0.35)
        # vertices of Q and point masses of P
        P[: n // 10] = np.eye(K)[ctx.rng.integers(0, K, n // 10)]
        Q[n // 10: n // 5] = np.eye(K)[ctx.rng.integers(0, K, n // 5 - n // 10)]
        gam = ctx.rng.choice(np.array((0.0,) + GAMMAS), size=n)
        predicted = ~((P > 0) & (Q == 0)).any(axis=1)
        observed = np.isfinite(H(P, Q, gam))
        # exact claim: slack 0 when the prediction holds, -1 when it does not (tolerance 0)
        W.add(np.where(predicted == observed, 1.0, -1.0), 0.0,
              lambda i: _wit(P[i], gam[i], q=Q[i], predicted_finite=bool(predicted[i]), observed_finite=bool(observed[i])))
    return W.result("isfinite(H_g(P, Q)) == (supp P in supp Q), exact; entries down to 1e-300 and exact zeros")


def _check_ce_bound(ctx):
    W = _Worst(ctx.name)
    H = ctx.impl.focal_entropy
    ladder = np.array((0.0, 1e-9, 1e-4, 0.01, 0.1, 0.5, 1.0, 1.5, 2.0, 5.0, 20.0, 100.0, 1000.0))
    for K in (_KS_QUICK if ctx.quick else _KS_FULL):
        n = ctx.n(200, 1500) if K <= 100 else ctx.n(10, 100)
        P, Q = _random_pq(ctx, K, n, zero_frac=0.1 if K > 2 else 0.0)
        # between the ladder rungs, random gammas
        gam = np.sort(np.concatenate([ladder, 10.0 ** ctx.rng.uniform(-6, 3, 8)]))
        vals = np.stack([H(P, Q, g) for g in gam])  # (len(gam), n)
        for j in range(len(gam) - 1):
            a, b = vals[j], vals[j + 1]
            both_inf = np.isinf(a) & np.isinf(b)
            # every term P (1-q)^gamma (-log q) >= 0 is nonincreasing in gamma; each sum is computed
            # with relative error <= (K + 4) eps (K additions, pow/log/products): tol = 2 (K+4) eps H
            slack = np.where(both_inf, 0.0, a - b)
            tol = 2 * (K + 4) * EPS * np.where(np.isfinite(a), a, 0.0)
            W.add(slack, tol, lambda i, j=j: _wit(P[i], gam[j + 1], q=Q[i], gamma_lower=float(gam[j]),
                                                  H_lower=float(vals[j][i]), H_upper=float(vals[j + 1][i])))
    found, tried = _hypothesis_search(ctx, lambda p, g: _ce_violated(H, p, g))
    W.cases += tried
    if found is not None:
        p, g = found
        W.add_one(-np.inf, 0.0, _wit(p, g, q=p[::-1].tolist(), found_by="hypothesis"))
    return W.result("H_gamma(P,Q) over a gamma ladder 0 < 1e-9 < ... < 1000 (gamma = 0 is the cross-entropy); "
                    "tol 2(K+4) eps H")


def _ce_violated(H, p, g):
    q = p[::-1].copy()
    q = np.where(q > 0, q, TINY)
    q = q / q.sum()
    a, b = H(p, q, 0.0), H(p, q, g)
    c = H(p, q, g * 1.5)
    tol = 2 * (p.size + 4) * EPS
    return (b - a > tol * a) or (c - b > tol * b)


def _entropy(Q):
    with np.errstate(divide="ignore", invalid="ignore"):
        return -np.where(Q > 0, Q * np.log(np.where(Q > 0, Q, 1.0)), 0.0).sum(axis=-1)


def _mukhoti_slack_mp(p, q, g):
    """H_g(P,Q) - H(P,Q) + gamma H(Q) at 50 digits, with Q renormalized exactly in mpmath."""
    with mp.workdps(50):
        P = [mpmath.mpf(float(x)) for x in p]
        Q = [mpmath.mpf(float(x)) for x in q]
        sp_, sq = mp.fsum(P), mp.fsum(Q)
        P = [x / sp_ for x in P]
        Q = [x / sq for x in Q]
        gm = mpmath.mpf(float(g))
        k = max(range(len(Q)), key=lambda j: Q[j])
        C = [1 - x if j != k else mp.fsum(Q[:k] + Q[k + 1:]) for j, x in enumerate(Q)]
        hg = mp.fsum(a * c ** gm * (-mp.log(b)) for a, b, c in zip(P, Q, C) if a > 0)
        ce = mp.fsum(a * (-mp.log(b)) for a, b in zip(P, Q) if a > 0)
        hq = mp.fsum(-b * mp.log(b) for b in Q if b > 0)
        return hg - ce + gm * hq, ce + gm * hq + hg


def _check_mukhoti(ctx):
    W = _Worst(ctx.name)
    H = ctx.impl.focal_entropy
    budget = ctx.n(20, 150)
    n_vertex = 0
    for K in (_KS_QUICK if ctx.quick else _KS_FULL):
        n = ctx.n(300, 2000) if K <= 100 else ctx.n(10, 100)
        P, Q = _random_pq(ctx, K, n)
        # include Q = P: the bound is tightest where gamma H(Q) is small
        Q[: n // 4] = P[: n // 4]
        gam = np.concatenate([np.array(GAMMAS), 10.0 ** ctx.rng.uniform(-6, 3, n)])[:n]
        ce = H(P, Q, 0.0)
        hg = H(P, Q, gam)
        hq = _entropy(Q)
        lower = ce - gam * hq
        slack = hg - lower
        # each side is a sum of K nonnegative terms, relative error (K+4) eps; (1-q)^gamma carries the rounding
        # of 1 - q amplified by gamma q/(1-q) ... <= gamma eps/(1-q) relative: tol below
        C = np.maximum(_complements(Q), EPS)
        lq = np.where(P > 0, -np.log(np.where(Q > 0, Q, 1.0)) * np.exp(gam[:, None] * np.log(C)), 0.0)
        tol = 2 * (K + 4) * EPS * (ce + gam * hq + hg + (P * lq * gam[:, None] / C).sum(1))
        # near a vertex (largest Q within 1e-6 of 1) a double Q is not a point of the simplex to the accuracy
        # the complement needs (1 - Q_max vs the sum of the others differ by ~eps, relatively large):
        # those cases are evaluated at 50 digits with Q renormalized there
        vert = np.flatnonzero(C.min(1) < 1e-6)
        n_vertex += vert.size
        take, rest = vert[:budget], vert[budget:]
        for i in take:
            s_mp, size = _mukhoti_slack_mp(P[i], Q[i], gam[i])
            slack[i] = float(s_mp)
            tol[i] = float(size) * 1e-40
            W.decided_mp += 1
        budget -= take.size
        skip = np.zeros(n, bool)
        skip[rest] = True  # beyond the 50-digit budget: not scored (counted in the note)
        W.add(np.where(skip, np.inf, slack), np.where(skip, 1.0, tol),
              lambda i: _wit(P[i], gam[i], q=Q[i], H_gamma=float(hg[i]), lower_bound=float(lower[i])))
    W.notes.append(f"{n_vertex} near-vertex Q, {W.decided_mp} of them decided at 50 digits, the rest not scored")

    def viol(p, g):
        # the same slack and tolerance as above, for Q = P and Q = reversed P; near a vertex at 50 digits
        for q in (p, p[::-1]):
            q = np.where(q > 0, q, TINY)
            q = q / q.sum()
            P1, Q1, G1 = p[None], q[None], np.array([g])
            ce, hg, hq = H(P1, Q1, 0.0), H(P1, Q1, G1), _entropy(Q1)
            C = np.maximum(_complements(Q1), EPS)
            lq = np.where(P1 > 0, -np.log(np.where(Q1 > 0, Q1, 1.0)) * np.exp(g * np.log(C)), 0.0)
            tol = 2 * (p.size + 4) * EPS * (ce + g * hq + hg + (P1 * lq * g / C).sum(1))
            if C.min() < 1e-6:
                s_mp, size = _mukhoti_slack_mp(p, q, g)
                if s_mp < -size * mpmath.mpf("1e-40"):
                    return True
            elif (hg - (ce - g * hq))[0] < -tol[0]:
                return True
        return False

    found, tried = _hypothesis_search(ctx, viol)
    W.cases += tried
    if found is not None:
        W.add_one(-np.inf, 0.0, _wit(found[0], found[1], found_by="hypothesis"))
    return W.result("H_g(P,Q) - [H(P,Q) - gamma H(Q)] on random P, Q (Q = P for a quarter); tol 2(K+4) eps x size")


def _check_bound_lemmas(ctx):
    """The three scalar facts behind the Mukhoti bound's proof (theory-bounds), on a fine grid."""
    W = _Worst(ctx.name)
    n = ctx.n(2000, 20000)
    q = np.concatenate([10.0 ** -ctx.rng.uniform(0, 300, n // 2), 1 - 10.0 ** -ctx.rng.uniform(0.3, 15, n // 2),
                        np.linspace(0.001, 0.999, 999)])
    gam = np.concatenate([np.array(GAMMAS), 10.0 ** ctx.rng.uniform(-6, 3, 40)])
    Qg, Gg = np.meshgrid(q, gam)
    l1q = np.log1p(-Qg)
    pw = ctx.impl.power(Qg, Gg)
    # (a) (1-q)^gamma >= 1 + gamma log(1-q) (e^x >= 1 + x); both sides O(1 + gamma|log(1-q)|): tol 8 eps (that)
    W.add(pw - (1 + Gg * l1q), 8 * EPS * (1 + Gg * np.abs(l1q)),
          lambda i: {"q": float(Qg.flat[i]), "gamma": float(Gg.flat[i]), "what": "(1-q)^g >= 1 + g log(1-q)"})
    # (b) log q log(1-q) <= h(q) (binary entropy, nats); tol 8 eps h
    lq = np.log(q)
    h = -(q * lq + (1 - q) * np.log1p(-q))
    W.add(h - lq * np.log1p(-q), 8 * EPS * h, lambda i: {"q": float(q[i]), "what": "log q log(1-q) <= h(q)"})
    # (c) Bernoulli: (1-q)^gamma >= 1 - gamma q holds for gamma >= 1 (tol 8 eps)
    big = Gg >= 1
    W.add(np.where(big, pw - (1 - Gg * Qg), 0.0), 8 * EPS * (1 + Gg * Qg),
          lambda i: {"q": float(Qg.flat[i]), "gamma": float(Gg.flat[i]), "what": "Bernoulli for gamma >= 1"})
    # ... and fails for every gamma in (0, 1): at q = 1/2, 2^-gamma < 1 - gamma/2 by strict concavity
    for g in gam[(gam > 0) & (gam < 1)]:
        fails = (1 - g * q) - ctx.impl.power(q, g)
        i = int(np.argmax(fails))
        # existence of a failure: the largest failure found must exceed the rounding 8 eps (exact check)
        W.add_one(float(fails[i]) - 8 * EPS, 0.0, {"q": float(q[i]), "gamma": float(g),
                                             "what": "Bernoulli (1-q)^g >= 1 - g q fails for g < 1 (failure found)"})
    return W.result(f"{q.size} q in [1e-300, 1 - 1e-15] x {gam.size} gammas")
