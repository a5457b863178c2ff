"""Parsing of the reference's inputs, at the caller's working precision.

Every reference function takes its precision ``dps`` explicitly and works in
the reference's own mpmath context (``_context.mp``) at ``dps + _GUARD``
digits; the parsers below convert their inputs there (they read its working
precision, never set it).
"""

import numbers
from collections.abc import Mapping
from fractions import Fraction

import mpmath
import numpy as np

from ._context import _is_mpf, mp

_GUARD = 10  # guard digits carried internally on top of the requested dps


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
    if _is_mpf(x):
        v = mp.mpf(x)  # rounded to the working precision (+x would round at the precision of x's context)
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
    if isinstance(p, (str, bytes, Mapping)) or isinstance(p, numbers.Number) or _is_mpf(p):
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
    if _is_mpf(q):
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
