"""Expansion 2: the minimizer and lambda* to first order as gamma -> 0.

:func:`derive_small_gamma` derives ``Q* = P + gamma D1`` and
``log lambda* = gamma sum_y P(y) f(P(y))`` in sympy;
:func:`small_gamma_expansion` evaluates them in numpy or mpmath, with the
term ``P f(P)`` shared with the regimes (``focaltheory/_small_gamma.py``).
"""

import functools

import numpy as np
import sympy as sp
from mpmath import mp

from .._small_gamma import _f_small_gamma, _pf_small_gamma
from .._validation import _distribution, _gamma
from ._common import _dps, _g_expr, _gam, _mp_real, _order, _q, _taylor
from .._fpstate import _fp_isolated

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


@_fp_isolated
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
