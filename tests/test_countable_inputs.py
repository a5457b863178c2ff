"""Inputs of the countable path: families, user laws, dispatch and bad input."""

import math
import subprocess
import sys

import numpy as np
import pytest
import sympy
from scipy import stats

import focaltheory
from focaltheory.countable import CountableMinimizerResult, Law, as_law, minimizer

FAMILIES = [stats.geom(0.3), stats.poisson(2.0), stats.nbinom(3, 0.4), stats.nbinom(0.5, 0.3), stats.logser(0.6),
            stats.zipf(3.0), stats.yulesimon(3.0), stats.planck(0.5), stats.dlaplace(0.8), stats.betanbinom(5, 4, 3)]


@pytest.mark.parametrize("law", FAMILIES, ids=lambda d: d.dist.name)
def test_every_family_solves_with_certificates(law):
    res = focaltheory.minimizer(law, 2.0)
    assert isinstance(res, CountableMinimizerResult)
    assert res.converged, res.reason
    assert res.mass_bound <= 1e-14
    assert res.residual <= 1e-13
    assert math.isfinite(res.value) and 0 < res.value_bound < 1e-6
    # Q* is a law: its head plus the tails' centres sum to 1 within the bound
    head = res.pmf(res.head)
    assert abs(head.sum() + float(res.q.sf(res.head[-1])) - 1 + (0 if res.head[0] == law.support()[0]
                                                                 else float(res.q.cdf(res.head[0] - 1)))) <= 1e-13
    # inverse map on the head: P(k) g(Q*(k)) = lambda*
    P = res.law.pmf(res.head)
    g = 2.0
    q = head[P > 1e-200]
    gq = (1 - q) ** (g - 1) * ((1 - q) / q - g * np.log(q))
    assert np.allclose(P[P > 1e-200] * gq, math.exp(res.log_lam), rtol=1e-12, atol=0)


def test_two_sided_support_and_zeros_off_support():
    res = minimizer(stats.dlaplace(0.8), 1.0)
    k = np.array([-40, -3, 0, 3, 40])
    q = res.pmf(k)
    assert np.all(q > 0) and q[1] == q[3]  # symmetric law, symmetric minimizer
    assert res.q.support() == (-math.inf, math.inf)
    r = minimizer(stats.geom(0.3), 1.0)
    assert r.pmf(0) == 0.0 and r.pmf(-3) == 0.0 and r.pmf(2.5) == 0.0
    assert r.q.logpmf(0) == -np.inf
    assert abs(float(r.q.cdf(3)) + float(r.q.sf(3)) - 1) <= 1e-15
    assert float(r.q.cdf(0)) == 0.0


def test_sweep_matches_single_solves():
    gam = np.array([0.0, 0.5, 2.0, 10.0])
    sw = minimizer(stats.poisson(4.0), gam)
    assert sw.log_lam.shape == (4,) and sw.converged.all()
    for i, g in enumerate(gam):
        one = minimizer(stats.poisson(4.0), g)
        assert abs(float(one.log_lam) - sw.log_lam[i]) <= 4e-16 * (1 + abs(sw.log_lam[i]))
    assert sw.pmf(np.arange(3)).shape == (4, 3)


def test_user_law_ratio_tail_and_sympy():
    geo = stats.geom(0.25)
    law = Law(pmf=lambda k: geo.pmf(k), support=(1, math.inf), tail={"ratio": 0.75, "from": 1})
    a, b = minimizer(law, 2.0), minimizer(geo, 2.0)
    assert a.converged and abs(float(a.log_lam) - float(b.log_lam)) <= 1e-15
    k = sympy.Symbol("k", integer=True)
    ls = Law(pmf=sympy.Rational(1, 2) ** (k + 1), support=(0, math.inf), tail={"ratio": 0.5, "from": 0})
    c = minimizer(ls, 2.0)
    d = minimizer(stats.geom(0.5, loc=-1), 2.0)
    assert c.converged and abs(float(c.log_lam) - float(d.log_lam)) <= 1e-15


