"""Vectorized double-double (dd) arithmetic: exact sums and products, log to ~1e-30.

A dd value is the unevaluated sum ``hi + lo`` of two float64 numbers with
``|lo| <= ulp(hi) / 2`` (``hi`` is the value rounded to double, ``lo`` the
rounding error), so it carries about 106 significant bits.  Every function
works elementwise on float64 numpy arrays of any shape (with broadcasting),
in pure numpy: no Python loop over elements and no mpmath at run time.
numpy has no fused multiply-add, so the exact product uses Veltkamp/Dekker
splitting (splitter ``2**27 + 1``).

Why: at large gamma the solver's last Newton step and the inverse map form
``gamma * log(1 - q)`` (gamma up to 5000) and sums whose rounding gamma
amplifies (see focaltheory.solver._finish._polish, which also uses the
shorter logs of focaltheory._dd_short).  The half-ulp rounding of libm's
log, multiplied by gamma, would be an accuracy floor of ~1e-13; with the log
as a dd value the product with gamma is formed exactly (``dd_mul_d``).

Building blocks (exact, error-free transformations): ``two_sum``,
``fast_two_sum``, ``two_prod``; dd operations ``dd_add`` and ``dd_mul_d``
(relative error <= 3u**2 + 13u**3 and <= 3u**2, u = 2**-53, Joldes, Muller &
Popescu, ACM TOMS 44 (2017)); ``rowsum_dd`` (row sums); and ``log_dd``, which
uses two exact table reductions and a degree-5 series (no exp; its tables are
computed at import with integer arithmetic, ~5 ms) and writes its
intermediate results into per-thread scratch arrays (~2 MB), so that a call
allocates only its result.

These are private kernels for validated data: no input validation is done.
"""

import math
import threading

import numpy as np

__all__ = []  # private module

# ---------------------------------------------------------------------------
# constants
# ---------------------------------------------------------------------------

_SPLITTER = 134217729.0  # 2**27 + 1 (Veltkamp/Dekker)
_SPLIT_MAX = 2.0**996  # above it _SPLITTER * a could overflow: split by truncation
_LOW27_CLEAR = np.int64(~((1 << 27) - 1))  # keeps sign, exponent and the top 26 bits

# ---------------------------------------------------------------------------
# error-free transformations and dd operations
# ---------------------------------------------------------------------------

def two_sum(a, b):
    """Knuth's TwoSum: ``s + err == a + b`` exactly, ``s = fl(a + b)``.

    Valid for any finite a, b (no overflow in ``a + b``).

    Returns
    -------
    s, err : ndarray
    """
    s = a + b
    bb = s - a
    err = (a - (s - bb)) + (b - bb)
    return s, err


def fast_two_sum(a, b):
    """Dekker's FastTwoSum: ``s + err == a + b`` exactly, for ``|a| >= |b|``.

    (Also exact when ``a == 0``.)

    Returns
    -------
    s, err : ndarray
    """
    s = a + b
    err = b - (s - a)
    return s, err


def _split(a):
    """Veltkamp split: a = ah + al, each with at most 26 significant bits.

    Valid for every finite a.  Above 2**996 in magnitude, where
    ``(2**27 + 1) a`` would overflow (near 1.3e300), ah is a with its low 27
    bits cleared instead (26 bits; al then has up to 27): the products of
    ``two_prod`` stay exact, the other operand being split into 26-bit
    halves wherever the product is finite.  Ordinary input pays one
    comparison.
    """
    a = np.asarray(a, dtype=np.float64)
    huge = np.abs(a) > _SPLIT_MAX
    if np.any(huge):
        b = np.where(huge, 0.0, a)
        t = _SPLITTER * b
        ah = np.where(huge, (a.view(np.int64) & _LOW27_CLEAR).view(np.float64), t - (t - b))
        return ah, a - ah
    t = _SPLITTER * a
    ah = t - (t - a)
    return ah, a - ah


