r"""Asymptotic regimes of the focal-entropy minimizer, derived with sympy.

Four expansions, each with

* a ``derive_*`` function that *performs* the derivation in sympy (ansatz,
  Taylor expansion, order-by-order solve, normalization) and returns the
  resulting expressions, and
* a numeric function returning the approximation, in double precision
  (numpy) or, when ``dps`` is given, in mpmath at ``dps`` digits (so that it
  can be evaluated at ``P(x) = 1e-1000``).

The expansions (``n`` the support size, ``m = 1 - 1/n``, ``lambda*`` the
multiplier with ``P(x) g(Q*(x)) = lambda*``):

1. ``P(x) -> 0``, the rest fixed (:func:`small_probability_ratio`):
   ``Q*(x)/P(x) = 1/lambda* + gamma P(x) (log(lambda*/P(x)) - 1)/lambda*^2
   + O(P^2 log^2 P)``.
2. ``gamma -> 0`` (:func:`small_gamma_expansion`):
   ``Q* = P + gamma D1 + O(gamma^2)``, ``D1(x) = P(x) (f(P(x)) - sum_y P(y) f(P(y)))``,
   ``f(p) = log(1-p) - p log p/(1-p)``;
   ``log lambda* = gamma sum_y P(y) f(P(y)) + O(gamma^2)``.
3. ``gamma -> inf`` (:func:`large_gamma_expansion`):
   ``Q*(x) = 1/n + e_x/gamma + d_x/gamma^2 + O(gamma^-3)``,
   ``e_x = m (log P(x) - mean log P)``,
   ``d_x = e_x (1 - (n-1)/log n) - (e_x^2 - mean e^2)/(2m)``;
   ``log lambda* = (gamma-1) log m + log gamma + log log n + mean log P
   + ((n-1)/log n - mean e^2/(2 m^2))/gamma + O(gamma^-2)``.
4. Extreme dominance, ``P = (1 - eps, eps w_1, ..., eps w_k)``, ``sum w = 1``,
   ``eps -> 0`` (:func:`dominance_expansion`): with
   ``s = (eps/(1+gamma))**(1/(1+gamma))``,
   ``lambda* = (1+gamma) s^gamma (1 + delta)``,
   ``delta = [kappa s - gamma^2 s (W2 (1 + log s) + W2L) - eps]/(1+gamma) + O(s^2 log^2 s)``,
   ``kappa = (2+gamma)/(2(1+gamma))``, ``W2 = sum w^2``, ``W2L = sum w^2 log w``;
   ``1 - Q*(dominant) = s (1 - delta) - gamma s^2 (W2 (1 + log s) + W2L)``.
   The other classes are amplified by ``Q*/P -> 1/lambda* ~ eps^(-gamma/(1+gamma))``.

Binary problems are never over-suppressed: :func:`binary_lambda_below_one`.

References
----------
.. [1] J. Shah, M. Cardone, A. Dytso, "Functional Properties of the
   Focal-Entropy", AISTATS 2026, arXiv:2603.02533.
.. [2] J. Mukhoti et al., "Calibrating Deep Neural Networks using Focal
   Loss", NeurIPS 2020.
"""

from __future__ import annotations

import functools
import numbers

import mpmath
import numpy as np
import sympy as sp
from mpmath import mp

from ._small_gamma import _f_small_gamma, _pf_small_gamma
from ._validation import _distribution, _gamma

__all__ = [
    "derive_small_probability",
    "small_probability_ratio",
    "derive_small_gamma",
    "small_gamma_expansion",
    "derive_large_gamma",
    "large_gamma_expansion",
    "derive_dominance",
    "dominance_expansion",
    "binary_lambda_below_one",
    "loglog_slope",
]

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


# ---------------------------------------------------------------------------
# 2. gamma -> 0
# ---------------------------------------------------------------------------

