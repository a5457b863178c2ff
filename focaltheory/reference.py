"""Arbitrary-precision reference for the focal-entropy minimizer (mpmath).

This module is the arbiter for everything computed in double precision
elsewhere in focaltheory.  It shares no code with the double-precision solver
(:mod:`focaltheory.solver`): the equations are rewritten in logarithmic
variables and solved with mpmath at an explicit number of decimal digits
``dps``, inside :func:`mpmath.workdps` (the global ``mp.dps`` is never
changed).

Notation
--------
``l(q) = -(1-q)**gamma * log(q)`` is the focal loss and
``g(q) = -l'(q) = (1-q)**(gamma-1) * ((1-q)/q - gamma*log(q))``.  The minimizer
``Q*`` of ``H_g(P, Q) = sum_x P(x) l(Q(x))`` over the simplex satisfies
``P(x) g(Q*(x)) = lambda*`` on the support of ``P`` and ``Q*(x) = 0`` off it;
``phi(p) = p g(p)``; the inverse map is ``P(x) ∝ 1/g(Q(x))``.

References
----------
.. [1] J. Shah, M. Cardone, A. Dytso, "Functional Properties of the
   Focal-Entropy", AISTATS 2026, arXiv:2603.02533.
.. [2] J. Mukhoti et al., "Calibrating Deep Neural Networks using Focal Loss",
   NeurIPS 2020.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction

import mpmath
import numpy as np
from mpmath import mp

__all__ = [
    "ReferenceResult",
    "minimizer_mp",
    "focal_loss_mp",
    "g_mp",
    "phi_mp",
    "inverse_minimizer_mp",
    "threshold_mp",
]

_GUARD = 10  # guard digits carried internally on top of the requested dps


# ---------------------------------------------------------------------------
# validation
# ---------------------------------------------------------------------------

def _dps(dps, name="dps"):
    if isinstance(dps, (bool, np.bool_)) or not isinstance(dps, numbers.Integral):
        raise TypeError(f"{name} must be an integer number of decimal digits, got {type(dps).__name__}")
    dps = int(dps)
    if dps < 10:
        raise ValueError(f"{name} must be at least 10 decimal digits, got {dps}")
    return dps


def _to_mpf(x, name):
    """Convert one real number (int, float, Fraction, mpf or decimal string) to mpf.

    Must be called inside the working precision context.
    """
    if isinstance(x, (bool, np.bool_)):
        raise TypeError(f"{name} must be a real number, got a bool")
    if isinstance(x, mpmath.mpf):
        v = +x
    elif isinstance(x, str):
        try:
            v = mp.mpf(x.strip())
        except (ValueError, TypeError):
            raise ValueError(f"{name} must be a decimal number, got the string {x!r}") from None
    elif isinstance(x, Fraction):
        v = mp.mpf(x.numerator) / x.denominator
    elif isinstance(x, numbers.Integral):
        v = mp.mpf(int(x))
    elif isinstance(x, numbers.Real):
        v = mp.mpf(float(x))
    elif isinstance(x, (complex, mpmath.mpc, numbers.Complex)):
        raise TypeError(f"{name} must be real, got {type(x).__name__}")
    else:
        raise TypeError(f"{name} must be a real number or decimal string, got {type(x).__name__}")
    if not mp.isfinite(v):
        raise ValueError(f"{name} must be finite, got {v}")
    return v


def _gamma_mp(gamma):
    g = _to_mpf(gamma, "gamma")
    if g < 0:
        raise ValueError(f"gamma must be nonnegative, got {g}")
    return g


def _sequence(p, name):
    if isinstance(p, (str, bytes, Mapping)) or isinstance(p, (numbers.Number, mpmath.mpf)):
        raise TypeError(f"{name} must be a sequence of numbers, got a {type(p).__name__}")
    if isinstance(p, np.ndarray):
        if p.ndim != 1:
            raise ValueError(f"{name} must be one-dimensional, got shape {p.shape}")
        if p.dtype.kind not in "biuf":
            raise TypeError(f"{name} must be real, got dtype {p.dtype}")
        p = p.tolist()
    try:
        items = list(p)
    except TypeError:
        raise TypeError(f"{name} must be a sequence of numbers, got a {type(p).__name__}") from None
    if len(items) == 0:
        raise ValueError(f"{name} is empty: it needs at least one class")
    return items


def _weights(p, name="p"):
    """Parse nonnegative weights (inside the working context); return list of mpf."""
    items = _sequence(p, name)
    w = [_to_mpf(x, f"{name}[{i}]") for i, x in enumerate(items)]
    for i, v in enumerate(w):
        if v < 0:
            raise ValueError(f"{name}[{i}] must be nonnegative, got {mpmath.nstr(v, 8)}")
    if all(v == 0 for v in w):
        raise ValueError(f"{name} has all weights zero: the weights must have a positive sum")
    return w


# ---------------------------------------------------------------------------
# log g in the two charts: u = log q (q <= 1/2) and v = log(1-q) (q > 1/2)
# ---------------------------------------------------------------------------
# Chart u (small q):  log g = (gamma-1) log1p(-q) - u + log(1 - q - gamma q u)
#                     d log g / du = -N / ((1-q)(1 - q - gamma q u)),
#                     N = (1-q)^2 + 2 gamma q (1-q) + gamma (1-gamma) q^2 u.
# Chart v (q near 1): c = 1-q, r = -log1p(-c)/c,
#                     log g = gamma v + log(1/q + gamma r)
#                     d log g / dv = (c/q^2 + 2 gamma/q - gamma(1-gamma) r) / (1/q + gamma r).
# Both are exact rewrites of g; neither forms 1 - q from a rounded q.


def _chart_u(u, gamma, lib=mp):
    """Return (q, c, log g, d log g/du, d q/du) at u = log q.

    ``lib`` supplies exp, log1p and log: mpmath's ``mp`` for the reference,
    numpy for the vectorized double-precision warm start.
    """
    q = lib.exp(u)
    c = 1 - q
    core = c - gamma * q * u
    lg = (gamma - 1) * lib.log1p(-q) - u + lib.log(core)
    num = c * c + 2 * gamma * q * c + gamma * (1 - gamma) * q * q * u
    dlg = -num / (c * core)
    return q, c, lg, dlg, q


def _chart_v(v, gamma):
    """Return (q, c, log g, d log g/dv, d q/dv) at v = log(1-q) (mp)."""
    c = mp.exp(v)
    q = 1 - c
    r = -mp.log1p(-c) / c
    den = 1 / q + gamma * r
    lg = gamma * v + mp.log(den)
    dlg = (c / (q * q) + 2 * gamma / q - gamma * (1 - gamma) * r) / den
    return q, c, lg, dlg, -c


def _log_g_mp(q, c, gamma):
    """log g(q) for 0 < q < 1, given q and its exact complement c = 1 - q."""
    if q <= c:
        return (gamma - 1) * mp.log1p(-q) + mp.log(c / q - gamma * mp.log(q))
    return gamma * mp.log(c) + mp.log(1 / q - gamma * mp.log1p(-c) / c)


# ---------------------------------------------------------------------------
# double-precision warm start in the same log charts (numpy, vectorized)
# ---------------------------------------------------------------------------

def _np_chart_v(v, gamma):
    c = np.exp(v)
    q = 1.0 - c
    with np.errstate(divide="ignore", invalid="ignore"):
        r = np.where(c > 1e-8, -np.log1p(-c) / np.where(c > 0, c, 1.0), 1.0 + c / 2.0 + c * c / 3.0)
    den = 1.0 / q + gamma * r
    lg = gamma * v + np.log(den)
    dlg = (c / (q * q) + 2.0 * gamma / q - gamma * (1.0 - gamma) * r) / den
    return q, c, lg, dlg


def _np_solve_charts(L, gamma, w0=None, chart0=None):
    """Solve log g(q) = L elementwise in doubles; return (chart_is_v, w, q, c, dq/dL).

    Safeguarded Newton inside the brackets
    chart u (L >= log g(1/2)):  u in [-L - B, min(-L + B, -log 2)],
        B = |gamma-1| log 2 + log(1 + gamma/e) + log 2 bounds |log g + u| on q <= 1/2;
    chart v (L <  log g(1/2)):  v in [(L - log(2 + 2 gamma log 2))/gamma, (L - log(1+gamma))/gamma].
    """
    L, gamma = np.broadcast_arrays(np.asarray(L, dtype=float), np.asarray(gamma, dtype=float))
    ln2 = math.log(2.0)
    L_half = (gamma - 1.0) * math.log(0.5) + np.log1p(gamma * ln2)
    is_v = L < L_half
    B = np.abs(gamma - 1.0) * ln2 + np.log1p(gamma / math.e) + ln2
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        lo = np.where(is_v, (L - np.log(2.0 + 2.0 * gamma * ln2)) / gamma, -L - B)
        hi = np.where(is_v, (L - np.log1p(gamma)) / gamma, np.minimum(-L + B, -ln2))
    hi = np.where(is_v, np.minimum(hi, -ln2), hi)
    lo = np.maximum(np.minimum(lo, hi), -1e300)
    guess = hi.copy()
    guess = np.where(is_v, guess, -L)
    if w0 is not None:
        guess = np.where(is_v == chart0, w0, guess)
    w = np.clip(guess, lo, hi)
    active = np.ones(w.shape, dtype=bool)
    for _ in range(400):
        qu, cu, lgu, dlgu, _ = _chart_u(np.where(is_v, -1.0, w), gamma, np)
        qv, cv, lgv, dlgv = _np_chart_v(np.where(is_v, w, -1.0), gamma)
        lg = np.where(is_v, lgv, lgu)
        dlg = np.where(is_v, dlgv, dlgu)
        f = lg - L  # decreasing in u, increasing in v
        # update the brackets: the root lies where f changes sign
        up = np.where(is_v, f < 0, f > 0)  # root is above w
        lo = np.where(up, w, lo)
        hi = np.where(up, hi, w)
        step = -f / dlg
        new = w + step
        bad = ~np.isfinite(new) | (new < lo) | (new > hi)
        new = np.where(bad, 0.5 * (lo + hi), new)
        scale = 1e-15 * np.maximum(1.0, np.abs(w))
        done = (np.abs(new - w) <= scale) | (hi - lo <= scale) | (f == 0)
        w = np.where(active, new, w)
        active &= ~done
        if not np.any(active):
            break
    qu, cu, lgu, dlgu, _ = _chart_u(np.where(is_v, -1.0, w), gamma, np)
    qv, cv, lgv, dlgv = _np_chart_v(np.where(is_v, w, -1.0), gamma)
    q = np.where(is_v, qv, qu)
    c = np.where(is_v, cv, cu)
    dq = np.where(is_v, -cv / dlgv, qu / dlgu)
    return is_v, w, q, c, dq


def _np_phi(is_v, w, q, c, dq, mult, gamma):
    """A function of ell with the sign of sum_x mult_x q_x - 1, nearly linear in ell.

    Computed in logarithms, so it survives q and 1 - q below the double range:
    no class above 1/2:  log sum_x mult_x q_x (a log-sum-exp of u = log q);
    one class above 1/2: log sum_{x in u-chart} mult_x q_x - log(1 - q_v);
    more:                log(sum q) from the direct sum (then sum q >= 1, no underflow).
    Returns (value, derivative in ell).
    """
    nv = float(np.sum(mult * is_v))
    if nv <= 1.0:
        a = np.where(is_v, -np.inf, np.log(mult) + w)
        top = np.max(a)
        e = np.exp(a - top)
        tot = np.sum(e)
        val = top + math.log(tot)
        # d(log sum q)/d ell = sum q (d u/d ell) / sum q, d u/d ell = dq/(q dell) = 1/dlog g du
        du = np.where(is_v, 0.0, _np_du(w, gamma, is_v))
        der = np.sum(e * du) / tot
        if nv == 1.0:
            iv = int(np.argmax(is_v))
            val -= w[iv]
            # v = log c, d v/d ell = 1/(d log g/dv) = -(dq/dell)/c
            der -= _np_dv(w[iv], gamma)
        return val, der
    F = np.sum(mult * np.where(is_v, 0.0, q)) - np.sum(mult * np.where(is_v, c, 0.0)) + (nv - 1.0)
    return math.log1p(F), np.sum(mult * dq) / (1.0 + F)


def _np_du(w, gamma, is_v):
    """d u/d ell = 1 / (d log g/du) in chart u (valid when q underflows)."""
    dlg = _chart_u(np.where(is_v, -1.0, w), gamma, np)[3]
    return 1.0 / dlg


def _np_dv(v, gamma):
    dlg = _np_chart_v(np.array([v]), gamma)[3]
    return float(1.0 / dlg[0])


def _warm_start(logp, mult, gamma):
    """Double-precision solve of sum_x mult_x g^-1(exp(ell - log P_x)) = 1 for ell.

    Safeguarded Newton on Phi(ell) = log(sum_x mult_x q_x(ell)), which is
    nearly linear in ell; bracket from q_x <= 1/n <= q_y at the two ends.
    Returns (ell, is_v, w) or None if the doubles fail.
    """
    n = float(mult.sum())
    lg_n = (gamma - 1.0) * math.log1p(-1.0 / n) + math.log((n - 1.0) + gamma * math.log(n))
    lo, hi = logp.min() + lg_n, logp.max() + lg_n
    ell = 0.5 * (lo + hi) if hi > lo else lo
    w = chart = None
    for _ in range(200):
        is_v, w, q, c, dq = _np_solve_charts(ell - logp, gamma, w, chart)
        chart = is_v
        phi, dphi = _np_phi(is_v, w, q, c, dq, mult, gamma)
        if not (np.isfinite(phi) and np.isfinite(dphi)):
            return None
        if phi > 0:
            lo = ell
        elif phi < 0:
            hi = ell
        else:
            break
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            new = ell - phi / dphi
        if not np.isfinite(new) or new <= lo or new >= hi:
            new = 0.5 * (lo + hi)
        if abs(new - ell) <= 1e-14 * max(1.0, abs(ell)):
            ell = new
            break
        ell = new
    is_v, w, q, c, dq = _np_solve_charts(ell - logp, gamma, w, chart)
    if not np.all(np.isfinite(w)):
        return None
    return ell, is_v, w


# ---------------------------------------------------------------------------
# full-precision solves
# ---------------------------------------------------------------------------

def _newton_joint(logp, mult, gamma, ell, is_v, w, tol, maxiter=60):
    """Newton on the whole system  log P_x + log g(q_x) = ell,  sum mult_x q_x = 1.

    Unknowns: ell and one chart variable w_x per distinct class.  Eliminating
    the w-steps gives a scalar equation for the ell-step (bordered system).
    Returns (ell, w, iterations) or None when it does not converge.
    """
    k = len(logp)
    n_v_minus_1 = sum(m for m, v in zip(mult, is_v) if v) - 1
    for it in range(1, maxiter + 1):
        S = mp.mpf(n_v_minus_1)
        num = mp.mpf(0)
        den = mp.mpf(0)
        res = [None] * k
        dl = [None] * k
        qs = [None] * k
        for i in range(k):
            if is_v[i]:
                q, c, lg, dlg, dq = _chart_v(w[i], gamma)
                S -= mult[i] * c
                qs[i] = (q, c, -c)
            else:
                q, c, lg, dlg, dq = _chart_u(w[i], gamma)
                S += mult[i] * q
                qs[i] = (q, c, q)
            r = logp[i] + lg - ell
            res[i] = r
            dl[i] = dlg
            t = mult[i] * dq / dlg
            num += t * r
            den += t
        d_ell = (num - S) / den
        big = abs(d_ell) / max(1, abs(ell))
        for i in range(k):
            dw = (d_ell - res[i]) / dl[i]
            w[i] += dw
            q, c, dq = qs[i]
            qs[i] = (q, c, dq, dw)
            big = max(big, abs(dw) / max(1, abs(w[i])))
            if is_v[i] and w[i] >= 0:
                return None
            if (not is_v[i]) and w[i] >= 0:
                return None
        ell += d_ell
        if not mp.isfinite(big):
            return None
        # quadratic convergence: the error left after a step of relative size
        # `big` is O(big**2) with a constant of order 1 in these charts (at most
        # of order 1 + gamma); stop when that is below tol
        if big <= tol or big * big * 100 * (1 + gamma) <= tol:
            # the last step is below tol: first-order update of q and 1 - q is exact
            # to O(tol^2); the chart variable w is returned updated as well
            qc = []
            for i in range(k):
                q, c, dq, dw = qs[i]
                if is_v[i]:  # c = exp(v): dc = c dv
                    dc = c * mp.expm1(dw)
                    qc.append((q - dc, c + dc))
                else:  # q = exp(u)
                    dqq = q * mp.expm1(dw)
                    qc.append((q + dqq, c - dqq))
            return ell, w, it, qc
    return None


def _solve_class_mp(L, gamma, tol, w0=None, chart0=None):
    """Full-precision safeguarded Newton for log g(q) = L; returns (is_v, w)."""
    half = mp.mpf(1) / 2
    L_half = (gamma - 1) * mp.log(half) + mp.log(1 + gamma * mp.log(2))
    is_v = L < L_half
    if is_v:
        lo = (L - mp.log(2 + 2 * gamma * mp.log(2))) / gamma
        hi = min((L - mp.log1p(gamma)) / gamma, -mp.log(2))
        guess = (L - mp.log1p(gamma)) / gamma
    else:
        B = abs(gamma - 1) * mp.log(2) + mp.log1p(gamma / mp.e) + mp.log(2)
        lo, hi = -L - B, min(-L + B, -mp.log(2))
        guess = -L
    lo = min(lo, hi)
    if w0 is not None and chart0 == is_v:
        guess = w0
    w = min(max(guess, lo), hi)
    chart = _chart_v if is_v else _chart_u
    # bisection may be needed all the way down from the bracket's width
    # (about |L| / gamma in the v chart: 1e300 at gamma = 1e-300)
    width = hi - lo
    budget = 10 * mp.prec + (int(mp.log(width, 2)) + 1 if width > 1 else 0)
    for _ in range(budget):
        f, d = chart(w, gamma)[2:4]
        f -= L
        if (f < 0) if is_v else (f > 0):
            lo = w
        else:
            hi = w
        new = w - f / d
        if not (lo < new < hi):
            new = (lo + hi) / 2
        if abs(new - w) <= tol * max(1, abs(w)) or new == w:
            return is_v, new
        w = new
    return is_v, w


def _nested_mp(logp, mult, gamma, tol):
    """Slow, safeguarded fallback: Newton/bisection on ell, per-class inner solves."""
    n = sum(mult)
    lg_n = (gamma - 1) * mp.log1p(-mp.mpf(1) / n) + mp.log((n - 1) + gamma * mp.log(n))
    lo, hi = min(logp) + lg_n, max(logp) + lg_n
    ell = (lo + hi) / 2
    sol = [(None, None)] * len(logp)
    for _ in range(20 * mp.prec):
        sol = [_solve_class_mp(ell - lp, gamma, tol, w0, c0) for lp, (c0, w0) in zip(logp, sol)]
        F = mp.mpf(sum(m for m, (v, _w) in zip(mult, sol) if v) - 1)
        dF = mp.mpf(0)
        for m, (v, w) in zip(mult, sol):
            q, c, lg, dlg, dq = (_chart_v if v else _chart_u)(w, gamma)
            F += -m * c if v else m * q
            dF += m * dq / dlg
        phi = mp.log1p(F)
        if phi > 0:
            lo = ell
        elif phi < 0:
            hi = ell
        else:
            break
        new = ell - phi * (1 + F) / dF
        if not (lo < new < hi):
            new = (lo + hi) / 2
        if abs(new - ell) <= tol * max(1, abs(ell)) or new == ell:
            ell = new
            break
        ell = new
    sol = [_solve_class_mp(ell - lp, gamma, tol, w0, c0) for lp, (c0, w0) in zip(logp, sol)]
    return ell, [v for v, _ in sol], [w for _, w in sol]


@dataclass(frozen=True)
class ReferenceResult:
    """Arbitrary-precision focal-entropy minimizer (output of :func:`minimizer_mp`).

    Attributes
    ----------
    q : tuple of mpf
        The minimizer Q*, one entry per class (exactly 0 off the support),
        rounded to ``dps`` digits.
    log_lam : mpf
        log lambda*, where ``P(x) g(Q*(x)) = lambda*`` on the support.  For a
        point mass and gamma > 0 it is ``-inf`` (lambda* = g(1) = 0); for
        gamma = 0 it is 0.  Accurate to about ``10**-dps * max(1, |log_lam|)``
        in absolute terms, i.e. lambda* to ``dps`` significant digits (a tiny
        log_lam, e.g. ~1e-300 at gamma = 1e-300, is not resolved relatively).
    value : mpf
        The minimal focal-entropy H_g(P) = H_g(P, Q*) in nats.
    dps : int
        Decimal digits requested.
    certificate : mpf
        max over the support of ``|Phat(x)/P(x) - 1|``, where ``Phat`` is the
        inverse map ``Phat ∝ 1/g(q)`` applied to the returned ``q`` (with its
        complements) and ``P`` the normalized input, or ``|sum q - 1|``
        if larger.  Of order ``10**-dps`` when the solve is right at moderate
        gamma; the inverse map magnifies the rounding of q by the problem's
        sensitivity, so a correctly rounded answer shows up to about
        ``gamma 10**-dps`` at large gamma, and beyond gamma ~ ``10**(dps/2)``
        it carries no information.  :func:`minimizer_mp` raises rather than
        return an answer whose certificate exceeds ``(1 + gamma) 10**(-dps/2)``
        where that bound is below 1.
    complement : tuple of mpf
        ``1 - q`` for every class, computed without cancellation (for a class
        with q near 1, ``q`` itself rounds to 1 but this stays exact).
    p : tuple of mpf
        The normalized input distribution.
    """

    q: tuple
    log_lam: mpmath.mpf
    value: mpmath.mpf
    dps: int
    certificate: mpmath.mpf
    complement: tuple = ()
    p: tuple = ()

    @property
    def lam(self):
        """lambda* = exp(log_lam) (may underflow only in display: mpf has no exponent limit)."""
        return mp.exp(self.log_lam)


def _focal_loss_qc(q, c, gamma):
    """l(q) from q and its exact complement c."""
    if q == 0:
        return mp.inf
    if c == 0:
        return mp.zero if gamma > 0 else -mp.log(q)
    if gamma == 0:
        return -mp.log(q) if q <= c else -mp.log1p(-c)
    if q <= c:
        return -mp.exp(gamma * mp.log1p(-q)) * mp.log(q)
    return -mp.exp(gamma * mp.log(c)) * mp.log1p(-c)


def _inverse_qc(q, c, gamma, mult=None):
    """Inverse map P ∝ 1/g(q) on lists of q and exact complements c (mult: multiplicities)."""
    mult = [1] * len(q) if mult is None else mult
    if gamma == 0:
        s = mp.fsum(m * x for m, x in zip(mult, q))
        return [x / s for x in q]
    ones = [i for i, x in enumerate(c) if x == 0]
    if ones:  # a vertex: 1/g(1) = inf dominates, point mass
        return [mp.one if i == ones[0] else mp.zero for i in range(len(q))]
    neg = [None if x == 0 else -_log_g_mp(x, cx, gamma) for x, cx in zip(q, c)]
    top = max(v for v in neg if v is not None)
    tot = mp.fsum(m * mp.exp(v - top) for m, v in zip(mult, neg) if v is not None)
    lt = top + mp.log(tot)
    return [mp.zero if v is None else mp.exp(v - lt) for v in neg]


def _certificate(p, q, c, gamma, mult=None):
    """max(|Phat/P - 1| over the support, |sum q - 1|): the inverse map of (q, c), and the simplex.

    The inverse map alone cannot see a common factor on q at gamma = 0 (it
    normalizes), hence the constraint, formed with the complement of a class
    above 1/2 (no cancellation against 1).
    """
    mult = [1] * len(q) if mult is None else mult
    big = [i for i, (x, cx) in enumerate(zip(q, c)) if x > cx]
    if big:
        m = big[0]
        rest = mp.fsum(k * x for i, (k, x) in enumerate(zip(mult, q)) if i != m) + (mult[m] - 1) * q[m]
        off = abs(rest - c[m])
    else:
        off = abs(mp.fsum(k * x for k, x in zip(mult, q)) - 1)
    phat = _inverse_qc(q, c, gamma, mult)
    dev = off
    for a, b in zip(p, phat):
        if a == 0:
            if b != 0:
                return mp.inf
            continue
        dev = max(dev, abs(b / a - 1))
    return dev


def minimizer_mp(p, gamma, dps=50):
    """Minimize the focal-entropy over the simplex to ``dps`` decimal digits.

    Parameters
    ----------
    p : sequence of real numbers
        Nonnegative class weights (floats, ints, Fractions, mpf or decimal
        strings such as ``"1e-1000"``); normalized by their sum.  Zero
        weights give ``q = 0`` exactly.
    gamma : float, int, str or mpf
        Focusing parameter, ``gamma >= 0``.
    dps : int, optional
        Decimal digits of the answer (default 50, at least 10).  The solve
        carries ``dps + 10`` digits internally.

    Returns
    -------
    ReferenceResult
        ``q``, ``log_lam``, ``value``, ``dps``, ``certificate``, ``complement``, ``p``.

    Raises
    ------
    TypeError
        If ``p`` is not a sequence of real numbers, ``gamma`` is not a real
        number or ``dps`` is not an integer.
    ValueError
        If a weight is negative or not finite, all weights are zero, ``gamma``
        is negative or not finite, or ``dps < 10``.

    Notes
    -----
    On the support S (size n) the minimizer solves
    ``log P(x) + log g(q_x) = ell`` (ell = log lambda*) and ``sum q_x = 1``.
    Each class is carried in one of two charts: ``u = log q`` when
    ``q <= 1/2`` and ``v = log(1 - q)`` otherwise, with ``log g`` rewritten
    exactly in each chart (see the source), so probabilities like
    ``1e-1000`` and complements like ``1 - q = 1e-300`` are carried to full
    relative precision, and lambda* is only ever carried as its logarithm
    (gamma = 5000 gives ell near -3000).  Equal weights are solved once.

    1. A double-precision warm start in the same charts (vectorized numpy,
       safeguarded Newton on ``log sum q(ell)`` with per-class safeguarded
       Newton inner solves; it shares no code with :mod:`focaltheory.solver`).
    2. Newton's method on the full system (``n + 1`` unknowns, bordered
       Jacobian, eliminated in O(n)) at ``dps + 10`` digits until the step
       is below ``10**-(dps + 5)``: quadratic convergence, 4 to 5 sweeps.
    3. If step 1 or 2 fails, a slow pure-mpmath safeguarded fallback
       (Newton with bisection on ell, per-class bracketed Newton).

    Degenerate cases, by definition: gamma = 0 returns ``q = P``,
    ``log_lam = 0``; a single support point returns the vertex, ``value = 0``
    and ``log_lam = -inf`` (lambda* = g(1) = 0, the limit of lambda* as the
    other weights tend to 0; for gamma = 0 it is 0 since g(1) = 1).

    References
    ----------
    .. [1] J. Shah, M. Cardone, A. Dytso, "Functional Properties of the
       Focal-Entropy", AISTATS 2026, arXiv:2603.02533.

    Examples
    --------
    >>> from focaltheory.reference import minimizer_mp
    >>> r = minimizer_mp(["0.7", "0.2", "0.1"], 2, dps=30)
    >>> [mpmath.nstr(x, 12) for x in r.q]
    ['0.535168594134', '0.292692649312', '0.172138756554']
    >>> r.certificate < mpmath.mpf("1e-29")   # inverse map of q reproduces P
    True
    >>> r = minimizer_mp(["1", "1e-1000"], 2)   # extreme dominance
    >>> print(r.q[0], mpmath.nstr(r.complement[0], 10), mpmath.nstr(r.log_lam, 10))
    1.0 3.218297949e-334 -1534.690525
    """
    dps = _dps(dps)
    with mp.workdps(dps + _GUARD):
        g = _gamma_mp(gamma)
        w = _weights(p, "p")
        total = mp.fsum(w)
        P = [x / total for x in w]
        log_total = mp.log(total)
        support = [i for i, x in enumerate(w) if x != 0]
        K = len(w)
        if g == 0:
            q = list(P)
            c = [1 - x for x in P]
            # the largest class's complement from the other weights (1 - P
            # rounds to 0 when it dominates by more than the working precision)
            m = max(range(K), key=lambda i: w[i])
            c[m] = mp.fsum(w[i] for i in range(K) if i != m) / total
            ell = mp.zero
        elif len(support) == 1:
            q = [mp.zero] * K
            c = [mp.one] * K
            q[support[0]], c[support[0]] = mp.one, mp.zero
            ell = mp.ninf
        else:
            # distinct weights with multiplicities
            groups = {}
            for i in support:
                groups.setdefault(w[i], []).append(i)
            keys = list(groups)
            logp = [mp.log(x) - log_total for x in keys]
            mult = [len(groups[x]) for x in keys]
            tol = mp.mpf(10) ** (-(dps + 5))
            sol = None
            warm = _warm_start(np.array([float(x) for x in logp]), np.array(mult, dtype=float), float(g))
            if warm is not None:
                ell0, is_v, w0 = warm
                sol = _newton_joint(logp, mult, g, mp.mpf(ell0), [bool(b) for b in is_v],
                                    [mp.mpf(float(x)) for x in w0], tol)
                if sol is not None:
                    ell, ws, _, qc = sol
            if sol is None:
                ell, charts, ws = _nested_mp(logp, mult, g, tol)
                qc = [(_chart_v if v else _chart_u)(wk, g)[:2] for v, wk in zip(charts, ws)]
            q = [mp.zero] * K
            c = [mp.one] * K
            for key, (qk, ck) in zip(keys, qc):
                for i in groups[key]:
                    q[i], c[i] = qk, ck
            # A class above 1/2 (at most one) takes its complement from the
            # constraint, as the sum of the others (each known to relative
            # precision in its log-q chart).  Its own equation pins 1 - q only
            # to the absolute precision of ell divided by gamma, which is no
            # precision at all when 1 - q is below 10**-dps and gamma is small.
            m = max(support, key=lambda i: q[i])
            if q[m] > c[m]:
                c[m] = mp.fsum(q[i] for i in support if i != m)
                q[m] = 1 - c[m]
        # value and certificate once per distinct class (ties share q)
        reps = {}
        for i in support:
            reps.setdefault(w[i], [i, 0])[1] += 1
        rep = [i for i, _ in reps.values()]
        mult_r = [m for _, m in reps.values()]
        value = mp.fsum(m * P[i] * _focal_loss_qc(q[i], c[i], g) for i, m in zip(rep, mult_r))
        with mp.workdps(dps):
            q_out = tuple(+x for x in q)
            c_out = tuple(+x for x in c)
            P_out = tuple(+x for x in P)
        cert = _certificate([P[i] for i in rep], [q_out[i] for i in rep], [c_out[i] for i in rep], g, mult_r)
        # a wrong answer is not returned silently; beyond gamma ~ 10**(dps/2) the rounding of q, times
        # gamma in the exponent of the inverse map, leaves the certificate nothing to say
        bound = (1 + g) * mp.mpf(10) ** (-dps / 2)
        if bound < 1 and cert > bound:
            raise ArithmeticError(f"minimizer_mp did not converge (certificate {mp.nstr(cert, 3)} at dps={dps}); "
                                  "please report this input")
        with mp.workdps(dps):
            return ReferenceResult(q=q_out, log_lam=+ell, value=+value, dps=dps,
                                   certificate=+cert, complement=c_out, p=P_out)


# ---------------------------------------------------------------------------
# scalar mp helpers
# ---------------------------------------------------------------------------

def _unit_interval(q, name):
    v = _to_mpf(q, name)
    if not 0 <= v <= 1:
        raise ValueError(f"{name} must lie in [0, 1], got {mpmath.nstr(v, 8)}")
    return v


def _unit_and_complement(q, name):
    """(q, 1 - q) at the working precision, 1 - q formed from q as given, not from q rounded.

    An mpf carrying more digits than the working precision (``1 - mpf(2)**-400``)
    or a long decimal string (``"0.999...9"``) would otherwise round to 1
    first and lose its complement.  Floats, ints and Fractions are exact anyway.
    """
    if isinstance(q, mpmath.mpf):
        x = _unit_interval(q, name)
        return x, +mp.fsub(1, q, exact=True)
    if isinstance(q, str):
        with mp.workdps(mp.dps + len(q.strip()) + 20):  # enough for 1 - q to keep the working digits
            x = _unit_interval(q, name)
            c = 1 - x
        return +x, +c
    x = _unit_interval(q, name)
    if isinstance(q, Fraction):
        return x, mp.mpf((1 - q).numerator) / (1 - q).denominator
    return x, 1 - x


def focal_loss_mp(q, gamma, dps=50):
    """Focal loss ``l(q) = -(1-q)**gamma * log(q)`` to ``dps`` digits.

    Parameters
    ----------
    q : real number or decimal string in [0, 1]
    gamma : real number or decimal string, ``gamma >= 0``
    dps : int, optional

    Returns
    -------
    mpf
        ``+inf`` at q = 0; 0 at q = 1.

    Examples
    --------
    >>> from focaltheory.reference import focal_loss_mp
    >>> mpmath.nstr(focal_loss_mp("0.5", 2, dps=20), 15)
    '0.173286795139986'
    """
    dps = _dps(dps)
    with mp.workdps(dps + _GUARD):
        g = _gamma_mp(gamma)
        x, c = _unit_and_complement(q, "q")
        val = _focal_loss_qc(x, c, g)
    with mp.workdps(dps):
        return +val


def g_mp(q, gamma, dps=50):
    """``g(q) = -l'(q) = (1-q)**(gamma-1) * ((1-q)/q - gamma*log(q))`` to ``dps`` digits.

    ``g(0) = +inf``; ``g(1) = 0`` for gamma > 0 (the limit, also for
    0 < gamma < 1) and ``g(1) = 1`` for gamma = 0.

    Examples
    --------
    >>> from focaltheory.reference import g_mp
    >>> mpmath.nstr(g_mp("0.5", 1, dps=20), 15)   # 1 + log 2
    '1.69314718055995'
    """
    dps = _dps(dps)
    with mp.workdps(dps + _GUARD):
        g = _gamma_mp(gamma)
        x, c = _unit_and_complement(q, "q")
        if x == 0:
            val = mp.inf
        elif c == 0:
            val = mp.zero if g > 0 else mp.one
        else:
            val = mp.exp(_log_g_mp(x, c, g))
    with mp.workdps(dps):
        return +val


def phi_mp(p, gamma, dps=50):
    """``phi(p) = p g(p) = (1-p)**(gamma-1) * ((1-p) - gamma p log p)`` to ``dps`` digits.

    ``phi(0) = 1`` (the limit) and ``phi(1) = 0`` for gamma > 0; ``phi = 1``
    identically for gamma = 0.  ``Q*(x) > P(x)`` exactly when
    ``phi(P(x)) > lambda*``.

    Examples
    --------
    >>> from focaltheory.reference import phi_mp
    >>> mpmath.nstr(phi_mp(mpmath.exp(-2), 1, dps=20), 15)   # the peak 1 + e^-2
    '1.13533528323661'
    """
    dps = _dps(dps)
    with mp.workdps(dps + _GUARD):
        g = _gamma_mp(gamma)
        x, c = _unit_and_complement(p, "p")
        if x == 0 or g == 0:
            val = mp.one
        elif c == 0:
            val = mp.zero
        else:
            val = mp.exp(mp.log(x) + _log_g_mp(x, c, g))
    with mp.workdps(dps):
        return +val


def inverse_minimizer_mp(q, gamma, dps=50):
    """The distribution P whose focal-entropy minimizer is ``q``: ``P(x) ∝ 1/g(q(x))``.

    Parameters
    ----------
    q : sequence of real numbers
        A point of the simplex (entries in [0, 1] summing to 1 within
        ``10**-(dps/2)``).  The complement of the largest entry is taken as
        the sum of the others, so an entry like ``1 - 1e-300`` (which rounds
        to 1) is still inverted exactly when the small entries are given.
    gamma : real number or decimal string, ``gamma >= 0``
    dps : int, optional

    Returns
    -------
    tuple of mpf
        P, normalized; ``P(x) = 0`` where ``q(x) = 0``; a vertex maps to itself.

    Notes
    -----
    For Q in the open simplex the stationarity conditions
    ``P(x) g(Q(x)) = lambda`` give ``P(x) = lambda / g(Q(x))``, with
    ``lambda = 1 / sum_x 1/g(Q(x))`` fixed by normalization.

    Examples
    --------
    >>> from focaltheory.reference import inverse_minimizer_mp, minimizer_mp
    >>> r = minimizer_mp(["0.5", "0.3", "0.2"], 3, dps=30)
    >>> [mpmath.nstr(x, 20) for x in inverse_minimizer_mp(r.q, 3, dps=30)]
    ['0.5', '0.3', '0.2']
    """
    dps = _dps(dps)
    with mp.workdps(dps + _GUARD):
        g = _gamma_mp(gamma)
        items = _sequence(q, "q")
        qs = [_unit_interval(x, f"q[{i}]") for i, x in enumerate(items)]
        s = mp.fsum(qs)
        if abs(s - 1) > mp.mpf(10) ** (-(dps // 2)):
            raise ValueError(f"q must sum to 1 (a point of the simplex), its sum is {mpmath.nstr(s, 17)}")
        cs = [1 - x for x in qs]
        top = max(range(len(qs)), key=lambda i: qs[i])
        if qs[top] > mp.mpf(1) / 2:
            cs[top] = mp.fsum(qs[i] for i in range(len(qs)) if i != top)
            if cs[top] == 0:
                qs[top] = mp.one
        P = _inverse_qc(qs, cs, g)
    with mp.workdps(dps):
        return tuple(+x for x in P)


def _threshold_F(p, gamma):
    """log phi(p) = gamma log1p(-p) + log1p(-gamma beta),  beta = p log p / (1-p).

    Divided by gamma (a form that stays accurate as gamma -> 0):
    F/gamma = log1p(-p) - beta * [log1p(x)/x]_{x = -gamma beta}.
    """
    beta = p * mp.log(p) / (1 - p)
    x = -gamma * beta
    ratio = mp.log1p(x) / x if x != 0 else mp.one
    return mp.log1p(-p) - beta * ratio


def threshold_mp(gamma, dps=50):
    """The threshold p_gamma, the root in (0, 1) of ``phi(p) = 1``, to ``dps`` digits.

    Parameters
    ----------
    gamma : real number or decimal string, ``gamma >= 0``
    dps : int, optional

    Returns
    -------
    mpf
        p_gamma; at gamma = 0 (where phi = 1 identically) the limit 1/2.

    Notes
    -----
    ``log phi(p) = gamma log(1-p) + log(1 - gamma beta(p))`` with
    ``beta(p) = p log p / (1-p)``; it is positive on ``(0, p_gamma)`` and
    negative on ``(p_gamma, 1)``, so bisection on ``log p`` followed by
    Newton converges.  See :func:`focaltheory.regimes.threshold` for the
    closed forms (gamma = 1: 1/e).

    Examples
    --------
    >>> from focaltheory.reference import threshold_mp
    >>> print(mpmath.nstr(threshold_mp(1, dps=30), 25))   # 1/e
    0.3678794411714423215955238
    >>> print(mpmath.nstr(threshold_mp(2, dps=30), 25))
    0.2976365549817047264605685
    """
    dps = _dps(dps)
    with mp.workdps(dps + _GUARD):
        g = _gamma_mp(gamma)
        if g == 0:
            return mp.mpf(1) / 2
        F = lambda t: _threshold_F(mp.exp(t), g)  # in t = log p
        # bracket in t: F > 0 left of the root, < 0 right of it
        hi = mp.mpf(0)
        lo = mp.mpf(-1)
        while F(lo) <= 0:
            hi = lo
            lo *= 2
        tol = mp.mpf(10) ** (-(dps + 5))
        with mp.workdps(20):
            for _ in range(60):
                mid = (lo + hi) / 2
                if F(mid) > 0:
                    lo = mid
                else:
                    hi = mid
        t = (lo + hi) / 2
        for _ in range(100):
            f = F(t)
            # derivative of F in t, analytically: dF/dt = p dF/dp
            p = mp.exp(t)
            beta = p * mp.log(p) / (1 - p)
            dbeta = (mp.log(p) + 1 - p) / (1 - p) ** 2
            dlogphi_dp = -g / (1 - p) - g * dbeta / (1 - g * beta)
            d = p * dlogphi_dp / g
            new = t - f / d
            if abs(new - t) <= tol * max(1, abs(t)):
                t = new
                break
            t = new
        val = mp.exp(t)
    with mp.workdps(dps):
        return +val
