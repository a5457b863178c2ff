"""The result of the countable minimizer and the frozen law of Q*."""

import math
from dataclasses import dataclass, field

import numpy as np

from .. import _dd
from .. import _kernels as _k
from ._invert import invert
from ._tails import tail_bracket, tail_data

__all__ = ["CountableMinimizerResult"]


def _ro(x):
    a = np.array(x)
    a.flags.writeable = False
    return a[()] if a.ndim == 0 else a


@dataclass(frozen=True)
class CountableMinimizerResult:
    """Result of :func:`focaltheory.countable.minimizer` (frozen; arrays read-only).

    Attributes
    ----------
    gamma : float or ndarray
        The focusing parameter(s); every field below has its shape.
    log_lam : float or ndarray
        log(lambda*), the multiplier of sum_k Q(k) = 1.
    tail_ratio : float or ndarray
        1 / lambda*, the limit of Q*(k) / P(k) as P(k) -> 0.
    value : float or ndarray
        The minimal focal-entropy H_g(P) = sum_k P(k) l(Q*(k)), in nats.
    value_bound : float or ndarray
        A rigorous bound on ``|value - H_g(P)|`` (the tails' brackets plus
        the head's rounding).
    mass_bound : float or ndarray
        A rigorous bound on ``|sum_k Q*(k) - 1|`` for the returned Q*: the
        computed mass residual, the tails' half-widths and the rounding.
    residual : float or ndarray
        The inverse-map certificate on the head: the largest
        ``|log P(k) + log g(Q*(k)) - log lambda*|``.
    converged : bool or ndarray
        True where the solve settled and ``mass_bound <= 1e-14``.
    reason : str or None
        Why a solve is not converged (the first such reason), or None.
    head : ndarray
        The integer points solved exactly (between the cuts).
    law : Law
        The input law.
    """

    gamma: object
    log_lam: object
    tail_ratio: object
    value: object
    value_bound: object
    mass_bound: object
    residual: object
    converged: object
    reason: object
    head: np.ndarray
    law: object
    _head_q: np.ndarray = field(repr=False)
    _tds: tuple = field(repr=False)

    def pmf(self, k):
        """Q*(k) at the points k (exact zeros off the support and at non-integers).

        The shape is ``gamma.shape + k.shape``.
        """
        k = np.asarray(k)
        G = np.asarray(self.gamma, dtype=float)
        U = np.asarray(self.log_lam, dtype=float)
        law = self.law
        kf = np.asarray(k, dtype=float)
        inside = (kf >= law.lo) & (kf <= law.hi) & (np.floor(kf) == kf)
        safe = np.where(inside, kf, self.head[0]).astype(np.int64)
        logP = np.asarray(law.logpmf(safe), dtype=float)
        pos = inside & np.isfinite(logP)
        with np.errstate(under="ignore"):
            P = np.exp(np.where(pos, logP, 0.0))
        Gb = G.reshape(G.shape + (1,) * k.ndim)
        Ub = U.reshape(U.shape + (1,) * k.ndim)
        q, *_ = invert(Ub, np.where(pos, logP, 0.0), P, Gb)
        shape = np.broadcast_shapes(Gb.shape, k.shape)
        q = np.where(np.broadcast_to(pos, shape), q.reshape(shape), 0.0)
        return q[()] if q.ndim == 0 else q

    @property
    def q(self):
        """Q* as a frozen discrete law (pmf, logpmf, cdf, sf, support)."""
        return _FrozenQ(self)


class _FrozenQ:
    """Q* as a scipy-like frozen discrete law."""

    def __init__(self, res):
        self._r = res

    def support(self):
        """The support of Q* (that of P)."""
        return self._r.law.lo, self._r.law.hi

    def pmf(self, k):
        """Q*(k)."""
        return self._r.pmf(k)

    def logpmf(self, k):
        """log Q*(k) (-inf off the support)."""
        with np.errstate(divide="ignore"):
            return np.log(self._r.pmf(k))

    def _side_sf(self, side_i, K):
        r = self._r
        td = tail_data(r._tds[side_i][0], int(K))
        Tc, *_ = tail_bracket(td, np.asarray(r.log_lam, dtype=float), np.asarray(r.gamma, dtype=float))
        return Tc

    def sf(self, k):
        """P_Q*(X > k): head sums inside the cuts, the tail's bracket centre beyond."""
        return self._cum(k, upper=True)

    def cdf(self, k):
        """P_Q*(X <= k)."""
        return self._cum(k, upper=False)

    def _cum(self, k, upper):
        r = self._r
        k = np.floor(np.asarray(k, dtype=float))
        G = np.asarray(r.gamma, dtype=float)
        hq = np.asarray(r._head_q)  # gamma.shape + (head,)
        cs = np.cumsum(hq, axis=-1)
        left_mass = 0.0
        if len(r._tds) > 1:
            left_mass = self._side_sf(1, -int(r.head[0]))
        out = np.empty(G.shape + k.shape)
        for idx in np.ndindex(k.shape):
            kk = k[idx]
            h0, h1 = int(r.head[0]), int(r.head[-1])
            if kk < r.law.lo:
                lower = np.zeros(G.shape)
            elif kk >= h1:
                up = self._side_sf(0, kk) if math.isfinite(kk) else np.zeros(G.shape)
                out[(Ellipsis,) + idx] = up if upper else 1.0 - up
                continue
            elif kk < h0:  # in the left tail
                lower = self._side_sf(1, -int(kk) - 1)
            else:
                lower = cs[..., int(kk) - h0] + left_mass
            out[(Ellipsis,) + idx] = 1.0 - lower if upper else lower
        return out[()] if out.ndim == 0 else out


