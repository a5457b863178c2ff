"""The head/tail solve of the countable minimizer, vectorized over gamma.

The head (the integers between the cuts) is solved exactly by the per-class
inversion (``_invert``); each infinite side past its cut enters the mass
balance through its rigorous bracket (``_tails``).  log lambda* is the root
of the monotone equation log(sum_{k != m} Q(k) + T) = log(1 - Q(m)) (m the
largest atom: its complement carries the information, as in the finite
solver), solved by safeguarded Newton.  The cuts move out until the tails'
half-widths are below the target, up to a cap: past it the result is
reported as not converged, with the reason.
"""

import math

import numpy as np

from .. import _dd
from ._invert import invert
from ._tails import Side, tail_bracket, tail_data

__all__ = []

_EPS = np.finfo(float).eps
# tails' half-width allowed in the mass balance; the rest of the 1e-14 goes to rounding
_MASS_TARGET = 4e-15
_MAX_HEAD = 1 << 18  # points on one side of the mode (ratio tails)
# power tails: the first-order bracket (declared power tails) shrinks like K^(1 - 2s) only;
# past 2^15 points more head buys little, and the answer is reported as not certified.
# zeta tails carry the second-order sums, whose remainder shrinks like K^(1 - 4a) log^4 K:
# up to 2^21 points (zipf(1.05) at gamma = 100 needs 2^20)
_MAX_HEAD_POWER = 1 << 15
_MAX_HEAD_ZETA = 1 << 21


def _rowsum_dd(x):
    """Row sums to double-double accuracy, rounded once."""
    hi, lo = _dd.rowsum_dd(x, np.zeros_like(x))
    return hi + lo


def _solve_u(logP, P, m, sides_td, G, u0, maxiter=100):
    """log lambda* for each gamma with the head logP and the tails' data fixed."""
    nG = G.size
    u = np.array(u0, dtype=float)
    lo = np.full(nG, -np.inf)
    hi = np.full(nG, np.inf)
    ok = np.zeros(nG, dtype=bool)
    act = np.flatnonzero(G > 0)
    ok[G == 0] = True
    u[G == 0] = 0.0
    others = np.ones(logP.size, dtype=bool)
    others[m] = False
    lq_prev = None
    for _ in range(maxiter):
        if act.size == 0:
            break
        ua, Ga = u[act], G[act]
        q, omq, dlq, _, _, lq = invert(ua[:, None], logP[None, :], P[None, :], Ga[:, None],
                                       start=None if lq_prev is None else lq_prev[act])
        q, omq, dlq, lq = (x.reshape(act.size, logP.size) for x in (q, omq, dlq, lq))
        if lq_prev is None:
            lq_prev = np.zeros((nG, logP.size))
        lq_prev[act] = lq
        A = _rowsum_dd((q * others))
        dA = (q * dlq * others).sum(axis=1)
        for td in sides_td:
            Tc, _, dTc, _, _, _ = tail_bracket(td, ua, Ga)
            A = A + Tc
            dA = dA + dTc
        B = omq[:, m]
        dB = -q[:, m] * dlq[:, m]
        with np.errstate(divide="ignore", invalid="ignore"):
            F = np.log(A) - np.log(B)
            dF = dA / A - dB / B
        l, h = lo[act], hi[act]
        l = np.where(F > 0, ua, l)
        h = np.where(F < 0, ua, h)
        lo[act], hi[act] = l, h
        step = -F / dF
        step = np.where(np.isfinite(step), np.clip(step, -4.0, 4.0), -1.0)
        un = ua + step
        both = np.isfinite(l) & np.isfinite(h)
        bad = both & ~((un >= l) & (un <= h))
        with np.errstate(invalid="ignore"):
            un = np.where(bad, 0.5 * (l + h), un)
        tol = 4 * _EPS * (1.0 + np.abs(ua))
        done = ((np.abs(step) <= tol) & ~bad) | (F == 0) | (both & ((h - l) <= tol))
        u[act] = np.where(F == 0, ua, un)
        ok[act] = done
        act = act[~done]
    return u, ok