@functools.lru_cache(maxsize=None)
def derive_small_gamma():
    r"""Derive Q* = P + gamma D1 + O(gamma^2) and lambda* = 1 + gamma Lambda1 (sympy).

    Returns
    -------
    dict of sympy expressions
        ``"g1"``: dg/dgamma at gamma = 0; ``"f"``: ``f(P) = P g1(P)``;
        ``"D1"``: in the symbols ``P`` and ``S`` (``S = sum_y P(y) f(P(y))``);
        ``"Lambda1"``: ``S``.

    Notes
    -----
    At gamma = 0, ``g = 1/q``, so ``Q* = P`` and ``lambda* = 1``.  With
    ``g(q, gamma) = 1/q + gamma g1(q) + O(gamma^2)`` and the ansatz
    ``q = P + gamma D``, ``lambda = 1 + gamma Lambda1``, the gamma-coefficient
    of ``P g(q, gamma) - lambda`` is ``-D/P + P g1(P) - Lambda1``; so
    ``D = P (f(P) - Lambda1)``, ``f(P) = P g1(P) = log(1-P) - P log P/(1-P)``.
    ``sum_x D(x) = 0`` (normalization) gives ``Lambda1 = sum_y P(y) f(P(y))``.
    Remainder O(gamma^2): the error of ``P + gamma D1`` decays with slope 2
    in gamma (slope 1 for ``P`` alone).

    Examples
    --------
    >>> from focaltheory.asymptotics import derive_small_gamma
    >>> d = derive_small_gamma()
    >>> P, S = sp.Symbol("P", positive=True), sp.Symbol("S")
    >>> f = sp.log(1 - P) - P * sp.log(P) / (1 - P)
    >>> sp.simplify(d["f"] - f), sp.simplify(d["D1"] - P * (f - S)), d["Lambda1"]
    (0, 0, S)
    """
    P = sp.Symbol("P", positive=True)
    S, D, Lam1, h = sp.symbols("S D Lambda1 h")
    g = _g_expr()
    g1 = sp.simplify(sp.diff(g, _gam).subs(_gam, 0))
    g_lin = 1 / _q + h * g1  # h stands for gamma
    residual = P * g_lin.subs(_q, P + h * D) - (1 + h * Lam1)
    c1 = sp.simplify(_taylor(residual, h, 2).coeff(h, 1))
    Dsol = sp.solve(c1, D)[0]
    f = sp.simplify(sp.expand(P * g1.subs(_q, P)))
    # D = P f - P Lambda1 is linear in Lambda1; summing over x with sum P = 1:
    # sum D = S - Lambda1 = 0
    Lam1sol = sp.solve(sp.Symbol("S") - Lam1, Lam1)[0]
    assert sp.simplify(Dsol - (P * f - P * Lam1)) == 0
    D1 = sp.collect(sp.expand(Dsol.subs(Lam1, Lam1sol)), P)
    D1 = P * sp.expand(D1 / P)
    return {"g1": g1, "f": f, "D1": D1, "Lambda1": Lam1sol}


def small_gamma_expansion(p, gamma, order=1, dps=None):
    r"""First-order expansion of the minimizer in gamma: ``Q* ~ P + gamma D1``.

    Parameters
    ----------
    p : array_like (1-D when ``dps`` is given)
        Nonnegative weights, normalized over the last axis.
    gamma : float
        Small gamma >= 0.
    order : {0, 1}
        0: ``Q* ~ P``, ``log lambda* ~ 0``; 1: with the gamma terms (default).
    dps : int or None
        None: numpy doubles; otherwise mpmath at ``dps`` digits.

    Returns
    -------
    (q, log_lam)
        Approximations of Q* and of log lambda* (``gamma sum P f(P)``).

    Notes
    -----
    ``D1(x) = P(x) (f(P(x)) - S)``, ``S = sum_y P(y) f(P(y))``,
    ``f(p) = log(1-p) - p log p/(1-p)`` (f is the gamma-derivative of
    ``log phi`` at gamma = 0), derived in :func:`derive_small_gamma`.
    A class with ``P = 1`` (point mass) is its own minimizer: D1 = 0 there.
    ``f > 0`` on (0, 1/2) and ``f < 0`` on (1/2, 1) (see
    :func:`focaltheory.regimes.threshold`).  To first order in gamma, class
    x is amplified iff ``f(P(x)) > S``, and the distribution is
    over-suppressed (lambda* > 1) iff ``S > 0``.

    References
    ----------
    .. [1] J. Shah, M. Cardone, A. Dytso, "Functional Properties of the
       Focal-Entropy", AISTATS 2026, arXiv:2603.02533.

    Examples
    --------
    >>> from focaltheory.asymptotics import small_gamma_expansion
    >>> q, ll = small_gamma_expansion([0.7, 0.2, 0.1], 1e-3)   # minimizer_mp: 0.6998863039 0.2000777091 0.1000359870
    >>> print(np.round(q, 8), round(float(ll), 10))
    [0.69988631 0.20007771 0.10003598] -0.0002093205
    """
    order = _order(order, (0, 1))
    dps = _dps(dps)
    if dps is not None:
        with mp.workdps(dps + 10):
            w = [_mp_real(x, f"p[{i}]") for i, x in enumerate(p)]
            if any(x < 0 for x in w) or not any(x > 0 for x in w):
                raise ValueError("p must be nonnegative weights with a positive sum")
            g = _mp_real(gamma, "gamma")
            if g < 0:
                raise ValueError("gamma must be nonnegative")
            tot = mp.fsum(w)
            P = [x / tot for x in w]
            Pf = [x * _f_small_gamma(x, mp) if 0 < x < 1 else mp.zero for x in P]
            S = mp.fsum(Pf)
            if order == 0:
                q, ll = P, mp.zero
            else:
                q = [x + g * (pf - x * S) for x, pf in zip(P, Pf)]
                ll = g * S
        with mp.workdps(dps):
            return tuple(+x for x in q), +ll
    P, _ax = _distribution(p, "p", -1)
    g = _gamma(gamma)
    Pf = _pf_small_gamma(P)
    S = Pf.sum(axis=-1)
    if order == 0:
        return P, np.zeros(S.shape)
    q = P + g[..., None] * (Pf - P * S[..., None]) if g.ndim else P + g * (Pf - P * S[..., None])
    return q, g * S


