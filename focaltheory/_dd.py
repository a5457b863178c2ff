"""Vectorized double-double (dd) arithmetic: exp, log, log1p to ~1e-30.

A dd value is the unevaluated sum ``hi + lo`` of two float64 numbers with
``|lo| <= ulp(hi) / 2`` (``hi`` is the value rounded to double, ``lo`` the
rounding error), so it carries about 106 significant bits.  Every function
works elementwise on float64 numpy arrays of any shape (with broadcasting),
in pure numpy: no Python loop over elements and no mpmath at run time.
numpy has no fused multiply-add, so the exact product uses Veltkamp/Dekker
splitting (splitter ``2**27 + 1``).

Why: the solver forms terms like ``(gamma - 1) * log1p(exp(-|z|))`` and
``gamma * log1p(-q)`` with gamma up to 5000.  The half-ulp rounding of libm's
log1p, multiplied by gamma, is an accuracy floor of ~1e-13.  With the logs
as dd values (relative error ~1e-30) the product with gamma can be formed
exactly as a dd (``two_prod`` plus ``lo * gamma``).

Building blocks (exact, error-free transformations): ``two_sum``,
``fast_two_sum``, ``two_prod``; dd operations ``dd_add``, ``dd_mul``,
``dd_mul_d`` (relative error <= 3u**2 + 13u**3 and <= 7u**2, u = 2**-53,
Joldes, Muller & Popescu, ACM TOMS 44 (2017)), ``recip_dd`` and ``rowsum_dd``
(row sums).  Elementary functions:
``exp_dd``, ``log_dd``, ``log1p_dd``, ``log1m_dd``, ``softplus_neg_dd``.
``exp_dd`` uses a table of 2**(j/64) and a Taylor polynomial; ``log_dd``
uses two exact table reductions and a degree-5 series (no exp; its tables
are computed at import with integer arithmetic, ~5 ms) and writes its
intermediate results into per-thread scratch arrays (~2.4 MB), so that a
call allocates only its result.

Limits of the format: a dd whose ``lo`` would be subnormal (values below
~2**-969 ~ 2e-292) cannot carry 106 bits, because ``lo`` is rounded to a
multiple of 2**-1074.  The relative bounds therefore hold where the result
is >= ~1e-293 (exp_dd: x >= -675; softplus_neg_dd: a <= 675); below, the
absolute error is <= 2**-1074 (one subnormal spacing).  log1p_dd and
log1m_dd of tiny arguments are not affected (their value is then the input
itself, to far more than 1e-28).

These are private kernels for validated data: no input validation is done.
"""

import math
import threading

import numpy as np

__all__ = []  # private module

# ---------------------------------------------------------------------------
# constants (generated with mpmath at 400 bits; checked in tests/test_dd.py)
# ---------------------------------------------------------------------------

_SPLITTER = 134217729.0  # 2**27 + 1 (Veltkamp/Dekker)

# ln2/64 = _C1 + _C2 + _C3 (error 1.7e-43): _C1 and _C2 have 36 significant
# bits, so k * _C1 and k * _C2 are exact for |k| < 2**17 (|x| <= 745 gives
# |k| <= 68,800).
_INV_LN2_64 = 92.33248261689366  # 64 / ln2
_C1 = 0.010830424696223417
_C2 = 2.5728046223228848e-14
_C3 = 4.784126150029144e-26

# ln2 = _LN2_A + _LN2_B + _LN2_C (error 3.3e-44): _LN2_A and _LN2_B have 42
# significant bits, so e * _LN2_A and e * _LN2_B are exact for |e| < 2**11.
_LN2_A = 0.6931471805598903
_LN2_B = 5.4979230187085024e-14
_LN2_C = -1.3124698417785255e-27

_TAU = 2.0**-8  # |x| below this: log1p by the expm1 correction, not log

# 1/n! as dd for n = 2..5 (1/2 is exact), as double for n = 6..10
_F3 = (0.16666666666666666, 9.25185853854297e-18)
_F4 = (0.041666666666666664, 2.3129646346357427e-18)
_F5 = (0.008333333333333333, 1.1564823173178714e-19)
_F6_10 = (0.001388888888888889, 0.0001984126984126984, 2.48015873015873e-05,
          2.7557319223985893e-06, 2.755731922398589e-07)

