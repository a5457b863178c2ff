"""The per-class inversion q = g^-1(L) of the focal stationarity equation, vectorized.

With g = -l' for l(q) = -(1-q)^gamma log q, the factorization the solver's
kernels use (see focaltheory._kernels) reads

    log g(q) = -log q + gamma log(1 - q) + log1p(gamma k),   k = q (-log q) / (1 - q).

Two carriers, as in the finite solver:

* where q is small (L = lambda / P above 4 + 2 gamma) the unknown is
  s = log(q L): it tends to 0 far in the tail and gives q / P = exp(s) / lambda
  to full relative accuracy whatever the size of L.  The equation is
  f(s) = phi(s - t) - s = 0, t = log L, phi(v) = gamma log(-expm1(v)) + log1p(gamma k(v)),
  phi' <= 0: f is strictly decreasing, solved by Newton safeguarded by a bracket;
* elsewhere (q not small, possibly within 1e-300 of 1) the log-odds z, with the
  solver's own kernels for log g(z) and d log g / dz (focaltheory._kernels).
"""

import numpy as np

from .. import _kernels as _k

_EPS = np.finfo(np.float64).eps


def _phi(v, G):
    """phi(v) and phi'(v) at v = log q < 0 (gamma G broadcast against v)."""
    ev = np.exp(v)
    om = -np.expm1(v)  # 1 - q, to full relative accuracy
    k = -v * ev / om
    phi = G * np.log(om) + np.log1p(G * k)
    # d/dv log(1 - q) = -q / (1 - q);  dk/dv = -q (1 + v - q) / (1 - q)^2
    dk = -ev * (v - np.expm1(v)) / (om * om)
    dphi = -G * ev / om + G * dk / (1.0 + G * k)
    return phi, dphi


def _newton_bracketed(x, lo, hi, fun, maxiter):
    """Safeguarded Newton for a decreasing f on [lo, hi]; fun(x, idx) -> (f, f', rounding level of f).

    Returns (x, ok) where ok marks the points whose last step was at rounding level.
    """
    ok = np.zeros(x.shape, dtype=bool)
    act = np.arange(x.size)
    for _ in range(maxiter):
        if act.size == 0:
            break
        xa = x[act]
        f, df, noise = fun(xa, act)
        l, h = lo[act], hi[act]
        l = np.where(f > 0, xa, l)
        h = np.where(f < 0, xa, h)
        lo[act], hi[act] = l, h
        step = -f / df
        xn = xa + step
        bad = ~((xn >= l) & (xn <= h)) | ~np.isfinite(xn)
        xn = np.where(bad, 0.5 * (l + h), xn)
        # the step is at rounding level: of the carrier, or of f itself (divided by f')
        tol = 4 * _EPS * (1.0 + np.abs(xa)) + noise / np.abs(df)
        done = ((np.abs(step) <= tol) & ~bad) | (f == 0) | ((h - l) <= tol)
        x[act] = np.where(done & (f == 0), xa, xn)
        ok[act] = done
        act = act[~done]
    return x, ok


