"""Accuracy of the double-precision countable minimizer against the mpmath reference.

The reference (focaltheory.reference.countable_minimizer_mp) re-evaluates each
law's pmf in mpmath from its parameters and solves at 30 digits; the
double-precision path (focaltheory.minimizer on a frozen scipy law) must reach:
log lambda* and Q*(k) on its head within 1e-13 relative, Q*(k)/P(k) within
1e-12 of the reference far in the tail, a mass-balance bound at most 1e-14
that is a bound on the true |sum_k Q*(k) - 1| (summed here exactly), and a
value within its stated bound; for geometric (p 1e-3..0.99), Poisson (mu
1e-3..1e3), negative binomial, logarithmic and zeta (a 1.05..10) laws and
gamma from 0 to 100.
"""

import math

import mpmath
import numpy as np
import pytest
from mpmath import mp
from scipy import stats

pytest.importorskip(
    "focaltheory.countable",
    reason="focaltheory.countable (the double-precision minimizer on countable alphabets, "
           "focaltheory.minimizer(law, gamma) on a frozen scipy law) is not in this tree yet; "
           "these accuracy tests run against it as soon as it is",
)

import focaltheory  # noqa: E402
from focaltheory.reference import countable_minimizer_mp, countable_pmf_mp  # noqa: E402

from _mp import loglam_err  # noqa: E402

DPS = 30
# (law, gammas): every family across its parameter range, gamma from 0 to 100
CASES = [
    (stats.geom(1e-3), [2, 100]),
    (stats.geom(0.1), [0, 0.5]),
    (stats.geom(0.5), [2]),
    (stats.geom(0.99), [0.5, 100]),
    (stats.poisson(1e-3), [2, 100]),
    (stats.poisson(1.0), [0, 0.5]),
    (stats.poisson(30.0), [2]),
    (stats.poisson(1e3), [100]),
    (stats.nbinom(2.5, 0.4), [0.5, 100]),
    (stats.nbinom(0.5, 0.05), [2]),
    (stats.logser(0.3), [2, 100]),
    (stats.logser(0.99), [0.5]),
    (stats.zipf(1.05), [2, 100]),
    (stats.zipf(1.5), [0.5]),
    (stats.zipf(3.0), [0, 2]),
    (stats.zipf(10.0), [2, 100]),
]
PARAMS = [(law, g) for law, gs in CASES for g in gs]


def _id(case):
    law, g = case
    return f"{law.dist.name}{law.args}-g{g}"


_REF = {}


def _reference(law, gamma):
    key = (law.dist.name, law.args, gamma)
    if key not in _REF:
        _REF[key] = countable_minimizer_mp(law, gamma, dps=DPS)
    return _REF[key]


def _sample(points, n=200):
    points = list(points)
    if len(points) <= n:
        return points
    idx = np.unique(np.linspace(0, len(points) - 1, n).astype(int))
    return [points[i] for i in idx]


@pytest.fixture(params=PARAMS, ids=[_id(c) for c in PARAMS], scope="module")
def pair(request):
    law, gamma = request.param
    return law, gamma, focaltheory.minimizer(law, gamma), _reference(law, gamma)


def test_log_lambda(pair):
    law, gamma, res, ref = pair
    assert res.converged, res.reason
    assert loglam_err(res.log_lam, ref.log_lam) <= 1e-13
    with mp.workdps(DPS):
        assert abs(mp.mpf(float(res.tail_ratio)) / ref.tail_ratio - 1) <= 1e-13


def test_head(pair):
    law, gamma, res, ref = pair
    ks = _sample(int(k) for k in np.ravel(res.head))
    got = np.asarray(res.pmf(np.array(ks)), dtype=float)
    want = ref.pmf(ks)
    with mp.workdps(DPS):
        worst = max(float(abs(mp.mpf(float(a)) / b - 1)) for a, b in zip(got, want) if b > mpmath.mpf("1e-300"))
    assert worst <= 1e-13


def _far_points(law, res, ref):
    """Points beyond the head where P(k) stays well inside the double range (1e-250 < P < 1e-8)."""
    last = int(np.max(res.head))
    out = []
    for k in [last + 1, last + 7, 2 * last + 10, 10 * last + 100, 10 ** 4, 10 ** 6]:
        if k <= last:
            continue
        P = countable_pmf_mp(law, k, dps=DPS)
        if mpmath.mpf("1e-250") < P < mpmath.mpf("1e-8"):
            out.append((k, P))
    return out


def test_tail_ratio_far_in_the_tail(pair):
    law, gamma, res, ref = pair
    far = _far_points(law, res, ref)
    if law.dist.name in ("zipf", "logser", "geom") or (law.dist.name == "nbinom"):
        assert far, "no tail point inside the double range was found"
    for k, P in far:
        got = float(res.pmf(k))
        with mp.workdps(DPS):
            assert abs(mp.mpf(got) / P / (ref.pmf(k) / P) - 1) <= 1e-12, k


def test_mass_bound_is_a_bound(pair):
    law, gamma, res, ref = pair
    bound = float(res.mass_bound)
    assert 0 <= bound <= 1e-14
    if law.dist.name == "zipf":
        return  # power tails: the double path's tail sum is not enumerable point by point (checked above instead)
    # light tails: sum the double Q* over every point until the reference tail is below 1e-25, exactly
    lo = int(law.support()[0])
    hi = int(np.max(res.head))
    while countable_pmf_mp(law, hi, dps=DPS) * ref.tail_ratio > mpmath.mpf("1e-27"):
        hi = 2 * hi + 10
    q = np.asarray(res.pmf(np.arange(lo, hi + 1)), dtype=float)
    true_err = abs(math.fsum(list(q) + [-1.0]))  # exact sum of the doubles, minus 1, rounded once
    assert true_err <= bound + 1e-25


def test_value(pair):
    law, gamma, res, ref = pair
    with mp.workdps(DPS):
        err = abs(mp.mpf(float(res.value)) - ref.value)
        assert err <= float(res.value_bound) + 2.0 ** -52 * abs(ref.value)
        assert err <= 1e-13 * max(1, abs(ref.value))
