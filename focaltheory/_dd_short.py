"""Shorter double-double logarithms for the exact last step of the minimizer: log_dd_short, log_dd_half.

log(hi + lo) to an absolute 2**-76 (about 1.3e-23) instead of log_dd's
1e-30: at gamma <= 2**20, gamma times that is below 2**-56, and the exact
step (focaltheory.solver._finish._polish) needs gamma log(1 - q) to a
fraction of an ulp of 1 only.  Both use stage 1 of focaltheory._dd.log_dd
(its tables, scratch and block loop) and a longer series in place of its
second stage; log_dd_half, for hi in [1/2, 1] (log(1 - q) of q <= 1/2),
also joins the exponent's table with the cell's.  Private kernels for
validated data: no input validation is done.
"""

import numpy as np

from ._dd import (_F_FIFTH, _F_HALF, _F_THIRD, _LOG_44, _LOG_52, _LOG_BIAS, _LOG_C1, _LOG_CELL1,
                  _LOG_K, _LOG_KMIN, _LOG_NBUF, _LOG_OFF, _LOG_T1, _LOG_ZBIAS, _U64, _log_run,
                  _reduce_by_cell, _renormalize, _split_square, _sum_tables)

__all__ = []  # private module

# the short kernel (log_dd_short): a rounded to 2**-30, series coefficients to a**8
_LOG_MAGS1 = np.array(1.5 * 2.0**22)
_F_MQUARTER = np.array(-0.25)
_F_M6 = np.array(-1.0 / 6.0)
_F_7 = np.array(1.0 / 7.0)
_F_M8 = np.array(-0.125)


def _low_part(a, d, a2, out):
    """The low part of log1p(a) = v + lowp beside _dd._split_square's v, into ``out`` (a block's scratch).

    lowp = a**3 (1/3 - a/4 + a**2/5 - a**3/6 + a**4/7 - a**5/8) - d / 2, with
    d = a**2 - as**2 and a2 = a**2 from _split_square (d is halved in place).
    """
    add, mul = np.add, np.multiply
    mul(a, _F_M8, out)
    add(out, _F_7, out)
    for c in (_F_M6, _F_FIFTH, _F_MQUARTER, _F_THIRD):
        mul(out, a, out)
        add(out, c, out)
    mul(out, a2, out)
    mul(out, a, out)                      # a**3 (1/3 - a/4 + ... - a**5/8)
    mul(d, _F_HALF, d)
    np.subtract(out, d, out)


def _log_kernel_short(hi, lo, oh, ol, V):
    """log(hi + lo) for one block to an absolute 2**-76, written into oh, ol (see log_dd_short).

    Stage 1 of _log_kernel only (|a| = |r1| <= 2**-8.42, exact), then the
    series to a**8 with its square split exactly: the same scratch, 53 numpy
    calls instead of 70.
    """
    add, sub, mul = np.add, np.subtract, np.multiply
    F2, F3, F4, F5, F6, F7, F8 = V.F[2:_LOG_NBUF]  # F0, F1 hold integers only
    I0, I1, I2, I3 = V.I[:4]
    J0, J1 = V.J[:2]
    X1, XK = V.X[0], V.X[2]
    th, kh, tl, kl = V.cols
    # -- stage 1 as in _log_kernel: k, cell i1, a = r1 = z c1 - 1 (exact)
    add(hi.view(_U64), _LOG_BIAS, I0)
    np.right_shift(I0, _LOG_52, I1)
    np.left_shift(I1, _LOG_52, I2)
    sub(I0, I2, I0)
    sub(I0, _LOG_ZBIAS, I2)               # F2 = z
    np.right_shift(I0, _LOG_44, I0)       # i1
    _reduce_by_cell(I2, I3, F2, F3, F4, _LOG_C1, J0)  # F3 = a
    # -- log1p(a) = v + lowp, v = a - as**2/2 (as = a rounded to 2**-30: exact);
    # F5 = a**2 - as**2, F7 = a**2
    _split_square(F3, _LOG_MAGS1, F5, F6, F7)
    _low_part(F3, F5, F7, F8)             # F8 = lowp
    # -- tables and sum: s = (k ln2 + T1) + v, exact by fast_two_sum
    _LOG_T1.take(J0, 0, X1, 'clip')
    _LOG_K.take(J1, 0, XK, 'clip')
    _sum_tables(kh, th, kl, tl, F4, F5, F6, F7)  # s2 (|s1| >= |v| or s1 = 0: _short_sum_ordered)
    add(F6, F5, F6)
    add(F6, F7, F6)
    add(F6, F8, F6)
    _renormalize(F4, F6, hi, lo, F5, oh, ol)