def test_user_power_law_needs_sf():
    z = stats.zipf(4.0)
    with pytest.raises(ValueError, match="sf"):
        Law(pmf=z.pmf, support=(1, math.inf), tail={"power": 4.0, "c": 0.0, "from": 1})
    law = Law(pmf=z.pmf, sf=z.sf, support=(1, math.inf), tail={"power": 4.0, "c": 0.0, "from": 1})
    r = minimizer(law, 1.0)
    assert abs(float(r.log_lam) - float(minimizer(z, 1.0).log_lam)) <= 1e-13


def test_finite_support_goes_to_the_finite_solver():
    law = stats.binom(4, 0.3)
    res = focaltheory.minimizer(law, 2.0)
    ref = focaltheory.minimizer(law.pmf(np.arange(5)), 2.0)
    assert type(res).__name__ == "MinimizerResult"
    assert np.array_equal(res.q, ref.q)
    with pytest.raises(ValueError, match="finite support"):
        minimizer(law, 2.0)  # the countable path, explicitly


@pytest.mark.parametrize("bad,exc,match", [
    (stats.norm(), TypeError, "continuous"),
    (stats.geom(1.5), ValueError, "outside the domain"),
    (stats.poisson(-1.0), ValueError, "outside the domain"),
    ([0.2, 0.8], TypeError, "law"),
])
def test_bad_laws(bad, exc, match):
    with pytest.raises(exc, match=match):
        minimizer(bad, 1.0)


def test_bad_user_laws():
    with pytest.raises(ValueError, match="tail"):
        Law(pmf=lambda k: 0.5 ** (k + 1.0))
    with pytest.raises(ValueError, match="pmf: .*sum"):
        Law(pmf=lambda k: 0.3 * 0.5 ** k, support=(0, math.inf), tail={"ratio": 0.5, "from": 0})
    with pytest.raises(TypeError, match="pmf"):
        Law(pmf=3.0, tail={"ratio": 0.5})
    with pytest.raises(ValueError, match="ratio"):
        Law(pmf=lambda k: 0.5 ** (k + 1.0), tail={"ratio": 1.5})
    with pytest.raises(ValueError, match="gamma"):
        minimizer(stats.geom(0.3), -1.0)
    with pytest.raises(ValueError, match="gamma"):
        minimizer(stats.geom(0.3), np.nan)


def test_uncertifiable_tail_is_reported_not_hidden():
    # a zeta tail carries its second-order sums and is certified ...
    res = minimizer(stats.zipf(1.5), 2.0)
    assert res.converged, res.reason
    assert res.mass_bound <= 1e-14
    # ... a declared power tail with exponent near 1 has only the first-order bracket
    res = minimizer(stats.yulesimon(0.5), 2.0)
    assert not res.converged
    assert "not certified" in res.reason
    assert res.mass_bound > 1e-14  # the honest bound, not a number that looks right


def test_as_law_and_rv_discrete_instance():
    assert as_law(stats.geom(0.3)).family == "geom"
    custom = stats.rv_discrete(name="two", values=([0, 1], [0.5, 0.5]))
    res = focaltheory.minimizer(custom, 1.0)  # finite support: the finite solver
    assert np.allclose(res.q, [0.5, 0.5])


def test_import_focaltheory_loads_neither_scipy_stats_nor_countable():
    code = "import sys, focaltheory; print('scipy.stats' in sys.modules, 'focaltheory.countable' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]


def test_no_warnings_escape(recwarn):
    for law in (stats.geom(0.999), stats.poisson(1e3), stats.zipf(10.0), stats.poisson(1e-3)):
        minimizer(law, [0.0, 1e-3, 5.0, 100.0])
    assert len(recwarn) == 0


class _Geometric(stats.rv_discrete):
    """A user's rv_discrete subclass: P(k) = (1 - r) r^k on k >= 0."""

    def _pmf(self, k, r):
        return (1 - r) * r ** k

    def _sf(self, k, r):
        return r ** (np.floor(k) + 1)


def test_rv_discrete_subclass_with_a_declared_tail():
    inst = _Geometric(a=0, name="mygeom")(0.6)
    with pytest.raises(ValueError, match="no tail bound"):
        minimizer(inst, 2.0)
    law = Law(pmf=inst, tail={"ratio": 0.6, "from": 0})
    res = focaltheory.minimizer(law, 2.0)
    ref = minimizer(stats.geom(0.4, loc=-1), 2.0)
    assert res.converged and abs(float(res.log_lam) - float(ref.log_lam)) <= 1e-15
