"""Tests of the double-double kernels in focaltheory._dd.

References are mpmath at 60 digits; a dd result (hi, lo) is converted exactly
as mpf(hi) + mpf(lo).  The error-free transformations (two_sum, two_prod,
fast_two_sum) are checked for exactness with mpmath's exact addition and
multiplication.  Bounds (module docstring of focaltheory._dd):

    log_dd           absolute 1e-30 * max(1, |log x|), hi in [1e-300, 1e300]
    dd_add, dd_mul_d relative 3u**2 + 13u**3 and 3u**2 (u = 2**-53)
    rowsum_dd        absolute u**2 sum|x| (1 + log2 K)

Each bound is checked on a fixed grid of edge values and on hypothesis-drawn
arrays (vectors and matrices, so the vectorized code paths are exercised).
log_dd's grids also cover the edges of its table method (stage-1 cell edges,
stage-2 index switches, both sides of 1, every 2**k, subnormal hi), and its
tables are checked against mpmath (``test_log_tables``).
``test_the_measurement_can_fail_log`` shows that plain double results violate
the same checks, so the measurement is meaningful.  The worst errors seen are
printed at the end of the module (``pytest -s``).
"""

import math

import mpmath
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from mpmath import mp

from focaltheory import _dd

DPS = 60
U = 2.0**-53
TINY = 2.0**-1074  # smallest subnormal

LOG_ABS = 1e-30

WORST = {}  # name -> worst error seen, printed at the end of the module


def _record(name, err):
    if name is not None:
        WORST[name] = max(WORST.get(name, 0.0), float(err))


@pytest.fixture(scope="module", autouse=True)
def _report_worst():
    yield
    print("\nworst errors seen (test_dd):")
    for name in sorted(WORST):
        print(f"  {name:28s} {WORST[name]:.3e}")


def _mp(hi, lo):
    return mp.mpf(float(hi)) + mp.mpf(float(lo))


def _errors(hi, lo, args, ref, scale):
    """Per element |(hi + lo) - ref(*args)| / scale(ref, *args), at 60 digits.

    Elements whose reference is exactly 0 must be returned as (±0, ±0).
    """
    hi, lo = np.broadcast_arrays(hi, lo)
    args = np.broadcast_arrays(*args)
    errs = []
    with mp.workdps(DPS):
        for i in np.ndindex(hi.shape):
            xs = [mp.mpf(float(a[i])) for a in args]
            r = ref(*xs)
            v = _mp(hi[i], lo[i])
            if r == 0:
                assert hi[i] == 0.0 and lo[i] == 0.0, (xs, hi[i], lo[i])
                errs.append(0.0)
            else:
                errs.append(float(abs(v - r) / scale(r, *xs)))
    return np.array(errs).reshape(hi.shape)


def _log_scale(r, *xs):
    return max(mp.mpf(1), abs(r))


def _finite(hi, lo):
    assert np.all(np.isfinite(hi)) and np.all(np.isfinite(lo))


def _nearby(values):
    """values and their float neighbours on both sides."""
    v = np.asarray(values, dtype=np.float64)
    return np.concatenate([v, np.nextafter(v, -np.inf), np.nextafter(v, np.inf)])


# ---------------------------------------------------------------------------
# references (mpmath, 60 digits)
# ---------------------------------------------------------------------------

def _ref_log(hi, lo):
    # log(hi + lo) = log(hi) + log1p(lo / hi), each to 60 digits.  Not mp.log of the exact sum:
    # mpmath 1.3 returns 2.07e-284 for log(0.25 + 5.17e-285) given exactly (about 950 bits),
    # dropping the -2 log 2 (see test_log_reference_near_a_power_of_two)
    return mp.log(hi) + mp.log1p(lo / hi)


def test_log_reference_near_a_power_of_two():
    # the case hypothesis found: the reference, not log_dd, was wrong there
    hi, lo = 0.25, 5.1710200047821e-285
    with mp.workdps(DPS):
        want = -2 * mp.log(2) + mp.mpf(4) * mp.mpf(lo)  # log(1 + x) = x to far below 1e-60 here
        assert abs(_ref_log(mp.mpf(hi), mp.mpf(lo)) - want) < mp.mpf(10) ** -58
    check_log(np.array([hi]), np.array([lo]), "log: reference near a power of two")


