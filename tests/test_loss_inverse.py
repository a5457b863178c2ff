"""focal_loss, focal_entropy and the closed-form inverse map."""

import mpmath
import numpy as np
import pytest
import scipy.stats

from focaltheory import focal_entropy, focal_loss, inverse_minimizer, minimizer
from focaltheory.reference import inverse_minimizer_mp, minimizer_mp

from _mp import rel


def test_focal_loss_values():
    # l(q) = -(1-q)^gamma log q, checked against values computed by hand
    assert focal_loss(0.5, 2) == pytest.approx(0.25 * np.log(2), rel=1e-15)
    assert focal_loss(0.25, 1) == pytest.approx(0.75 * np.log(4), rel=1e-15)
    np.testing.assert_allclose(focal_loss([0.1, 0.9], 0), -np.log([0.1, 0.9]), rtol=1e-15)
    assert focal_loss(0.0, 3) == np.inf
    assert focal_loss(1.0, 3) == 0.0 and not np.signbit(focal_loss(1.0, 3))
    # broadcasting q against gamma
    out = focal_loss([[0.2], [0.7]], [0.0, 1.0, 2.0])
    assert out.shape == (2, 3)
    assert out[1, 2] == pytest.approx(0.09 * -np.log(0.7), rel=1e-15)


def test_focal_loss_agrees_with_mpmath():
    for q in [1e-300, 1e-10, 0.3, 0.999999]:
        for gamma in [0.25, 2.0, 50.0]:
            ref = -(1 - mpmath.mpf(q)) ** gamma * mpmath.log(q)
            assert float(abs(focal_loss(q, gamma) / ref - 1)) <= 1e-14


def test_focal_entropy_is_cross_entropy_at_gamma_zero():
    rng = np.random.default_rng(3)
    P = rng.dirichlet(np.ones(6), size=4)
    Q = rng.dirichlet(np.ones(6), size=4)
    # H(P, Q) = H(P) + KL(P || Q), with scipy's conventions
    expected = scipy.stats.entropy(P, axis=1) + scipy.stats.entropy(P, Q, axis=1)
    np.testing.assert_allclose(focal_entropy(P, Q, 0), expected, rtol=1e-13)


def test_focal_entropy_normalizes_supports_and_axis():
    p, q = np.array([2.0, 2.0, 0.0]), np.array([1.0, 3.0, 0.0])
    expected = -0.5 * (0.75**2 * np.log(0.25) + 0.25**2 * np.log(0.75))
    assert focal_entropy(p, q, 2) == pytest.approx(expected, rel=1e-15)
    # P puts mass where Q has none: +inf; the reverse contributes 0
    assert focal_entropy([0.5, 0.5], [1.0, 0.0], 2) == np.inf
    assert np.isfinite(focal_entropy([1.0, 0.0], [0.5, 0.5], 2))
    P = np.array([[0.2, 0.5], [0.8, 0.5]])
    np.testing.assert_allclose(focal_entropy(P, P, 1.5, axis=0), [focal_entropy(P[:, 0], P[:, 0], 1.5),
                                                                 focal_entropy(P[:, 1], P[:, 1], 1.5)], rtol=1e-15)


def test_focal_entropy_nonincreasing_in_gamma_and_below_cross_entropy():
    rng = np.random.default_rng(5)
    P, Q = rng.dirichlet(np.ones(5), size=200), rng.dirichlet(np.ones(5), size=200)
    vals = focal_entropy(P, Q, np.array([[0.0], [0.5], [1.0], [2.0], [5.0]]))
    assert vals.shape == (5, 200)
    assert np.all(np.diff(vals, axis=0) <= 0)


def test_minimizer_value_is_the_minimum():
    p = np.array([0.6, 0.25, 0.1, 0.05])
    res = minimizer(p, 2.0)
    assert focal_entropy(p, res.q, 2.0) == pytest.approx(float(res.value), rel=1e-14)
    rng = np.random.default_rng(11)
    for _ in range(200):  # every other point of the simplex does worse
        other = rng.dirichlet(np.ones(4))
        assert focal_entropy(p, other, 2.0) > res.value


def test_inverse_against_mpmath_and_near_degenerate():
    # q with its largest class within 1e-15 of 1 (and closer: 1 - 1e-100),
    # where the inverse must take the complement from the other entries
    cases = [([0.5, 0.3, 0.2], 2.0), ([1 - 1e-15 - 1e-17, 1e-15, 1e-17], 2.0),
             ([1.0, 1e-100, 1e-200], 0.5), ([0.3, 0.33, 0.37], 500.0)]
    for q, gamma in cases:
        # the documented convention: 1 - q_max is the sum of the other entries
        m = int(np.argmax(q))
        with mpmath.workdps(60):
            qm = [mpmath.mpf(x) for x in q]
            qm[m] = 1 - mpmath.fsum(x for i, x in enumerate(qm) if i != m)
        ref = inverse_minimizer_mp(qm, gamma, dps=50)
        got = inverse_minimizer(q, gamma)
        for a, b in zip(got, ref):
            assert rel(a, b) <= 1e-13, (q, gamma)


def test_inverse_round_trip_extremes():
    for p, gamma in [([1.0, 1e-300], 2.0), ([1.0, 1e-300, 1e-200, 1e-100], 0.5), ([0.7, 0.2, 0.09, 0.01], 5000.0),
                     ([1 - 1e-15, 1e-15], 2.0), ([1e-300, 1e-300, 1.0], 50.0)]:
        p = np.asarray(p)
        back = inverse_minimizer(minimizer(p, gamma).q, gamma)
        np.testing.assert_allclose(back, p / p.sum(), rtol=1e-12, atol=0)


