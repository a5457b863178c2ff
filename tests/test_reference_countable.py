"""Tests of the arbitrary-precision reference on countable alphabets (focaltheory.reference).

Expected values come from closed forms written out here (the pmf of each
family, the Shannon entropy of a geometric law, gamma = 0), from the
asymptotic expansion of the minimizer in the tail, from the finite
reference minimizer_mp on truncations of the law, or from the same
reference at another precision; never from the code under test alone.
"""

import threading

import mpmath
import pytest
from mpmath import mp
from scipy import stats

from focaltheory.reference import countable_minimizer_mp, countable_pmf_mp, minimizer_mp

FAMILIES = [
    stats.geom(0.3),
    stats.poisson(2.5),
    stats.nbinom(2.5, 0.4),
    stats.logser(0.7),
    stats.zipf(1.5),
    stats.yulesimon(2.2),
    stats.planck(0.5),
    stats.dlaplace(0.8),
    stats.betanbinom(3, 2.5, 1.5),
    stats.nbinom(0.5, 0.2, loc=2),
]


def _mpf(x):
    return mp.mpf(x)


@pytest.fixture(scope="module")
def solved():
    """A few solves shared by the tests (each costs seconds at 60 digits)."""
    out = {}
    for key, law, gamma in [("geom", stats.geom(0.3), 2), ("poisson", stats.poisson(2.5), 2),
                            ("zipf", stats.zipf(1.5), 2)]:
        out[key] = (law, gamma, countable_minimizer_mp(law, gamma, dps=60))
    return out


@pytest.mark.parametrize("law", FAMILIES, ids=lambda law: law.dist.name)
def test_pmf_matches_scipy_and_closed_forms(law):
    # the mpmath rewrite against scipy's double pmf (a check of the formulas, not their source)
    lo = int(law.support()[0]) if law.dist.name != "dlaplace" else -5
    ks = list(range(lo, lo + 12)) + [lo + 60]
    vals = countable_pmf_mp(law, ks, dps=30)
    with mp.workdps(30):
        for k, v in zip(ks, vals):
            ref = law.pmf(k)
            assert abs(float(v) / ref - 1) < 1e-12, (k, v, ref)
    assert countable_pmf_mp(law, lo - 1, dps=30) == 0 or law.dist.name == "dlaplace"


def test_pmf_exact_values():
    with mp.workdps(40):
        assert abs(countable_pmf_mp(stats.zipf(2), 3, dps=40) - 6 / (9 * mp.pi ** 2)) < mp.mpf("1e-40")
        p = mp.mpf(0.3)
        assert abs(countable_pmf_mp(stats.geom(0.3), 5, dps=40) - p * (1 - p) ** 4) < mp.mpf("1e-40")
        mu = mp.mpf(2.5)
        assert abs(countable_pmf_mp(stats.poisson(2.5), 7, dps=40) - mp.exp(-mu) * mu ** 7 / 5040) < mp.mpf("1e-41")
        # two-sided and shifted laws
        assert countable_pmf_mp(stats.dlaplace(0.8), -3, dps=30) == countable_pmf_mp(stats.dlaplace(0.8), 3, dps=30)
        assert countable_pmf_mp(stats.geom(0.3, loc=4), 4, dps=30) == 0
        assert countable_pmf_mp(stats.geom(0.3, loc=4), 5, dps=30) == countable_pmf_mp(stats.geom(0.3), 1, dps=30)


@pytest.mark.parametrize("law", [stats.geom(0.3), stats.poisson(2.5), stats.zipf(3.0)], ids=lambda l: l.dist.name)
def test_gamma_zero_is_the_identity(law):
    r = countable_minimizer_mp(law, 0, dps=40)
    assert r.log_lam == 0 and r.tail_ratio == 1
    ks = list(r.head[:10]) + [r.head[-1] + 50]
    assert r.pmf(ks) == countable_pmf_mp(law, ks, dps=40)
    assert r.certificate < mp.mpf("1e-40")


