"""The countable path's tail numerics against mpmath: Hurwitz-zeta sums, the second-order
expansion of g^-1 and of the loss with their proven remainder bounds, and the log-pmfs
evaluated without cancellation (see docs/countable.md, sections countable-zeta-sums and
countable-second-order)."""

import math

import mpmath as mp
import numpy as np
import pytest
from scipy import stats

from focaltheory.countable import minimizer
from focaltheory.countable._scipy import _nbinom_logpmf, _poisson_logpmf
from focaltheory.countable._second import remainder_constants
from focaltheory.countable._zeta import power_log_integral, zeta_log_sum
from focaltheory.reference import countable_pmf_mp


@pytest.mark.parametrize("s, r, N", [(3.0, 1, 17), (3.0, 0, 1), (1.05, 0, 1000), (1.05, 1, 1000), (2.1, 2, 1000),
                                     (3.15, 2, 100000), (4.2, 1, 5), (30.0, 2, 17), (1.5, 0, 33), (20.0, 2, 2)])
def test_zeta_log_sum_within_its_bound(s, r, N):
    S, err = zeta_log_sum(s, r, N)
    with mp.workdps(40):
        exact = (-1) ** r * mp.zeta(s, N, r)
        actual = abs(mp.mpf(S) - exact)
        assert actual <= err
        assert err <= 1e-14 * abs(exact)  # and the bound is tight enough to use
        # a wrong variant: the sum from N + 1 is outside the bound
        assert abs(mp.mpf(S) - (exact - mp.mpf(N) ** -s * mp.log(N) ** r)) > err or r > 0 and N == 1


def test_power_log_integral_exact():
    with mp.workdps(30):
        want = mp.quad(lambda x: x ** -4.2 * (1.5 + 1.05 * mp.log(x)) ** 4, [37, mp.inf])
    assert abs(power_log_integral(4.2, 1.05, 1.5, 4, 37) / float(want) - 1) < 1e-13


def _exact(g, e):
    L = 1 / e
    gf = lambda q: (1 - q) ** g / q + g * (1 - q) ** (g - 1) * mp.log(1 / q)  # noqa: E731
    q = mp.findroot(lambda q: gf(q) - L, (e / (1 + 2 * g * e), min(mp.mpf(0.5), 2 * e * (2 + 2 * g * e * mp.log(L)))),
                    solver="anderson")
    return q * L, -(1 - q) ** g * mp.log(q)


@pytest.mark.parametrize("g", [0.1, 0.5, 1.0, 2.5, 3.0, 7.0, 100.0])
def test_second_order_remainders_are_bounds(g):
    with mp.workdps(60):
        for le in (4, 6, 10, 14):
            e = mp.mpf(10) ** -le
            CD, CV, ok = remainder_constants(float(e), g)
            if not ok:
                continue
            w, loss = _exact(g, e)
            Lam = mp.log(1 / e)
            w1 = 1 + g * e * (Lam - 1)
            w2 = w1 + e ** 2 * (g ** 2 * (Lam - 1) * (Lam - 2) - g * (g - 1) * (Lam - mp.mpf(1) / 2))
            l2 = (Lam - g * e * (2 * Lam - 1)
                  + e ** 2 * (g ** 2 * (Lam - 1) * (5 - 3 * Lam) / 2 + g * (g - 1) * (3 * Lam - 1) / 2))
            norm = e ** 3 * (Lam + 1) ** 4
            assert abs(w - w2) <= CD * norm
            assert abs(loss - l2) <= CV * norm
            # the bound is not vacuous: the first-order expansion alone violates it
            assert abs(w - w1) > CD * norm


def test_zipf_tails_certified_across_a():
    for a, g in [(1.05, 2.0), (1.5, 0.5), (3.0, 0.0), (10.0, 100.0)]:
        res = minimizer(stats.zipf(a), g)
        assert res.converged, (a, g, res.reason)
        assert res.mass_bound <= 1e-14


@pytest.mark.parametrize("mu", [1e-3, 3.7, 30.0, 1000.0, 123.456])
def test_poisson_logpmf_within_two_ulp_of_log_p(mu):
    ks = np.unique(np.r_[np.arange(0, 40), np.linspace(0, 5 * mu + 100, 200).astype(int)])
    got = _poisson_logpmf(mu, 0)(ks)
    want = countable_pmf_mp(stats.poisson(mu), [int(k) for k in ks], dps=30)
    with mp.workdps(30):
        for a, p in zip(got, want):
            if p > mp.mpf("1e-300"):
                lp = mp.log(p)
                assert abs(a - lp) <= 2.0 ** -51 * max(1.0, float(abs(lp))), (mu, a)


@pytest.mark.parametrize("n, p", [(0.5, 0.05), (2.5, 0.4), (3.0, 0.4), (0.01, 0.5)])
def test_nbinom_logpmf_without_cancellation(n, p):
    ks = np.unique(np.r_[np.arange(0, 40), np.geomspace(1, 1e4, 100).astype(int)])
    got = _nbinom_logpmf(n, p, 0)(ks)
    want = countable_pmf_mp(stats.nbinom(n, p), [int(k) for k in ks], dps=30)
    with mp.workdps(30):
        worst = max(float(abs(a - mp.log(b))) for a, b in zip(got, want) if b > mp.mpf("1e-40"))
    assert worst <= 2e-14