# ---------------------------------------------------------------------------
# 3. gamma -> inf
# ---------------------------------------------------------------------------

@functools.lru_cache(maxsize=None)
def derive_large_gamma():
    r"""Derive Q* = 1/n + e/gamma + d/gamma^2 and log lambda* to O(1/gamma) (sympy).

    Returns
    -------
    dict of sympy expressions, in the symbols ``n``, ``logP`` (log P(x)),
    ``mean_logP``, ``e`` (e_x), ``mean_e2`` (mean of e^2 over the support):
        ``"e"``, ``"d"``, ``"ell0"``, ``"ell1"``, where
        ``log lambda* = (gamma-1) log(1-1/n) + log gamma + ell0 + ell1/gamma + O(gamma^-2)``.

    Notes
    -----
    With ``eps = 1/gamma`` and ``m = 1 - 1/n``,
    ``log g(q) - (gamma-1) log m - log gamma
    = (1/eps - 1)(log(1-q) - log m) + log(eps (1-q)/q - log q)``.
    Substitute ``q = 1/n + e eps + d eps^2`` and Taylor-expand in eps (by
    differentiation; ``sympy.series`` drops a term here, see ``_taylor``).
    Order eps^0 of ``log P + (...) = ell0 + ell1 eps``:
    ``log P - e/m + log log n = ell0``; ``sum e = 0`` fixes
    ``ell0 = mean log P + log log n`` and ``e = m (log P - mean log P)``.
    Order eps^1 is linear in d and quadratic in e; ``sum d = 0`` fixes ell1.
    Result (see the theory document (Asymptotics)):
    ``d = e (1 - (n-1)/log n) - (e^2 - mean e^2)/(2m)``,
    ``ell1 = (n-1)/log n - mean e^2/(2 m^2)``.  In particular
    ``gamma (Q*(x) - Q*(y)) -> e_x - e_y = m log(P(x)/P(y))``.
    Remainders: O(gamma^-3) for Q* with d (slope -3 in gamma), O(gamma^-2)
    without it; O(gamma^-2) for log lambda* with ell1, O(gamma^-1) without.

    Examples
    --------
    >>> from focaltheory.asymptotics import derive_large_gamma
    >>> d = derive_large_gamma()
    >>> d["ell0"]
    mean_logP + log(log(n))
    """
    eps = sp.Symbol("epsilon", positive=True)
    n = sp.Symbol("n", positive=True)
    e, d, logP, l0, l1, me2, mlogP = sp.symbols("e d logP ell0 ell1 mean_e2 mean_logP")
    m = 1 - 1 / n
    q = 1 / n + e * eps + d * eps**2
    A = sp.log(1 - q) - sp.log(m)
    B = sp.log(eps * (1 - q) / q - sp.log(q))
    TA = _taylor(A, eps, 3)  # A(0) = 0, so (1/eps) A needs A', A''
    R = sp.expand(sp.expand(TA / eps) - TA + _taylor(B, eps, 2))
    c0 = sp.simplify(R.coeff(eps, 0))
    c1 = sp.simplify(R.coeff(eps, 1))
    e_sol = sp.solve(logP + c0 - l0, e)[0]
    l0_sol = sp.solve(e_sol.subs(logP, mlogP), l0)[0]  # e is affine in logP: mean e = 0
    e_sol = sp.factor(sp.simplify(e_sol.subs(l0, l0_sol)))
    d_sol = sp.expand(sp.solve(c1 - l1, d)[0])
    C, Bc, A0 = [sp.simplify(x) for x in sp.Poly(d_sol, e).all_coeffs()]
    l1_sol = sp.simplify(sp.solve(A0 + C * me2, l1)[0])  # mean d = 0, mean e = 0
    d_fin = sp.simplify(Bc * e + C * (e**2 - me2))
    return {"e": e_sol, "d": d_fin, "ell0": l0_sol, "ell1": l1_sol}


