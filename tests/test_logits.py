"""focal_loss_grad_logits / focal_loss_hvp_logits against mpmath finite differences.

The reference is an mpmath transcription of L(z, y) = -(1-s)^gamma log s,
s = softmax(z)_y, written with s = 1/(1 + r), 1 - s = r/(1 + r),
r = sum_{j != y} exp(z_j - z_y) (the same numbers, kept to 50 relative digits
for logits of any size), differentiated by mpmath.diff at 50 digits.
"""

import math

import mpmath
import numpy as np
import pytest
import scipy.special
from hypothesis import given, settings
from hypothesis import strategies as st

from focaltheory.logits import focal_loss_grad_logits, focal_loss_hvp_logits

GAMMAS = (0.0, 0.25, 0.5, 1.0, 2.0, 5.0, 50.0)
TINY = 2.3e-308


def _mp_loss(zs, y, gm):
    r = mpmath.fsum(mpmath.exp(zj - zs[y]) for j, zj in enumerate(zs) if j != y)
    log_s = -mpmath.log1p(r)
    c = r / (1 + r)
    return -log_s if gm == 0 else -(c**gm) * log_s


def _mp_grad(z, y, gv):
    zs = [mpmath.mpf(float(x)) for x in z]
    gm = mpmath.mpf(gv)
    K = len(zs)
    f = lambda *a: _mp_loss(list(a), y, gm)  # noqa: E731
    grad = [mpmath.diff(f, zs, tuple(int(i == j) for i in range(K))) for j in range(K)]
    return _mp_loss(zs, y, gm), grad


def _mp_hvp(z, y, gv, v):
    zs = [mpmath.mpf(float(x)) for x in z]
    vs = [mpmath.mpf(float(x)) for x in v]
    gm = mpmath.mpf(gv)
    out = []
    for k in range(len(zs)):
        f = lambda t, s: _mp_loss(  # noqa: E731
            [zj + t * vj + (s if j == k else 0) for j, (zj, vj) in enumerate(zip(zs, vs))], y, gm
        )
        out.append(mpmath.diff(f, (0, 0), (1, 1)))
    return out


def _assert_close(val, ref, rtol, what):
    ref = float(ref) if abs(ref) > TINY else 0.0
    if ref == 0.0:
        assert abs(val) <= 1e-300, f"{what}: {val!r} where the true value underflows"
    else:
        assert abs(val - ref) <= rtol * abs(ref), f"{what}: {val!r} vs {ref!r}, rel {abs(val - ref) / abs(ref):.3e}"


_CASES = [
    ([2.0, 0.5, -1.0], 0),
    ([0.3, -1.7, 2.2, 0.1], 3),
    ([0.3, -1.7, 2.2, 0.1], 1),
    ([12.5, -3.0, 7.25, 0.0, -30.0], 0),  # s near 1: 1 - s ~ 4e-3
    ([35.0, 0.0, -2.0], 0),  # 1 - s ~ 7e-16: lost by 1 - softmax
    ([1e4, -1e4, 0.0], 1),  # s = exp(-2e4): loss 2e4
    ([1e4, -1e4, 0.0], 0),  # s = 1 - exp(-1e4): loss underflows
    ([1e4 + 0.3, 1e4 - 20.7, -1e4], 0),  # huge logits, moderate margin: loss ~ exp(-21 (gamma+1))
    ([-9999.5, -1e4, -1e4 + 3.25, -9990.0], 2),
]


@pytest.mark.parametrize("z,y", _CASES)
def test_loss_and_gradient_match_mpmath(z, y):
    with mpmath.workdps(50):
        for gv in GAMMAS:
            loss, grad = focal_loss_grad_logits(z, y, gv)
            assert np.all(np.isfinite(grad)) and math.isfinite(loss)
            ref_loss, ref_grad = _mp_grad(z, y, gv)
            _assert_close(float(loss), ref_loss, 1e-12, f"loss z={z} y={y} gamma={gv}")
            for j in range(len(z)):
                _assert_close(float(grad[j]), ref_grad[j], 1e-12, f"grad[{j}] z={z} y={y} gamma={gv}")


