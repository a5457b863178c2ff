"""The solver kernels of focaltheory._kernels, operation for operation, without their per-call wrappers.

The generated kernels (focaltheory/_generated.py, printed from the sympy
expressions of focaltheory/symbolic/_solver_kernels.py, where they are
proved) convert every argument with ``asarray`` and enter their own NumPy
error state on every call: a fixed cost of a few microseconds, which is most
of the time of a call on one short row.  The solver evaluates them inside
its own error state (see minimizer) on float64 arrays, so it calls these
copies instead: the same operations in the same order, hence the same bits
(tests/test_solver_speed.py compares them with the generated kernels
bitwise, on arguments spanning the double range), with intermediate results
overwritten in place where they are not returned.
"""

import numpy as np


def _logit_parts(z, e=None):
    """(e, log1p(e), q, 1 - q, z < 0) for log-odds z; e = exp(-|z|) unless supplied."""
    if e is None:
        e = np.abs(z)
        np.negative(e, out=e)
        np.exp(e, out=e)
    t0 = e + 1.0
    np.divide(1.0, t0, out=t0)
    t1 = t0 * e
    neg = z < 0
    return e, np.log1p(e), np.where(neg, t1, t0), np.where(neg, t0, t1), neg


def _k_term(z, e, lp1, neg):
    """k = q (-log q) / (1 - q): e (log1p(e) - z) for z < 0, min(log1p(e) / e, 1) otherwise."""
    a = lp1 - z
    a *= e
    b = lp1 / e
    np.fmin(b, 1.0, out=b)
    return np.where(neg, a, b)


def _z_eff(z, gamma, neg):
    """The large term of -log g: z for z < 0, gamma z for z >= 0."""
    return np.where(neg, z, gamma * z)


def _log_g_small(gamma, k, lp1):
    """The small terms of log g: log1p(gamma k) - (gamma - 1) log1p(e)."""
    a = -lp1
    a *= gamma - 1
    b = gamma * k
    np.log1p(b, out=b)
    a += b
    return a


def _dlog_g(gamma, k, q, omq):
    """d log g / dz = (-gamma q (k (gamma - 1) + 2) - (1 - q)) / (gamma k + 1)."""
    a = k * (gamma - 1)
    a += 2
    a *= -gamma * q
    a -= omq
    b = gamma * k
    b += 1
    a /= b
    return a


# The same kernels with the branch z >= 0 taken only where it applies.  There
# it is rare: z >= 0 means q >= 1/2, at most one class per row at the answer,
# while np.where mispredicts its way through every entry (at K = 10 one where
# costs about five additions).  The z < 0 forms are computed everywhere and the
# entries with z >= 0 (``pos``, flat indices, z < 0 false: NaN included, as
# np.where has it) are overwritten with the other form: entry by entry the
# operations of the kernels above, hence their bits.


def _logit_parts_few(z, e=None):
    """As _logit_parts, with the flat indices of z >= 0 in place of the mask z < 0."""
    notneg = np.less(z, 0)
    np.logical_not(notneg, out=notneg)
    pos = notneg.ravel().nonzero()[0]
    if e is None:
        # exp(-|z|) is exp(z) where z < 0 (the negation is exact): one
        # exponential over z, the entries z >= 0 (and NaN) taken again
        e = np.exp(z)
        if pos.size:
            e.put(pos, np.exp(-np.abs(z.take(pos))))
    omq = e + 1.0
    np.divide(1.0, omq, out=omq)  # 1 / (1 + e): 1 - q for z < 0, q for z >= 0
    q = omq * e
    if pos.size:
        a, b = omq.take(pos), q.take(pos)
        q.put(pos, a)
        omq.put(pos, b)
    return e, np.log1p(e), q, omq, pos


def _k_term_few(z, e, lp1, pos):
    """As _k_term, given the flat indices of z >= 0."""
    k = lp1 - z
    k *= e
    if pos.size:
        b = lp1.take(pos) / e.take(pos)
        np.fmin(b, 1.0, out=b)
        k.put(pos, b)
    return k


def _neg_z_eff_few(z, gamma, pos):
    """-_z_eff(z, gamma, z < 0), given the flat indices of z >= 0 (gamma a float or a column)."""
    m = np.negative(z)
    if pos.size:
        g = gamma if np.ndim(gamma) == 0 else gamma.ravel().take(pos // z.shape[1])
        m.put(pos, -(g * z.take(pos)))
    return m


def _log_g_parts(gamma, k, lp1, q, omq):
    """(_log_g_small(gamma, k, lp1), _dlog_g(gamma, k, q, omq)) with gamma k formed once.

    The same bits as the two kernels (NaN aside: their sign may differ):
    -lp1 (gamma - 1) is formed as lp1 (1 - gamma), the same double (a
    product's rounding is symmetric in the signs, and 1 - gamma rounds to
    -(gamma - 1)); at gamma = 2 the factor gamma - 1 = 1 is exact, and
    log1p(gamma k) + (-lp1) is log1p(gamma k) - lp1.
    """
    gk = gamma * k
    b = gk + 1.0
    two = np.ndim(gamma) == 0 and gamma == 2.0
    if two:
        h = k + 2.0  # k (gamma - 1) + 2
    else:
        h = k * (gamma - 1)
        h += 2
    t = np.multiply(q, -gamma)
    h *= t
    h -= omq
    h /= b
    np.log1p(gk, out=gk)
    if two:
        small = np.subtract(gk, lp1, out=gk)
    else:
        small = np.multiply(lp1, 1 - gamma, out=t)
        small += gk
    return small, h