def large_gamma_expansion(p, gamma, order=2, dps=None):
    r"""Large-gamma expansion of the minimizer and of log lambda*.

    Parameters
    ----------
    p : array_like (1-D when ``dps`` is given)
        Nonnegative weights, normalized over the last axis; the support
        (size n >= 2) is where p > 0.
    gamma : float
        Large gamma > 0.
    order : {0, 1, 2}
        Terms kept: ``1/n``; ``+ e/gamma``; ``+ d/gamma^2`` (default).  For
        log lambda*: order 0 and 1 keep the O(1) terms, order 2 adds
        ``ell1/gamma``.
    dps : int or None
        None: numpy doubles; otherwise mpmath at ``dps`` digits.

    Returns
    -------
    (q, log_lam)

    Notes
    -----
    ``e_x = m (log P(x) - mean log P)``,
    ``d_x = e_x (1 - (n-1)/log n) - (e_x^2 - mean e^2)/(2m)``,
    ``log lambda* = (gamma-1) log m + log gamma + log log n + mean log P
    + ((n-1)/log n - mean e^2/(2m^2))/gamma``, means over the support;
    derived in :func:`derive_large_gamma`.

    References
    ----------
    .. [1] J. Shah, M. Cardone, A. Dytso, "Functional Properties of the
       Focal-Entropy", AISTATS 2026, arXiv:2603.02533.

    Examples
    --------
    >>> from focaltheory.asymptotics import large_gamma_expansion
    >>> q, ll = large_gamma_expansion([0.7, 0.2, 0.09, 0.01], 1000.0)
    >>> print(np.round(q, 6), round(float(ll), 4))   # minimizer_mp: 0.251414 0.250477 0.249879 0.248231, -282.4038
    [0.251414 0.250477 0.249879 0.248231] -282.4038
    """
    order = _order(order, (0, 1, 2))
    dps = _dps(dps)
    if dps is not None:
        with mp.workdps(dps + 10):
            w = [_mp_real(x, f"p[{i}]") for i, x in enumerate(p)]
            if any(x < 0 for x in w):
                raise ValueError("p must be nonnegative")
            g = _mp_real(gamma, "gamma")
            if g <= 0:
                raise ValueError("gamma must be positive")
            sup = [i for i, x in enumerate(w) if x > 0]
            n = len(sup)
            if n < 2:
                raise ValueError("p needs a support of at least 2 classes")
            tot = mp.fsum(w)
            logP = {i: mp.log(w[i] / tot) for i in sup}
            m = 1 - mp.one / n
            mlog = mp.fsum(logP.values()) / n
            e = {i: m * (logP[i] - mlog) for i in sup}
            me2 = mp.fsum(x * x for x in e.values()) / n
            d = {i: e[i] * (1 - (n - 1) / mp.log(n)) - (e[i] ** 2 - me2) / (2 * m) for i in sup}
            q = [mp.zero] * len(w)
            for i in sup:
                q[i] = mp.one / n + (e[i] / g if order >= 1 else 0) + (d[i] / g**2 if order >= 2 else 0)
            ll = (g - 1) * mp.log(m) + mp.log(g) + mp.log(mp.log(n)) + mlog
            if order >= 2:
                ll += ((n - 1) / mp.log(n) - me2 / (2 * m * m)) / g
        with mp.workdps(dps):
            return tuple(+x for x in q), +ll
    P, _ax = _distribution(p, "p", -1)
    g = _gamma(gamma)
    if np.any(g <= 0):
        raise ValueError("gamma must be positive")
    sup = P > 0
    n = sup.sum(axis=-1)
    if np.any(n < 2):
        raise ValueError("p needs a support of at least 2 classes")
    nn = n[..., None].astype(float)
    m = 1.0 - 1.0 / nn
    logP = np.where(sup, np.log(np.where(sup, P, 1.0)), 0.0)
    mlog = logP.sum(axis=-1, keepdims=True) / nn
    e = np.where(sup, m * (logP - mlog), 0.0)
    me2 = (e * e).sum(axis=-1, keepdims=True) / nn
    d = np.where(sup, e * (1.0 - (nn - 1.0) / np.log(nn)) - (e * e - me2) / (2.0 * m), 0.0)
    gg = g[..., None] if g.ndim else g
    q = np.where(sup, 1.0 / nn, 0.0)
    if order >= 1:
        q = q + e / gg
    if order >= 2:
        q = q + d / gg / gg
    ll = (gg - 1.0) * np.log(m) + np.log(gg) + np.log(np.log(nn)) + mlog
    if order >= 2:
        ll = ll + ((nn - 1.0) / np.log(nn) - me2 / (2.0 * m * m)) / gg
    return q, ll[..., 0]