@pytest.mark.parametrize("z,y", _CASES[:5] + _CASES[7:])
def test_hessian_vector_product_matches_mpmath(z, y):
    rng = np.random.default_rng(len(z) * 10 + y)
    with mpmath.workdps(50):
        for gv in (0.0, 0.5, 2.0, 5.0):
            v = rng.normal(size=len(z))
            hv = focal_loss_hvp_logits(z, y, gv, v)
            ref = [float(x) for x in _mp_hvp(z, y, gv, v)]
            scale = max(abs(x) for x in ref)
            if scale < 1e-290:
                assert np.max(np.abs(hv)) <= 1e-290
                continue
            # normwise: the Hessian has entries of both signs, components may cancel
            assert np.max(np.abs(hv - ref)) <= 1e-12 * scale, (z, y, gv, hv, ref)


def _mp_hvp_exact(z, y, gv, v, dps=400):
    """Exact Hessian-vector product of L = f(p_y), f(p) = -(1-p)^gamma log p, p = softmax(z).

    The chain rule on the full softmax (not the library's margin form):
    grad p_y = p_y (e_y - p), (d^2 p_y) v = (e_y - p)(grad p_y . v) - p_y p (v - p.v), and
    H v = f''(p_y) (grad p_y . v) grad p_y + f'(p_y) (d^2 p_y) v, with 1 - p_y summed from the
    other classes.  At 400 digits every cancellation is resolved far below the double range
    (the sums above lose at most the ~350 digits that separate 1 from exp(-800)).
    """
    with mpmath.workdps(dps):
        zs = [mpmath.mpf(float(x)) for x in z]
        vs = [mpmath.mpf(float(x)) for x in v]
        g = mpmath.mpf(float(gv))
        K = len(zs)
        e = [mpmath.exp(x - max(zs)) for x in zs]
        S = mpmath.fsum(e)
        p = [x / S for x in e]
        py = p[y]
        q = mpmath.fsum(p[j] for j in range(K) if j != y)  # 1 - p_y
        lp = mpmath.log(py)
        f1 = -(q**g) / py
        f2 = q**g / py**2
        if g != 0:
            f1 += g * q ** (g - 1) * lp
            f2 += 2 * g * q ** (g - 1) / py
            if g != 1:
                f2 -= g * (g - 1) * q ** (g - 2) * lp
        d = [q if i == y else -p[i] for i in range(K)]  # e_y - p
        dpy = [py * di for di in d]
        dv = mpmath.fsum(a * b for a, b in zip(dpy, vs))
        pv = mpmath.fsum(a * b for a, b in zip(p, vs))
        return [f2 * dpy[i] * dv + f1 * (d[i] * dv - py * p[i] * (vs[i] - pv)) for i in range(K)]


def test_exact_hvp_reference_agrees_with_mpmath_diff():
    # the closed-form reference below against mpmath differentiation of the loss itself
    rng = np.random.default_rng(5)
    with mpmath.workdps(50):
        for z, y in _CASES[:5]:
            for gv in (0.0, 0.5, 2.0, 5.0):
                v = rng.normal(size=len(z))
                exact = _mp_hvp_exact(z, y, gv, v)
                for j, ref in enumerate(_mp_hvp(z, y, gv, v)):
                    assert abs(exact[j] - ref) <= mpmath.mpf(10) ** -30 * max(abs(ref), 1), (z, y, gv, j)


def _saturated_cases():
    cases = [
        ([30.0, 0.0, -5.0], 2, 0.0, [1.0, 0.0, 0.0]),  # audit: p0 (1 - p0) lost to 1e-3
        ([50.0, -50.0, 0.0, -20.0], 3, 2.0, [1.0, -0.5, 0.25, 0.3]),  # audit: wrong sign
    ]
    for gap in (30.0, 50.0, 100.0, 300.0, 800.0):
        for z in (
            [0.0, -gap],
            [gap, 0.0, -5.0],
            [gap, -gap, 0.0, -20.0],
            [0.0, -gap, 1.5 - gap, -2 * gap, 0.5 - gap],
            [0.0, -1.0, -gap, -gap - 3.0],
        ):
            for y in range(len(z)):
                for gv in (0.0, 0.5, 2.0, 5.0, 50.0):
                    for v in ([1.0] + [0.0] * (len(z) - 1), [1.0, -0.5, 0.25, 0.3, -0.8][: len(z)]):
                        cases.append((z, y, gv, v))
    return cases