def two_prod(a, b):
    """Dekker's TwoProduct: ``p + err == a * b`` exactly, ``p = fl(a * b)``.

    Exact when ``a * b`` is finite (operands of any finite size: those
    above 2**996 are split by truncation) and no partial product underflows,
    i.e. for ``|a * b| >= 2**-969`` (~2e-292; then ``err`` is normal too) and
    for ``a * b == 0``.  Where ``a * b`` overflows, ``p`` is inf and ``err``
    is not meaningful.

    Returns
    -------
    p, err : ndarray
    """
    p = a * b
    ah, al = _split(a)
    bh, bl = _split(b)
    err = ((ah * bh - p) + ah * bl + al * bh) + al * bl
    return p, err


def dd_add(ahi, alo, bhi, blo):
    """Sum of two dd numbers (AccurateDWPlusDW), relative error <= 3u**2 + 13u**3.

    u = 2**-53; the bound holds also under cancellation.

    Returns
    -------
    hi, lo : ndarray
    """
    sh, sl = two_sum(ahi, bhi)
    th, tl = two_sum(alo, blo)
    sh, sl = fast_two_sum(sh, sl + th)
    return fast_two_sum(sh, sl + tl)


def dd_mul_d(ahi, alo, b):
    """Product of a dd number and a double, relative error <= 3u**2 (u = 2**-53).

    Valid where ``two_prod(ahi, b)`` is exact.

    Returns
    -------
    hi, lo : ndarray
    """
    p, e = two_prod(ahi, b)
    return fast_two_sum(p, e + alo * b)


def rowsum_dd(hi, lo):
    """Sums along the last axis of a dd array, as dd numbers.

    Pairwise: each level adds neighbouring columns with ``two_sum`` (exact)
    and collects the rounding errors, which are summed plainly with the low
    parts.  The error is below u**2 sum|x| (1 + log2 K) (u = 2**-53): the
    sum is exact to dd level relative to the sum of magnitudes.

    Returns
    -------
    hi, lo : ndarray
        Shape of the input without its last axis.
    """
    hi = np.asarray(hi, dtype=np.float64)
    err = np.sum(lo, axis=-1)
    while hi.shape[-1] > 1:
        if hi.shape[-1] % 2:
            hi = np.concatenate([hi, np.zeros(hi.shape[:-1] + (1,))], axis=-1)
        s, e = two_sum(hi[..., 0::2], hi[..., 1::2])
        err = err + np.sum(e, axis=-1)
        hi = s
    return two_sum(hi[..., 0], err)


