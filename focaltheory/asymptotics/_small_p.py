"""Expansion 1: the ratio Q*(x)/P(x) as a probability P(x) -> 0, the rest of P fixed.

:func:`derive_small_probability` performs the derivation in sympy (series
of g at 0, ansatz ``q = t (1 + t (a + b log t))``, order-by-order solve) and
:func:`small_probability_ratio` evaluates the two-term result in numpy or,
given ``dps``, in mpmath.
"""

import functools

import mpmath  # noqa: F401 - the doctest of small_probability_ratio uses it
import numpy as np
import sympy as sp
from mpmath import mp

from .._validation import _gamma
from ._common import _dps, _g_expr, _mp_real, _order, _q, _taylor
from .._fpstate import _fp_isolated

# ---------------------------------------------------------------------------
# 1. P(x) -> 0
# ---------------------------------------------------------------------------

@functools.lru_cache(maxsize=None)
def derive_small_probability():
    r"""Derive the two-term expansion of Q*(x)/P(x) as P(x) -> 0 (sympy).

    Returns
    -------
    dict of sympy expressions
        ``"g_series"``: g(q) at q -> 0 to O(q log q);
        ``"ratio"``: Q*(x)/P(x) through the next-order term, in the symbols
        ``P``, ``lambda``, ``gamma``;
        ``"leading"``: ``1/lambda``; ``"correction"``: the next-order term.

    Notes
    -----
    1. Expand g at 0: ``g(q) = 1/q - gamma (1 + log q) + O(q log q)`` (sympy
       series; it handles this one correctly, and it is checked by hand).
    2. Put ``t = P/lambda`` (the leading-order root of ``P/q = lambda``) and
       the ansatz ``q = t (1 + t (a + b log t))``, carrying ``L = log t`` as an
       independent symbol; expand ``P g(q) - lambda`` in t with
       ``log q = L + log(1 + t(a + b L))``.
    3. The t-coefficient must vanish for every L: ``a = b = -gamma``.

    So ``Q*(x)/P(x) = 1/lambda - gamma P (1 + log(P/lambda))/lambda^2``.
    The neglected terms of g contribute ``O(q log q)`` to g, i.e. relative
    ``O(t^2 log^2 t)`` to q: the remainder is ``O(P^2 log^2 P)``, so the
    error of the two-term formula decays with log-log slope 2 in P (slope 1
    for the leading term alone).

    Examples
    --------
    >>> from focaltheory.asymptotics import derive_small_probability
    >>> d = derive_small_probability()
    >>> d["g_series"]
    -gamma*log(q) - gamma + 1/q
    >>> d["ratio"]
    (-P*gamma*(log(P/lambda) + 1) + lambda)/lambda**2
    """
    P, lam, t = sp.symbols("P lambda t", positive=True)
    L, a, b, LOGQ = sp.symbols("L a b LOGQ")
    g_ser = sp.series(_g_expr(), _q, 0, 1).removeO()
    q_ans = t * (1 + t * (a + b * L))
    logq = L + _taylor(sp.log(1 + t * (a + b * L)), t, 2)
    g_sub = g_ser.subs(sp.log(_q), LOGQ).subs(_q, q_ans).subs(LOGQ, logq)
    residual = sp.cancel(sp.expand((lam * t) * g_sub - lam))  # P = lambda t
    c1 = sp.expand(_taylor(residual, t, 2)).coeff(t, 1)
    sol = sp.solve([sp.expand(c1).coeff(L, 0), sp.expand(c1).coeff(L, 1)], [a, b], dict=True)[0]
    ratio = (q_ans / (lam * t)).subs(sol)
    ratio = sp.simplify(sp.expand(ratio).subs(L, sp.log(P / lam)).subs(t, P / lam))
    ratio = sp.simplify(sp.expand_log(ratio, force=True))
    leading = 1 / lam
    return {
        "g_series": g_ser,
        "ratio": ratio,
        "leading": leading,
        "correction": sp.simplify(ratio - leading),
        "solution": sol,
    }


@_fp_isolated
def small_probability_ratio(p_x, log_lam, gamma, order=2, dps=None):
    r"""Approximate Q*(x)/P(x) for a small probability P(x), given lambda*.

    Parameters
    ----------
    p_x : float, array_like, str or mpf
        The small probability P(x) (normalized); arrays in double precision,
        scalars (including decimal strings like ``"1e-1000"``) when ``dps`` is given.
    log_lam : float, array_like, str or mpf
        log lambda* of the distribution (for instance from the minimizer).
    gamma : float
        gamma >= 0.
    order : {1, 2}
        1: ``1/lambda*``; 2: with the next-order term (default).
    dps : int or None
        None: numpy doubles; otherwise mpmath at ``dps`` digits (scalar input).

    Returns
    -------
    ndarray, float or mpf
        ``1/lambda* + gamma P (log(lambda*/P) - 1)/lambda*^2`` (order 2).

    Notes
    -----
    Derived in :func:`derive_small_probability`; remainder
    ``O(P^2 log^2 P)`` (order 2) or ``O(P log P)`` (order 1).  lambda* is
    the multiplier of the distribution that contains x, not of the limit
    distribution without it.

    References
    ----------
    .. [1] J. Shah, M. Cardone, A. Dytso, "Functional Properties of the
       Focal-Entropy", AISTATS 2026, arXiv:2603.02533.

    Examples
    --------
    >>> from focaltheory.asymptotics import small_probability_ratio
    >>> from focaltheory.reference import minimizer_mp
    >>> r = minimizer_mp(["0.6", "0.4", "1e-30"], 2, dps=60)
    >>> approx = small_probability_ratio(r.p[2], r.log_lam, 2, dps=60)
    >>> err = mpmath.fsub(mpmath.fdiv(r.q[2], r.p[2], dps=60), approx, dps=60)
    >>> print(mpmath.nstr(err, 3))   # of order P^2 log^2 P = 2.3e-57 (times gamma^2/lambda^3)
    9.03e-56
    """
    order = _order(order, (1, 2))
    dps = _dps(dps)
    if dps is not None:
        with mp.workdps(dps):
            P = _mp_real(p_x, "p_x")
            ell = _mp_real(log_lam, "log_lam")
            g = _mp_real(gamma, "gamma")
            if P <= 0 or P > 1 or g < 0:
                raise ValueError("need 0 < p_x <= 1 and gamma >= 0")
            inv = mp.exp(-ell)
            out = inv if order == 1 else inv + g * P * (ell - mp.log(P) - 1) * inv * inv
            return +out
    P = np.asarray(p_x, dtype=float)
    ell = np.asarray(log_lam, dtype=float)
    g = _gamma(gamma)
    if np.any(~np.isfinite(P)) or np.any((P <= 0) | (P > 1)):
        raise ValueError("p_x must lie in (0, 1]")
    if np.any(~np.isfinite(ell)):
        raise ValueError("log_lam must be finite")
    inv = np.exp(-ell)
    return inv if order == 1 else inv + g * P * (ell - np.log(P) - 1.0) * inv * inv
