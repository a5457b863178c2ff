"""Bad input gets a ValueError or TypeError naming the argument, never NaN or a warning."""

import re
import warnings

import numpy as np
import pytest

from focaltheory import focal_entropy, focal_loss, inverse_minimizer, minimizer

BAD_P = [
    ([0.5, np.nan], ValueError, "p must be finite"),
    ([0.5, np.inf], ValueError, "p must be finite"),
    ([0.5, -0.1], ValueError, "p must be nonnegative"),
    ([0.0, 0.0], ValueError, "p has an all-zero distribution"),
    ([[0.5, 0.5], [0.0, 0.0]], ValueError, r"all-zero distribution \(first at batch index \(1,\)\)"),
    (np.empty((3, 0)), ValueError, "p has an empty class axis"),
    ([0.5 + 1j, 0.5], TypeError, "p must be real"),
    (["a", "b"], TypeError, "p must be a real numeric array"),
    ("0.5 0.5", TypeError, "p must be a real numeric array"),
    (np.array([0.5, 0.5], dtype=object), TypeError, "p must be a real numeric array"),
    ([[0.5, 0.5], [0.5]], TypeError, "p must be a real numeric array"),
    (0.5, ValueError, "axis=-1 is out of range"),
]


@pytest.mark.parametrize("p,exc,msg", BAD_P)
def test_bad_p(p, exc, msg):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(exc, match=msg):
            minimizer(p, 2.0)
        with pytest.raises(exc, match=msg):
            focal_entropy(p, [0.5, 0.5], 2.0)


BAD_GAMMA = [
    (-1.0, ValueError, "gamma must be nonnegative"),
    (np.nan, ValueError, "gamma must be finite"),
    (np.inf, ValueError, "gamma must be finite"),
    ("2", TypeError, "gamma must be a real number"),
    (None, TypeError, "gamma must be a real numeric array"),
    (1 + 1j, TypeError, "gamma must be real"),
    ([1.0, 2.0, 3.0], ValueError, r"gamma with shape \(3,\) is not broadcastable against the batch shape \(2,\)"),
]