def test_gamma_zero_value_is_the_shannon_entropy():
    p = mp.mpf(0.3)
    with mp.workdps(50):
        H = (-(1 - p) * mp.log(1 - p) - p * mp.log(p)) / p
        r = countable_minimizer_mp(stats.geom(0.3), 0, dps=40)
        assert abs(r.value - H) < mp.mpf("1e-39")


@pytest.mark.parametrize("key, far", [("geom", [80, 150]), ("poisson", [40, 60]), ("zipf", [10 ** 4, 10 ** 6])])
def test_tail_expansion(solved, key, far):
    """Q*(k)/P(k) = (1/lambda*)(1 + gamma x (log(1/x) - 1) + O(x^2 log^2 x)), x = P(k)/lambda*, at 60 digits."""
    law, gamma, r = solved[key]
    with mp.workdps(80):
        lam = mp.exp(r.log_lam)
        assert abs(r.tail_ratio * lam - 1) < mp.mpf("1e-59")
        for k in far:
            P = countable_pmf_mp(law, k, dps=60)
            Q = r.pmf(k)
            x = P / lam
            first = gamma * x * (mp.log(1 / x) - 1)
            resid = Q / P * lam - 1 - first
            scale = x * x * mp.log(x) ** 2
            assert abs(first) > 1e-40 * scale or scale < mp.mpf("1e-58")
            # the remainder is second order (bounded by a modest multiple of x^2 log^2 x), the first order is right
            assert abs(resid) <= 4 * gamma ** 2 * scale + mp.mpf("1e-57"), (k, resid, scale)
            assert abs(Q / P * lam - 1) <= 2 * abs(first) + mp.mpf("1e-57")


@pytest.mark.parametrize("key", ["geom", "poisson", "zipf"])
def test_mass_balance_at_dps_digits(solved, key):
    _, _, r = solved[key]
    assert r.certificate < mp.mpf("1e-60")
    assert r.value_bound < mp.mpf("1e-55")


def test_mass_balance_by_direct_summation():
    """Summing Q*(k) point by point (geometric: the tail beyond 400 is below 1e-60) gives 1 within the certificate."""
    r = countable_minimizer_mp(stats.geom(0.5), 3, dps=40)
    with mp.workdps(60):
        total = mp.fsum(r.pmf(range(1, 400)))
        tail = mp.mpf(2) ** -398 * 8 * r.tail_ratio  # (1 + gamma) sf(399) / lambda
        assert abs(total - 1) <= r.certificate + tail + mp.mpf("1e-40")
        # and the value, point by point
        val = mp.fsum(mp.mpf(2) ** -k * -(1 - q) ** 3 * mp.log(q) for k, q in zip(range(1, 400), r.pmf(range(1, 400))))
        assert abs(val - r.value) < mp.mpf("1e-39")


@pytest.mark.parametrize("law, gamma", [(stats.geom(0.3), 2), (stats.poisson(2.5), 5), (stats.zipf(1.5), 2),
                                        (stats.logser(0.7), "0.5"), (stats.dlaplace(0.8), 1)],
                         ids=["geom", "poisson", "zipf", "logser", "dlaplace"])
def test_two_precisions_agree(law, gamma, solved):
    key = {"geom": "geom", "zipf": "zipf"}.get(law.dist.name)
    hi = solved[key][2] if key and solved[key][1] == gamma else countable_minimizer_mp(law, gamma, dps=60)
    lo = countable_minimizer_mp(law, gamma, dps=30)
    tol = mp.mpf("1e-25")
    with mp.workdps(60):
        assert abs(lo.log_lam - hi.log_lam) < tol
        assert abs(lo.value - hi.value) < tol
        ks = list(lo.head[:8]) + [lo.head[-1] + 1, lo.head[-1] + 1000]
        for a, b in zip(lo.pmf(ks), hi.pmf(ks)):
            assert abs(a / b - 1) < tol


