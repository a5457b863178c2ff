"""Accuracy of the countable minimizer against a high-precision mpmath computation.

The truth: log lambda* solves sum_k g^-1(lambda / P(k)) = 1 at 40 digits, with
P(k) re-evaluated in mpmath from the law's parameters, a far truncation and
the rest of the tail taken as sf / lambda (its error is below 1e-25 for the
cases here).  Each g^-1 is a Newton iteration on the exact equation at 40
digits; the double-precision answer is only its starting point.
"""

import math

import mpmath as mp
import numpy as np
import pytest
from scipy import stats

from focaltheory.countable import minimizer

DPS = 40


def _logg(v, G):
    """log g(q) at log q = v, exactly (mpmath)."""
    om = -mp.expm1(v)
    return -v + G * mp.log(om) + mp.log1p(G * mp.exp(v) * (-v) / om)


def _ginv_log(t, G, v0):
    """log q with log g(q) = t, Newton from v0 (mpmath)."""
    v = mp.mpf(v0)
    for _ in range(60):
        f = _logg(v, G) - t
        h = mp.mpf(10) ** (-20) * (1 + abs(v))
        d = (_logg(v + h, G) - _logg(v - h, G)) / (2 * h)
        dv = f / d
        v -= dv
        if v >= 0:
            v = -mp.mpf(10) ** (-30)
        if abs(dv) < mp.mpf(10) ** (-DPS + 4) * (1 + abs(v)):
            break
    return v


def _truth(logpmf, ks, G, tail_mass, u0, q0, tail2=None):
    with mp.workdps(DPS):
        G = mp.mpf(G)
        lps = [logpmf(mp.mpf(int(k))) for k in ks]
        vs = [mp.log(mp.mpf(x)) for x in q0]

        def mass(u):
            nonlocal vs
            vs = [_ginv_log(u - lp, G, v) for lp, v in zip(lps, vs)]
            lam = mp.exp(u)
            extra = 0 if tail2 is None else G * tail2(lam) / lam ** 2
            return mp.fsum(mp.exp(v) for v in vs) + tail_mass / lam + extra - 1
        u = mp.findroot(mass, (mp.mpf(u0), mp.mpf(u0) * (1 + mp.mpf(10) ** -8) + mp.mpf(10) ** -10),
                        solver="secant", tol=mp.mpf(10) ** (-2 * DPS + 10))
        mass(u)
        return u, [mp.exp(v) for v in vs]


def _mpf(x):
    return mp.mpf(repr(float(x)))


FAMILIES = {
    "geom": (lambda p: stats.geom(p), lambda p: (lambda k: mp.log(_mpf(p)) + (k - 1) * mp.log1p(-_mpf(p))),
             lambda p, K: mp.exp(K * mp.log1p(-_mpf(p)))),
    "poisson": (lambda mu: stats.poisson(mu), lambda mu: (lambda k: k * mp.log(_mpf(mu)) - _mpf(mu) - mp.loggamma(k + 1)),
                None),
    "logser": (lambda p: stats.logser(p), lambda p: (lambda k: k * mp.log(_mpf(p)) - mp.log(k) - mp.log(-mp.log1p(-_mpf(p)))),
               None),
    "zipf": (lambda a: stats.zipf(a), lambda a: (lambda k: -_mpf(a) * mp.log(k) - mp.log(mp.zeta(_mpf(a)))),
             lambda a, K: mp.zeta(_mpf(a), K + 1) / mp.zeta(_mpf(a))),
}


def _nbinom_logpmf(n, p):
    return lambda k: (mp.loggamma(k + n) - mp.loggamma(n) - mp.loggamma(k + 1) + n * mp.log(_mpf(p))
                      + k * mp.log1p(-_mpf(p)))


CASES = [
    ("geom", 0.3, 200), ("geom", 0.05, 1200), ("geom", 0.99, 30),
    ("poisson", 1e-3, 40), ("poisson", 3.0, 80), ("poisson", 30.0, 160),
    ("logser", 0.6, 150), ("zipf", 3.0, 3000), ("zipf", 10.0, 60),
]


