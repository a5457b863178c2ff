"""Expansion 3: the minimizer and log lambda* in powers of 1/gamma as gamma -> inf.

:func:`derive_large_gamma` derives ``Q*(x) = 1/n + e_x/gamma + d_x/gamma^2``
and ``log lambda*`` to ``O(1/gamma)`` in sympy (Taylor expansion in
``eps = 1/gamma`` by differentiation); :func:`large_gamma_expansion`
evaluates them over the support of P in numpy or mpmath.
"""

import functools

import numpy as np
import sympy as sp
from mpmath import mp

from .._validation import _distribution, _gamma
from ._common import _dps, _mp_real, _order, _taylor
from .._fpstate import _fp_isolated

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


@_fp_isolated
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