def _cut_ok(td, u, G):
    Tc, Tw, _, _, _, valid = tail_bracket(td, u, G)
    return bool(np.all(valid & (Tw <= _MASS_TARGET))), Tw


def _scan(s, K, cap, u, G):
    """The first doubling of the cut K (up to cap) where the tail's bounds certify the target.

    Stops early where the half-width stopped shrinking (its rounding floor is reached):
    returns (K, floor).
    """
    good, Tw = _cut_ok(tail_data(s, K), u, G)
    prev = float(np.max(Tw))
    while not good and K - s.start < cap:
        K = min(s.start + 2 * max(16, K - s.start), s.start + cap)
        good, Tw = _cut_ok(tail_data(s, K), u, G)
        w = float(np.max(Tw))
        if not good and np.isfinite(w) and w > 0.7 * prev:
            return K, True
        prev = w
    return K, False


def solve(law, G):
    """Solve every gamma of the 1-D array G; returns a dict of the result's pieces."""
    G = np.asarray(G, dtype=float).ravel()
    sides = [Side(law)] + ([Side(law, left=True)] if law.left is not None else [])
    # initial cuts: a little past each side's 'from'
    cuts = [max(s.start, (s.start if not s.left else s.start)) + 16 for s in sides]
    lo_fin = law.lo if math.isfinite(law.lo) else None
    u = np.where(G > 0, -np.log1p(G), 0.0)
    reason = None
    # first cuts: scan the gamma-free tail data at the guessed lambda (a cut good there is
    # usually good at lambda*, so one solve suffices; else the loop below moves it)
    caps = [(_MAX_HEAD_ZETA if (s.tail.get("exact") or ("",))[0] == "zipf" else _MAX_HEAD_POWER)
            if "power" in s.tail else _MAX_HEAD for s in sides]
    for i, s in enumerate(sides):
        cuts[i] = _scan(s, cuts[i], caps[i], u, G)[0]
    for attempt in range(12):
        reason = None
        KR = cuts[0]
        KL = (-cuts[1]) if len(sides) > 1 else lo_fin
        ks = np.arange(KL, KR + 1)
        logP = np.asarray(law.logpmf(ks), dtype=float)
        P = np.exp(logP)
        tds = [tail_data(s, K) for s, K in zip(sides, cuts)]
        m = int(np.argmax(logP))
        u, ok = _solve_u(logP, P, m, tds, G, u)
        # enlarge the cuts where the tails' bounds do not yet certify the target
        grew = False
        for i, (s, td) in enumerate(zip(sides, tds)):
            good, Tw = _cut_ok(td, u, G)
            if good:
                continue
            span = cuts[i] - s.start
            if span >= caps[i]:
                reason = (f"the {'left' if s.left else 'right'} tail is not certified at head size {span}: "
                          f"mass half-width {float(np.max(Tw)):.3g} > {_MASS_TARGET:g}")
                continue
            # the next cut: scan forward (cheap gamma-free data) until the bound holds at the current lambda
            K, floor = _scan(s, cuts[i], caps[i], u, G)
            if K == cuts[i] or (floor and not _cut_ok(tail_data(s, K), u, G)[0]):
                reason = (f"the {'left' if s.left else 'right'} tail is not certified at head size {K - s.start}: "
                          f"mass half-width {float(np.max(_cut_ok(tail_data(s, K), u, G)[1])):.3g} > {_MASS_TARGET:g} "
                          "(the bounds stopped shrinking)")
                if K == cuts[i]:
                    continue
            cuts[i] = K
            grew = True
        if not grew:
            break
    return dict(ks=ks, logP=logP, P=P, m=m, u=u, ok=ok, tds=tds, sides=sides, reason=reason)