# ---------------------------------------------------------------------------
# the checks, shared by grids and hypothesis
# ---------------------------------------------------------------------------

def check_log(hi, lo, name):
    hi, lo = np.broadcast_arrays(np.asarray(hi, dtype=np.float64), np.asarray(lo, dtype=np.float64))
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        yh, yl = _dd.log_dd(hi, lo)
    assert yh.shape == hi.shape
    _finite(yh, yl)
    assert np.all(np.abs(yl) <= np.spacing(np.abs(yh)) / 2)  # a normalized dd
    err = _errors(yh, yl, [hi, lo], _ref_log, _log_scale)
    _record(name, err.max())
    assert err.max() <= LOG_ABS, (hi.ravel()[np.argmax(err)], lo.ravel()[np.argmax(err)])


# ---------------------------------------------------------------------------
# fixed edge grids
# ---------------------------------------------------------------------------

# 1 - 2**-53 is the largest double below 1; sqrt(1/2) and 1 +- 2**-8 are
# seams of earlier reductions, kept as edge values.
_T8 = 2.0**-8
LOG_HI_GRID = np.concatenate([
    [1e-300, 1e300, 1.0, 1 - U, 1 + 2 * U, 0.5, 2.0, math.e, 1 / math.e, 10.0, 0.1, 1e-10, 1e10],
    _nearby([math.sqrt(0.5), math.sqrt(2.0), 1 + _T8, 1 - _T8, 2.0 ** (0.5 / 64), 2.0 ** (-0.5 / 64)]),
    2.0 ** np.arange(-996.0, 997.0, 83.0),
    np.exp(np.arange(-690.0, 691.0, 47.0)),
])
# Edges of log_dd's table method (comment above _dd._log_ratio_fixed):
# hi = 2**k z, z in [0.706, 1.412) in 256 cells of width 2**-9 below 1 and
# 2**-8 above, centred on 1 - m 2**-9 and 1 + m 2**-8 (the cell of 1 is
# [1 - 2**-10, 1 + 2**-9)); in the cell, r1 = z c1 - 1 and the second table
# index j = round(r1 (1 - r1) 2**18) changes where r1 (1 - r1) = (j + 1/2) 2**-18.
_CELL_EDGES = np.concatenate([1 - (np.arange(151) + 0.5) * 2.0**-9,   # below 1, incl. range start
                              1 + (np.arange(106) + 0.5) * 2.0**-8])  # above 1, incl. range end
LOG_CELL_GRID = _nearby(_CELL_EDGES)  # each edge and its two float neighbours


