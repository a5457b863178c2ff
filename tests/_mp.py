"""mpmath helpers shared by the tests: errors of double results against a reference, textbook formulas.

Plain functions, imported by the test modules (``from _mp import rel_err``);
tests/conftest.py puts this directory on the import path.  The errors are
formed at ``_DPS`` digits whatever the global mpmath precision.
"""

import mpmath
import numpy as np
from mpmath import mp

_DPS = 60


def rel(a, b):
    """|a - b| / |b| for a double a against an mpf b, as a float (|a| where b = 0)."""
    with mp.workdps(_DPS):
        a, b = mp.mpf(float(a)), mp.mpf(b)
        if b == 0:
            return float(abs(a))
        return float(abs(a - b) / abs(b))


def rel_err(q, ref):
    """Max relative error of the doubles q against the reference ref, over its positive entries.

    The entries where the reference is 0 must be exactly 0 (asserted).
    """
    worst = 0.0
    with mp.workdps(_DPS):
        for a, b in zip(np.ravel(q), ref):
            if b == 0:
                assert a == 0.0
                continue
            worst = max(worst, float(abs(mpmath.mpf(float(a)) / b - 1)))
    return worst


def loglam_err(a, b):
    """Error of a double log(lambda) against the reference's: absolute below 1 in size, relative above."""
    with mp.workdps(_DPS):
        d = abs(mpmath.mpf(float(a)) - b)
        return float(d if abs(b) < 1 else d / abs(b))


def rel_mp(a, b):
    """|a - b| / max(|a|, |b|) for two mpf (0 when equal), at the working precision."""
    a, b = mp.mpf(a), mp.mpf(b)
    if a == b:
        return mp.zero
    return abs(a - b) / max(abs(a), abs(b))


def g_direct(q, gamma):
    """g(q) = (1-q)^(gamma-1) ((1-q)/q - gamma log q), the textbook form, at the working precision."""
    q = mp.mpf(q)
    return (1 - q) ** (gamma - 1) * ((1 - q) / q - gamma * mp.log(q))


def loss_direct(q, gamma):
    """l(q) = -(1-q)^gamma log q, the textbook form, at the working precision."""
    return -((1 - q) ** gamma) * mp.log(q)


def log_g_qc(q, c, gamma):
    """log g(q), textbook form, from q and its exact complement c (mpf)."""
    gamma = mp.mpf(gamma)
    logq = mp.log1p(-c) if q > c else mp.log(q)
    return (gamma - 1) * mp.log(c) + mp.log(c / q - gamma * logq)


def loss_qc(q, c, gamma):
    """l(q), textbook form, from q and its exact complement c (mpf)."""
    logq = mp.log1p(-c) if q > c else mp.log(q)
    return -(c ** mp.mpf(gamma)) * logq
