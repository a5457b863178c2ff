"""The focal-entropy between countable laws (criterion, value, bound) and ``solve --law``."""

import json
import math
import subprocess
import sys

import mpmath as mp
import numpy as np
import pytest
from scipy import stats

import focaltheory
from focaltheory.cli._law import parse_law
from focaltheory.countable import focal_entropy, minimizer


def _mp_geom_geom(p, r, gamma, N=4000):
    with mp.workdps(30):
        p, r = mp.mpf(repr(p)), mp.mpf(repr(r))
        return mp.fsum(p * (1 - p) ** (k - 1) * (-(1 - r * (1 - r) ** (k - 1)) ** gamma * mp.log(r * (1 - r) ** (k - 1)))
                       for k in range(1, N))


@pytest.mark.parametrize("gamma", [0.0, 1.0, 5.0])
def test_value_and_bound_against_mpmath(gamma):
    r = focal_entropy(stats.geom(0.3), stats.geom(0.2), gamma)
    assert r.finite
    truth = float(_mp_geom_geom(0.3, 0.2, gamma))
    assert abs(float(r.value) - truth) <= float(r.value_bound) <= 1e-13


def test_infinite_by_the_criterion_not_by_a_partial_sum():
    # zeta(2) against a geometric Q: sum P(-log Q) ~ sum k^-2 * k diverges (harmonic)
    r = focal_entropy(stats.zipf(2.0), stats.geom(0.5), 2.0)
    assert r.value == math.inf and not r.finite and "E_P[X] = inf" in r.criterion
    # the same P against a power-law Q: -log Q = O(log k), finite
    r = focal_entropy(stats.zipf(2.0), stats.zipf(1.5), 2.0)
    assert r.finite and math.isfinite(r.value)
    # exponent above 2: the first moment is finite
    r = focal_entropy(stats.zipf(3.0), stats.geom(0.5), 1.0)
    assert r.finite and math.isfinite(r.value)
    # support of P outside that of Q
    r = focal_entropy(stats.poisson(2.0), stats.geom(0.5), 1.0)
    assert r.value == math.inf and "support" in r.criterion


def test_gamma_sweep_decreases_and_matches_the_minimizer():
    r = focal_entropy(stats.poisson(3.0), stats.poisson(3.0), [0.0, 1.0, 3.0])
    assert np.all(np.diff(r.value) < 0)
    assert abs(r.value[0] - float(minimizer(stats.poisson(3.0), 0.0).value)) <= 1e-13
    # H_g(P, Q*) is the minimum: below H_g(P, P)
    m = minimizer(stats.poisson(3.0), 3.0)
    assert float(m.value) < r.value[2]


def test_dispatch_from_focal_entropy_and_bad_q():
    r = focaltheory.focal_entropy(stats.geom(0.5), stats.geom(0.5), 0.0)
    assert abs(float(r.value) - 2 * math.log(2)) <= 1e-14
    with pytest.raises(ValueError, match="q: a pmf callable"):
        focal_entropy(stats.geom(0.5), lambda k: 0.5 ** k, 1.0)
    with pytest.raises(TypeError, match="continuous"):
        focal_entropy(stats.geom(0.5), stats.norm(), 1.0)


def test_parse_law_safe():
    d = parse_law("geom(p=0.3)")
    assert d.dist.name == "geom" and d.args == () and d.kwds == {"p": 0.3}
    assert parse_law("nbinom(3, p=0.4)").args == (3,)
    for bad in ("__import__('os')(p=1)", "geom(p=os.system('x'))", "geom(p=1e999x)", "norm(loc=0)", "geom p=0.3",
                "geom(p=0.3, p=0.4)"):
        with pytest.raises(ValueError, match="--law"):
            parse_law(bad)


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "focaltheory", "solve", *args], capture_output=True, text=True)


def test_cli_law_text_and_json():
    out = _cli("--gamma", "2", "--law", "geom(p=0.3)")
    assert out.returncode == 0, out.stderr
    assert "tail ratio" in out.stdout and "mass balance" in out.stdout and "+-" in out.stdout
    js = _cli("--gamma", "2", "--law", "geom(p=0.3)", "--json")
    d = json.loads(js.stdout)
    res = minimizer(stats.geom(0.3), 2.0)
    assert d["log_lambda"] == float(res.log_lam) and d["converged"] is True
    assert d["mass_bound"] <= 1e-14 and d["head"][0]["k"] == 1
    assert abs(d["tail_ratio"] - float(res.tail_ratio)) == 0
    fin = json.loads(_cli("--gamma", "1", "--law", "binom(n=3, p=0.5)", "--json").stdout)
    assert fin["support"] == "finite" and len(fin["head"]) == 4
    bad = _cli("--gamma", "1", "--law", "geom(p=2)")
    assert bad.returncode == 2 and "outside the domain" in bad.stderr
    z = _cli("--gamma", "2", "--law", "zipf(a=1.5)", "--json")  # a zeta tail: certified to second order
    assert z.returncode == 0 and json.loads(z.stdout)["converged"] is True
    nc = _cli("--gamma", "2", "--law", "yulesimon(alpha=0.5)", "--json")  # first order only: not certified
    assert nc.returncode == 1 and json.loads(nc.stdout)["reason"]