def _stage2_switches():
    """z where j changes: first, last, middle switches and those around 0 in six cells (150: the cell of 1)."""
    zs = []
    for cell in (0, 1, 149, 150, 151, 255):
        centre = 1 - (150 - cell) * 2.0**-9 if cell < 150 else 1 + (cell - 150) * 2.0**-8
        lo_end = centre - (2.0**-10 if cell <= 150 else 2.0**-9)
        hi_end = centre + (2.0**-10 if cell < 150 else 2.0**-9)
        c1 = mp.mpf(float(_dd._LOG_C1[cell]))
        with mp.workdps(40):
            ends = [float((z * c1 - 1) * (1 - (z * c1 - 1)) * 2**18) for z in (mp.mpf(lo_end), mp.mpf(hi_end))]
            first, last = math.ceil(ends[0] - 0.5), math.floor(ends[1] - 0.5)  # switches j -> j + 1
            for j in sorted({first, first + 1, -1, 0, (first + last) // 2, last - 1, last}):
                if first <= j <= last:  # r1 (1 - r1) = (j + 1/2) 2**-18, z = (1 + r1) / c1
                    r1 = (1 - mp.sqrt(1 - 4 * (j + mp.mpf(0.5)) * mp.mpf(2)**-18)) / 2
                    zs.append(float((1 + r1) / c1))
    return _nearby(zs)


LOG_SWITCH_GRID = _stage2_switches()
# near 1 on both sides: hi in [1, 2) and in [0.5, 1) (r1 = hi - 1 in the cell of 1, k = 0; the
# change of k, at z = 0.706, is in LOG_CELL_GRID)
LOG_NEAR_ONE_GRID = np.concatenate([
    [1.0, 1 - U, 1 - 2 * U, 1 - 3 * U, 1 + 2 * U, 1 + 4 * U, 1 + 6 * U],
    1 + np.array([1e-15, -1e-15, 1e-10, -1e-10, 1e-6, -1e-6, 2.0**-19, -(2.0**-19), 2.0**-11, -(2.0**-11)]),
])
LOG_POW2_GRID = 2.0 ** np.arange(-1022.0, 1024.0)  # every exponent: every row of the k ln2 table


def test_log_grid():
    hi = LOG_HI_GRID
    spacing = np.spacing(hi)
    for lo in (np.zeros_like(hi), spacing / 2, -spacing / 2, spacing * 0.3141592653589793):
        check_log(hi, lo, "log_dd")


def test_log_table_edges():
    """Stage-1 cell edges, stage-2 index switches, x near 1, 2**k (k in ±1, 5, ±1000)."""
    for z in (LOG_CELL_GRID, LOG_SWITCH_GRID, LOG_NEAR_ONE_GRID):
        for k in (0, -1, 5, -1000, 1000):
            hi = z * 2.0**k
            spacing = np.spacing(hi)
            for lo in (np.zeros_like(hi), spacing / 2, -spacing / 2, spacing * 0.3141592653589793):
                check_log(hi, lo, "log_dd")


def test_log_powers_of_two_and_extremes():
    hi = np.concatenate([LOG_POW2_GRID, [np.finfo(np.float64).max, np.nextafter(2.0**-1022, 1.0)]])
    check_log(hi, np.zeros_like(hi), "log_dd")
    check_log(hi, -hi * 2.0**-55, "log_dd")  # just below 2**k: the other cell and exponent


def test_log_subnormal_hi():
    hi = np.array([TINY, 3 * TINY, 2.0**-1060, 1e-310, 2.0**-1022 - TINY, 2.0**-1023 * 1.4142])
    check_log(hi, np.zeros_like(hi), "log_dd")
    check_log(np.concatenate([hi, [1.0, 1e-300]]), 0.0, "log_dd")  # mixed with normal


# ---------------------------------------------------------------------------
# hypothesis: arrays over each domain
# ---------------------------------------------------------------------------

_SHAPES = hnp.array_shapes(min_dims=1, max_dims=2, min_side=1, max_side=6)


_FAST = settings(max_examples=200, deadline=None)


@st.composite
def _dd_positive(draw):
    shape = draw(_SHAPES)
    hi = draw(hnp.arrays(np.float64, shape, elements=st.one_of(
        st.floats(1e-300, 1e300), st.floats(0.5, 2.0), st.floats(1 - 1e-6, 1 + 1e-6))))
    frac = draw(hnp.arrays(np.float64, shape, elements=st.floats(-0.5, 0.5)))
    return hi, frac * np.spacing(hi)


@_FAST
@given(_dd_positive())
def test_log_hypothesis(hilo):
    check_log(*hilo, "log_dd")


@st.composite
def _dd_near_edges(draw):
    """hi within a few ulps of a stage-1 cell edge or a stage-2 switch, times 2**k."""
    shape = draw(_SHAPES)
    n = int(np.prod(shape))
    base = np.concatenate([_CELL_EDGES, LOG_SWITCH_GRID])
    pick = draw(hnp.arrays(np.int64, n, elements=st.integers(0, base.size - 1)))
    ulps = draw(hnp.arrays(np.int64, n, elements=st.integers(-4, 4)))
    k = draw(hnp.arrays(np.int64, n, elements=st.integers(-1020, 1020)))
    z = base[pick] + ulps * np.spacing(base[pick])
    hi = (z * 2.0 ** k).reshape(shape)
    frac = draw(hnp.arrays(np.float64, shape, elements=st.floats(-0.5, 0.5)))
    return hi, frac * np.spacing(hi)


@_FAST
@given(_dd_near_edges())
def test_log_hypothesis_near_edges(hilo):
    check_log(*hilo, "log_dd")


# ---------------------------------------------------------------------------
# the measurement can fail
# ---------------------------------------------------------------------------

def test_the_measurement_can_fail_log():
    """libm's log (lo = 0) violates log_dd's bound on the edge grid; so does a 2e-30 perturbation."""
    hi = np.concatenate([LOG_CELL_GRID, LOG_SWITCH_GRID]) * 2.0**3
    lo = np.spacing(hi) * 0.3141592653589793
    err = _errors(np.log(hi), np.zeros_like(hi), [hi, lo], _ref_log, _log_scale)
    assert err.max() > 1e10 * LOG_ABS
    yh, yl = _dd.log_dd(hi, lo)
    err = _errors(yh, yl + 2e-30 * np.maximum(1, np.abs(yh)), [hi, lo], _ref_log, _log_scale)
    assert err.max() > LOG_ABS


# ---------------------------------------------------------------------------
# error-free transformations and dd operations
# ---------------------------------------------------------------------------

def _exact_sum(*xs):
    total = mp.mpf(0)
    for x in xs:
        total = mpmath.fadd(total, mp.mpf(float(x)), exact=True)
    return total


def _exact_prod(a, b):
    return mpmath.fmul(mp.mpf(float(a)), mp.mpf(float(b)), exact=True)


_WIDE = st.floats(-1e300, 1e300)


@_FAST
@given(hnp.arrays(np.float64, _SHAPES, elements=_WIDE), st.data())
def test_two_sum_and_fast_two_sum_exact(a, data):
    b = data.draw(hnp.arrays(np.float64, a.shape, elements=st.one_of(_WIDE, st.floats(-1.0, 1.0))))
    s, e = _dd.two_sum(a, b)
    assert np.array_equal(s, a + b)
    big = np.where(np.abs(a) >= np.abs(b), a, b)
    small = np.where(np.abs(a) >= np.abs(b), b, a)
    fs, fe = _dd.fast_two_sum(big, small)
    for i in np.ndindex(a.shape):
        exact = _exact_sum(a[i], b[i])
        assert _exact_sum(s[i], e[i]) == exact
        assert _exact_sum(fs[i], fe[i]) == exact
        assert abs(e[i]) <= abs(np.spacing(s[i])) / 2


_MID = st.one_of(st.floats(1e-145, 1e145), st.floats(-1e145, -1e-145), st.just(0.0),
                 st.sampled_from([1 - U, 1 + 2 * U, 2.0**-480, 3.0, 1 / 3]))


@_FAST
@given(hnp.arrays(np.float64, _SHAPES, elements=_MID), st.data())
def test_two_prod_exact(a, data):
    b = data.draw(hnp.arrays(np.float64, a.shape, elements=_MID))
    p, e = _dd.two_prod(a, b)
    assert np.array_equal(p, a * b)
    for i in np.ndindex(a.shape):
        assert _exact_sum(p[i], e[i]) == _exact_prod(a[i], b[i]), (a[i], b[i])


def test_two_prod_exact_edges():
    a = np.array([1 - U, 1 - U, 2.0**500, 1e150, 134217729.0, 3.0, -0.1, 2.0**-484])
    b = np.array([1 - U, 1 + 2 * U, 2.0**-500, 1e-150, 134217729.0, 1 / 3, 0.1, 2.0**-484])
    p, e = _dd.two_prod(a, b)
    for i in range(a.size):
        assert _exact_sum(p[i], e[i]) == _exact_prod(a[i], b[i])


@st.composite
def _dd_numbers(draw, shape):
    hi = draw(hnp.arrays(np.float64, shape, elements=st.one_of(
        st.floats(1e-100, 1e100), st.floats(-1e100, -1e-100), st.floats(-4.0, 4.0).filter(lambda v: abs(v) > 1e-3))))
    frac = draw(hnp.arrays(np.float64, shape, elements=st.floats(-0.5, 0.5)))
    return _dd.fast_two_sum(hi, frac * np.spacing(hi))


@_FAST
@given(st.data())
def test_dd_operations_bounds(data):
    shape = data.draw(_SHAPES)
    ah, al = data.draw(_dd_numbers(shape))
    bh, bl = data.draw(_dd_numbers(shape))
    if data.draw(st.booleans()):  # cancellation: b ~ -a
        bh, bl = _dd.fast_two_sum(-ah, -al + data.draw(st.floats(-4.0, 4.0)) * np.spacing(ah))
    sh, sl = _dd.dd_add(ah, al, bh, bl)
    dh, dl = _dd.dd_mul_d(ah, al, bh)
    with mp.workprec(2200):
        for i in np.ndindex(shape):
            a, b = _exact_sum(ah[i], al[i]), _exact_sum(bh[i], bl[i])
            s = a + b
            if s != 0:
                err = abs(_exact_sum(sh[i], sl[i]) - s) / abs(s)
                _record("dd_add / u**2", err / U**2)
                assert err <= 3 * U**2 + 13 * U**3
            d = a * mp.mpf(float(bh[i]))
            err = abs(_exact_sum(dh[i], dl[i]) - d) / abs(d)
            _record("dd_mul_d / u**2", err / U**2)
            assert err <= 3 * U**2


@_FAST
@given(st.data())
def test_rowsum_dd_bound(data):
    """Row sums exact to dd level relative to sum |x|, whatever the cancellation."""
    n, K = data.draw(st.integers(1, 4)), data.draw(st.integers(1, 37))
    hi = data.draw(hnp.arrays(np.float64, (n, K), elements=st.one_of(
        st.floats(-1.0, 1.0), st.floats(-1e-20, 1e-20), st.sampled_from([0.0, 1.0, -1.0, 2.0**-60]))))
    if data.draw(st.booleans()):  # heavy cancellation: append the negated sum
        hi = np.concatenate([hi, -hi.sum(axis=1, keepdims=True)], axis=1)
        K += 1
    lo = hi * data.draw(st.floats(-U / 2, U / 2))
    sh, sl = _dd.rowsum_dd(hi, lo)
    assert sh.shape == (n,)
    with mp.workprec(2200):
        for i in range(n):
            exact = _exact_sum(*hi[i], *lo[i])
            mag = sum(abs(mp.mpf(float(v))) for v in hi[i])
            err = abs(_exact_sum(sh[i], sl[i]) - exact)
            _record("rowsum_dd / (u**2 sum|x|)", err / (U**2 * mag) if mag else 0.0)
            assert err <= U**2 * mag * (1 + math.log2(K)) + TINY


def test_rowsum_dd_can_fail_against_a_plain_sum():
    """The bound above refutes the plain float sum (hi.sum(), lo = 0) on a cancelling row."""
    hi = np.array([[1.0, 1e-17, -1.0, 3e-18]])
    sh, sl = _dd.rowsum_dd(hi, np.zeros_like(hi))
    with mp.workprec(2200):
        exact = _exact_sum(*hi[0])
        assert abs(_exact_sum(sh[0], sl[0]) - exact) <= U**2 * 2
        assert abs(mp.mpf(float(hi.sum())) - exact) > U**2 * 2 * 1e10


# ---------------------------------------------------------------------------
# constants, shapes, blocks
# ---------------------------------------------------------------------------

def _significant_bits(v):
    n = abs(float(v).as_integer_ratio()[0])
    while n % 2 == 0:
        n //= 2
    return n.bit_length()


def test_log_tables():
    """log_dd's tables against mpmath (300 bits) and the exactness conditions of its method.

    c1 has at most 9 significant bits and |z c1 - 1| <= _LOG_R1 < 2**-8 over
    each cell (so r1 = z c1 - 1 is exact); T1 = -log c1 and T2 = -log(1 - j 2**-18)
    are dd numbers with high parts on the grid 2**-54 and errors below the
    rounding of their low parts (|lo| <= 2**-55: error <= 2**-109); the rows
    of k ln2 are the dd rounding of k ln2 (error <= u**2 |k ln2| / 2).
    """
    from fractions import Fraction
    c1, t1, t2, kt = _dd._LOG_C1, _dd._LOG_T1, _dd._LOG_T2, _dd._LOG_K
    J, R1 = _dd._LOG_J, _dd._LOG_R1
    assert c1.shape == (256,) and t1.shape == (256, 2) and t2.shape == (2 * J + 1, 2)
    assert R1 < 2.0**-8.4 and J >= R1 * (1 + R1) * 2**18 + 0.5
    centres = np.concatenate([1 - np.arange(150, 0, -1) * 2.0**-9, 1 + np.arange(106) * 2.0**-8])
    r1max = Fraction(0)
    with mp.workprec(300):
        for i in range(256):
            c, g = c1[i], centres[i]
            assert _significant_bits(c) <= 9
            w = 2.0**-10 if g < 1 else 2.0**-9  # half-width; the cell of 1 is [1 - 2**-10, 1 + 2**-9)
            lo_end = g - (2.0**-10 if g <= 1 else w)
            for z in (lo_end, g + w):
                r1max = max(r1max, abs(Fraction(z) * Fraction(c) - 1))
            t = -mp.log(mp.mpf(float(c)))
            assert abs(_exact_sum(t1[i, 0], t1[i, 1]) - t) <= 2.0**-109
            assert t1[i, 0] == round(t1[i, 0] * 2.0**54) * 2.0**-54 and abs(t1[i, 1]) <= 2.0**-55
        assert c1[150] == 1.0 and t1[150, 0] == 0.0 and t1[150, 1] == 0.0
        assert r1max <= Fraction(R1) < Fraction(1, 256)
        for j in range(-J, J + 1):
            h, l = t2[j + J]
            t = -mp.log1p(-mp.mpf(j) / 2**18)
            assert abs(_exact_sum(h, l) - t) <= 2.0**-109
            assert h == round(h * 2.0**54) * 2.0**-54 and abs(l) <= 2.0**-55
        assert t2[J, 0] == 0.0 and t2[J, 1] == 0.0
        ln2 = mp.log(2)
        for k in range(_dd._LOG_KMIN, _dd._LOG_KMAX + 1):
            h, l = kt[k - _dd._LOG_KMIN]
            assert abs(_exact_sum(h, l) - k * ln2) <= U**2 * abs(k * ln2) / 2
            assert abs(l) <= np.spacing(abs(h)) / 2


def test_shapes_and_broadcasting():
    hi, lo = _dd.log_dd(0.25, 0.0)
    assert isinstance(hi, np.ndarray) and hi.shape == () and lo.shape == ()
    hi, lo = _dd.log_dd(np.array([[1.0], [2.0], [3.0]]), np.array([0.0, 1e-17, -1e-17, 2e-17]))
    assert hi.shape == (3, 4)
    check_log(*np.broadcast_arrays(np.array([[1.0], [2.0], [3.0]]), np.array([0.0, 1e-17, -1e-17, 2e-17])),
              "log_dd")
    hi, lo = _dd.dd_add(np.ones((3, 1)), 0.0, np.arange(4.0), 0.0)
    assert hi.shape == (3, 4)


def test_blocks_equal_small_calls():
    """Arrays larger than one block of the log kernel give bit-identical results to small calls."""
    rng = np.random.default_rng(7)
    n = 2 * _dd._LOG_BLOCK + 5
    x = np.exp(rng.uniform(-690, 690, n))
    hi, lo = _dd.log_dd(x, x * 1e-17)
    _finite(hi, lo)
    idx = rng.choice(n, 200, replace=False)
    h2, l2 = _dd.log_dd(x[idx], x[idx] * 1e-17)
    assert np.array_equal(hi[idx], h2) and np.array_equal(lo[idx], l2)
