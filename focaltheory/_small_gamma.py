"""The first-order small-gamma term of the focal minimizer, in plain numpy.

To first order in gamma the minimizer is ``Q* = P + gamma P (f(P) - S)`` and
``log lambda* = gamma S``, with ``f(p) = log(1-p) - p log p / (1-p)`` and
``S = sum_x P(x) f(P(x))`` (derived symbolically in
:func:`focaltheory.asymptotics.derive_small_gamma`; docs/theory.md, section
theory-asymptotics).  The numeric term lives here, apart from the
sympy derivations, so that :mod:`focaltheory.regimes` can use it at tiny gamma
without importing sympy.
"""

import numpy as np

__all__ = []  # private module


def _f_small_gamma(P, xp):
    """f(p) = log(1-p) - p log p/(1-p), with f = 0 contribution at p = 0 handled by caller."""
    return xp.log1p(-P) - P * xp.log(P) / (1 - P)


def _pf_small_gamma(P):
    """P f(P) per class (numpy, class axis last), 0 off the support and for a point mass.

    The complement 1 - P of a class above 1/2 is the sum of the others, so a
    class within eps of 1 (P rounding to 1) keeps its term: P f(P) =
    P log(1-P) - P^2 log(P)/(1-P), with log P = log1p(-(1-P)).
    """
    big = P > 0.5
    others = np.where(big, 0.0, P).sum(axis=-1, keepdims=True)
    c = np.where(big, others, 1.0 - P)
    inner = (P > 0) & (c > 0)
    Ps, cs = np.where(inner, P, 0.5), np.where(inner, c, 0.5)
    logP = np.where(big, np.log1p(-np.where(big, cs, 0.5)), np.log(Ps))
    return np.where(inner, Ps * np.log(cs) - Ps * Ps * logP / cs, 0.0)