def test_hvp_matches_high_precision_reference_when_softmax_saturates():
    # tau_k within eps of 1 (logit gaps 30 to 800): v - tau.v used to cancel, losing the
    # curvature tau_k (1 - tau_k) (1e-3 relative error at a gap of 30, wrong sign at 50)
    for z, y, gv, v in _saturated_cases():
        hv = focal_loss_hvp_logits(z, y, gv, v)
        ref = _mp_hvp_exact(z, y, gv, v)
        for j in range(len(z)):
            _assert_close(float(hv[j]), ref[j], 1e-12, f"hv[{j}] z={z} y={y} gamma={gv} v={v}")
        # shift invariance: a constant direction gives exactly 0
        assert np.all(focal_loss_hvp_logits(z, y, gv, np.full(len(z), 0.7)) == 0.0)


@pytest.mark.parametrize("z,y", _CASES)
def test_hvp_matches_high_precision_reference_per_entry(z, y):
    for gv in (0.0, 0.5, 2.0, 5.0, 50.0):
        for v in ([1.0] + [0.0] * (len(z) - 1), [0.9, -1.3, 0.4, 2.1, -0.6][: len(z)]):
            hv = focal_loss_hvp_logits(z, y, gv, v)
            ref = _mp_hvp_exact(z, y, gv, v)
            for j in range(len(z)):
                _assert_close(float(hv[j]), ref[j], 1e-12, f"hv[{j}] z={z} y={y} gamma={gv} v={v}")


def test_hvp_gamma_ceiling():
    # Lambda'' carries gamma**2, which overflowed (FloatingPointError) from about 1.34e154
    for g in (1.0000001e150, 1.35e154, 1e200, 1.7e308, [2.0, 1e151]):
        with pytest.raises(ValueError, match=r"\bgamma\b.*1e\+150"):
            focal_loss_hvp_logits([[0.0, -3.0], [1.0, 2.0]], [0, 1], g, [[1.0, 0.5], [0.0, 1.0]])
    # the ceiling itself is accepted and accurate (1 - s ~ 1/gamma: the focal weight is O(1))
    z, v = [0.0, -345.0, 1.0], [1.0, -0.3, 0.2]
    hv = focal_loss_hvp_logits(z, 1, 1e150, v)
    ref = _mp_hvp_exact(z, 1, 1e150, v, dps=600)
    for j in range(3):
        _assert_close(float(hv[j]), ref[j], 1e-11, f"hv[{j}] at gamma = 1e150")
    # the gradient has no gamma**2 and keeps working above it
    _, grad = focal_loss_grad_logits(z, 1, 1e200)
    assert np.all(np.isfinite(grad))


def test_gamma_zero_is_cross_entropy():
    rng = np.random.default_rng(7)
    z = rng.normal(scale=4.0, size=(50, 6))
    y = rng.integers(0, 6, size=50)
    loss, grad = focal_loss_grad_logits(z, y, 0.0)
    # scipy's log_softmax loses relative accuracy when -log s is small; its error is ~eps |z|
    ls = scipy.special.log_softmax(z, axis=-1)
    np.testing.assert_allclose(loss, -ls[np.arange(50), y], rtol=0, atol=4e-16 * np.abs(z).max())
    with mpmath.workdps(50):
        ref = [float(_mp_loss([mpmath.mpf(x) for x in row], int(yi), 0)) for row, yi in zip(z, y)]
    np.testing.assert_allclose(loss, ref, rtol=1e-14, atol=0)
    expect = scipy.special.softmax(z, axis=-1)
    expect[np.arange(50), y] -= 1.0
    np.testing.assert_allclose(grad, expect, rtol=1e-12, atol=1e-16)