# ---------------------------------------------------------------------------
# 4. extreme dominance
# ---------------------------------------------------------------------------

@functools.lru_cache(maxsize=None)
def derive_dominance():
    r"""Derive lambda* and 1 - Q*(dominant) as the dominant class P -> 1 (sympy).

    Setting: ``P = (1 - eps, eps w_1, ..., eps w_k)`` with ``sum w = 1``.

    Returns
    -------
    dict of sympy expressions, in the symbols ``s``, ``L`` (= log s),
    ``epsilon``, ``gamma``, ``W2`` (= sum w^2), ``W2L`` (= sum w^2 log w):
        ``"g_at_one"``: ``g(1-c)/c^gamma`` to O(c);
        ``"lam0"``: leading ``lambda* = (1+gamma) s^gamma`` with
        ``s = (eps/(1+gamma))^(1/(1+gamma))``;
        ``"delta"``: relative correction, ``lambda* = lam0 (1 + delta)``;
        ``"complement"``: ``1 - Q*(dominant)`` to relative O(s log s).

    Notes
    -----
    1. Each small class y has ``P(y) = eps w_y -> 0``, so by expansion 1,
       ``Q*(y) = t_y (1 - gamma t_y (1 + log t_y))``, ``t_y = eps w_y/lambda*``.
    2. ``c = 1 - Q*(dominant) = sum_y Q*(y)``, and near q = 1,
       ``g(1-c) = c^gamma ((1+gamma) + (1 + gamma/2) c + O(c^2))``.
    3. ``(1 - eps) g(1 - c) = lambda*``.  At leading order ``c = eps/lambda``
       and ``lambda = (1+gamma) c^gamma``: ``lambda^(1+gamma) = (1+gamma) eps^gamma``,
       i.e. ``lambda0 = (1+gamma) s^gamma`` with ``s = eps/lambda0``.
    4. Ansatz ``lambda* = lambda0 (1 + delta)``; the logarithm of the equation
       is expanded to first order in (s, delta, eps) jointly (a bookkeeping
       parameter tau multiplies each), with ``L = log s`` kept as a symbol:
       ``delta (1+gamma) = kappa s - gamma^2 s (W2 (1 + L) + W2L) - eps``,
       ``kappa = (2+gamma)/(2(1+gamma))``.
    The remainder is ``O(s^2 log^2 s)`` (eps = (1+gamma) s^(1+gamma) is kept
    exactly at first order, and the cross terms eps s, eps^2 are smaller).
    So the relative error of ``lam0`` is ``O(s log s)``: slope
    ``1/(1+gamma)`` against eps, and ``2/(1+gamma)`` once delta is included.  Every other class is
    amplified: ``Q*(y)/P(y) -> 1/lambda* ~ ((1+gamma) eps^gamma)^(-1/(1+gamma))``,
    and ``lambda* -> 0``, so extreme dominance never over-suppresses, in
    binary or multi-class problems alike.

    Examples
    --------
    >>> from focaltheory.asymptotics import derive_dominance
    >>> d = derive_dominance()
    >>> d["g_at_one"]
    c*gamma/2 + c + gamma + 1
    >>> d["delta"]
    -epsilon/(gamma + 1) - s*(2*L*W2*gamma**3 + 2*L*W2*gamma**2 + 2*W2*gamma**3 + 2*W2*gamma**2 + 2*W2L*gamma**3 + 2*W2L*gamma**2 - gamma - 2)/(2*(gamma + 1)**2)
    """
    s, eps, tau, c, delta = sp.symbols("s epsilon tau c delta", positive=True)
    L, W2, W2L, w = sp.symbols("L W2 W2L w")
    g = _g_expr()
    # g near q = 1, in c = 1 - q, with the power c^gamma factored out
    G = sp.simplify(sp.expand_power_base(g.subs(_q, 1 - c) / c**_gam, force=True))
    G1 = sp.expand(_taylor(G, c, 2))
    # small classes (expansion 1): t_y = eps w_y / lambda = s w / (1 + delta)
    t = tau * s * w / (1 + tau * delta)
    # log t = log s + log w - log(1 + delta); L = log s is carried as its own symbol
    # (tau only marks the order of s and delta, so log(tau s) is written L)
    log_t = L + sp.log(w) - sp.log(1 + tau * delta)
    qy = t * (1 - _gam * t * (1 + log_t))
    # c/s summed over y, to first order in tau: linear in w, w^2, w^2 log w
    cy = sp.expand(_taylor(sp.cancel(qy / (tau * s)), tau, 2))
    cy = sp.expand(cy)
    c_over_s = (
        cy.coeff(w, 1).subs(sp.log(w), 0) * 1  # sum w = 1
        + sp.expand(cy.coeff(w, 2)).coeff(sp.log(w), 0) * W2
        + sp.expand(cy.coeff(w, 2)).coeff(sp.log(w), 1) * W2L
    )
    c_over_s = sp.expand(c_over_s)
    # equation: log(1 - eps) + gamma log(c/s) + log(G(c)/(1+gamma)) - log(1 + delta) = 0
    eq = (
        sp.log(1 - tau * eps)
        + _gam * sp.log(c_over_s)
        + sp.log(G1.subs(c, tau * s * c_over_s) / (1 + _gam))
        - sp.log(1 + tau * delta)
    )
    lin = sp.expand(_taylor(eq, tau, 2).coeff(tau, 1))
    delta_sol = sp.expand(sp.solve(lin, delta)[0])
    parts = sp.collect(delta_sol, [s, eps], evaluate=False)
    delta_sol = sum(sp.factor(sp.simplify(coef)) * key for key, coef in parts.items())
    # 1 - Q*(dominant) = s * (c/s), to relative first order, with delta left as a symbol
    complement = sp.expand(s * c_over_s.subs(tau, 1))
    lam0 = (1 + _gam) * s**_gam
    return {"g_at_one": G1, "lam0": lam0, "delta": delta_sol, "complement": complement, "c_over_s": c_over_s}