# 2**(j/64), j = 0..63, as dd (hi, lo)
_T = np.array([
    (1.0, 0.0),
    (1.0108892860517005, -1.5234778603368577e-17),
    (1.0218971486541166, 5.109225028973444e-17),
    (1.0330248790212284, 7.600838874027088e-18),
    (1.0442737824274138, 8.551889705537965e-17),
    (1.0556451783605572, 1.759325738772092e-18),
    (1.0671404006768237, -7.899853966841582e-17),
    (1.0787607977571199, -6.656660436056593e-17),
    (1.0905077326652577, -3.046782079812471e-17),
    (1.102382583307841, 5.2660368715706944e-17),
    (1.1143867425958924, 1.0410278456845571e-16),
    (1.1265216186082418, 5.165856758795457e-17),
    (1.1387886347566916, 8.912812676025408e-17),
    (1.1511892299529827, 3.250710218863827e-17),
    (1.1637248587775775, 3.8292048369240935e-17),
    (1.1763969916502812, 5.554203254218079e-17),
    (1.189207115002721, 3.982015231465646e-17),
    (1.202156731452703, 6.644981499252301e-17),
    (1.215247359980469, -7.712630692681488e-17),
    (1.22848053610687, -1.89878163130253e-17),
    (1.241857812073484, 4.658027591836937e-17),
    (1.255380757024691, -6.7113898212968784e-18),
    (1.2690509571917332, 2.667932131342186e-18),
    (1.2828700160787783, 1.713594918243561e-17),
    (1.2968395546510096, 2.5382502794888315e-17),
    (1.3109612115247644, -7.181536135519454e-17),
    (1.3252366431597413, -2.8587312100388614e-17),
    (1.339667524053303, 8.927282594831732e-17),
    (1.3542555469368927, 7.70094837980299e-17),
    (1.3690024229745905, 9.593797919118849e-17),
    (1.383909881963832, -6.770511658794786e-17),
    (1.3989796725383112, -9.614213209051323e-17),
    (1.4142135623730951, -9.667293313452913e-17),
    (1.42961333839197, -1.2031642489053655e-17),
    (1.4451808069770467, -3.0237581349939873e-17),
    (1.460917794180647, -5.600377186075216e-17),
    (1.4768261459394993, -3.483994556892796e-17),
    (1.4929077282912648, 1.4192920154284036e-17),
    (1.5091644275934228, -1.016455327754295e-16),
    (1.5255981507445384, -1.1024941712342561e-16),
    (1.5422108254079407, 7.949834809697621e-17),
    (1.559004400237837, 3.7812070533575275e-17),
    (1.5759808451078865, -1.0136916471278304e-17),
    (1.593142151342267, -1.0094406542311964e-16),
    (1.6104903319492543, 2.4707192569797888e-17),
    (1.6280274218573478, -6.712955084707084e-17),
    (1.645755478153965, -1.0125679913674773e-16),
    (1.6636765803267364, 5.8909926967131e-17),
    (1.681792830507429, 8.199010020581497e-17),
    (1.7001063537185235, -8.0237193703977e-18),
    (1.718619298122478, -1.851380418263111e-17),
    (1.7373338352737062, 3.164389299292957e-17),
    (1.7562521603732995, 2.960140695448873e-17),
    (1.7753764925265212, 6.429731796556572e-17),
    (1.7947090750031072, 1.8227458427912087e-17),
    (1.8142521755003989, -9.969531538920349e-17),
    (1.8340080864093424, 3.283107224245627e-17),
    (1.8539791250833855, 9.761887490727594e-17),
    (1.8741676341103, -6.122763413004143e-17),
    (1.8945759815869656, 3.4034035352165297e-17),
    (1.9152065613971474, -1.0619946056195963e-16),
    (1.9360617934922943, 1.0332385960676326e-16),
    (1.9571441241754002, 8.960767791036668e-17),
    (1.978456026387951, 4.0388753109278167e-17),
])
_T_HI = np.ascontiguousarray(_T[:, 0])
_T_LO = np.ascontiguousarray(_T[:, 1])
del _T


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
    """Veltkamp split: a = ah + al, each with at most 26 significant bits."""
    t = _SPLITTER * a
    ah = t - (t - a)
    return ah, a - ah