def test_inverse_gives_lambda_identity():
    # lambda* = 1 / sum_x 1/g(Q*(x)) = P(x) g(Q*(x)): check with the mp reference
    ref = minimizer_mp([0.5, 0.3, 0.2], 3.0, dps=40)
    from focaltheory.reference import g_mp
    with mpmath.workdps(40):
        inv_sum = mpmath.fsum(1 / g_mp(q, 3.0, dps=40) for q in ref.q)
        assert abs(mpmath.log(1 / inv_sum) - ref.log_lam) < mpmath.mpf(10) ** -35
    assert float(minimizer([0.5, 0.3, 0.2], 3.0).log_lam) == pytest.approx(float(ref.log_lam), rel=1e-14)


def test_inverse_zeros_and_tolerance():
    assert np.array_equal(inverse_minimizer([0.0, 1.0, 0.0], 2.0), [0.0, 1.0, 0.0])
    np.testing.assert_allclose(inverse_minimizer([0.5, 0.5 + 5e-7], 1.0), [0.5, 0.5], rtol=2e-6)
    with pytest.raises(ValueError, match="sum to 1"):
        inverse_minimizer([0.5, 0.6], 1.0)
    with pytest.raises(ValueError, match="sum to 1"):
        inverse_minimizer([0.5, 0.5 + 5e-7], 1.0, sum_tol=1e-9)


def test_alpha_round_trip_with_gamma_broadcasting_the_batch():
    P = np.array([[0.5, 0.3, 0.2], [0.6, 0.3, 0.1]])
    alpha, gammas = [1.0, 2.0, 0.5], np.array([[1.0], [3.0]])
    q = minimizer(P, gammas, alpha=alpha).q
    assert q.shape == (2, 2, 3)
    back = inverse_minimizer(q, gammas, alpha=alpha)
    np.testing.assert_allclose(back, np.broadcast_to(P, (2, 2, 3)), rtol=1e-14, atol=0)


def test_inverse_row_does_not_depend_on_its_batch():
    """Rows at gamma <= 300 keep their plain map when another row of the batch takes the exact one."""
    rng = np.random.default_rng(8)
    P = rng.dirichlet(np.ones(5), size=8)
    gam = np.array([0.5, 2.0, 50.0, 299.0, 301.0, 1000.0, 5000.0, 50.0])
    q = minimizer(P, gam).q
    both = inverse_minimizer(q, gam)
    for j in range(P.shape[0]):
        np.testing.assert_array_equal(both[j], inverse_minimizer(q[j], gam[j]))


def test_zero_class_weight_where_q_is_zero():
    """A class of weight 0 does not count, even where Q = 0 (0 * inf = 0, not NaN)."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert focal_entropy([0.5, 0.5], [1.0, 0.0], 2.0, alpha=[1.0, 0.0]) == 0.0
        h = focal_entropy([0.5, 0.5], [0.75, 0.25], 2.0, alpha=[1.0, 0.0])
    assert h == pytest.approx(-0.5 * 0.25**2 * np.log(0.75), rel=1e-15)


def test_inverse_with_subnormal_class_weights():
    """alpha only matters up to scale: 1e-320 everywhere is alpha = 1; a single subnormal weight makes its
    class dominate P (by a factor of about 1e320, which P represents down to the subnormals)."""
    import warnings

    q = [0.5, 0.3, 0.2]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        np.testing.assert_array_equal(inverse_minimizer(q, 2.0, alpha=[1e-320] * 3), inverse_minimizer(q, 2.0))
        P = inverse_minimizer(q, 2.0, alpha=[1.0, 2.0, 1e-320])
    assert P[2] == 1.0 and 0 < P[1] < P[0] < 1e-318
    ref = inverse_minimizer(q, 2.0) / np.array([1.0, 2.0, 1.0])  # up to normalization
    assert P[0] / P[1] == pytest.approx(ref[0] / ref[1], rel=1e-3)  # subnormal P carries few digits


@pytest.mark.parametrize("gamma", [300.0, 1000.0, 5000.0])
def test_focal_loss_and_entropy_at_large_gamma_against_mpmath(gamma):
    """(1 - q)**gamma with the rounding of 1 - q corrected: a few ulp, not gamma eps / 2 (3e-13 at 5000)."""
    rng = np.random.default_rng(int(gamma))
    q = np.concatenate([10 ** rng.uniform(-300, -3, 40), rng.uniform(0.001, 0.5, 40), [0.07986945731853928]])
    got = focal_loss(q, gamma)
    with mpmath.workdps(50):
        for a, b in zip(q, got):
            ref = -(1 - mpmath.mpf(a)) ** gamma * mpmath.log(mpmath.mpf(a))
            if ref > 1e-300:
                assert abs(mpmath.mpf(float(b)) / ref - 1) < 2e-15
        P = np.array([0.3, 0.7])
        Q = np.array([0.07986945731853928, 1 - 0.07986945731853928])
        ref = sum(-mpmath.mpf(p) * (1 - mpmath.mpf(x)) ** gamma * mpmath.log(mpmath.mpf(x)) for p, x in zip(P, Q))
        assert abs(mpmath.mpf(float(focal_entropy(P, Q, gamma))) / ref - 1) < 2e-15
    # the correction is per element: an element at gamma <= 100 keeps the plain power's bits
    both = focal_loss([0.3, 0.3], [2.0, gamma])
    assert both[0] == focal_loss(0.3, 2.0) == -(0.7**2.0) * np.log(0.3)