def dominance_expansion(eps, gamma, w=(1.0,), order=2, dps=None):
    r"""Extreme dominance: log lambda* and 1 - Q*(dominant) as the dominant P -> 1.

    Parameters
    ----------
    eps : float, str or mpf
        Total probability of the non-dominant classes (``P = (1 - eps, eps w)``).
    gamma : float
        gamma > 0.
    w : sequence of float
        Relative weights of the non-dominant classes (normalized); ``(1,)``
        is the binary problem.
    order : {1, 2}
        1: leading order; 2: with the relative correction delta (default).
    dps : int or None
        None: Python floats (eps >= 1e-308); otherwise mpmath at ``dps`` digits.

    Returns
    -------
    (log_lam, complement)
        Approximations of log lambda* and of ``1 - Q*(dominant)``; a
        non-dominant class y then has ``Q*(y)/P(y) ~ exp(-log_lam)``.

    Notes
    -----
    ``s = (eps/(1+gamma))^(1/(1+gamma))``,
    ``log lambda* = log(1+gamma) + gamma log s + log(1 + delta)``,
    ``delta = [kappa s - gamma^2 s (W2 (1 + log s) + W2L) - eps]/(1+gamma)``,
    ``complement = s (1 - delta) - gamma s^2 (W2 (1 + log s) + W2L)``,
    derived in :func:`derive_dominance`.

    References
    ----------
    .. [1] J. Shah, M. Cardone, A. Dytso, "Functional Properties of the
       Focal-Entropy", AISTATS 2026, arXiv:2603.02533.

    Examples
    --------
    >>> from focaltheory.asymptotics import dominance_expansion
    >>> from focaltheory.reference import minimizer_mp
    >>> ll, c = dominance_expansion("1e-300", 2, dps=40)
    >>> r = minimizer_mp(["1", "1e-300"], 2, dps=40)
    >>> print(mpmath.nstr(ll, 12), mpmath.nstr(r.log_lam, 12))
    -460.150814503 -460.150814503
    """
    order = _order(order, (1, 2))
    dps = _dps(dps)
    ws = list(w)
    if len(ws) == 0:
        raise ValueError("w must contain at least one weight")
    with mp.workdps((dps or 15) + 10):
        e = _mp_real(eps, "eps")
        g = _mp_real(gamma, "gamma")
        if not 0 < e < 1:
            raise ValueError("eps must lie in (0, 1)")
        if g <= 0:
            raise ValueError("gamma must be positive")
        W = [_mp_real(x, f"w[{i}]") for i, x in enumerate(ws)]
        if any(x <= 0 for x in W):
            raise ValueError("w must be positive")
        tw = mp.fsum(W)
        W = [x / tw for x in W]
        W2 = mp.fsum(x * x for x in W)
        W2L = mp.fsum(x * x * mp.log(x) for x in W)
        logs = (mp.log(e) - mp.log1p(g)) / (1 + g)
        s = mp.exp(logs)
        ll = mp.log1p(g) + g * logs
        comp = s
        if order == 2:
            kappa = (2 + g) / (2 * (1 + g))
            corr = g * s * (W2 * (1 + logs) + W2L)
            delta = (kappa * s - g * corr - e) / (1 + g)
            ll += mp.log1p(delta)
            comp = s * (1 - delta) - s * corr
        if dps is None:
            return float(ll), float(comp)
    with mp.workdps(dps):
        return +ll, +comp