@pytest.mark.parametrize("gamma,exc,msg", BAD_GAMMA)
def test_bad_gamma(gamma, exc, msg):
    P = np.array([[0.5, 0.5], [0.2, 0.8]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(exc, match=msg):
            minimizer(P, gamma)
        with pytest.raises(exc, match=msg):
            inverse_minimizer(P, gamma)


def test_bad_axis():
    with pytest.raises(ValueError, match="axis=2 is out of range"):
        minimizer([[0.5, 0.5]], 1.0, axis=2)
    with pytest.raises(TypeError, match="axis must be an integer"):
        minimizer([0.5, 0.5], 1.0, axis=0.5)
    with pytest.raises(TypeError, match="axis must be an integer"):
        inverse_minimizer([0.5, 0.5], 1.0, axis=True)


def test_bad_q_for_inverse_and_loss():
    with pytest.raises(ValueError, match=r"q must lie in \[0, 1\]"):
        inverse_minimizer([1.5, -0.5], 1.0)
    with pytest.raises(ValueError, match="q must be finite"):
        inverse_minimizer([np.nan, 1.0], 1.0)
    with pytest.raises(ValueError, match="q must sum to 1"):
        inverse_minimizer([0.2, 0.2], 1.0)
    with pytest.raises(ValueError, match="q has an empty class axis"):
        inverse_minimizer(np.empty((2, 0)), 1.0)
    with pytest.raises(ValueError, match=r"q must lie in \[0, 1\]"):
        focal_loss(1.2, 2.0)
    with pytest.raises(ValueError, match="sum_tol must be"):
        inverse_minimizer([0.5, 0.5], 1.0, sum_tol=-1)


def test_bad_alpha_and_maxiter():
    with pytest.raises(ValueError, match="alpha must be nonnegative"):
        minimizer([0.5, 0.5], 2.0, alpha=[-1.0, 1.0])
    with pytest.raises(ValueError, match="alpha with shape"):
        minimizer([0.5, 0.5], 2.0, alpha=[1.0, 1.0, 1.0])
    with pytest.raises(ValueError, match="alpha \\* p has an all-zero distribution"):
        minimizer([0.5, 0.0], 2.0, alpha=[0.0, 1.0])
    with pytest.raises(ValueError, match="alpha is zero on a class where q is positive"):
        inverse_minimizer([0.5, 0.5], 2.0, alpha=[0.0, 1.0])
    with pytest.raises(ValueError, match="maxiter must be at least 1"):
        minimizer([0.5, 0.5], 2.0, maxiter=0)
    with pytest.raises(TypeError, match="maxiter must be an integer"):
        minimizer([0.5, 0.5], 2.0, maxiter=2.5)


def test_no_warnings_on_extreme_valid_input():
    P = np.array([[1.0, 1e-300, 0.0, 1e-320], [0.0, 0.0, 1.0, 0.0], [1.0, 1.0, 1.0, 1.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for gamma in [0.0, 1e-3, 2.0, 5000.0]:
            res = minimizer(P, gamma)
            assert np.all(np.isfinite(res.q)) and np.all(np.isfinite(res.value))
            inverse_minimizer(res.q, gamma)


def test_weights_whose_sum_overflows():
    """Finite weights whose sum overflows: no warning, and the other rows keep their bits."""
    P = np.array([[1e308, 1e308, 1.0], [0.2, 0.3, 0.5]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = minimizer(P, 2.0)
        h = focal_entropy(P, res.q, 2.0)
    np.testing.assert_allclose(res.q[0], [0.5, 0.5, 0.0], atol=1e-300, rtol=1e-15)
    assert 0 < res.q[0, 2] < 1e-300
    np.testing.assert_allclose(h, res.value, rtol=1e-14)
    alone = minimizer(P[1], 2.0)
    np.testing.assert_array_equal(res.q[1], alone.q)
    assert res.value[1] == alone.value


def test_gamma_ceiling_of_the_minimizer():
    with pytest.raises(ValueError, match=r"gamma must be at most 1e\+?150"):
        minimizer([0.7, 0.2, 0.1], 1e151)
    with pytest.raises(ValueError, match="gamma must be at most"):
        minimizer([0.7, 0.2, 0.1], [2.0, 1e200])


_WIDE = np.finfo(np.longdouble).tiny < np.finfo(np.float64).tiny  # longdouble wider than double here


@pytest.mark.skipif(not _WIDE, reason="np.longdouble is float64 on this platform")
def test_longdouble_below_the_double_range_is_refused():
    tiny = np.longdouble("1e-4000")  # a nonzero weight that float64 would turn into an exact 0
    w = np.array([1.0, tiny, 0.5], dtype=np.longdouble)
    calls = {
        "p": [lambda: minimizer(w, 2.0), lambda: focal_entropy(w, [0.5, 0.25, 0.25], 2.0)],
        "alpha": [lambda: minimizer([1.0, 1.0, 1.0], 2.0, alpha=w)],
        "q": [lambda: focal_loss(np.array([0.5, tiny], dtype=np.longdouble), 2.0)],
        "gamma": [lambda: focal_loss(0.5, tiny)],
    }
    for name, fs in calls.items():
        for f in fs:
            with pytest.raises(ValueError, match=rf"^{name} has a nonzero entry .* below the float64 range"):
                f()
    with pytest.raises(ValueError, match=r"^p has an entry .* above the float64 range"):
        minimizer(np.array([1.0, np.longdouble("1e4000")], dtype=np.longdouble), 2.0)


@pytest.mark.skipif(not _WIDE, reason="np.longdouble is float64 on this platform")
def test_longdouble_in_the_double_range_is_converted():
    w = np.array([0.7, 0.2, 0.1], dtype=np.longdouble)
    np.testing.assert_array_equal(minimizer(w, 2.0).q, minimizer([0.7, 0.2, 0.1], 2.0).q)
    # a subnormal double stays on the support; an exact 0 stays off it
    q = minimizer(np.array([1.0, 1e-310, 0.0], dtype=np.longdouble), 2.0).q
    assert q[1] > 0 and q[2] == 0


@pytest.mark.parametrize("w, msg", [
    ([np.inf, -1.0, 0.5], "p must be finite, found inf"),
    ([np.nan, -1.0, 0.5], "p must be finite, found NaN"),
    ([np.inf, np.nan, 0.5], "p must be finite, found NaN"),
    ([0.5, -1.0, -2.0], "p must be nonnegative, found -2.0"),
    ([[0.2, 0.8], [np.inf, 1.0]], "p must be finite, found inf"),
    ([[0.2, 0.8], [-0.0, -1e-300]], "p must be nonnegative, found -1e-300"),
])
def test_distribution_checks_keep_their_order(w, msg):
    # finiteness is checked before the sign, whichever entries come first
    from focaltheory._validation import _distribution
    with pytest.raises(ValueError, match="^" + re.escape(msg) + "$"):
        _distribution(w, "p", -1)
    with pytest.raises(ValueError, match="^" + re.escape(msg) + "$"):
        minimizer(w, 2.0)


def test_distribution_total_is_the_sum_of_the_weights_returned():
    from focaltheory._validation import _distribution
    W = np.array([[1e308, 1e308, 1.0], [0.25, 0.5, 0.25], [-0.0, 3.0, 1.0]])
    arr, ax, tot = _distribution(W, "p", -1, normalize=False, with_total=True)
    assert ax == 1 and np.all(np.isfinite(tot))
    np.testing.assert_array_equal(tot, arr.sum(axis=-1, keepdims=True))
    assert arr[0, 0] == 1.0 and tot[0, 0] == 2.0 + 1e-308  # the overflowing row rescaled by its largest weight
    np.testing.assert_array_equal(arr[1:], W[1:])