def build(law, G, shape, sol):
    """The result from the solve's pieces (see _solve.solve)."""
    eps = np.finfo(float).eps
    u, ks, logP, P, m = sol["u"], sol["ks"], sol["logP"], sol["P"], sol["m"]
    q, omq, _, _, okq, lq = invert(u[:, None], logP[None, :], P[None, :], G[:, None])
    n = ks.size
    q, omq, okq, lq = (x.reshape(G.size, n) for x in (q, omq, okq, lq))
    others = np.ones(n, dtype=bool)
    others[m] = False
    hi, lo = _dd.rowsum_dd(q * others, np.zeros((G.size, n)))
    A = hi + lo
    Tw_tot = np.zeros(G.size)
    Vt = np.zeros(G.size)
    Vw = np.zeros(G.size)
    valid = np.ones(G.size, dtype=bool)
    for td in sol["tds"]:
        Tc, Tw, _, Vc, Vwi, ok = tail_bracket(td, u, G)
        A = A + Tc
        Tw_tot += Tw
        Vt += Vc
        Vw += Vwi
        valid &= ok
    B = omq[:, m]
    mass_res = np.abs(A - B)
    # the sums are double-double (error below eps**2 n); each Q*(k) is within a few
    # ulp (the inversion stops at 4 ulp of its carrier): 8 eps (A + B) covers both
    mass_bound = mass_res + Tw_tot + 8 * eps * (A + B)
    with np.errstate(divide="ignore", under="ignore", invalid="ignore"):
        l = -np.exp(G[:, None] * np.log(omq)) * lq
        terms = np.where(P[None, :] > 0, P[None, :] * l, 0.0)
        hi, lo = _dd.rowsum_dd(terms, np.zeros_like(terms))
        Vh = hi + lo
        value = Vh + Vt
        # each term within ~(2 + gamma |log(1 - q)| + |log q|) eps relative: 16 eps plus gamma's share
        value_bound = Vw + 16 * eps * (np.abs(Vh) + np.abs(Vt)) + eps * _dd.rowsum_dd(
            np.abs(terms) * (G[:, None] * np.abs(np.log(omq)) + np.abs(lq)), np.zeros_like(terms))[0]
        # the computed Q differs from Q*: sum_k P (l(Q_k) - l(Q*_k)) = -lambda* sum_k dQ_k + second order
        # (P g(Q*) = lambda* and l' = -g); |sum dQ| is the mass balance's error, at most mass_bound; the
        # second-order part is at most lambda* (1 + gamma) delta^2 per point for relative errors delta
        # of Q and of 1 - Q, which the inversions keep below 1e-12
        value_bound = value_bound + np.exp(u) * (mass_bound + (1.0 + G) * (n + 1) * 1e-24)
        z = lq - np.log(omq)
        lg = _k.log_g_from_logit(z, G[:, None])
        res = np.where(G[:, None] > 0, np.abs(logP[None, :] + lg - u[:, None]), np.abs(q - P[None, :]))
        # (where P underflows, so does Q*: those points carry no certificate)
        residual = np.where(P[None, :] > 0, res, 0.0).max(axis=1)
    ok = sol["ok"] & okq.all(axis=1) & valid & (mass_bound <= 1e-14)
    reason = sol["reason"]
    if reason is None and not ok.all():
        i = int(np.flatnonzero(~ok)[0])
        if not valid[i]:
            reason = "the cut is too close for the tail bounds (lambda / P(K + 1) below 4 + 2 gamma)"
        elif mass_bound[i] > 1e-14:
            reason = f"mass bound {mass_bound[i]:.3g} > 1e-14 at gamma = {G[i]:g}"
        else:
            reason = f"the iteration did not settle at gamma = {G[i]:g}"
    # gamma = 0: Q* = P and lambda* = 1 exactly
    u = np.where(G == 0, 0.0, u)

    def sh(x):
        return _ro(np.asarray(x).reshape(shape))
    tds = tuple((s, td) for s, td in zip(sol["sides"], sol["tds"]))
    return CountableMinimizerResult(
        gamma=sh(G), log_lam=sh(u), tail_ratio=sh(np.exp(-u)), value=sh(value), value_bound=sh(value_bound),
        mass_bound=sh(mass_bound), residual=sh(residual), converged=sh(ok), reason=reason, head=_ro(ks), law=law,
        _head_q=_ro(q.reshape(shape + (n,))), _tds=tds)