# ---------------------------------------------------------------------------
# binary problems
# ---------------------------------------------------------------------------

@functools.lru_cache(maxsize=None)
def binary_lambda_below_one():
    r"""Prove (sympy-checked steps) that a binary problem always has lambda* < 1.

    Returns
    -------
    dict
        ``"inverse_form"``, ``"identity"``, ``"lemma_second_derivative"``:
        each True when sympy verifies that step; ``"proved"``: all of them.

    Notes
    -----
    Let K = 2, gamma > 0, ``Q* = (u, v)``, ``u + v = 1``, both in (0, 1).
    By the inverse map, ``lambda* = 1/(A(u) + A(v))`` with ``A = 1/g``, so
    ``lambda* < 1`` iff ``A(u) + A(v) > 1``.  Put ``a = -log v``,
    ``a' = -log u``, ``X = 1 + gamma a``, ``Y = 1 + gamma a'``,
    ``D1 = v + gamma u a'``, ``D2 = u + gamma v a`` (all positive).

    1. (``inverse_form``) ``A(u) = u v e^(gamma a)/D1`` and
       ``A(v) = u v e^(gamma a')/D2`` exactly.  Since ``e^x > 1 + x`` for
       ``x > 0``: ``A(u) + A(v) > u v (X/D1 + Y/D2)``.
    2. (``identity``) With ``D1 = v - u + u Y`` and ``D2 = u - v + v X``:
       ``u v (X D2 + Y D1) - D1 D2 = (u - v + v X - u Y) (u v (X - Y) + u - v)``,
       and ``u - v + v X - u Y = gamma (u log u - v log v)``,
       ``u v (X - Y) + u - v = gamma u v log(u/v) + (u - v)``.
    3. (``lemma``) ``k(t) = t log t - (1-t) log(1-t)`` has ``k'' = 1/t - 1/(1-t) > 0``
       on (0, 1/2) and ``k(0+) = k(1/2) = 0``, so ``k < 0`` on (0, 1/2); by
       symmetry ``k > 0`` on (1/2, 1).  Hence both factors in 2 have the sign
       of ``u - v``: the product is ``>= 0``, so ``u v (X/D1 + Y/D2) >= 1``.

    Together: ``A(u) + A(v) > 1``, i.e. ``lambda* < 1``: a binary problem is
    never in the over-suppression regime, and its rare class is always
    amplified (the binary case in the theory document (Regimes); its
    ``e^x >= 1 + x`` argument is step 1).  Equality in
    step 3 at ``u = v`` recovers ``phi(1/2) < 1``.

    Examples
    --------
    >>> from focaltheory.asymptotics import binary_lambda_below_one
    >>> binary_lambda_below_one()["proved"]
    True
    """
    u = sp.Symbol("u", positive=True)
    gm = sp.Symbol("gamma", positive=True)
    v = 1 - u
    a, ap = -sp.log(v), -sp.log(u)
    X, Y = 1 + gm * a, 1 + gm * ap
    D1, D2 = v + gm * u * ap, u + gm * v * a
    g = _g_expr(_q, gm)
    A_u = 1 / g.subs(_q, u)
    A_v = 1 / g.subs(_q, v)
    # e^(gamma a) = v^-gamma and e^(gamma a') = u^-gamma
    inverse_ok = (
        sp.simplify(A_u * D1 / (u * v) * v**gm) == 1
        and sp.simplify(A_v * D2 / (u * v) * u**gm) == 1
    )
    Xs, Ys, us = sp.symbols("X Y u_")
    vs = 1 - us
    E1, E2 = vs - us + us * Ys, us - vs + vs * Xs
    identity_ok = sp.expand(us * vs * (Xs * E2 + Ys * E1) - E1 * E2 - (us - vs + vs * Xs - us * Ys) * (us * vs * (Xs - Ys) + us - vs)) == 0
    factors_ok = (
        sp.simplify(sp.expand((u - v + v * X - u * Y) - gm * (u * sp.log(u) - v * sp.log(v)))) == 0
        and sp.simplify(sp.expand(u * v * (X - Y) + u - v - (gm * u * v * (sp.log(u) - sp.log(v)) + u - v))) == 0
        and sp.simplify(D1 - (v - u + u * Y)) == 0
        and sp.simplify(D2 - (u - v + v * X)) == 0
    )
    t = sp.Symbol("t", positive=True)
    k = t * sp.log(t) - (1 - t) * sp.log(1 - t)
    lemma_ok = (
        sp.simplify(sp.diff(k, t, 2) - (1 / t - 1 / (1 - t))) == 0
        and sp.limit(k, t, 0, "+") == 0
        and sp.simplify(k.subs(t, sp.Rational(1, 2))) == 0
    )
    out = {
        "inverse_form": bool(inverse_ok),
        "identity": bool(identity_ok and factors_ok),
        "lemma_second_derivative": bool(lemma_ok),
    }
    out["proved"] = all(out.values())
    return out