# ---------------------------------------------------------------------------
# logarithms: tables
# ---------------------------------------------------------------------------
#
# log(hi + lo) is computed by two exact multiplicative reductions and a short
# series, without exp and without any rounding error before the last sums:
#
#   hi = 2**k z, z in [0.706, 1.412): integer operations on the bits of hi.
#
#   Stage 1 (256 cells, index i1 from the bits of z): the cells have width
#     2**-9 below 1 and 2**-8 above 1, centred on 1 - m 2**-9 and 1 + m 2**-8
#     (the cell of 1 is [1 - 2**-10, 1 + 2**-9) and has c1 = 1).  c1 is a
#     reciprocal of the centre with 9 significant bits (a multiple of 2**-8
#     below 1, of 2**-9 above), so r1 = z c1 - 1 is a multiple of 2**-61 with
#     |r1| <= _LOG_R1 = 2**-8.42 < 2**-8: a double, computed exactly as
#     (zh c1 - 1) + zl c1 with z = zh + zl split after 44 bits.
#
#   Stage 2: d = r1 (1 - r1) ~ r1 / (1 + r1) rounded to a multiple of 2**-18
#     (|d| <= 2**-8.4: |j| = |d| 2**18 <= _LOG_J = 770, 10 bits), c2 = 1 - d,
#     r2 = (1 + r1)(1 - d) - 1, |r2| <= 2**-19 (1 + r1) + |r1|**3 <= 2**-18.9.
#     With r1h = r1 rounded to a multiple of 2**-50 (42 bits) and r1l = r1 - r1h:
#       r2 = a - q,  a = (r1 - d) - r1h d,  q = r1l d,
#     r1 - d is exact (multiples of 2**-61 below 2**-8), r1h d is exact (52
#     bits), a is exact (a multiple of 2**-68 below 2**-18) and so is q, with
#     |q| <= 2**-51 |d| <= 2**-59.4.
#
#   log(hi + lo) = k ln2 + T1[i1] + T2[j] + log1p(a - q) + log1p(lo / hi),
#     T1 = -log c1 (256 entries), T2 = -log(1 - d) (d = j 2**-18), k ln2, all
#     tabulated as dd numbers (T1 and T2 with their high parts multiples of
#     2**-54, so that T1 + T2 is exact).
#
#   log1p(a - q) = a - a**2/2 + a**3/3 - a**4/4 + a**5/5 - q (1 - a + a**2)
#     with an absolute error below 2**-110 (|a| <= 2**-18.9): the first
#     omitted terms are a**6/6 <= 2**-116, q a**3 <= 2**-116, q**2/2 <= 2**-120.
#     Only a**2/2 (up to 2**-38.8) needs more than double precision; a**3/3
#     (<= 2**-58.3) and the rest are summed in double, with rounding errors
#     below 2**-109.  With as = a rounded to a multiple of 2**-35 (17 bits)
#     and at = a - as: a**2 = as**2 + (a + as) at, where as**2 is exact, and
#     v = a - as**2/2 is exact (a multiple of 2**-71 below 2**-18); the
#     remainder (a + as) at / 2 is below 2**-54.9.
#   A single stage with |r1| <= 2**-8 would need the series up to r1**13, with
#   r1**2 .. r1**6 in more than double precision: the second stage (one more
#   table look-up) is cheaper.
#
#   log1p(lo / hi) = lo / hi to 2**-106 (|lo / hi| <= 2**-53).
#
# The tables are computed once at import with integer arithmetic (atanh
# series at 160 bits, ~5 ms) and checked against mpmath in tests/test_dd.py.

_LOG_PREC = 160  # bits of the fixed-point table computation


def _log_ratio_fixed(p, q):
    """log(p / q) * 2**_LOG_PREC as an int, for positive ints p, q.

    2 atanh(s), s = (p - q)/(p + q), summed in fixed point; each term is
    truncated, so the error is below 2 (number of terms) units.
    """
    if p < q:
        return -_log_ratio_fixed(q, p)
    s = ((p - q) << _LOG_PREC) // (p + q)
    s2 = (s * s) >> _LOG_PREC
    total, term, n = 0, s, 1
    while term:
        total += term // n
        term = (term * s2) >> _LOG_PREC
        n += 2
    return 2 * total


def _fixed_to_dd(v, grain=None):
    """The fixed-point int v (value v 2**-_LOG_PREC) as (hi, lo) doubles.

    grain=None: hi is v rounded to the nearest double; otherwise hi is v
    rounded to a multiple of 2**-grain (|v| < 1 then, hi exact).  lo is the
    rest rounded to the nearest double.
    """
    if grain is None:
        h = float(v)  # int -> float rounds to nearest
        h_int = int(h)
        hi = math.ldexp(h, -_LOG_PREC)
    else:
        shift = _LOG_PREC - grain
        h_int = ((v + (1 << (shift - 1))) >> shift) << shift
        hi = math.ldexp(float(h_int >> shift), -grain)
    return hi, math.ldexp(float(v - h_int), -_LOG_PREC)


