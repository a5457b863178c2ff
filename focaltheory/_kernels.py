"""Vectorized numeric kernels for g = -l' in the logit parameterization.

The solver never forms g(q) from q directly: near q = 1 the information
lives in 1 - q, and for tiny q in q / P.  Both are carried through the
log-odds z = log(q / (1 - q)), with e = exp(-|z|) <= 1, so that

    q     = e / (1 + e)        (z < 0)        1 / (1 + e)    (z >= 0)
    1 - q = 1 / (1 + e)        (z < 0)        e / (1 + e)    (z >= 0)

are both computed to a few ulp, whatever the size of q or 1 - q.

Factoring (1-q)^gamma / q out of g = (1-q)^(gamma-1) [(1-q)/q - gamma log q]
gives g = (1-q)^gamma / q * (1 + gamma k) with k = q (-log q) / (1 - q), so

    log g = -z_eff + log1p(gamma k) - (gamma - 1) log1p(e),
    z_eff = z (z < 0),  gamma z (z >= 0),
    k     = (log1p(e) - z) e (z < 0),  log1p(e) / e (z >= 0; k -> 1 as e -> 0),
    d log g / dz = -(1 + gamma q) / (1 + gamma k) - (gamma - 1) q .

The split keeps every large term (z_eff, which the solver sums with log P and
log lambda) apart from the small ones, so nothing large cancels inside.
"""

import numpy as np

__all__ = []  # private module


def _logit_parts(z, e=None):
    """Return (e, log1p(e), q, 1 - q, z < 0) for log-odds z.

    ``e`` = exp(-|z|) may be supplied when it is known more accurately than
    from z, e.g. as P * exp(w) for a tiny class carried relative to P.
    """
    neg = z < 0
    if e is None:
        e = np.exp(-np.abs(z))
    lp1 = np.log1p(e)
    inv = 1.0 / (1.0 + e)
    ei = e * inv
    q = np.where(neg, ei, inv)
    omq = np.where(neg, inv, ei)
    return e, lp1, q, omq, neg


def _k_term(z, e, lp1, neg):
    """k = q (-log q) / (1 - q) from the logit parts."""
    with np.errstate(divide="ignore", invalid="ignore"):
        pos_k = np.where(e > 0, lp1 / e, 1.0)
    return np.where(neg, (lp1 - z) * e, pos_k)


def _z_eff(z, gamma, neg):
    """The large term of -log g: z for z < 0, gamma z for z >= 0."""
    return np.where(neg, z, gamma * z)


def _log_g_small(gamma, k, lp1):
    """The small terms of log g: log1p(gamma k) - (gamma - 1) log1p(e)."""
    return np.log1p(gamma * k) - (gamma - 1.0) * lp1


def _dlog_g(gamma, k, q):
    """d log g / dz, negative everywhere."""
    return -(1.0 + gamma * q) / (1.0 + gamma * k) - (gamma - 1.0) * q


def log_g_from_logit(z, gamma):
    """log g(q) for q = sigmoid(z), accurate for q near 0 and near 1.

    Vectorized; ``gamma`` broadcasts against ``z``.
    """
    e, lp1, q, omq, neg = _logit_parts(z)
    k = _k_term(z, e, lp1, neg)
    return -_z_eff(z, gamma, neg) + _log_g_small(gamma, k, lp1)