@pytest.mark.parametrize("fam,par,N", CASES)
@pytest.mark.parametrize("gamma", [0.5, 2.0, 30.0, 100.0])
def test_log_lambda_and_head_against_mpmath(fam, par, N, gamma):
    make, lp, sf = FAMILIES[fam]
    law = make(par)
    res = minimizer(law, gamma)
    assert res.converged and res.reason is None
    assert res.mass_bound <= 1e-14
    a = int(law.support()[0])
    ks = np.arange(a, a + N)
    q0 = res.pmf(ks)
    tail = sf(par, int(ks[-1])) if sf else mp.mpf(0)
    tail2 = None
    if fam == "zipf":
        # the first-order term of the tail, sum_{k>N} P^2 (log(lambda / P) - 1), from Hurwitz zeta
        # and its s-derivative; what is left is O(gamma^2 P^2 log^2 P) of the tail mass (< 1e-25 here)
        a, N = _mpf(par), int(ks[-1])
        z = mp.zeta(a)

        def tail2(lam):
            return ((mp.log(lam * z) - 1) * mp.zeta(2 * a, N + 1) - a * mp.zeta(2 * a, N + 1, derivative=1)) / z ** 2
    u, q = _truth(lp(par), ks, gamma, tail, float(res.log_lam), q0, tail2)
    assert abs(float((mp.mpf(float(res.log_lam)) - u) / u)) <= 1e-13
    # Q* on the head (points with Q above 1e-300), relative
    qh = res.pmf(res.head[res.head < a + N])
    err = max(abs(float(mp.mpf(float(x)) / y - 1)) for x, y in zip(qh, q) if y > mp.mpf(10) ** -290)
    assert err <= 1e-13, err


def test_nbinom_against_mpmath():
    law = stats.nbinom(3, 0.4)
    for gamma in (0.5, 5.0, 100.0):
        res = minimizer(law, gamma)
        assert res.converged
        ks = np.arange(0, 160)
        u, q = _truth(_nbinom_logpmf(3, 0.4), ks, gamma, mp.mpf(0), float(res.log_lam), res.pmf(ks))
        assert abs(float((mp.mpf(float(res.log_lam)) - u) / u)) <= 1e-13
        err = max(abs(float(mp.mpf(float(x)) / y - 1)) for x, y in zip(res.pmf(ks), q) if y > 1e-300)
        assert err <= 1e-13


@pytest.mark.parametrize("law", [stats.geom(0.3), stats.poisson(3.0), stats.zipf(3.0), stats.logser(0.6)])
@pytest.mark.parametrize("gamma", [0.5, 2.0, 100.0])
def test_tail_ratio_far_in_the_tail(law, gamma):
    res = minimizer(law, gamma)
    # where the expansion says so: the first-order term gamma (P / lambda) (log(lambda / P) - 1)
    # below 1e-13 (and P in the normal range)
    k = np.unique(np.geomspace(max(1, res.head[0]), 1e12, 4000).astype(np.int64))
    P = res.law.pmf(k)
    lam = 1.0 / float(res.tail_ratio)
    with np.errstate(all="ignore"):  # P = 0 far out: 0 * inf, dropped below
        first = gamma * (P / lam) * np.abs(np.log(lam / P) - 1)
    far = np.flatnonzero((first < 1e-13) & (P > 1e-290))
    assert far.size
    k = k[far[[0, far.size // 2, -1]]]
    ratio = res.pmf(k) / res.law.pmf(k)
    assert np.all(np.abs(ratio / res.tail_ratio - 1) <= 1e-12)


def test_gamma_zero_is_the_law():
    res = minimizer(stats.poisson(2.5), 0.0)
    assert float(res.log_lam) == 0.0 and float(res.tail_ratio) == 1.0
    k = np.arange(0, 30)
    assert np.array_equal(res.pmf(k), res.law.pmf(k))
    assert np.allclose(res.pmf(k), stats.poisson(2.5).pmf(k), rtol=1e-12, atol=0)
    # H_0(P) is the Shannon entropy
    assert abs(float(res.value) - float(stats.poisson(2.5).entropy())) <= 1e-12


def test_value_against_mpmath():
    law, gamma = stats.geom(0.3), 2.0
    res = minimizer(law, gamma)
    lp = FAMILIES["geom"][1](0.3)
    ks = np.arange(1, 260)
    u, q = _truth(lp, ks, gamma, mp.mpf(0), float(res.log_lam), res.pmf(ks))
    with mp.workdps(DPS):
        V = mp.fsum(mp.exp(lp(mp.mpf(int(k)))) * (-(1 - qk) ** gamma * mp.log(qk)) for k, qk in zip(ks, q))
    assert abs(float(res.value) - float(V)) <= float(res.value_bound)
    assert float(res.value_bound) <= 1e-13