def two_prod(a, b):
    """Dekker's TwoProduct: ``p + err == a * b`` exactly, ``p = fl(a * b)``.

    Exact when ``|a|, |b| < ~1e300`` (the splitting multiplies by 2**27 + 1)
    and no partial product underflows, i.e. for ``|a * b| >= 2**-969``
    (~2e-292; then ``err`` is normal too) and for ``a * b == 0``.

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


def dd_mul(ahi, alo, bhi, blo):
    """Product of two dd numbers, relative error <= 7u**2 (u = 2**-53).

    Valid where ``two_prod(ahi, bhi)`` is exact.

    Returns
    -------
    hi, lo : ndarray
    """
    p, e = two_prod(ahi, bhi)
    e = e + (ahi * blo + alo * bhi)
    return fast_two_sum(p, e)


def dd_mul_d(ahi, alo, b):
    """Product of a dd number and a double, relative error <= 3u**2 (u = 2**-53).

    Valid where ``two_prod(ahi, b)`` is exact.

    Returns
    -------
    hi, lo : ndarray
    """
    p, e = two_prod(ahi, b)
    return fast_two_sum(p, e + alo * b)


def recip_dd(hi, lo):
    """1 / (hi + lo) for a dd number, relative error <= ~4u**2 (u = 2**-53).

    One Newton correction of y = 1/hi: the residual 1 - (hi + lo) y is exact
    to dd level (``two_prod`` gives hi * y exactly).  Valid where hi and 1/hi
    are normal.

    Returns
    -------
    hi, lo : ndarray
    """
    y = 1.0 / hi
    p, pe = two_prod(hi, y)
    r = ((1.0 - p) - pe) - lo * y
    return fast_two_sum(y, y * r)


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
# evaluation by blocks
# ---------------------------------------------------------------------------

_BLOCK = 16384  # elements per block: the ~30 live temporaries stay in cache


def _blockwise(core, *args):
    """Apply ``core`` (flat float64 arrays -> (hi, lo)) to broadcast ``args``.

    Large inputs are cut into blocks of ``_BLOCK`` elements (a loop over
    blocks, not elements): the many temporaries of dd arithmetic then stay in
    cache, which is ~2.5x faster than whole-array passes for 1e6 elements.
    Underflow is expected (tiny inputs, low parts) and silenced; on the
    documented domains no overflow, invalid or divide-by-zero occurs.
    """
    args = np.broadcast_arrays(*[np.asarray(a, dtype=np.float64) for a in args])
    shape = args[0].shape
    flat = [a.ravel() for a in args]
    n = flat[0].size
    with np.errstate(under="ignore"):  # tiny values underflow by design
        if n <= _BLOCK:
            hi, lo = core(*flat)
        else:
            hi = np.empty(n)
            lo = np.empty(n)
            for i in range(0, n, _BLOCK):
                hi[i:i + _BLOCK], lo[i:i + _BLOCK] = core(*[a[i:i + _BLOCK] for a in flat])
    return hi.reshape(shape), lo.reshape(shape)


# ---------------------------------------------------------------------------
# exp
# ---------------------------------------------------------------------------

def _horner_step(rh, rhh, rhl, rl, bh, bl, ch, cl):
    """c + r * b in dd, for |r * b| < |c|; (rhh, rhl) is the split of rh."""
    p = rh * bh
    bhh, bhl = _split(bh)
    e = ((rhh * bhh - p) + rhh * bhl + rhl * bhh) + rhl * bhl
    s = ch + p
    e = (p - (s - ch)) + (e + (rh * bl + rl * bh) + cl)
    return fast_two_sum(s, e)


def _expm1_poly(rh, rl):
    """expm1(r) for a dd r with |r| <= ln2/128 ~ 0.0054, as dd.

    Taylor polynomial of degree 10 (truncation < 4e-33 |r|) by Horner,
    r (1 + r (1/2 + r (1/6 + r (1/24 + r B4)))), B4 = 1/120 + r/720 + ...
    The terms of degree >= 6 are summed in double and B4 as double + dd
    constant (their rounding is < 1e-32 |r|); the outer levels in dd.
    Relative error ~ a few u**2, so also accurate for tiny r.
    """
    b = _F6_10[4]
    for c in _F6_10[3::-1]:
        b = c + rh * b  # 1/720 + r/5040 + ...
    t = rh * b
    bh = _F5[0] + t
    bl = (t - (bh - _F5[0])) + _F5[1]
    rhh, rhl = _split(rh)
    bh, bl = _horner_step(rh, rhh, rhl, rl, bh, bl, *_F4)
    bh, bl = _horner_step(rh, rhh, rhl, rl, bh, bl, *_F3)
    bh, bl = _horner_step(rh, rhh, rhl, rl, bh, bl, 0.5, 0.0)
    bh, bl = _horner_step(rh, rhh, rhl, rl, bh, bl, 1.0, 0.0)  # B0 = 1 + r/2 + ...
    p = rh * bh  # r * B0 (dd_mul, reusing the split of rh)
    bhh, bhl = _split(bh)
    e = ((rhh * bhh - p) + rhh * bhl + rhl * bhh) + rhl * bhl
    return fast_two_sum(p, e + (rh * bl + rl * bh))


def exp_dd(x):
    """exp(x) as a dd, for float64 x in [-740, 709].

    Relative error <= 1e-30 for -675 <= x <= 709.  Below -675 the value is
    below ~2e-293, where ``lo`` (and below -708 also ``hi``) is subnormal: the
    absolute error is then <= 2**-1074, and for x < -745.14 (exp(x) below half
    the smallest subnormal) the result is (0.0, 0.0).  Never NaN on the domain.

    Method: x = k ln2/64 + r with |r| <= ln2/128 (ln2/64 in three parts, r
    carried as dd), exp(x) = 2**(k // 64) * 2**((k % 64)/64) * (1 + expm1(r)),
    the 64 powers of two tabulated as dd, expm1(r) by a dd Taylor polynomial.

    Parameters
    ----------
    x : array_like of float64

    Returns
    -------
    hi, lo : ndarray of the shape of x
    """
    return _blockwise(_exp_core, x)


def _exp_core(x):
    k = np.rint(x * _INV_LN2_64)
    # k * _C1 is exact and so is the difference: for k != 0, x and k * _C1
    # are multiples of 2**-60, and |x - k * _C1| < 2**-7.
    s = x - k * _C1
    rh, rl = two_sum(s, -(k * _C2))
    rh, rl = two_sum(rh, rl - k * _C3)
    ph, pl = _expm1_poly(rh, rl)
    eh = 1.0 + ph  # |ph| < 0.006: fast_two_sum(1, ph)
    el = (ph - (eh - 1.0)) + pl
    ki = k.astype(np.int64)
    j = ki & 63
    h, l = dd_mul(_T_HI[j], _T_LO[j], eh, el)
    m = ki >> 6  # floor(k / 64)
    return np.ldexp(h, m), np.ldexp(l, m)


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
    np.bitwise_and(I2, _LOG_ZMASK, I3)    # F3 = zh (44 bits)
    sub(F2, F3, F2)                       # zl (< 2**-43)
    _LOG_C1.take(J0, None, F4, 'clip')    # c1 (9 bits)
    mul(F3, F4, F3)
    sub(F3, _F_ONE, F3)                   # zh c1 - 1 (exact, Sterbenz)
    mul(F2, F4, F2)
    add(F3, F2, F3)                       # F3 = r1 (exact)
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
    # -- log1p(a - q) = v + lowp, v = a - as**2/2
    add(F3, _LOG_MAGS, F5)
    sub(F5, _LOG_MAGS, F5)                # as = a rounded to 2**-35
    sub(F3, F5, F6)                       # at
    mul(F5, F5, F7)                       # as**2 (exact)
    add(F5, F3, F5)
    mul(F5, F6, F5)                       # F5 = (a + as) at = a**2 - as**2
    mul(F7, _F_HALF, F6)
    sub(F3, F6, F6)                       # F6 = v (exact: multiples of 2**-71)
    add(F7, F5, F7)                       # F7 = a**2 (rounded)
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
    add(kh, th, F7)                       # s1 (|kh| > |th| or kh = 0)
    sub(F7, kh, F5)
    sub(th, F5, F5)                       # e1
    add(F7, F6, F4)                       # s2 (|s1| > |v| or s1 = 0)
    sub(F4, F7, F7)
    sub(F6, F7, F7)                       # e2
    add(kl, tl, F6)
    add(F6, F5, F6)
    add(F6, F7, F6)
    add(F6, F8, F6)
    np.divide(lo, hi, F5)                 # log1p(lo / hi)
    add(F6, F5, F6)                       # all low parts
    add(F4, F6, oh)
    sub(oh, F4, F4)
    sub(F6, F4, ol)


_LOG_TLS = threading.local()


class _LogViews:
    """Views of the log scratch arrays for blocks of m elements."""

    def __init__(self, F, X, M, m):
        self.F = [f[:m] for f in F]
        self.I = [f.view(_U64) for f in self.F[:5]]
        self.J = [self.F[i].view(np.int64) for i in (0, 1, 4)]
        self.X = [x[:m] for x in X]
        self.cols = [self.X[0][:, 0], self.X[2][:, 0], self.X[0][:, 1], self.X[2][:, 1]]
        self.M = M[:m]


def _log_views(m):
    """Scratch views for blocks of m <= _LOG_BLOCK elements, kept per thread.

    The scratch arrays (145 _LOG_BLOCK bytes: 2.4 MB) are allocated once per
    thread and reused, so a call allocates nothing but its result: fresh
    large temporaries are a source of page faults, which can cost more than
    the arithmetic here.  The block size trades the per-call overhead of the
    ~70 numpy calls per block against cache size.
    """
    S = getattr(_LOG_TLS, "scratch", None)
    if S is None or S[0].shape[1] < m:
        B = max(m, _LOG_BLOCK)
        S = (np.empty((_LOG_NBUF + 3, B)), np.empty((3, B, 2)), np.empty(B, dtype=bool), {})
        _LOG_TLS.scratch = S
    F, X, M, cache = S
    V = cache.get(m)
    if V is None:
        V = _LogViews(F, X, M, m)
        if m == F.shape[1]:
            cache[m] = V
    return V


def _log_run(hi, lo, x=None, sign=1.0):
    """Apply _log_kernel by blocks to flat contiguous hi, lo, or log1p(sign x).

    x given: hi, lo are ignored; each block of 1 + sign x is formed exactly by
    two_sum, and elements with |x| < 2**-8 are then replaced by
    _log1p_small(sign x) (relative accuracy for small x).  sign is 1.0
    (log1p) or -1.0 (log1m).  Returns the flat results (rows of one (2, n)
    array).
    """
    n = (hi if x is None else x).size
    out = np.empty((2, n))
    B = _LOG_BLOCK
    small = []  # (log1p) indices with |x| < 2**-8, done in one call at the end
    with np.errstate(under="ignore"):  # tiny values underflow by design
        for s in range(0, n, B):
            e = min(s + B, n)
            V = _log_views(e - s)
            if x is None:
                h, l = hi[s:e], lo[s:e]
            else:  # (h, l) = two_sum(1, sign x)
                xb = x[s:e]
                h, l, t = V.F[_LOG_NBUF:]
                if sign > 0:
                    np.add(_F_ONE, xb, h)
                    np.subtract(h, _F_ONE, t)   # bb
                    np.subtract(h, t, l)
                    np.subtract(_F_ONE, l, l)   # 1 - (s - bb)
                    np.subtract(xb, t, t)       # x - bb
                    np.add(l, t, l)
                else:
                    np.subtract(_F_ONE, xb, h)
                    np.subtract(h, _F_ONE, t)
                    np.subtract(h, t, l)
                    np.subtract(_F_ONE, l, l)
                    np.add(xb, t, t)            # -(-x - bb)
                    np.subtract(l, t, l)
            _log_kernel(h, l, out[0, s:e], out[1, s:e], V)
            if x is not None:
                t = V.F[_LOG_NBUF + 2]
                np.absolute(xb, t)
                np.less(t, _TAU, V.M)
                if V.M.any():
                    small.append(np.flatnonzero(V.M) + s)
        if small:
            idx = np.concatenate(small)
            out[0, idx], out[1, idx] = _log1p_small(sign * x[idx], 0.0)
    return out[0], out[1]


def _log_core(hi, lo):
    """log(hi + lo) as dd for flat float64 arrays (no broadcasting; hi normal)."""
    hi = np.ascontiguousarray(hi, dtype=np.float64)
    lo = np.ascontiguousarray(lo, dtype=np.float64)
    return _log_run(hi.ravel(), lo.ravel())


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


def _log1p_small(xh, xl):
    """log1p(xh + xl) as dd for |xh| < 2**-8, relative error ~ a few u**2.

    y0 = log1p(xh) (libm); 1 + x = exp(y0) (1 + u) with
    u = (x - expm1(y0)) / exp(y0) ~ 1e-16 x, expm1(y0) in dd; x - expm1(y0)
    is formed without cancellation error (Sterbenz), so the result y0 + u
    keeps its relative accuracy down to subnormal x.  (Used by softplus_neg_dd.)
    """
    y0 = np.log1p(xh)
    ph, pl = _expm1_poly(y0, 0.0)
    delta = (xh - ph) + (xl - pl)
    return fast_two_sum(y0, delta / (1.0 + ph))


def log1p_dd(x):
    """log(1 + x) as a dd, for float64 x > -1 (up to 1e300).

    Relative error <= 1e-28 everywhere on the domain (log1p(0) = (0.0, 0.0)),
    including tiny and subnormal x.  Never NaN on the domain.

    Method: |x| >= 2**-8: log_dd's kernel on 1 + x = two_sum(1, x) (absolute
    error <= ~2**-104, |log1p(x)| >= 2**-8.01); |x| < 2**-8 by the expm1
    correction of libm's log1p (keeps relative accuracy down to subnormal x).

    Parameters
    ----------
    x : array_like of float64

    Returns
    -------
    hi, lo : ndarray of the shape of x
    """
    x = np.asarray(x, dtype=np.float64)
    yh, yl = _log_run(None, None, x=np.ascontiguousarray(x).ravel())
    return yh.reshape(x.shape), yl.reshape(x.shape)


def log1m_dd(q):
    """log(1 - q) as a dd, for float64 q in [0, 1).

    Relative error <= 1e-28 (and log1m(0) is zero); tiny q gives ~ -q to full
    relative accuracy, q near 1 uses 1 - q exactly.  Never NaN on the domain.
    Same as ``log1p_dd(-q)``.

    Parameters
    ----------
    q : array_like of float64

    Returns
    -------
    hi, lo : ndarray of the shape of q
    """
    q = np.asarray(q, dtype=np.float64)
    yh, yl = _log_run(None, None, x=np.ascontiguousarray(q).ravel(), sign=-1.0)
    return yh.reshape(q.shape), yl.reshape(q.shape)


def softplus_neg_dd(a):
    """log(1 + exp(-a)) as a dd, for float64 a >= 0 (any size, inf allowed).

    Relative error <= 1e-28 for 0 <= a <= 675.  For larger a the value is
    ~exp(-a) < 2e-293 and inherits exp_dd's absolute error <= 2**-1074 (the
    subnormal spacing); for a > 745.14 (value below half the smallest
    subnormal, where np.exp(-a) is 0 too) the result is exactly (0.0, 0.0).
    Never NaN on the domain.

    Method: e = exp_dd(-a); e < 2**-8: log1p of the dd e by the expm1
    correction (the low part of e is kept); otherwise log_dd(1 + e).

    Parameters
    ----------
    a : array_like of float64

    Returns
    -------
    hi, lo : ndarray of the shape of a
    """
    return _blockwise(_softplus_neg_core, a)


def _softplus_neg_core(a):
    eh, el = _exp_core(-np.minimum(a, 746.0))  # exp(-746) rounds to 0
    hi = np.empty_like(eh)
    lo = np.empty_like(eh)
    small = eh < _TAU
    hi[small], lo[small] = _log1p_small(eh[small], el[small])
    big = ~small
    s, t = two_sum(1.0, eh[big])
    hi[big], lo[big] = _log_core(*fast_two_sum(s, t + el[big]))
    return hi, lo
