"""Tests of the double-double kernels in focaltheory._dd.

References are mpmath at 60 digits; a dd result (hi, lo) is converted exactly
as mpf(hi) + mpf(lo).  The error-free transformations (two_sum, two_prod,
fast_two_sum) are checked for exactness with mpmath's exact addition and
multiplication.  Bounds (module docstring of focaltheory._dd):

    exp_dd           relative 1e-30 for x in [-675, 709]; below, absolute 2**-1074
    log_dd           absolute 1e-30 * max(1, |log x|), hi in [1e-300, 1e300]
    log1p_dd         relative 1e-28, x > -1
    log1m_dd         relative 1e-28, q in [0, 1)
    softplus_neg_dd  relative 1e-28 for a in [0, 675]; below, absolute 2**-1074

Each bound is checked on a fixed grid of edge values and on hypothesis-drawn
arrays (vectors and matrices, so the vectorized code paths are exercised).
log_dd's grids also cover the edges of its table method (stage-1 cell edges,
stage-2 index switches, both sides of 1, every 2**k, subnormal hi), and its
tables are checked against mpmath (``test_log_tables``).
``test_the_measurement_can_fail`` shows that plain double results violate the
same checks, so the measurement is meaningful.  The worst errors seen are
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
LN2 = math.log(2.0)

EXP_REL = 1e-30
LOG_ABS = 1e-30
LOG1P_REL = 1e-28

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


def _rel(r, *xs):
    return abs(r)


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

def _ref_exp(x):
    return mp.exp(x)


def _ref_log(hi, lo):
    return mp.log(mpmath.fadd(hi, lo, exact=True))  # hi + lo exact, not rounded to 60 digits


def _ref_log1p(x):
    return mp.log1p(x)


def _ref_log1m(q):
    return mp.log1p(-q)


def _ref_softplus(a):
    return mp.log1p(mp.exp(-a))


# ---------------------------------------------------------------------------
# the checks, shared by grids and hypothesis
# ---------------------------------------------------------------------------

def check_exp(x, name):
    x = np.asarray(x, dtype=np.float64)
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        hi, lo = _dd.exp_dd(x)
    assert hi.shape == x.shape and lo.shape == x.shape
    _finite(hi, lo)
    rel = _errors(hi, lo, [x], _ref_exp, _rel)
    normal = x >= -675.0
    if normal.any():
        _record(name, rel[normal].max())
        assert rel[normal].max() <= EXP_REL, x[normal][np.argmax(rel[normal])]
    if (~normal).any():
        # below ~2e-293 the low part is subnormal: absolute error <= 2**-1074
        absolute = _errors(hi, lo, [x], _ref_exp, lambda r, *a: mp.mpf(1))
        bound = EXP_REL * np.exp(x) + TINY
        assert np.all(absolute[~normal] <= bound[~normal]), x[~normal]


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


def check_log1p(x, name, func=None, ref=_ref_log1p):
    func = func or _dd.log1p_dd
    x = np.asarray(x, dtype=np.float64)
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        hi, lo = func(x)
    assert hi.shape == x.shape
    _finite(hi, lo)
    err = _errors(hi, lo, [x], ref, _rel)
    _record(name, err.max())
    assert err.max() <= LOG1P_REL, x.ravel()[np.argmax(err)]


def check_log1m(q, name):
    check_log1p(q, name, func=_dd.log1m_dd, ref=_ref_log1m)


def check_softplus(a, name):
    a = np.asarray(a, dtype=np.float64)
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        hi, lo = _dd.softplus_neg_dd(a)
    assert hi.shape == a.shape
    _finite(hi, lo)
    rel = _errors(hi, lo, [a], _ref_softplus, _rel)
    normal = a <= 675.0
    if normal.any():
        _record(name, rel[normal].max())
        assert rel[normal].max() <= LOG1P_REL, a[normal][np.argmax(rel[normal])]
    if (~normal).any():
        absolute = _errors(hi, lo, [a], _ref_softplus, lambda r, *x: mp.mpf(1))
        bound = LOG1P_REL * np.exp(-a) + TINY
        assert np.all(absolute[~normal] <= bound[~normal]), a[~normal]


# ---------------------------------------------------------------------------
# fixed edge grids
# ---------------------------------------------------------------------------

_HALF_STEPS = (np.arange(-6, 6) + 0.5) * (LN2 / 64)  # rint boundaries of the reduction
_POW2 = 2.0 ** np.arange(-60, 10)

EXP_GRID = np.concatenate([
    [0.0, TINY, -TINY, 1e-300, -1e-300, 1e-20, -1e-20, 2.0**-60, 1e-10, -1e-10],
    [0.5, -0.5, 1.0, -1.0, 1 - U, -(1 - U), 2.0, LN2 / 2, -LN2 / 2, LN2 / 128, -LN2 / 128],
    _nearby(_HALF_STEPS),
    _nearby(np.array([1.5, 17.5, -37.5, -500.5, 640.5, 1000.5, -1065.5]) * LN2),  # table seams
    _nearby((np.array([-63000, 20000, 65000]) + 0.5) * (LN2 / 64)),  # large k, boundaries
    _POW2, -_POW2,
    np.arange(-700.0, 709.0, 37.0),
    [709.0, 708.0, 700.0, -675.0, -676.0, -700.0, -708.0, -708.4, -720.0, -740.0],
])
# 1 - 2**-53 is the largest double below 1; sqrt(1/2) is the seam of log_dd's
# reduction; 2**-8 the seam of log1p_dd's two methods.
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
LOG1P_GRID = np.concatenate([
    [0.0, -0.0, TINY, -TINY, 1e-310, -1e-310, 1e-300, -1e-300, 1e-200, -1e-200],
    [1e-100, -1e-100, 1e-20, -1e-20, 2.0**-30, -(2.0**-30), 1e-10, -1e-10, 1e-5, -1e-5],
    _nearby([_T8, -_T8, 1e-3, -1e-3, 0.0054, -0.0054]),
    [U, -U, 0.5, -0.5, 1.0, 2.0, 10.0, math.sqrt(2) - 1, math.e - 1, 1 - U, -(1 - U)],
    [-(1 - 2 * U), -0.999999, -0.9, 1e10, 1e100, 2.0**996, 1e300],
    _POW2, -_POW2[_POW2 < 1],
])
LOG1M_GRID = np.concatenate([
    [0.0, TINY, 1e-310, 1e-300, 1e-100, 1e-20, U, 1e-10, 1e-3],
    _nearby([_T8, 0.5, 1 - math.sqrt(0.5)]),
    [0.25, 0.75, 0.9, 0.999, 1 - 1e-10, 1 - 2 * U, 1 - U],
    2.0 ** -np.arange(1.0, 80.0, 3.0),
])
SOFTPLUS_GRID = np.concatenate([
    [0.0, TINY, 1e-300, 1e-20, U, 1e-10, 0.5, 1 - U, 1.0, LN2, 2.0, 5.0, 10.0],
    _nearby([8 * LN2]),  # exp(-a) = 2**-8: seam of the two methods
    [20.0, 36.0, 37.5, 50.0, 100.0, 300.0, 500.0, 675.0],
    [676.0, 700.0, 708.0, 709.0, 740.0, 745.0, 745.13],  # value < 2e-293: absolute bound
])
SOFTPLUS_ZERO = np.array([745.14, 745.2, 746.0, 800.0, 1e10, 1e300, np.inf])


def test_exp_grid():
    check_exp(EXP_GRID, "exp_dd")


def test_exp_below_half_smallest_subnormal_is_zero():
    hi, lo = _dd.exp_dd(np.array([-745.14, -745.5, -746.0]))
    assert np.all(hi == 0.0) and np.all(lo == 0.0)
    hi, lo = _dd.exp_dd(-745.13)  # exp = 1.0007 * 2**-1075: rounds up
    assert hi == TINY


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


def test_log1p_grid():
    check_log1p(LOG1P_GRID, "log1p_dd")
    hi, lo = _dd.log1p_dd(np.array([TINY, -TINY, 1e-300]))
    assert list(hi) == [TINY, -TINY, 1e-300] and np.all(lo == 0.0)


def test_log1m_grid():
    check_log1m(LOG1M_GRID, "log1m_dd")


def test_softplus_grid():
    check_softplus(SOFTPLUS_GRID, "softplus_neg_dd")


def test_softplus_zero_beyond_underflow():
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        hi, lo = _dd.softplus_neg_dd(SOFTPLUS_ZERO)
    assert np.all(hi == 0.0) and np.all(lo == 0.0)
    assert np.all(np.exp(-SOFTPLUS_ZERO) == 0.0)  # consistent with double


# ---------------------------------------------------------------------------
# hypothesis: arrays over each domain
# ---------------------------------------------------------------------------

_SHAPES = hnp.array_shapes(min_dims=1, max_dims=2, min_side=1, max_side=6)


def _arrays(*element_strategies):
    return hnp.arrays(np.float64, _SHAPES, elements=st.one_of(*element_strategies))


_FAST = settings(max_examples=200, deadline=None)


@_FAST
@given(_arrays(st.floats(-740.0, 709.0), st.floats(-1.0, 1.0), st.floats(-0.006, 0.006)))
def test_exp_hypothesis(x):
    check_exp(x, "exp_dd")


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


@_FAST
@given(_arrays(st.floats(-1.0, 1e300, exclude_min=True), st.floats(-0.01, 0.01),
               st.floats(-1.0, -0.99, exclude_min=True), st.floats(-1e-200, 1e-200)))
def test_log1p_hypothesis(x):
    check_log1p(x, "log1p_dd")


@_FAST
@given(_arrays(st.floats(0.0, 1.0, exclude_max=True), st.floats(0.0, 0.01),
               st.floats(0.99, 1.0, exclude_max=True), st.floats(0.0, 1e-200)))
def test_log1m_hypothesis(q):
    check_log1m(q, "log1m_dd")


@_FAST
@given(_arrays(st.floats(0.0, 675.0), st.floats(0.0, 10.0), st.floats(0.0, 1e-10)))
def test_softplus_hypothesis(a):
    check_softplus(a, "softplus_neg_dd")


@settings(max_examples=50, deadline=None)
@given(_arrays(st.floats(675.0, 1e300)))
def test_softplus_hypothesis_tail(a):
    check_softplus(a, "softplus_neg_dd")


# ---------------------------------------------------------------------------
# the measurement can fail
# ---------------------------------------------------------------------------

def _plain(func):
    return lambda v: (func(v), np.zeros_like(v))


def test_the_measurement_can_fail():
    """Plain double results (hi = libm value, lo = 0) violate the bounds above."""
    x = LOG1P_GRID
    err = _errors(np.log1p(x), np.zeros_like(x), [x], _ref_log1p, _rel)
    assert err.max() > 1e3 * LOG1P_REL  # ~1e-17: libm's rounding
    with pytest.raises(AssertionError):
        check_log1p(x, None, func=_plain(np.log1p))
    with pytest.raises(AssertionError):
        check_log1p(LOG1M_GRID, None, func=_plain(lambda q: np.log1p(-q)), ref=_ref_log1m)


def test_the_measurement_can_fail_log():
    """libm's log (lo = 0) violates log_dd's bound on the edge grid; so does a 2e-30 perturbation."""
    hi = np.concatenate([LOG_CELL_GRID, LOG_SWITCH_GRID]) * 2.0**3
    lo = np.spacing(hi) * 0.3141592653589793
    err = _errors(np.log(hi), np.zeros_like(hi), [hi, lo], _ref_log, _log_scale)
    assert err.max() > 1e10 * LOG_ABS
    yh, yl = _dd.log_dd(hi, lo)
    err = _errors(yh, yl + 2e-30 * np.maximum(1, np.abs(yh)), [hi, lo], _ref_log, _log_scale)
    assert err.max() > LOG_ABS


def test_the_measurement_can_fail_exp_and_perturbation():
    x = EXP_GRID[(EXP_GRID >= -675) & (EXP_GRID != 0)]
    err = _errors(np.exp(x), np.zeros_like(x), [x], _ref_exp, _rel)
    assert err.max() > 1e10 * EXP_REL
    # a perturbation of 5e-30 (relative) in lo is detected
    hi, lo = _dd.exp_dd(x)
    err = _errors(hi, lo + 5e-30 * hi, [x], _ref_exp, _rel)
    assert err.max() > EXP_REL


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
    mh, ml = _dd.dd_mul(ah, al, bh, bl)
    dh, dl = _dd.dd_mul_d(ah, al, bh)
    with mp.workprec(2200):
        for i in np.ndindex(shape):
            a, b = _exact_sum(ah[i], al[i]), _exact_sum(bh[i], bl[i])
            s = a + b
            if s != 0:
                err = abs(_exact_sum(sh[i], sl[i]) - s) / abs(s)
                _record("dd_add / u**2", err / U**2)
                assert err <= 3 * U**2 + 13 * U**3
            m = a * b
            err = abs(_exact_sum(mh[i], ml[i]) - m) / abs(m)
            _record("dd_mul / u**2", err / U**2)
            assert err <= 7 * U**2
            d = a * mp.mpf(float(bh[i]))
            err = abs(_exact_sum(dh[i], dl[i]) - d) / abs(d)
            _record("dd_mul_d / u**2", err / U**2)
            assert err <= 3 * U**2


@_FAST
@given(st.data())
def test_recip_dd_bound(data):
    shape = data.draw(_SHAPES)
    ah, al = data.draw(_dd_numbers(shape))
    rh, rl = _dd.recip_dd(ah, al)
    with mp.workprec(2200):
        for i in np.ndindex(shape):
            exact = 1 / _exact_sum(ah[i], al[i])
            err = abs(_exact_sum(rh[i], rl[i]) - exact) / abs(exact)
            _record("recip_dd / u**2", err / U**2)
            assert err <= 4 * U**2


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


def test_constants():
    with mp.workprec(300):
        ln2 = mp.log(2)
        assert abs(_exact_sum(_dd._C1, _dd._C2, _dd._C3) - ln2 / 64) < 1e-42
        assert abs(_exact_sum(_dd._LN2_A, _dd._LN2_B, _dd._LN2_C) - ln2) < 1e-42
        assert max(map(_significant_bits, (_dd._C1, _dd._C2))) <= 36  # k * C exact, |k| < 2**17
        assert max(map(_significant_bits, (_dd._LN2_A, _dd._LN2_B))) <= 42  # e * LN2 exact, |e| < 2**11
        assert abs(mp.mpf(_dd._INV_LN2_64) - 64 / ln2) <= np.spacing(_dd._INV_LN2_64) / 2
        for j in range(64):
            t = mp.mpf(2) ** (mp.mpf(j) / 64)
            assert abs(_exact_sum(_dd._T_HI[j], _dd._T_LO[j]) - t) / t <= U**2
            assert abs(_dd._T_LO[j]) <= np.spacing(_dd._T_HI[j]) / 2
        for n, (h, l) in ((3, _dd._F3), (4, _dd._F4), (5, _dd._F5)):
            assert abs(_exact_sum(h, l) - 1 / mp.factorial(n)) * mp.factorial(n) <= U**2
        for n, c in zip(range(6, 11), _dd._F6_10):
            assert c == float(1 / mp.factorial(n))


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
    for f in (_dd.exp_dd, _dd.log1p_dd, _dd.log1m_dd, _dd.softplus_neg_dd):
        hi, lo = f(0.25)
        assert isinstance(hi, np.ndarray) and hi.shape == () and lo.shape == ()
        hi, lo = f([[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]])
        assert hi.shape == lo.shape == (2, 3) and hi.dtype == np.float64
        h1, l1 = f(np.array([0.1, 0.2, 0.3, 0.4, 0.5, 0.6]))
        assert np.array_equal(h1, hi.ravel()) and np.array_equal(l1, lo.ravel())
    hi, lo = _dd.log_dd(np.array([[1.0], [2.0], [3.0]]), np.array([0.0, 1e-17, -1e-17, 2e-17]))
    assert hi.shape == (3, 4)
    check_log(*np.broadcast_arrays(np.array([[1.0], [2.0], [3.0]]), np.array([0.0, 1e-17, -1e-17, 2e-17])),
              "log_dd")
    hi, lo = _dd.dd_add(np.ones((3, 1)), 0.0, np.arange(4.0), 0.0)
    assert hi.shape == (3, 4)


def test_blocks_equal_small_calls():
    """Arrays larger than one block give bit-identical results to small calls."""
    rng = np.random.default_rng(7)
    n = 2 * _dd._BLOCK + 5
    cases = [
        (_dd.exp_dd, rng.uniform(-740, 709, n)),
        (_dd.log1p_dd, np.expm1(rng.uniform(-30, 30, n))),
        (_dd.log1m_dd, rng.uniform(0, 1, n)),
        (_dd.softplus_neg_dd, rng.uniform(0, 800, n)),
        (lambda v: _dd.log_dd(v, v * 1e-17), np.exp(rng.uniform(-690, 690, n))),
    ]
    for f, x in cases:
        hi, lo = f(x.reshape(5, -1) if n % 5 == 0 else x)
        hi, lo = hi.ravel(), lo.ravel()
        _finite(hi, lo)
        idx = rng.choice(n, 200, replace=False)
        h2, l2 = f(x[idx])
        assert np.array_equal(hi[idx], h2) and np.array_equal(lo[idx], l2)
