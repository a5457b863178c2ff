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

Limits of the format: a dd whose ``lo`` would be subnormal (values below
~2**-969 ~ 2e-292) cannot carry 106 bits, because ``lo`` is rounded to a
multiple of 2**-1074.  The relative bounds therefore hold where the result
is >= ~1e-293 (exp_dd: x >= -675; softplus_neg_dd: a <= 675); below, the
absolute error is <= 2**-1074 (one subnormal spacing).  log1p_dd and
log1m_dd of tiny arguments are not affected (their value is then the input
itself, to far more than 1e-28).

These are private kernels for validated data: no input validation is done.
"""

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

_SQRT_HALF = 0.7071067811865476
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
# logarithms
# ---------------------------------------------------------------------------

def log_dd(hi, lo):
    """log(hi + lo) as a dd, for a positive dd with hi in [1e-300, 1e300].

    Absolute error <= 1e-30 * max(1, |log(hi + lo)|).  Never NaN on the domain.

    Method: hi + lo = 2**e * f with f in [sqrt(1/2), sqrt(2)); y0 = log(f)
    (libm); d = f * exp_dd(-y0) - 1 (~1e-16, in dd); then
    log(hi + lo) = e ln2 + y0 + d - d**2/2 (ln2 in three parts).

    Parameters
    ----------
    hi, lo : array_like of float64 (broadcast together)

    Returns
    -------
    y_hi, y_lo : ndarray of the broadcast shape
    """
    return _blockwise(_log_core, hi, lo)


def _log_core(hi, lo):
    f, ex = np.frexp(hi)
    low = f < _SQRT_HALF
    f = np.where(low, f + f, f)
    ex = ex - low
    flo = np.ldexp(lo, -ex)
    y0 = np.log(f)
    eh, el = _exp_core(-y0)
    ph, pl = dd_mul(f, flo, eh, el)
    d = (ph - 1.0) + pl  # ph - 1 is exact (ph in [1/2, 2])
    ef = ex.astype(np.float64)
    s, t1 = two_sum(ef * _LN2_A, y0)
    s, t2 = two_sum(s, ef * _LN2_B)
    t = (((t1 + t2) + ef * _LN2_C) + d) - 0.5 * d * d
    return two_sum(s, t)


def _log1p_small(xh, xl):
    """log1p(xh + xl) as dd for |xh| < 2**-8, relative error ~ a few u**2.

    y0 = log1p(xh) (libm); 1 + x = exp(y0) (1 + u) with
    u = (x - expm1(y0)) / exp(y0) ~ 1e-16 x, expm1(y0) in dd; x - expm1(y0)
    is formed without cancellation error (Sterbenz), so the result y0 + u
    keeps its relative accuracy down to subnormal x.
    """
    y0 = np.log1p(xh)
    ph, pl = _expm1_poly(y0, 0.0)
    delta = (xh - ph) + (xl - pl)
    return fast_two_sum(y0, delta / (1.0 + ph))


def log1p_dd(x):
    """log(1 + x) as a dd, for float64 x > -1 (up to 1e300).

    Relative error <= 1e-28 everywhere on the domain (log1p(0) = (0.0, 0.0)),
    including tiny and subnormal x.  Never NaN on the domain.

    Method: |x| < 2**-8 by the expm1 correction of libm's log1p (keeps
    relative accuracy); otherwise log_dd of 1 + x, formed exactly by two_sum.

    Parameters
    ----------
    x : array_like of float64

    Returns
    -------
    hi, lo : ndarray of the shape of x
    """
    return _blockwise(_log1p_core, x)


def _log1p_core(x):
    hi = np.empty_like(x)
    lo = np.empty_like(x)
    small = np.abs(x) < _TAU
    hi[small], lo[small] = _log1p_small(x[small], 0.0)
    big = ~small
    hi[big], lo[big] = _log_core(*two_sum(1.0, x[big]))
    return hi, lo


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
    return log1p_dd(np.negative(np.asarray(q, dtype=np.float64)))


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
