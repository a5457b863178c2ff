"""The checks of the countable-alphabet claims (focaltheory.claims._countable, docs/theory.md theory-countable).

As for the other claims (tests/test_claims_checks.py): each claim that holds refutes a deliberately wrong
variant substituted through the implementation, and each false-as-stated entry passes (so disagrees with
its registration) once its counterexample is removed.
"""

import dataclasses
import json
import math
import types

import mpmath
import numpy as np
import pytest
from scipy import stats

import focaltheory
from focaltheory import claims as C
from focaltheory.claims import STATED_NUMBERS, run_claim
from focaltheory.claims._countable import CountableImpl
from focaltheory.reference import countable_minimizer_mp, countable_pmf_mp

NAMES = {"countable-existence-uniqueness", "countable-finiteness", "countable-support-criterion",
         "countable-infinite-entropy", "countable-semicontinuity", "countable-tv-continuity", "countable-tails",
         "countable-over-suppression", "countable-scoring-rule"}
KNOWN_FALSE_COUNTABLE = {"countable-support-criterion", "countable-tv-continuity"}


def _is_law(x):
    return hasattr(x, "dist") or isinstance(x, focaltheory.countable.Law)


def _shift_log_lam(law, gamma):
    r = focaltheory.minimizer(law, gamma)
    if not _is_law(law):
        return r
    return dataclasses.replace(r, log_lam=np.asarray(r.log_lam) + 1e-3)


def _never_infinite(p, q, gamma, **kw):
    r = focaltheory.focal_entropy(p, q, gamma, **kw)
    if hasattr(r, "finite"):
        return dataclasses.replace(r, value=np.nan_to_num(np.asarray(r.value, dtype=float), posinf=1e308))
    return r


def _value_plus(delta):
    def wrong(p, gamma, **kw):
        r = focaltheory.minimizer(p, gamma, **kw)
        return dataclasses.replace(r, value=np.asarray(r.value) + delta)
    return wrong


def _mixture_ignored(law, gamma, **kw):
    """For a user Law (the mixtures), the minimizer of geom(0.05) instead: Q*(P_n) does not approach Q*(P)."""
    if isinstance(law, focaltheory.countable.Law):
        return focaltheory.minimizer(stats.geom(0.05), gamma)
    return focaltheory.minimizer(law, gamma, **kw)


def _ref_first_order_off(law, gamma, dps=50, head=None):
    """The reference with Q*(k) multiplied by 1 + P(k)/lambda*: a wrong next-order term."""
    r = countable_minimizer_mp(law, gamma, dps=dps)
    lam = mpmath.exp(r.log_lam)

    def pmf(k):
        return r.pmf(k) * (1 + countable_pmf_mp(law, k, dps=dps) / lam)
    return types.SimpleNamespace(log_lam=r.log_lam, pmf=pmf)


def _supports_only(p, q, gamma, **kw):
    """The finite-alphabet criterion as the implementation: finite (1.0) whenever the supports nest."""
    nested = p.support()[0] >= q.support()[0]
    g = np.asarray(gamma, dtype=float)
    return types.SimpleNamespace(value=np.where(nested, 1.0, np.inf) * np.ones(g.shape), finite=bool(nested))


def _bounded_loss(q, gamma):
    return (1 - mpmath.mpf(q)) ** (mpmath.mpf(gamma) + 1)


WRONG_COUNTABLE = {
    "countable-existence-uniqueness": CountableImpl(minimizer=_shift_log_lam),
    "countable-finiteness": CountableImpl(focal_entropy=_never_infinite),
    "countable-infinite-entropy": CountableImpl(minimizer=_value_plus(1.0)),
    "countable-semicontinuity": CountableImpl(minimizer=_mixture_ignored),
    "countable-tails": CountableImpl(countable_minimizer_mp=_ref_first_order_off),
    "countable-over-suppression": CountableImpl(numbers=dict(STATED_NUMBERS, countable_geom_boundary={2.0: "0.4598"})),
    "countable-scoring-rule": CountableImpl(minimizer=_value_plus(0.01)),
}

CORRECTED_COUNTABLE = {
    "countable-support-criterion": CountableImpl(focal_entropy=_supports_only),
    # a bounded loss in place of l: no jump along the block sequences
    "countable-tv-continuity": CountableImpl(focal_loss_mp=_bounded_loss,
                                             focal_loss=lambda q, g: (1 - np.asarray(q)) ** (g + 1)),
}


def test_the_countable_entries_are_registered():
    by = {c.name: c for c in C.CLAIMS}
    assert NAMES <= set(by)
    assert set(WRONG_COUNTABLE) | set(CORRECTED_COUNTABLE) == NAMES
    for name in NAMES:
        c = by[name]
        assert c.section == "theory-countable"
        assert "docs/theory.md, section theory-countable" in c.source or "theory-false" in c.source
        assert "stated in the abstract" not in c.source
        assert (c.kind == C.FALSE_AS_STATED) == (name in KNOWN_FALSE_COUNTABLE)


@pytest.mark.parametrize("name", sorted(WRONG_COUNTABLE))
def test_countable_check_refutes_its_wrong_variant(name):
    r = run_claim(name, quick=True, seed=0, impl=WRONG_COUNTABLE[name])
    assert r.status == C.REFUTED, (name, r.status, r.detail)
    assert r.witness and r.margin is not None and r.tolerance is not None
    assert r.margin < -r.tolerance or (r.tolerance == 0 and r.margin < 0)
    json.dumps(r.to_dict())


@pytest.mark.parametrize("name", sorted(CORRECTED_COUNTABLE))
def test_countable_false_entry_passes_without_its_counterexample(name):
    r = run_claim(name, quick=True, impl=CORRECTED_COUNTABLE[name])
    assert r.status == C.PASS, (name, r.detail, r.witness)
    assert not r.agrees and r.expected == C.REFUTED


@pytest.mark.parametrize("name", sorted(NAMES))
def test_countable_entry_agrees_with_its_registration(name):
    r = run_claim(name, quick=True, seed=0)
    assert r.agrees, (name, r.status, r.detail, r.witness)
    assert r.cases > 0


def test_support_criterion_witness_is_zipf2_against_geom():
    r = run_claim("countable-support-criterion", quick=True)
    w = r.witness
    assert w["law_p"] == "zipf(2)" and w["law_q"].startswith("geom") and w["supports_nested"] and not w["finite"]
    # the partial sums up to 1e100 grow like log(2)/zeta(2) log n: about 97 nats
    assert 90 < w["partial_sum_n_1e100"] < 100


def test_tv_witness_values():
    r = run_claim("countable-tv-continuity", quick=True)
    assert r.status == C.REFUTED and r.agrees
    # M = e^(n^2): H_g(P_n) grows like n; the whole list is in the detail of the worst case
    assert r.witness["H_g_Pn"] > 100 and r.witness["tv"] < 0.01


def test_stated_boundaries_are_sign_changes():
    for g, b in STATED_NUMBERS["countable_geom_boundary"].items():
        h = 0.5 * 10.0 ** -len(b.split(".")[1])
        assert float(focaltheory.minimizer(stats.geom(float(b) - h), g).log_lam) > 0
        assert float(focaltheory.minimizer(stats.geom(float(b) + h), g).log_lam) < 0
    assert math.isclose(float(STATED_NUMBERS["klog2_constant"]), 2.1097428012, rel_tol=1e-10)