def test_gradient_sums_to_zero_and_matches_double_finite_differences():
    rng = np.random.default_rng(3)
    z = rng.normal(size=(20, 4))
    y = rng.integers(0, 4, size=20)
    gam = rng.uniform(0, 5, size=20)
    loss, grad = focal_loss_grad_logits(z, y, gam)
    assert np.all(np.abs(grad.sum(axis=-1)) <= 1e-15 * np.abs(grad).sum(axis=-1))
    # per-sample gamma: each row equals its own scalar call
    for i in (0, 7, 19):
        li, gi = focal_loss_grad_logits(z[i], y[i], gam[i])
        assert li == loss[i] and np.array_equal(gi, grad[i])
    # HVP is the derivative of the gradient (central differences, double precision)
    v = rng.normal(size=(20, 4))
    h = 1e-5
    fd = (focal_loss_grad_logits(z + h * v, y, gam)[1] - focal_loss_grad_logits(z - h * v, y, gam)[1]) / (2 * h)
    np.testing.assert_allclose(focal_loss_hvp_logits(z, y, gam, v), fd, rtol=1e-6, atol=1e-9)


def test_class_axis():
    rng = np.random.default_rng(11)
    z = rng.normal(size=(3, 5, 4))  # classes on axis 1
    y = rng.integers(0, 5, size=(3, 4))
    v = rng.normal(size=z.shape)
    loss, grad = focal_loss_grad_logits(z, y, 2.0, axis=1)
    l2, g2 = focal_loss_grad_logits(np.moveaxis(z, 1, -1), y, 2.0)
    assert loss.shape == (3, 4) and grad.shape == z.shape
    np.testing.assert_array_equal(loss, l2)
    np.testing.assert_array_equal(grad, np.moveaxis(g2, -1, 1))
    hv = focal_loss_hvp_logits(z, y, 2.0, v, axis=1)
    np.testing.assert_array_equal(hv, np.moveaxis(focal_loss_hvp_logits(np.moveaxis(z, 1, -1), y, 2.0, np.moveaxis(v, 1, -1)), -1, 1))


def test_single_class_has_zero_loss():
    loss, grad = focal_loss_grad_logits([[3.0], [-1e4]], [0, 0], 2.0)
    np.testing.assert_array_equal(loss, [0.0, 0.0])
    np.testing.assert_array_equal(grad, [[0.0], [0.0]])
    np.testing.assert_array_equal(focal_loss_hvp_logits([3.0], 0, 2.0, [1.0]), [0.0])


@settings(max_examples=200, deadline=None)
@given(
    st.integers(2, 6).flatmap(
        lambda K: st.tuples(
            st.lists(st.floats(-1e4, 1e4, allow_nan=False), min_size=K, max_size=K),
            st.integers(0, K - 1),
            st.lists(st.floats(-10, 10, allow_nan=False), min_size=K, max_size=K),
        )
    ),
    st.one_of(st.sampled_from(GAMMAS), st.floats(0, 100)),
)
def test_never_nan_or_inf_for_logits_up_to_1e4(case, gamma):
    z, y, v = case
    with np.errstate(over="raise", invalid="raise", divide="raise"):  # underflow is legitimate
        loss, grad = focal_loss_grad_logits(z, y, gamma)
        hv = focal_loss_hvp_logits(z, y, gamma, v)
    assert math.isfinite(loss) and loss >= 0
    assert np.all(np.isfinite(grad)) and np.all(np.isfinite(hv))
    # the label's gradient is never positive, the others never negative
    assert grad[y] <= 0 and all(grad[j] >= 0 for j in range(len(z)) if j != y)


def test_extreme_logits_stay_finite():
    for gv in (0.0, 2.0):
        for y in (0, 1):
            loss, grad = focal_loss_grad_logits([1e308, -1e308, 0.0], y, gv)
            hv = focal_loss_hvp_logits([1e308, -1e308, 0.0], y, gv, [1.0, -2.0, 0.5])
            assert math.isfinite(loss) and np.all(np.isfinite(grad)) and np.all(np.isfinite(hv))