# ---------------------------------------------------------------------------
# slope fitting
# ---------------------------------------------------------------------------

def loglog_slope(h, err):
    r"""Least-squares slope of log|err| against log h (inputs may be mpf).

    Parameters
    ----------
    h, err : sequences of positive (or nonzero) numbers, same length >= 2.

    Returns
    -------
    float
        The fitted exponent p in ``|err| ~ C h^p``.

    Examples
    --------
    >>> from focaltheory.asymptotics import loglog_slope
    >>> round(loglog_slope([1e-2, 1e-3, 1e-4], [3e-4, 3e-6, 3e-8]), 12)
    2.0
    """
    if len(h) != len(err) or len(h) < 2:
        raise ValueError("h and err must have the same length, at least 2")
    with mp.workdps(30):
        if any(mp.mpf(v) == 0 for v in h):
            raise ValueError("h contains an exact zero: log h is undefined")
        x = [float(mp.log(abs(mp.mpf(v)))) for v in h]
        if len(set(x)) < 2:
            raise ValueError("h must hold at least two distinct sizes |h| for a slope to be fitted")
        y = []
        for v in err:
            if mp.mpf(v) == 0:
                raise ValueError("err contains an exact zero: no slope can be fitted")
            y.append(float(mp.log(abs(mp.mpf(v)))))
    return float(np.polyfit(x, y, 1)[0])
