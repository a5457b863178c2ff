"""Log-pmfs of the families whose scipy log-pmf is the log of an underflowing pmf.

scipy's logser, planck and dlaplace log-pmfs return -inf once the pmf underflows (k near 1000);
as the model law Q of a focal-entropy that made -log Q infinite on a finite value's terms, and
the sum NaN.  The countable path writes them in log form: checked here against mpmath far past
the underflow, and through focal_entropy, which must stay finite and silent.
"""

import warnings

import mpmath
import numpy as np
import pytest
from scipy import stats

import focaltheory as ft
from focaltheory.countable import as_law


K = np.array([1, 2, 7, 50, 999, 10**5, 10**6])


def _mp_logpmf(name, params, k):
    with mpmath.workdps(40):
        k = mpmath.mpf(int(k))
        if name == "logser":
            p = mpmath.mpf(params["p"])
            return k * mpmath.log(p) - mpmath.log(k) - mpmath.log(-mpmath.log1p(-p))
        if name == "planck":
            lam = mpmath.mpf(params["lambda_"])
            return mpmath.log(-mpmath.expm1(-lam)) - lam * k
        a = mpmath.mpf(params["a"])
        return mpmath.log(mpmath.tanh(a / 2)) - a * abs(k)


@pytest.mark.parametrize("name, params", [("logser", {"p": 0.5}), ("logser", {"p": 0.999}),
                                          ("planck", {"lambda_": 0.7}), ("planck", {"lambda_": 3.0}),
                                          ("dlaplace", {"a": 0.8})])
def test_logpmf_far_past_the_underflow(name, params):
    law = as_law(getattr(stats, name)(**params))
    got = law._logpmf(K)
    assert np.all(np.isfinite(got))
    for k, g in zip(K, got):
        ref = _mp_logpmf(name, params, k)
        assert abs(mpmath.mpf(float(g)) - ref) <= 4e-16 * abs(ref) + 1e-15
    # scipy's own is -inf there: what the log form is for
    assert not np.all(np.isfinite(getattr(stats, name)(**params).logpmf(K)))


def test_dlaplace_is_two_sided_and_logser_starts_at_one():
    lp = as_law(stats.dlaplace(0.8))._logpmf(np.array([-10**5, -1, 0, 1]))
    assert lp[1] == lp[3] and np.isfinite(lp[0])
    lp = as_law(stats.logser(0.5, loc=2))._logpmf(np.array([2, 3]))
    assert lp[0] == -np.inf and np.isfinite(lp[1])


@pytest.mark.parametrize("p, q", [(stats.zipf(2.5), stats.logser(0.5)), (stats.yulesimon(1.5), stats.planck(0.7)),
                                  (stats.zipf(2.5), stats.dlaplace(0.8))])
def test_focal_entropy_against_those_families_is_finite_and_silent(p, q):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        r = ft.focal_entropy(p, q, 2.0)
    assert r.finite and np.isfinite(r.value) and 0 < r.value_bound < 1e-2
    assert r.value > 0


def test_class_weights_with_a_countable_law_are_refused_not_dropped():
    # the countable path has no class weights: an alpha given with a law must not be ignored
    with pytest.raises(ValueError, match="alpha"):
        ft.minimizer(stats.geom(0.3), 2.0, alpha=[1.0, 2.0])
    with pytest.raises(ValueError, match="alpha"):
        ft.focal_entropy(stats.geom(0.3), stats.geom(0.5), 2.0, alpha=[1.0, 2.0])
    # without alpha both answer as before
    assert np.isfinite(ft.minimizer(stats.geom(0.3), 2.0).log_lam)
    assert ft.focal_entropy(stats.geom(0.3), stats.geom(0.5), 2.0).finite
