"""Helpers shared by the asymptotic expansions.

The sympy symbols ``q`` and ``gamma`` with ``g(q) = -l'(q)`` differentiated
from the focal loss, a Taylor polynomial by differentiation (reliable where
``sympy.series`` drops terms), and the validation of ``dps``, ``order`` and
of real scalars given as floats, mpf or decimal strings.
"""

import numbers

import mpmath
import numpy as np
import sympy as sp
from mpmath import mp

# ---------------------------------------------------------------------------
# sympy building blocks
# ---------------------------------------------------------------------------

_q = sp.Symbol("q", positive=True)
_gam = sp.Symbol("gamma", positive=True)


def _g_expr(q=_q, gamma=_gam):
    """g(q) = -l'(q), obtained by differentiating the focal loss in sympy."""
    loss = -((1 - q) ** gamma) * sp.log(q)
    return sp.simplify(-sp.diff(loss, q))


def _taylor(expr, x, order):
    """Taylor polynomial of expr in x at 0, up to x**(order-1), by differentiation.

    Used instead of ``sympy.series``: with sympy 1.14,
    ``series(log(3*x - log(1/4 + x/5)), x, 0, 2)`` returns ``log(log(4)) + O(x**2)``,
    dropping the nonzero x-term (1.587 x), and the same defect corrupts the
    large-gamma expansion.  Differentiation is slower but reliable.
    """
    out = sp.Integer(0)
    for k in range(order):
        dk = sp.diff(expr, x, k)
        val = dk.subs(x, 0)
        if val.has(sp.nan, sp.zoo, sp.oo, -sp.oo):  # removable singularity at 0
            val = sp.limit(dk, x, 0)
        out += sp.simplify(val) / sp.factorial(k) * x**k
    return out


def _dps(dps):
    if dps is None:
        return None
    if isinstance(dps, (bool, np.bool_)) or not isinstance(dps, numbers.Integral):
        raise TypeError(f"dps must be an integer or None, got {type(dps).__name__}")
    if dps < 10:
        raise ValueError(f"dps must be at least 10, got {dps}")
    return int(dps)


def _order(order, allowed):
    if isinstance(order, (bool, np.bool_)) or not isinstance(order, numbers.Integral) or order not in allowed:
        raise ValueError(f"order must be one of {allowed}, got {order!r}")
    return int(order)


def _mp_real(x, name):
    if isinstance(x, (bool, np.bool_)):
        raise TypeError(f"{name} must be a real number, got a bool")
    if isinstance(x, (str, mpmath.mpf, numbers.Real)):
        try:
            v = mp.mpf(x) if not isinstance(x, numbers.Real) or isinstance(x, mpmath.mpf) else mp.mpf(float(x))
        except (ValueError, TypeError):
            raise ValueError(f"{name} must be a number, got {x!r}") from None
        if not mp.isfinite(v):
            raise ValueError(f"{name} must be finite, got {x!r}")
        return v
    raise TypeError(f"{name} must be a real number or decimal string, got {type(x).__name__}")
