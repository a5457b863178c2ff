"""Order preservation in the returned doubles: P(x) <= P(y) gives q(x) <= q(y), exactly.

Each class's q is computed from its own last iterate z_x: q(z_x), rounded,
plus the sub-ulp linear correction q (1 - q) dc_x, with dc_x measured from
z_x itself (see _finish._write).  Two classes whose probabilities are within
a few ulp (or, at large gamma, whose q are: dq/dP ~ q / (gamma P)) have
iterates a few ulp apart; q(z_x) and q(z_y) may round to the same double
while their corrections, taken from the unrounded iterates, differ by the
iterates' difference.  The sum is then off by the rounding of q(z), which is
not the same for the two classes, and the order can flip by an ulp or three.

No floating-point evaluation of q(z) + q (1 - q) dc is monotone across
classes with different iterates, so the order is restored afterwards, per
row, by a monotone pass that cannot leave the error bound: in the order of
P (ties grouped), each q is replaced by the largest q at or below its class,

    q'(x) = max { q(y) : P(y) <= P(x) } .

If every computed q is within a relative delta of the true Q* (which is
nondecreasing in P, exactly constant on ties), then
Q*(x) (1 - delta) <= q(x) <= q'(x) <= max_{P(y) <= P(x)} Q*(y) (1 + delta)
= Q*(x) (1 + delta): q' is within the same delta.  It changes only rows
whose order is broken, and those by the size of the break (an ulp or a few).

Rows are screened first (cheaply: one sort of q per row): a pair can be out
of order only if its two errors bridge the true gap, q(x) - q(y) <= 2 delta
max(q), and delta is at most 1e-13 (the documented accuracy; subnormal
results carry an absolute rounding below 1e-300).  Rows with no two q within
_NEAR relative (twenty times that) plus 1e-300 of each other are in order;
the others are checked and, where needed, repaired against the exact order.

The order is that of the exact inputs: the weights themselves without alpha
(normalizing by the common sum preserves it), and with alpha the exact
products alpha_x W_x, keyed by (exponent, high, low) (see _exact_product_key),
whose rounding to the solver's stand-ins could otherwise tie or flip them.
"""

import numpy as np

from .. import _dd

# Two q closer than this (relative, plus _NEAR_ABS) may be out of order: 20 times
# the solver's documented accuracy of 1e-13 (each of the two may be off by that)
_NEAR = 2e-12
_NEAR_ABS = 1e-300
# The same screen on the bit patterns of sorted positive doubles (which order as
# the values do, and count the doubles between two values): a pair near as
# above with the smaller q at least _TINY (so that _NEAR_ABS adds at most a
# relative 1e-20) is within q (1 + 2.0001e-12) of each other, at most
# 2.0001e-12 * 2**53 < 18020 doubles apart (the spacing of the doubles in
# [2**e, 2**(e + 1)) is 2**(e - 52)); rows whose smallest q is below _TINY
# are checked whatever their gaps.  A superset of the rows the float test
# passes on: _repair leaves the rows in order untouched.
_NEAR_BITS = 1 << 15
_TINY = 1e-280
_TINY_BITS = int(np.float64(_TINY).view(np.int64))
_INF_BITS = int(np.float64(np.inf).view(np.int64))  # the nonnegative doubles below it are the finite ones


