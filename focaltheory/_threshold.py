"""The function whose root is the amplify/suppress threshold, and its Newton step in gamma.

Shared by :mod:`focaltheory.regimes` (the threshold p_gamma and its inverse
gamma(p) for gamma >= 0) and :mod:`focaltheory.design` (the negative-gamma
branch of the same equation).  With ``beta(p) = p log p / (1 - p) <= 0``,

    log phi_gamma(p) / gamma = log1p(-p) - beta * log1p(x) / x,   x = -gamma beta,

a form that has no root at gamma = 0 and stays accurate as gamma -> 0 and as
p -> 1/2 (docs/theory.md, section theory-regimes).
"""

import numpy as np

__all__ = []  # private module


def _log1p_ratio(x):
    """log1p(x)/x, equal to 1 at x = 0, accurate for tiny |x|."""
    small = np.abs(x) < 1e-5
    safe = np.where(small, 1.0, x)
    return np.where(small, 1.0 - x / 2.0 + x * x / 3.0, np.log1p(safe) / safe)


def _threshold_G(t, gamma, p=None):
    """log(phi(p))/gamma at p = exp(t); positive below p_gamma, negative above.

    log phi = gamma log1p(-p) + log1p(-gamma beta),  beta = p log p/(1-p) <= 0, so
    log phi / gamma = log1p(-p) - beta * [log1p(x)/x]_{x = -gamma beta}.
    Pass p as well when it is known exactly (exp(t) loses ulp(t) relative accuracy).
    """
    if p is None:
        p = np.exp(t)
    beta = p * t / (1.0 - p)
    return np.log1p(-p) - beta * _log1p_ratio(-gamma * beta), p, beta


def _threshold_newton_step(gam, p, beta):
    """One Newton step on h(gamma) = log(phi_gamma(p))/gamma = log1p(-p) - beta log1p(x)/x.

    x = -gamma beta, beta = p log p / (1 - p); h has no root at gamma = 0 and
    stays well conditioned as p -> 1/2.  h' = -beta^2 m is written so that
    beta^2 cannot underflow.
    """
    xx = -gam * beta
    h = np.log1p(-p) - beta * _log1p_ratio(xx)
    small = np.abs(xx) < 1e-4
    safe = np.where(small, 1.0, xx)
    m = np.where(small, 0.5 - 2.0 * xx / 3.0 + 0.75 * xx * xx,
                 (np.log1p(safe) - safe / (1.0 + safe)) / (safe * safe))
    return gam + (h / beta) / (beta * m)