@pytest.mark.parametrize("law, gamma, ns", [
    (stats.geom(0.3), 2, [10, 20, 40, 320]),
    (stats.poisson(2.5), 3, [4, 8, 16, 60]),
    (stats.zipf(3.0), 2, [25, 50, 100, 200]),
], ids=["geom", "poisson", "zipf"])
def test_finite_truncations_converge(law, gamma, ns):
    """P truncated to its first n points and renormalized, solved by the finite minimizer_mp, tends to the countable answer."""
    r = countable_minimizer_mp(law, gamma, dps=40)
    errs = []
    for n in ns:
        ks = list(range(int(law.support()[0]), int(law.support()[0]) + n))
        P = countable_pmf_mp(law, ks, dps=40)
        f = minimizer_mp(P, gamma, dps=40)
        with mp.workdps(50):
            errs.append(max([abs(f.log_lam - r.log_lam)] + [abs(a / b - 1) for a, b in zip(f.q[:5], r.q_head[:5])]))
    assert all(b < a for a, b in zip(errs, errs[1:])), errs
    if law.dist.name == "zipf":
        # the error follows the truncated mass, n^-2 / (2 zeta(3)): halving from n to 2n divides it by about 4
        assert errs[-1] < mp.mpf("1e-4") and 2.5 < errs[-2] / errs[-1] < 6
    else:
        assert errs[-1] < mp.mpf("1e-35")
    if law.dist.name == "geom":  # the error is of the order of the truncated mass 0.7^n (times 1/lambda*)
        for n, e in zip(ns, errs):
            assert e < 10 * (1 + gamma) * mp.mpf(0.7) ** n * r.tail_ratio + mp.mpf("1e-38")


def test_head_and_result_fields(solved):
    law, gamma, r = solved["poisson"]
    assert r.method == "cut-off" and r.tail_start is None and r.head[0] == 0
    assert len(r.head) == len(r.q_head) and r.dps == 60 and r.gamma == 2
    assert r.pmf(-1) == 0
    assert r.pmf(r.head[3]) == r.q_head[3]
    # order preservation: the pmf decreases beyond the mode, and so does Q*
    assert all(a > b for a, b in zip(r.q_head[3:], r.q_head[4:]))
    _, _, z = solved["zipf"]
    assert z.method == "euler-maclaurin" and z.tail_start == z.head[-1] + 1
    with mp.workdps(60):
        assert abs(z.lam - mp.exp(z.log_lam)) < mp.mpf("1e-58") * z.lam


def test_two_sided_and_shifted():
    r = countable_minimizer_mp(stats.dlaplace(0.8, loc=3), 2, dps=30)
    assert r.pmf(3 + 5) == r.pmf(3 - 5) and r.pmf(3) > r.pmf(4)
    assert r.head == tuple(sorted(r.head)) and 3 in r.head
    s = countable_minimizer_mp(stats.geom(0.3, loc=-2), 2, dps=30)
    t = countable_minimizer_mp(stats.geom(0.3), 2, dps=30)
    assert s.log_lam == t.log_lam and s.pmf(-1) == t.pmf(1) and s.pmf(-2) == 0


@pytest.mark.parametrize("law", [stats.yulesimon(2.2), stats.betanbinom(3, 2.5, 1.5), stats.nbinom(0.5, 0.01),
                                 stats.planck(0.01)], ids=lambda l: l.dist.name)
def test_other_families_certified(law):
    r = countable_minimizer_mp(law, 2, dps=30)
    assert r.certificate < mp.mpf("1e-30") and r.value_bound < mp.mpf("1e-28")
    # the stationarity condition at a head point and far in the tail: P(k) g(Q*(k)) = lambda*
    with mp.workdps(40):
        for k in (r.head[1], r.head[-1] + 500):
            q = r.pmf(k)
            P = countable_pmf_mp(law, k, dps=40)
            g = (1 - q) * ((1 - q) / q - 2 * mp.log(q))
            assert abs(mp.log(P * g) - r.log_lam) < mp.mpf("1e-28")