def test_naive_softmax_fails_where_the_log_softmax_margin_does_not():
    z = np.array([1e4, -1e4, 0.0])
    with np.errstate(all="ignore"):
        s = np.exp(z) / np.exp(z).sum()
        naive = -((1 - s[1]) ** 2) * np.log(s[1])
    assert not np.isfinite(naive)
    loss, _ = focal_loss_grad_logits(z, 1, 2.0)
    assert loss == 2e4  # -log s = 2e4 + log1p(exp(-1e4) + ...) rounds to 2e4; (1 - s)^2 = 1
    # and 1 - s from a rounded softmax loses the complement entirely
    z = np.array([35.0, 0.0, -2.0])
    s = scipy.special.softmax(z)[0]
    naive = -((1 - s) ** 2) * np.log(s)
    with mpmath.workdps(50):
        ref = float(_mp_loss([mpmath.mpf(x) for x in z], 0, mpmath.mpf(2)))
    assert abs(naive - ref) > 0.1 * ref
    assert abs(focal_loss_grad_logits(z, 0, 2.0)[0] - ref) <= 1e-13 * ref


# ---------------------------------------------------------------------------
# validation: errors name the argument
# ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    "kwargs,exc,word",
    [
        (dict(z=[1.0, 2.0], y=2, gamma=1.0), ValueError, "y"),
        (dict(z=[1.0, 2.0], y=-1, gamma=1.0), ValueError, "y"),
        (dict(z=[1.0, 2.0], y=1.0, gamma=1.0), TypeError, "y"),
        (dict(z=[1.0, 2.0], y=0.5, gamma=1.0), TypeError, "y"),
        (dict(z=[1.0, 2.0], y="0", gamma=1.0), TypeError, "y"),
        (dict(z=[1.0, 2.0], y=True, gamma=1.0), TypeError, "y"),
        (dict(z=[[1.0, 2.0]] * 3, y=[0, 1], gamma=1.0), ValueError, "y"),
        (dict(z=[1.0, 2.0], y=0, gamma=-1.0), ValueError, "gamma"),
        (dict(z=[1.0, 2.0], y=0, gamma=np.nan), ValueError, "gamma"),
        (dict(z=[1.0, 2.0], y=0, gamma="2"), TypeError, "gamma"),
        (dict(z=[[1.0, 2.0]] * 3, y=[0, 1, 0], gamma=[1.0, 2.0]), ValueError, "gamma"),
        (dict(z=[1.0, np.nan], y=0, gamma=1.0), ValueError, "z"),
        (dict(z=[1.0, np.inf], y=0, gamma=1.0), ValueError, "z"),
        (dict(z=[1.0 + 1j, 2.0], y=0, gamma=1.0), TypeError, "z"),
        (dict(z="12", y=0, gamma=1.0), TypeError, "z"),
        (dict(z=np.zeros((2, 0)), y=[0, 0], gamma=1.0), ValueError, "z"),
        (dict(z=[1.0, 2.0], y=0, gamma=1.0, axis=1), ValueError, "axis"),
        (dict(z=[1.0, 2.0], y=0, gamma=1.0, axis=0.0), TypeError, "axis"),
        (dict(z=3.0, y=0, gamma=1.0), ValueError, "axis"),
    ],
)
def test_validation_names_the_argument(kwargs, exc, word):
    with pytest.raises(exc, match=rf"\b{word}\b"):
        focal_loss_grad_logits(**kwargs)
    with pytest.raises(exc, match=rf"\b{word}\b"):
        focal_loss_hvp_logits(v=np.zeros(np.shape(kwargs["z"])) if not isinstance(kwargs["z"], str) else [0.0, 0.0], **kwargs)


def test_hvp_validates_v():
    with pytest.raises(ValueError, match=r"\bv\b"):
        focal_loss_hvp_logits([1.0, 2.0], 0, 1.0, [1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match=r"\bv\b"):
        focal_loss_hvp_logits([1.0, 2.0], 0, 1.0, [1.0, np.nan])
    with pytest.raises(TypeError, match=r"\bv\b"):
        focal_loss_hvp_logits([1.0, 2.0], 0, 1.0, ["a", "b"])