def _log_kernel_half(hi, lo, oh, ol, V):
    """log(hi + lo) for hi in [1/2, 1], one block, to an absolute 2**-76 (see log_dd_half).

    As _log_kernel_short, with k in {-1, 0}: one shift of the biased bits
    gives the row of k ln2 + T1 in one table of 512 dd numbers, so that the
    exponent's table and its sum are not needed (46 numpy calls).
    """
    add, sub, mul = np.add, np.subtract, np.multiply
    F2, F3, F4, F5, F6, F7, F8 = V.F[2:_LOG_NBUF]  # F0, F1 hold integers only
    I0, I1, I2, I3 = V.I[:4]
    J1 = V.J[1]
    X1 = V.X[0]
    th, tl = V.cols[0], V.cols[2]
    # -- k and the cell in one index, z = hi 2**-k = zh + zl, a = z c1 - 1 (exact)
    add(hi.view(_U64), _LOG_BIAS_HALF, I0)
    np.right_shift(I0, _LOG_44, I1)       # 256 (k + 1) + i1
    np.bitwise_and(I0, _LOG_LOW52, I0)    # bits(z) + 2**43 - OFF
    sub(I0, _LOG_ZBIAS, I2)               # F2 = z
    _reduce_by_cell(I2, I3, F2, F3, F4, _LOG_C1_HALF, J1)  # F3 = a
    # -- log1p(a) = v + lowp as in _log_kernel_short
    _split_square(F3, _LOG_MAGS1, F5, F6, F7)
    _low_part(F3, F5, F7, F8)             # F8 = lowp
    # -- (k ln2 + T1) + v, exact by fast_two_sum (_half_sum_ordered)
    _LOG_TK_HALF.take(J1, 0, X1, 'clip')
    add(th, F6, F4)
    sub(F4, th, F7)
    sub(F6, F7, F7)                       # its error
    add(tl, F7, F6)
    add(F6, F8, F6)
    _renormalize(F4, F6, hi, lo, F5, oh, ol)


def _half_tables():
    """c1 and k ln2 + T1 (as dd numbers, rounded from the exact sum of the tables' dd values) for k = -1, 0."""
    from fractions import Fraction

    tk = np.empty((512, 2))
    for r, k in enumerate((-1, 0)):
        kh, kl = _LOG_K[k - _LOG_KMIN]
        for i in range(256):
            v = Fraction(float(kh)) + Fraction(float(kl)) + Fraction(float(_LOG_T1[i, 0])) + Fraction(float(_LOG_T1[i, 1]))
            h = float(v)
            tk[256 * r + i] = h, float(v - Fraction(h))
    return np.concatenate([_LOG_C1, _LOG_C1]), tk


_LOG_C1_HALF, _LOG_TK_HALF = _half_tables()
# t = bits(hi) + _LOG_BIAS_HALF: t >> 44 = 256 (k + 1) + i1, t mod 2**52 as in _log_kernel
_LOG_BIAS_HALF = np.array(((1 << 43) - _LOG_OFF + (1 << 52)) % 2**64, dtype=_U64)
_LOG_LOW52 = np.array(2**52 - 1, dtype=_U64)


def _by_blocks(kernel, hi, lo):
    """``kernel`` applied to hi, lo broadcast together (by blocks, see _dd._log_run): (y_hi, y_lo) of their shape."""
    hi, lo = np.broadcast_arrays(np.asarray(hi, dtype=np.float64), np.asarray(lo, dtype=np.float64))
    shape = hi.shape
    yh, yl = _log_run(np.ascontiguousarray(hi).ravel(), np.ascontiguousarray(lo).ravel(), kernel)
    return yh.reshape(shape), yl.reshape(shape)


