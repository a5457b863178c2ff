"""Extreme weights: alpha reweighting, distributions carried as stand-ins times powers of two.

A distribution whose normalized entries lie below the double range is carried
as a stand-in P and per-entry exponents, the distribution being P * 2**Pexp;
the few places that need the distribution itself (tiny classes' odds, the
constraint when every other class underflows, the value) scale by the powers
of two without losing digits.
"""

import numpy as np

from .. import _dd
from ._rows import _at, _rowsum

# log 2 split so that an integer (|n| < 2**11) times _LN2_HI is exact (Cody and Waite)
_LN2_HI = 6.93147180369123816490e-01
_LN2_LO = 1.90821492927058770002e-10
# exp(c) of a tiny class's carrier overflows above this; q / P = e^c can exceed it
# when P lies below the double range (alpha-weighted stand-ins, see _reweight)
_MAX_EXP_ARG = 700.0
# Below this the other classes' total (and so 1 - q of the largest) is near or
# below the double range: see _scaled_others
_UNDER_OTHERS = 1e-280


def _reweight(W, A):
    """alpha * P normalized, without underflow: (stand-in, exponent, (Zs, E)).

    P = W / sum(W) (W: nonnegative weights with a finite, positive sum).  The
    value of each entry is stand-in * 2**exponent.  The exponent is 0 except
    where the value falls below the normal range (e.g. 1e-300 * 1e-30), and
    there the stand-in keeps all its digits.  The normalizer sum(alpha * P)
    is Z = Zs * 2**E (Zs in [1/4, K]), which may lie outside the double range.
    """
    mW, eW = np.frexp(W)
    mt, et = np.frexp(W.sum(axis=-1, keepdims=True))
    mP, eP = mW / mt, eW - et  # P = mP 2**eP, each entry rounded once (as W / sum(W))
    mA, eA = np.frexp(A)
    m, e = mP * mA, eP + eA
    pos = m > 0
    if not np.all(np.any(pos, axis=-1)):
        raise ValueError("alpha * p has an all-zero distribution: alpha must be positive somewhere on the support of p")
    emax = np.max(np.where(pos, e, np.iinfo(e.dtype).min), axis=-1, keepdims=True)
    e = np.where(pos, e - emax, 0)
    Zs = np.ldexp(m, e).sum(axis=-1, keepdims=True)  # in [1/4, K]: the largest term is >= 1/4
    m = m / Zs
    val = np.ldexp(m, e)
    normal = (val >= np.finfo(np.float64).tiny) | ~pos
    return np.where(normal, val, m), np.where(normal, 0, e), (Zs[..., 0], emax[..., 0])


def _value(P, Pexp):
    """The probabilities P * 2**Pexp (entries below the double range round to 0 or subnormals)."""
    return P if Pexp is None else np.ldexp(P, Pexp)


def _log_hi_lo(P, Pexp=None, P_lo=None, positive=False):
    """log(P * 2**Pexp) (or log(P + P_lo)) as a sum hi + lo, accurate to about one ulp of 1.

    hi = log(P) rounds to a relative error of one ulp, which is an absolute
    error of 7e-14 at P = 1e-300; lo = (P - exp(hi)) / exp(hi) recovers it
    (P - exp(hi) is exact, the two being within an ulp of each other).
    A low part P_lo of the argument adds P_lo / P.  Zeros give (0, 0): they
    are never used.  ``positive``: the caller knows every P > 0.
    """
    Ps = P if positive else np.where(P > 0, P, 1.0)
    hi = np.log(Ps)
    E = np.exp(hi)
    lo = Ps - E
    lo /= E
    if P_lo is not None:
        lo += P_lo / Ps
    if Pexp is not None:
        hi, err = _dd.two_sum(hi, Pexp * _LN2_HI)
        lo = err + (lo + Pexp * _LN2_LO)
    # renormalized, so that hi alone is log P to half an ulp (and the same
    # bits whether or not a batch carries exponents): TwoSum (focaltheory._dd.two_sum),
    # operation for operation, into the arrays spent (E, and hi and lo once read)
    s = hi + lo
    bb = np.subtract(s, hi, out=E)
    np.subtract(lo, bb, out=lo)  # b - bb
    np.subtract(s, bb, out=bb)  # s - bb
    np.subtract(hi, bb, out=hi)  # a - (s - bb)
    hi += lo
    return s, hi


def _scaled_odds(P, Pexp, tiny, arg, z):
    """The odds e = exp(-|z|), for tiny classes P 2**Pexp exp(c) (c = arg), when exp(c) would overflow.

    exp(c) is taken as exp(c - k log 2) 2**k with k a whole number (log 2 split
    as in Cody and Waite, so the reduction is exact to an ulp of c), and 2**k
    joins P's exponent: no overflow, and no digit lost.
    """
    k = np.where(tiny & (arg > _MAX_EXP_ARG), np.floor(arg / _LN2_HI) - 900.0, 0.0)
    ex = np.exp((arg - k * _LN2_HI) - k * _LN2_LO)
    k = k.astype(np.int64)
    return np.where(tiny, np.ldexp(P * ex, k if Pexp is None else Pexp + k), ex)


def _scaled_others(sys, z, qo, others, omq_m):
    """The constraint where the other classes are below the double range: q, their sum (times 2**s), R.

    Where every other class lies below the double range (possible through alpha,
    see _reweight), q and 1 - q_m underflow and log(others / (1 - q_m)) is 0/0.
    Those rows take q_x = exp(z_x - s) (they are tiny: z << 0), s = the largest
    other z, so that their sum is in [1, K]: the Newton weights
    q_x (1 - q_x) / others only see ratios.  The constraint R = log(others) -
    log(1 - q_m) is then formed from logs, log(1 - q_m) = -max(z_m, 0) -
    log1p(exp(-|z_m|)): no ratio of the two is formed, which would overflow or
    underflow whenever they lie more than the double range apart (early
    iterates, e.g. a dominant class at z_m = 708 against others near 1e-800).
    Returns qo, others (scaled in those rows) and R for every row.
    """
    R = np.log(others / omq_m)
    rows = others < _UNDER_OTHERS
    zr, sup = z[rows], sys.support[rows]
    flat = sys.flat_of(rows)
    zo = np.where(sup, zr, -np.inf)
    np.put(zo, flat, -np.inf)
    zmax = zo.max(axis=1)
    qs = np.exp(zo - zmax[:, None])
    zm = _at(zr, flat)
    qo, others = qo.copy(), others.copy()
    qo[rows], others[rows] = qs, _rowsum(qs)
    R[rows] = np.log(others[rows]) + ((zmax + np.maximum(zm, 0.0)) + np.log1p(np.exp(-np.abs(zm))))
    return qo, others, R