@pytest.mark.parametrize("bad, exc, match", [
    (stats.norm(), TypeError, "discrete"),
    (stats.binom(10, 0.3), ValueError, "not supported"),
    (stats.geom(1.0), ValueError, "p must"),
    (stats.zipf(1.0), ValueError, "a must exceed 1"),
    (stats.poisson(-1.0), ValueError, "mu must"),
    (stats.geom(0.3, loc=0.5), ValueError, "loc"),
    ([0.5, 0.5], TypeError, "law"),
])
def test_bad_laws(bad, exc, match):
    with pytest.raises(exc, match=match):
        countable_minimizer_mp(bad, 2, dps=20)


def test_bad_gamma_and_dps():
    with pytest.raises(ValueError, match="gamma"):
        countable_minimizer_mp(stats.geom(0.3), -1, dps=20)
    with pytest.raises(TypeError, match="gamma"):
        countable_minimizer_mp(stats.geom(0.3), None, dps=20)
    with pytest.raises(ValueError, match="dps"):
        countable_minimizer_mp(stats.geom(0.3), 1, dps=5)
    with pytest.raises(TypeError, match="k must"):
        countable_pmf_mp(stats.geom(0.3), 1.5, dps=20)


def test_threads_and_global_precision():
    before = mp.dps
    ref = countable_minimizer_mp(stats.geom(0.3), 2, dps=30).log_lam
    out, errors = [], []

    def work():
        try:
            out.append(countable_minimizer_mp(stats.geom(0.3), 2, dps=30).log_lam)
        except Exception as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=work) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and out == [ref] * 3 and mp.dps == before


def test_zeta_entropy_closed_form():
    """gamma = 0: H(zipf(a)) = log zeta(a) - a zeta'(a)/zeta(a) (Euler-Maclaurin tail against the closed form)."""
    r = countable_minimizer_mp(stats.zipf(3.0), 0, dps=40)
    with mp.workdps(50):
        a = mp.mpf(3)
        H = mp.log(mp.zeta(a)) - a * mp.zeta(a, 1, 1) / mp.zeta(a)
        assert abs(r.value - H) < mp.mpf("1e-39")


def test_zeta_mass_by_direct_sum_and_hurwitz_tail():
    """S(lambda*) = 1 checked without Euler-Maclaurin: 2000 terms summed, the rest by the two-term tail expansion.

    sum_{k>N} Q*(k) = (1/lambda) zeta(a, N+1)/zeta(a)
      + (gamma/lambda^2) [(log(lambda zeta(a)) - 1) zeta(2a, N+1) - a d/ds zeta(s, N+1)|_{2a}] / zeta(a)^2
      + O(N x^3 log^2 x),  x = P(N)/lambda (a few 1e-12 here; the second-order term is 1e-7).
    """
    a, gamma, N = 1.5, 0.5, 2000
    r = countable_minimizer_mp(stats.zipf(a), gamma, dps=30)
    with mp.workdps(30):
        A, g = mp.mpf(a), mp.mpf(gamma)
        z, lam = mp.zeta(A), r.lam
        head = mp.fsum(r.pmf(range(1, N + 1)))
        t1 = mp.zeta(A, N + 1) / z / lam
        t2 = g / lam ** 2 * ((mp.log(lam * z) - 1) * mp.zeta(2 * A, N + 1) - A * mp.zeta(2 * A, N + 1, 1)) / z ** 2
        assert abs(t2) > mp.mpf("1e-8")  # the second-order term matters at this N
        assert abs(head + t1 + t2 - 1) < mp.mpf("1e-11")
        assert abs(head + t1 - 1) > mp.mpf("1e-8")  # and without it the balance fails


def test_requested_head():
    r = countable_minimizer_mp(stats.zipf(2.0), 2, dps=25, head=120)
    s = countable_minimizer_mp(stats.zipf(2.0), 2, dps=25)
    assert r.head[:120] == tuple(range(1, 121)) and len(s.head) < 120
    with mp.workdps(25):
        assert abs(r.log_lam - s.log_lam) < mp.mpf("1e-24")  # a longer head, the same answer
        assert abs(r.q_head[100] / s.pmf(101) - 1) < mp.mpf("1e-24")
    with pytest.raises(TypeError, match="head"):
        countable_minimizer_mp(stats.zipf(2.0), 2, dps=25, head=2.5)