def invert(u, logP, P, G, maxiter=200, start=None):
    """Q = g^-1(lambda / P) elementwise, lambda = exp(u); u, logP, P, G broadcast.

    Returns (q, omq, dlq, s, ok, logq): q and 1 - q each to full relative accuracy,
    dlq = d log q / d log lambda (in [-1, 0)), s = log(q lambda / P) (0 at
    gamma = 0; the tail ratio is exp(s) / lambda), and ok (False where the
    iteration did not settle: reported, never hidden), and log q (finite
    even where q underflows).  ``start``: log q of a nearby solve (a warm start).
    """
    if start is not None:
        u, logP, P, G, start = (np.ascontiguousarray(a, dtype=float).ravel()
                                for a in np.broadcast_arrays(u, logP, P, G, start))
    else:
        u, logP, P, G = (np.ascontiguousarray(a, dtype=float).ravel() for a in np.broadcast_arrays(u, logP, P, G))
    shape = np.broadcast_shapes(*(np.shape(a) for a in (u,)))
    t = u - logP
    n = t.size
    q, omq, dlq, s, lq = np.empty(n), np.empty(n), np.empty(n), np.zeros(n), np.empty(n)
    ok = np.ones(n, dtype=bool)
    with np.errstate(all="ignore"):
        small = t > np.log(4.0 + 2.0 * G)
        i = np.flatnonzero(small)
        if i.size:
            ti, Gi = t[i], G[i]
            # q L lies in [L / (L + 2 gamma), 1 / (1 - x)] (see docs/countable.md); s in
            # [-log1p(2 gamma / L), t - log 2] brackets the root; start from the expansion
            eL = np.exp(-np.minimum(ti, 700.0))
            lo = -np.log1p(2.0 * Gi * eL) * (1 + 1e-12) - 1e-300
            hi = ti - np.log(2.0)  # q <= 1/2 where L >= 4 + 2 gamma >= g(1/2)
            x0 = np.log1p(Gi * eL * np.maximum(ti - 1.0, 0.0)) if start is None else start[i] + ti
            x0 = np.clip(x0, lo, hi)

            def fun(x, idx):
                v = x - ti[idx]
                phi, dphi = _phi(v, Gi[idx])
                # f = phi - s: rounding of gamma log(1 - q) and of the rest, a few ulp each
                # (and v = s - t carries |t| eps, which phi' multiplies)
                g, ev = Gi[idx], np.exp(v)
                noise = 16 * _EPS * (np.abs(phi) + np.abs(x) + g * ev * (1.0 - v) + np.log1p(g)
                                     + np.abs(dphi) * (np.abs(v) + np.abs(ti[idx])))
                return phi - x, dphi - 1.0, noise

            si, oki = _newton_bracketed(x0, lo, hi, fun, maxiter)
            _, dphi = _phi(si - ti, Gi)
            s[i] = si
            ok[i] = oki
            q[i] = P[i] * np.exp(si - u[i])
            omq[i] = -np.expm1(si - ti)
            lq[i] = si - ti
            dlq[i] = 1.0 / (dphi - 1.0)
        j = np.flatnonzero(~small)
        if j.size:
            tj, Gj = t[j], G[j]
            lo, hi = np.full(j.size, -800.0), np.full(j.size, 800.0)
            # start: g ~ (1 + gamma) (1 - q)^gamma near q = 1, g ~ 1/q near 0
            lom = np.where(Gj > 0, (tj - np.log1p(Gj)) / np.where(Gj > 0, Gj, 1.0), -1.0)
            z0 = np.where(tj < 0, -np.minimum(lom, -1e-3), -tj)
            if start is not None:
                z0 = start[j] - np.log(-np.expm1(np.minimum(start[j], -1e-300)))
            z0 = np.clip(np.where(np.isfinite(z0), z0, 0.0), -700.0, 700.0)

            def fun_z(z, idx):
                e, lp1, qq, om, neg = _k._logit_parts(z)
                kk = _k._k_term(z, e, lp1, neg)
                g = Gj[idx]
                lg = _k.log_g_from_logit(z, g)
                noise = 4 * _EPS * (np.abs(lg) + np.abs(tj[idx]) + (g + 1.0) * np.abs(z))
                return lg - tj[idx], _k._dlog_g(g, kk, qq, om), noise

            zj, okj = _newton_bracketed(z0, lo, hi, fun_z, maxiter)
            e, lp1, qq, om, neg = _k._logit_parts(zj)
            kk = _k._k_term(zj, e, lp1, neg)
            h = _k._dlog_g(Gj, kk, qq, om)
            q[j], omq[j], ok[j] = qq, om, okj
            dlq[j] = om / h
            lq[j] = np.where(neg, zj - lp1, -lp1)  # log q = -log1p(exp(-z))
            s[j] = lq[j] + tj
        # gamma = 0: Q = P / lambda exactly
        z0 = np.flatnonzero(G == 0)
        if z0.size:
            q[z0] = P[z0] * np.exp(-u[z0])
            omq[z0] = -np.expm1(logP[z0] - u[z0])
            dlq[z0], s[z0], ok[z0], lq[z0] = -1.0, 0.0, True, logP[z0] - u[z0]
    del shape
    return q, omq, dlq, s, ok, lq
