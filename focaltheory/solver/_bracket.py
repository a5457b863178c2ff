"""The bracketed one-dimensional restart for rows the fast Newton path does not settle."""

import numpy as np

from .. import _kernels as _k
from . import _lean


def _inner_logits(sys, u, z, iters=100):
    """Solve log g(q_x) = u - log P(x) for the log-odds of every class, u fixed.

    Newton's method per class (each equation is one monotone function of z),
    with steps clipped to 20 in log-odds; a class stops moving once its step
    is below 1e-12, so every class's answer depends on that class alone.
    Returns z, q, 1 - q and d log g / dz.
    """
    y = u[:, None] - sys.logP
    done = ~sys.support
    z = np.where(done, -1.0, z)
    for _ in range(iters):
        e, lp1, q, omq, neg = _lean._logit_parts(z)
        kk = _lean._k_term(z, e, lp1, neg)
        f = -_lean._z_eff(z, sys.G, neg) + _lean._log_g_small(sys.G, kk, lp1) - y
        dz = np.clip(-f / _lean._dlog_g(sys.G, kk, q, omq), -20.0, 20.0)
        done |= np.abs(dz) <= 1e-12 * (1.0 + np.abs(z))
        z = np.where(done, z, z + dz)
        if done.all():
            break
    e, lp1, q, omq, neg = _lean._logit_parts(z)
    kk = _lean._k_term(z, e, lp1, neg)
    return z, q, omq, _lean._dlog_g(sys.G, kk, q, omq)


def _bracketed_start(sys, iters=200):
    """A starting point near the solution, found by a bracketed 1-D search.

    With log(lambda) = u fixed, each class solves its own monotone equation,
    and S(u) = sum_x q_x(u) decreases in u.  Every class has q <= 1/n when
    u >= log P_max + log g(1/n), and q >= 1/n when u <= log P_min + log g(1/n)
    (n the support size), which brackets the root of S(u) = 1; Newton steps on
    log S(u) are taken inside the bracket, bisection otherwise.  A row stops
    once settled, so its answer does not depend on the rest of the batch.
    Returns (z, u, iterations spent per row).
    """
    n = sys.support.sum(axis=1)
    z_n = -np.log(n - 1.0)  # logit(1/n)
    log_g_n = _k.log_g_from_logit(z_n, sys.gam)
    lp = np.where(sys.support, sys.logP, np.nan)
    u_lo = np.nanmin(lp, axis=1) + log_g_n
    u_hi = np.nanmax(lp, axis=1) + log_g_n
    u = 0.5 * (u_lo + u_hi)
    z = np.where(sys.support, z_n[:, None], -1.0)
    active = np.ones(u.size, dtype=bool)
    spent = np.zeros(u.size, dtype=np.int64)
    for _ in range(iters):
        z, q, omq, h = _inner_logits(sys, u, z)
        S = np.where(sys.support, q, 0.0).sum(axis=1)
        dS = np.where(sys.support, q * omq / h, 0.0).sum(axis=1)
        logS = np.log(S)
        u_lo = np.where(logS > 0, u, u_lo)
        u_hi = np.where(logS <= 0, u, u_hi)
        cand = u - logS * S / dS
        inside = (cand > u_lo) & (cand < u_hi)
        settled = (np.abs(logS) < 1e-10) | (u_hi - u_lo <= 1e-14 * (1.0 + np.abs(u)))
        active &= ~settled
        spent += active
        u = np.where(active, np.where(inside, cand, 0.5 * (u_lo + u_hi)), u)
        if not active.any():
            break
    return z, u, spent