def _log_tables():
    """(c1, T1, R1, T2, J, K) for log_dd; see the comment above."""
    c1 = np.empty(256)
    t1 = np.empty((256, 2))
    r1 = 0.0
    for i in range(256):
        # centre g and half-width w of cell i, in units of 2**-10
        if i < _LOG_CELL1:
            g, w, q = 1024 - 2 * (_LOG_CELL1 - i), 1, 8
        else:
            g, w, q = 1024 + 4 * (i - _LOG_CELL1), 2, 9
        one = 1 << (10 + q)  # 1 in units of 2**-(10 + q)
        if i == _LOG_CELL1:
            cands = [1 << q]
        else:
            cands = [one // g, one // g + 1]  # C: c1 = C 2**-q, around 1/g
        err, C = min((max(abs((g - w) * C - one), abs((g + w) * C - one)), C) for C in cands)
        c1[i] = math.ldexp(C, -q)
        r1 = max(r1, err / one)
        t1[i] = _fixed_to_dd(_log_ratio_fixed(1 << q, C), grain=54)
    jmax = int(r1 * (1 + r1) * 2**_LOG_M2 * (1 + 1e-9) + 0.5) + 1
    m = 1 << _LOG_M2
    t2 = np.array([_fixed_to_dd(_log_ratio_fixed(m, m - j), grain=54)
                   for j in range(-jmax, jmax + 1)])
    ln2 = _log_ratio_fixed(2, 1)
    k = np.array([_fixed_to_dd(kk * ln2) for kk in range(_LOG_KMIN, _LOG_KMAX + 1)])
    return c1, t1, r1, t2, jmax, k


_LOG_CELL1 = 150  # index of the stage-1 cell centred on 1
_LOG_OFF = 0x3FE6A00000000000  # bits of 0.70703125 = 1 - 150 2**-9, centre of cell 0
_LOG_M2 = 18  # stage 2: d is a multiple of 2**-18
_LOG_KMIN, _LOG_KMAX = -1022, 1024  # exponents of normal doubles (subnormals are scaled)
_LOG_C1, _LOG_T1, _LOG_R1, _LOG_T2, _LOG_J, _LOG_K = _log_tables()

# constants of the kernel, as 0-d arrays (cheaper ufunc calls than Python scalars)
_U64 = np.uint64
# t = bits(hi) + _LOG_BIAS (mod 2**64): t >> 52 is the row of k in _LOG_K and
# t mod 2**52 = bits(z) + 2**43 - _LOG_OFF, whose bits 44..51 are the cell index.
_LOG_BIAS = np.array(((1 << 43) - _LOG_OFF - (_LOG_KMIN << 52)) % 2**64, dtype=_U64)
_LOG_ZBIAS = np.array((1 << 43) - _LOG_OFF + 2**64, dtype=_U64)  # = 2**43 - OFF mod 2**64
_LOG_ZMASK = np.array(2**64 - 2**9, dtype=_U64)  # clears the low 9 bits of z: 44 bits left
_LOG_52 = np.array(52, dtype=_U64)
_LOG_44 = np.array(44, dtype=_U64)
_LOG_MAG2 = np.array(1.5 * 2.0**(52 - _LOG_M2))  # x + MAG2 - MAG2: x rounded to 2**-18
_LOG_JBIAS = np.array(int(np.float64(1.5 * 2.0**(52 - _LOG_M2)).view(np.int64)) - _LOG_J, dtype=_U64)
_LOG_MAGH = np.array(1.5 * 2.0**2)   # rounds to a multiple of 2**-50
_LOG_MAGS = np.array(1.5 * 2.0**17)  # rounds to a multiple of 2**-35
_F_ONE = np.array(1.0)
_F_HALF = np.array(0.5)
_F_QUARTER = np.array(0.25)
_F_FIFTH = np.array(0.2)
_F_THIRD = np.array(1.0 / 3.0)
_TINY_NORMAL = 2.0**-1022

_LOG_BLOCK = 16384  # elements per block of the log kernel
_LOG_NBUF = 9      # float scratch rows of the log kernel


# ---------------------------------------------------------------------------
# logarithms: kernel
# ---------------------------------------------------------------------------

def _log_kernel(hi, lo, oh, ol, V):
    """log(hi + lo) for one block, written into oh, ol (method: see above).

    hi, lo : 1-d float64 of one length m, hi positive and normal.
    oh, ol : 1-d float64 outputs of length m.
    V : scratch views of length m (see _log_views).

    Every step writes into scratch (no temporaries): the block stays in
    cache and no memory is allocated, which also avoids page faults (about
    2 us each on the benchmark machine) when large temporaries are freed and
    allocated again.
    """
    add, sub, mul = np.add, np.subtract, np.multiply
    F2, F3, F4, F5, F6, F7, F8 = V.F[2:_LOG_NBUF]  # F0, F1 hold integers only
    I0, I1, I2, I3, I4 = V.I          # uint64 views of rows 0..4
    J0, J1, J4 = V.J                  # int64 views of rows 0, 1, 4 (take indices)
    X1, X2, XK = V.X
    th, kh, tl, kl = V.cols           # columns of X1 and XK
    # -- stage 1: k, cell i1, z = hi 2**-k = zh + zl, r1 = z c1 - 1 (exact)
    add(hi.view(_U64), _LOG_BIAS, I0)
    np.right_shift(I0, _LOG_52, I1)       # row of k in _LOG_K
    np.left_shift(I1, _LOG_52, I2)
    sub(I0, I2, I0)                       # bits(z) + 2**43 - OFF, in [0, 2**52)
    sub(I0, _LOG_ZBIAS, I2)               # bits(z): F2 = z
    np.right_shift(I0, _LOG_44, I0)       # i1
    _reduce_by_cell(I2, I3, F2, F3, F4, _LOG_C1, J0)  # F3 = r1 (exact)
    # -- stage 2: d, j, a = (r1 - d) - r1h d, q = r1l d
    sub(_F_ONE, F3, F4)
    mul(F4, F3, F4)                       # r1 (1 - r1) ~ r1 / (1 + r1)
    add(F4, _LOG_MAG2, F4)
    sub(F4, _LOG_MAG2, F5)                # F5 = d
    sub(I4, _LOG_JBIAS, I4)               # I4 = j + J: row of T2
    add(F3, _LOG_MAGH, F6)
    sub(F6, _LOG_MAGH, F6)                # r1h = r1 rounded to 2**-50
    sub(F3, F6, F2)                       # r1l
    sub(F3, F5, F3)                       # r1 - d
    mul(F6, F5, F6)
    sub(F3, F6, F3)                       # F3 = a
    mul(F2, F5, F2)                       # F2 = q
    # -- log1p(a - q) = v + lowp, v = a - as**2/2 (as = a rounded to 2**-35: v exact,
    # multiples of 2**-71)
    _split_square(F3, _LOG_MAGS, F5, F6, F7)
    mul(F3, _F_FIFTH, F8)
    sub(F8, _F_QUARTER, F8)
    mul(F8, F3, F8)
    add(F8, _F_THIRD, F8)
    mul(F8, F7, F8)
    mul(F8, F3, F8)                       # a**3 (1/3 - a/4 + a**2/5)
    sub(F3, F7, F7)
    mul(F7, F2, F7)
    sub(F7, F2, F7)                       # -q (1 - a + a**2)
    add(F8, F7, F8)
    mul(F5, _F_HALF, F5)
    sub(F8, F5, F8)                       # F8 = lowp
    # -- tables and sum: s = (k ln2 + T1 + T2) + v, exact by fast_two_sum
    _LOG_T1.take(J0, 0, X1, 'clip')
    _LOG_T2.take(J4, 0, X2, 'clip')
    add(X1, X2, X1)                       # T1 + T2: high parts exact
    _LOG_K.take(J1, 0, XK, 'clip')
    _sum_tables(kh, th, kl, tl, F4, F5, F6, F7)  # s2 (|s1| > |v| or s1 = 0), e1, kl + tl, e2
    add(F6, F5, F6)
    add(F6, F7, F6)
    add(F6, F8, F6)
    _renormalize(F4, F6, hi, lo, F5, oh, ol)


def _reduce_by_cell(zbits, zhbits, z, zh, c1, table, cell):
    """Stage 1's reduction into scratch: zh = z with its low 9 bits cleared, z -> zl = z - zh, zh -> a = z c1 - 1.

    ``zbits``, ``zhbits`` are uint64 views of ``z``, ``zh``; c1 = table[cell]
    has 9 significant bits, so that zh c1 (44 + 9 bits) is exact and zh c1 - 1
    exact by Sterbenz's lemma; zl c1 and the sum a are exact as log_dd's
    method shows (see the comment above _log_ratio_fixed).
    """
    np.bitwise_and(zbits, _LOG_ZMASK, zhbits)  # zh (44 bits)
    np.subtract(z, zh, z)                       # zl (< 2**-43)
    table.take(cell, None, c1, 'clip')         # c1 (9 bits)
    np.multiply(zh, c1, zh)
    np.subtract(zh, _F_ONE, zh)                 # zh c1 - 1 (exact, Sterbenz)
    np.multiply(z, c1, z)
    np.add(zh, z, zh)                           # a (exact)


def _sum_tables(kh, th, kl, tl, s2, e1, v, e2):
    """(k ln2 + T) + v by two FastTwoSums, into scratch: s2, e1 (of kh + th), e2 (of s1 + v), and v -> kl + tl.

    The callers' tables give |kh| > |th| or kh = 0, and |s1| >= |v| or s1 = 0.
    """
    add, sub = np.add, np.subtract
    add(kh, th, e2)                       # s1
    sub(e2, kh, e1)
    sub(th, e1, e1)                       # e1
    add(e2, v, s2)                        # s2
    sub(s2, e2, e2)
    sub(v, e2, e2)                        # e2
    add(kl, tl, v)


def _renormalize(s, low, hi, lo, tmp, oh, ol):
    """oh + ol = s + (low + lo / hi) by FastTwoSum (|s| >= the low parts), into the outputs.

    lo / hi is log1p(lo / hi) to first order (|lo / hi| <= 2**-53); ``s``,
    ``low`` and ``tmp`` are a block's scratch, overwritten.
    """
    np.divide(lo, hi, tmp)
    np.add(low, tmp, low)                 # all low parts
    np.add(s, low, oh)
    np.subtract(oh, s, s)
    np.subtract(low, s, ol)


def _split_square(a, mag, d, v, a2):
    """The square term of log1p(a) split exactly, into scratch: d = a**2 - as**2, v = a - as**2 / 2, a2 = a**2.

    as = a rounded by ``mag`` (a + mag - mag: 1.5 2**(52 - m) rounds to a
    multiple of 2**-m), so that as**2 and v are exact for the callers'
    ranges of a; d = (a + as)(a - as) and a2 are rounded once.
    """
    add, sub, mul = np.add, np.subtract, np.multiply
    add(a, mag, d)
    sub(d, mag, d)                        # as
    sub(a, d, v)                          # at = a - as
    mul(d, d, a2)                         # as**2 (exact)
    add(d, a, d)
    mul(d, v, d)                          # d = (a + as) at = a**2 - as**2
    mul(a2, _F_HALF, v)
    sub(a, v, v)                          # v = a - as**2 / 2
    add(a2, d, a2)                        # a**2 (rounded)


_LOG_TLS = threading.local()


class _LogViews:
    """Views of the log scratch arrays for blocks of m elements."""

    def __init__(self, F, X, m):
        self.F = [f[:m] for f in F]
        self.I = [f.view(_U64) for f in self.F[:5]]
        self.J = [self.F[i].view(np.int64) for i in (0, 1, 4)]
        self.X = [x[:m] for x in X]
        self.cols = [self.X[0][:, 0], self.X[2][:, 0], self.X[0][:, 1], self.X[2][:, 1]]


def _log_views(m):
    """Scratch views for blocks of m <= _LOG_BLOCK elements, kept per thread.

    The scratch arrays (120 _LOG_BLOCK bytes: 2 MB) are allocated once per
    thread and reused, so a call allocates nothing but its result: fresh
    large temporaries are a source of page faults, which can cost more than
    the arithmetic here.  The block size trades the per-call overhead of the
    ~70 numpy calls per block against cache size.
    """
    S = getattr(_LOG_TLS, "scratch", None)
    if S is None or S[0].shape[1] < m:
        B = max(m, _LOG_BLOCK)
        S = (np.empty((_LOG_NBUF, B)), np.empty((3, B, 2)), {})
        _LOG_TLS.scratch = S
    F, X, cache = S
    V = cache.get(m)
    if V is None:
        V = _LogViews(F, X, m)
        if m == F.shape[1]:
            cache[m] = V
    return V


def _log_run(hi, lo, kernel=None):
    """Apply _log_kernel (or ``kernel``) by blocks to flat contiguous hi, lo; the results are rows of one (2, n) array."""
    kernel = _log_kernel if kernel is None else kernel
    n = hi.size
    out = np.empty((2, n))
    B = _LOG_BLOCK
    with np.errstate(under="ignore"):  # tiny values underflow by design
        for s in range(0, n, B):
            e = min(s + B, n)
            kernel(hi[s:e], lo[s:e], out[0, s:e], out[1, s:e], _log_views(e - s))
    return out[0], out[1]


def log_dd(hi, lo):
    """log(hi + lo) as a dd, for a positive dd with hi in [1e-300, 1e300].

    Absolute error <= 1e-30 * max(1, |log(hi + lo)|) (measured: <= 7e-32).
    hi may also be subnormal (then lo is 0) or up to the largest double.
    Never NaN on the domain; the result is a normalized dd.  Cost: ~1.2 ms per
    65,536 elements on the development machine, ~10x less than the former
    method (libm log corrected by a dd exp).

    Method (details in the comment above _log_ratio_fixed): hi = 2**k z; two
    exact multiplicative reductions z c1 (1 - d) = 1 + a - q with table
    reciprocals c1 (256 cells, 9 bits) and 1 - d (d a multiple of 2**-18), so
    that |a| <= 2**-18.9; then
    log = k ln2 - log c1 - log(1 - d) + log1p(a - q) + lo / hi, the three
    logarithms from dd tables and log1p by a degree-5 series, whose square
    term is split exactly.  No exp, no libm call.

    Parameters
    ----------
    hi, lo : array_like of float64 (broadcast together)

    Returns
    -------
    y_hi, y_lo : ndarray of the broadcast shape
    """
    hi, lo = np.broadcast_arrays(np.asarray(hi, dtype=np.float64), np.asarray(lo, dtype=np.float64))
    shape = hi.shape
    hi = np.ascontiguousarray(hi).ravel()
    lo = np.ascontiguousarray(lo).ravel()
    # subnormal hi (rare; NaN compares False): log(2**54 (hi + lo)) - 54 ln2
    scaled = bool(hi.size) and bool(hi.min() < _TINY_NORMAL)
    if scaled:
        sub = hi < _TINY_NORMAL
        hi = hi.copy()
        lo = lo.copy()
        hi[sub] *= 2.0**54
        lo[sub] *= 2.0**54
    yh, yl = _log_run(hi, lo)
    if scaled:
        k54h, k54l = _LOG_K[54 - _LOG_KMIN]  # 54 ln2 as dd
        with np.errstate(under="ignore"):
            yh[sub], yl[sub] = dd_add(yh[sub], yl[sub], -k54h, -k54l)
    return yh.reshape(shape), yl.reshape(shape)