def _cell_max_a(i):
    """max |a| = max |z c1 - 1| over the z of stage-1 cell i, exactly (a Fraction)."""
    from fractions import Fraction

    if i < _LOG_CELL1:
        g, w = Fraction(1024 - 2 * (_LOG_CELL1 - i), 1024), Fraction(1, 1024)
    else:
        g, w = Fraction(1024 + 4 * (i - _LOG_CELL1), 1024), Fraction(2, 1024)
    c = Fraction(float(_LOG_C1[i]))
    return max(abs((g - w) * c - 1), abs((g + w) * c - 1))


def log_dd_short(hi, lo):
    """log(hi + lo) as a dd to an absolute 2**-76, for a positive dd with hi normal.

    The cheaper variant of log_dd (53 numpy calls per block instead of 70)
    for callers that need gamma log(1 - q) to a fraction of an ulp of 1 at
    moderate gamma only: absolute error <= 2**-76 + 2**-104 |log(hi + lo)|
    (about 1.3e-23; measured 2**-77.6).  hi must be normal (no scaling
    of subnormals here).

    Method: stage 1 of log_dd alone (hi = 2**k z, a = z c1 - 1 exact, |a| <=
    2**-8.42), then log1p(a) = a - a**2/2 + ... + (-1)**9 a**8/8: the omitted
    terms are below |a|**9 / 9 / (1 - |a|) <= 2**-78.9.  a**2 / 2 is split
    as in log_dd (as = a rounded to a multiple of 2**-30, so that
    v = a - as**2 / 2 is exact: multiples of 2**-61 below 2**-8.4; the rest
    (a + as)(a - as) / 2 <= 2**-39.4 is rounded once, 2**-91); a**3 (1/3 -
    a/4 + ... - a**5/8) <= 2**-26.8 is formed in double with a relative
    error below 5 u, 2**-77.6; its sum with the other low parts rounds at
    2**-79.8 each.  k ln2 + T1 + v is exact by two FastTwoSums: the first
    as in log_dd, the second because |T1| >= |v| in every cell whose T1 is
    not 0 (k = 0; checked from the cell bounds, see _short_sum_ordered) and
    |k ln2 + T1| >= 0.34 elsewhere.

    hi, lo: float64 arrays, broadcast together; returns (y_hi, y_lo) of their shape.
    """
    return _by_blocks(_log_kernel_short, hi, lo)


def _short_sum_ordered():
    """Whether |T1| >= max |v| in every stage-1 cell with T1 != 0 (k = 0), from exact cell bounds.

    v = a - as**2 / 2 with a = z c1 - 1 over the cell's z: |v| <= |a| +
    a**2 / 2 + 2**-31 |a|.  Used by the tests of log_dd_short.
    """
    from fractions import Fraction

    ok = True
    for i in range(256):
        if _LOG_T1[i, 0] == 0.0:
            continue
        a = _cell_max_a(i)
        ok &= abs(Fraction(float(_LOG_T1[i, 0]))) >= a + a * a / 2 + a / 2**31
    return ok


def log_dd_half(hi, lo):
    """log(hi + lo) as a dd to an absolute 2**-76, for hi in [1/2, 1] (log(1 - q) of q <= 1/2).

    log_dd_short restricted to k in {-1, 0} (hi = 2**k z): the row of
    k ln2 + T1 in one 512-entry dd table (rounded from the exact sum of the
    two tables' dd values, error below 2**-106) comes from one shift of the
    biased bits, and its sum with v is one FastTwoSum (|k ln2 + T1| >= |v|,
    or 0 with k = 0: _half_sum_ordered): 46 numpy calls per block instead of
    53.  Error: that of log_dd_short, absolute <= 2**-76 (measured 2**-77.6).
    Outside [1/2, 1] the result is meaningless.

    hi, lo: float64 arrays, broadcast together; returns (y_hi, y_lo) of their shape.
    """
    return _by_blocks(_log_kernel_half, hi, lo)


def _half_sum_ordered():
    """Whether |k ln2 + T1| (its high part in _LOG_TK_HALF) >= max |v| in every cell where it is not 0, k = -1, 0."""
    from fractions import Fraction

    ok = True
    for i in range(256):
        a = _cell_max_a(i)
        for r in (0, 1):
            h = _LOG_TK_HALF[256 * r + i, 0]
            if h != 0.0:
                ok &= abs(Fraction(float(h))) >= a + a * a / 2 + a / 2**31
    return ok