def _exact_product_key(W, A):
    """Sort keys of the exact products W * A (secondary first, as np.lexsort takes them).

    W A = (hi + lo) 2**e with hi in [1/2, 1), hi + lo the exact product of
    the two mantissas (TwoProduct); this representation is a function of the
    value alone (binary rounding is scale-free), and a larger e means a larger
    value, so (e, hi, lo) compared lexicographically orders the exact
    products, ties included.  Zeros get the smallest e.
    """
    mW, eW = np.frexp(W)
    mA, eA = np.frexp(A)
    hi, lo = _dd.two_prod(mW, mA)  # in [1/4, 1): no overflow, exact
    e = (eW + eA).astype(np.int64)
    up = hi < 0.5
    hi = np.where(up, 2.0 * hi, hi)
    lo = np.where(up, 2.0 * lo, lo)
    e = e - up
    top = hi >= 1.0  # the product rounded up to 1
    hi = np.where(top, 0.5 * hi, hi)
    lo = np.where(top, 0.5 * lo, lo)
    e = e + top
    zero = hi == 0.0
    e = np.where(zero, np.iinfo(np.int64).min, e)
    return [np.where(zero, 0.0, lo), np.where(zero, 0.0, hi), e]


def _preserve_order(q, keys):
    """Make each row of q (N, K) nondecreasing in the order of ``keys``, in place (see the module docstring).

    ``keys`` is an array (N, K) or a list of them, secondary first (as
    np.lexsort takes them).  Rows already in order are left untouched.
    Returns whether every entry of q is finite (the repair takes maxima of
    entries: it keeps that), from the sorted rows where they are formed.
    """
    keys = keys if isinstance(keys, list) else [keys]
    if q.shape[1] < 2 or q.shape[0] == 0:
        return bool(np.isfinite(q).all())
    bits = q.view(np.int64)
    if int(bits.min()) >= 0:
        # doubles without the sign bit (no -0.0; NaN after inf) order as their
        # bit patterns: an integer sort, cheaper than a floating-point one,
        # gives the same sorted rows, and the screen runs on their gaps
        qs = np.sort(bits, axis=1)
        finite = int(qs[:, -1].max()) < _INF_BITS  # (+inf, then the NaNs, sort last)
        gap = qs[:, 1:] - qs[:, :-1]
        low = qs[:, 0] < _TINY_BITS
        if int(gap.min()) > _NEAR_BITS and not low.any():  # the usual case: no two classes of any row near
            return finite
        rows = np.flatnonzero(np.any(gap <= _NEAR_BITS, axis=1) | low)
    else:
        finite = bool(np.isfinite(q).all())
        qs = np.sort(q, axis=1)
        near = qs[:, 1:] <= qs[:, :-1] * (1.0 + _NEAR) + _NEAR_ABS
        if not near.any():  # the usual case: no two classes of any row near each other
            return finite
        rows = np.flatnonzero(np.any(near, axis=1))
    sub = q[rows]
    _repair(sub, [k[rows] for k in keys])
    q[rows] = sub
    return finite


def _repair(q, keys):
    """Check rows of q against the exact order of ``keys`` and repair those out of order, in place."""
    order = np.argsort(keys[0], axis=1, kind="stable") if len(keys) == 1 else np.lexsort(keys, axis=1)
    qs = np.take_along_axis(q, order, axis=1)
    nxt, prv = qs[:, 1:], qs[:, :-1]
    tie = None
    for k in keys:
        ks = np.take_along_axis(k, order, axis=1)
        t = ks[:, 1:] == ks[:, :-1]
        tie = t if tie is None else tie & t
    bad = np.any((nxt < prv) | (tie & (nxt != prv)), axis=1)
    if not bad.any():
        return
    rows = np.flatnonzero(bad)
    qs, tie, order = qs[rows], tie[rows], order[rows]
    cm = np.maximum.accumulate(qs, axis=1)
    # a group of tied keys takes the value at its last member (the group's maximum)
    K = qs.shape[1]
    idx = np.broadcast_to(np.arange(K), qs.shape)
    end = np.where(np.concatenate([~tie, np.ones((rows.size, 1), dtype=bool)], axis=1), idx, K)
    end = np.minimum.accumulate(end[:, ::-1], axis=1)[:, ::-1]
    fixed = np.take_along_axis(cm, end, axis=1)
    out = np.empty_like(fixed)
    np.put_along_axis(out, order, fixed, axis=1)
    q[rows] = out
