"""Solving a chunk of rows: the trivial rows in closed form, the others by Newton."""

import numpy as np

from ._bracket import _bracketed_start
from ._newton import _newton
from ._rows import _as_slice
from ._scaling import _log_hi_lo, _value
from ._system import _initial_guess, _System

# Newton iterations of the fast path before a row falls back to the bracketed search.
_FAST_ITERS = 10


def _solve_rows(P, gam, maxiter, q_out, loglam_out, value_out, it_out, conv_out, res_out, Pexp=None, Vexp=None):
    """Solve a chunk of rows, writing into the *_out arrays (views of the result).

    The distribution is P * 2**Pexp (Pexp None: P itself), see _reweight; the
    value is written as the sum of the terms with P * 2**Vexp (Vexp None: Pexp).
    """
    out = (q_out, loglam_out, value_out, it_out, conv_out, res_out)
    support = P > 0
    n = P.shape[1] if support.all() else support.sum(axis=1)
    trivial = (gam == 0) | (n == 1)
    if np.any(trivial):
        t = np.flatnonzero(trivial)
        Pt, gt = _value(P[t], None if Pexp is None else Pexp[t]), gam[t][:, None]
        q_out[t] = Pt + 0.0  # (a -0.0 weight is a class off the support: q = +0.0 there)
        # H = -sum P (1 - P)^gamma log P, the largest class through its
        # complement (the sum of the others): log P_m = log1p(-that)
        dom = np.argmax(Pt, axis=1)
        r = np.arange(t.size)
        others = Pt.copy()
        others[r, dom] = 0.0
        others = others.sum(axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            lq = np.log(np.where(Pt > 0, Pt, 1.0))
            lq[r, dom] = np.log1p(-others)
            omp = 1.0 - Pt
            omp[r, dom] = others
            Pv = Pt
            if Vexp is not None:
                # terms times 2**E (see minimizer): log P from the stand-ins (P itself may lie
                # below the range)
                Pv = _value(P[t], Vexp[t])
                lq = np.where(Pt > 0, lq, np.where(P[t] > 0, _log_hi_lo(P[t], Pexp[t])[0], 0.0))
            prod = Pv * lq * np.power(omp, gt)
            if Vexp is not None:
                # the largest class's -P log1p(-others) ~ P others, taken as P times the
                # others' scaled terms where others underflows
                ov = Pv.copy()
                ov[r, dom] = 0.0
                ov = ov.sum(axis=1)
                under = others < 1e-150  # log1p(-others) = -others to double precision
                prod[r, dom] = np.where(under, -P[t][r, dom] * ov * np.power(others, gam[t]), prod[r, dom])
            value_out[t] = 0.0 - prod.sum(axis=1)
        # gamma = 0: lambda = 1; point mass with gamma > 0: lambda = g(1) = 0
        loglam_out[t] = np.where(gam[t] == 0, 0.0, -np.inf)
        it_out[t] = 0
        conv_out[t] = True
        # Q = P is stationary exactly; what is left is the constraint's rounding
        res_out[t] = np.abs(Pt.sum(axis=1) - 1.0)
    act = np.flatnonzero(~trivial)
    if act.size == 0:
        return
    sl = _as_slice(act, P.shape[0])  # usually every row: no copies
    sys = _System(P[sl], gam[sl], Pexp=None if Pexp is None else Pexp[sl], support=support[sl],
                  Vexp=None if Vexp is None else Vexp[sl])
    z0, u0 = _initial_guess(sys)
    fast = min(maxiter, _FAST_ITERS)
    left = _newton(sys, act, z0, u0, fast, final=fast == maxiter, it0=0, out=out)
    if left.size:
        # The fast path did not settle these rows: bracket log(lambda) and
        # solve the reduced one-dimensional problem, then polish with Newton.
        sub = sys.take(left)
        z1, u1, spent = _bracketed_start(sub)
        _newton(sub, act[left], z1, u1, maxiter - fast, final=True, it0=fast + spent, out=out)
