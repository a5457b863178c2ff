"""The checks of the claims catalogue (focaltheory.claims, its topic modules).

Every check must be able to fail: for each claim that holds, a deliberately
wrong variant (a perturbed minimizer, a false inequality, a wrong constant)
is substituted through :class:`focaltheory.claims.Impl`, and the check must
refute it with a witness; for each claim registered as false as stated, a
variant without the counterexample makes the check pass, so the entry
disagrees with its registration.  The real checks must agree with their
registration in quick mode.
"""

import dataclasses
import json
import types

import mpmath
import numpy as np
import pytest
from mpmath import mp

from focaltheory import _generated as gen
from focaltheory import _jsonio
from focaltheory import claims as C
from focaltheory.claims import CLAIMS, STATED_NUMBERS, Impl, run_claim, run_claims
from focaltheory.inverse import inverse_minimizer
from focaltheory.loss import focal_entropy
from focaltheory.reference import minimizer_mp, phi_mp
from focaltheory.regimes import gamma_for_threshold, threshold
from focaltheory.sigmoid import sigmoid_posterior
from focaltheory.solver import MinimizerResult, minimizer
from test_claims_countable import CORRECTED_COUNTABLE, KNOWN_FALSE_COUNTABLE, WRONG_COUNTABLE


# ---------------------------------------------------------------------------
# wrong variants
# ---------------------------------------------------------------------------

def _wrap_minimizer(transform):
    """A minimizer whose output is altered by transform(P, q, log_lam, value, gamma) -> (q, log_lam, value)."""
    def wrong(p, gamma, axis=-1, *, alpha=None, maxiter=50):
        r = minimizer(p, gamma, axis=axis, alpha=alpha, maxiter=maxiter)
        P = np.asarray(p, dtype=float)
        P = P / P.sum(axis=-1, keepdims=True)
        q, ll, v = transform(P, np.array(r.q), np.array(r.log_lam, dtype=float), np.array(r.value, dtype=float),
                             np.asarray(gamma, dtype=float))
        return MinimizerResult(q=np.asarray(q), log_lam=np.asarray(ll), value=np.asarray(v),
                               iterations=np.array(r.iterations), converged=np.array(r.converged),
                               residual=np.array(r.residual))
    return wrong


def _norm(q):
    return q / q.sum(axis=-1, keepdims=True)


def _perturbed_q(scale):
    """Q* multiplied by 1 + scale * (+1, -1, +1, ...), renormalized; value recomputed at the perturbed point."""
    def t(P, q, ll, v, g):
        s = 1 + scale * (-1.0) ** np.arange(q.shape[-1])
        q2 = _norm(q * s)
        return q2, ll, focal_entropy(P, q2, g)
    return _wrap_minimizer(t)


def _swap_two_smallest(P, q, ll, v, g):
    q = np.atleast_2d(q).copy()
    Pa = np.atleast_2d(P)
    for i in range(q.shape[0]):
        pos = np.flatnonzero(Pa[i] > 0)
        if pos.size >= 2:
            a, b = pos[np.argsort(Pa[i, pos], kind="stable")[:2]]
            q[i, a], q[i, b] = q[i, b], q[i, a]
    return q.reshape(np.shape(P)), ll, v


def _ref_wrapper(fn):
    """A minimizer_mp whose q is altered by fn(q list, p list, gamma) -> q list."""
    def wrong(p, gamma, dps=50):
        r = minimizer_mp(p, gamma, dps=dps)
        with mp.workdps(60):
            q = fn(list(r.q), list(r.p), mpmath.mpf(gamma))
            c = [1 - x for x in q]
        return dataclasses.replace(r, q=tuple(q), complement=tuple(c))
    return wrong


def _d2_wrong_sign(q, g):
    q, g = mpmath.mpf(q), mpmath.mpf(g)
    c = 1 - q
    t = c / q
    return c ** (g - 2) * (t * t + 2 * g * t + g * (1 - g) * mp.log1p(t))  # sign of the log term flipped


def _numbers(**kw):
    d = dict(STATED_NUMBERS)
    d.update(kw)
    return d


def _first_order_gamma0(q, p, g):
    n = len(q)
    return [x + g * mpmath.mpf("0.01") * (pk - mpmath.mpf(1) / n) for x, pk in zip(q, p)]


def _second_order_inf(q, p, g):
    n = len(q)
    return [x + mpmath.mpf("0.01") / g ** 2 * (pk - mpmath.mpf(1) / n) for x, pk in zip(q, p)]


def _small_p_term(q, p, g):
    q = list(q)
    q[-1] = q[-1] * (1 + mpmath.mpf("0.1") * p[-1] * abs(mp.log(p[-1])))
    return q


WRONG = {
    "loss-convex": Impl(d2loss_mp=_d2_wrong_sign),
    "g-shape": Impl(g_mp=lambda q, g: (1 - mpmath.mpf(q)) ** g / mpmath.mpf(q)),  # the gamma log q term dropped
    "finiteness": Impl(focal_entropy=lambda P, Q, g, **kw: np.nan_to_num(focal_entropy(P, Q, g), posinf=1e308)),
    "cross-entropy-bound": Impl(focal_entropy=lambda P, Q, g, **kw: focal_entropy(P, Q, 0.0) * (1 + 0.01 * np.asarray(g))),
    "mukhoti-bound": Impl(focal_entropy=lambda P, Q, g, **kw: focal_entropy(P, Q, g) * np.where(np.asarray(g) > 0, 0.5, 1.0)),
    "bound-lemmas": Impl(power=lambda q, g: 1 - g * q),  # pretends Bernoulli's inequality is an identity
    "strict-convexity": Impl(focal_entropy=lambda P, Q, g, **kw: -focal_entropy(P, Q, g)),
    "concavity": Impl(minimizer=_wrap_minimizer(lambda P, q, ll, v, g: (q, ll, -v))),
    "continuity": Impl(minimizer=_wrap_minimizer(lambda P, q, ll, v, g: (_norm(np.round(q, 6) + 1e-300), ll, v))),
    "existence-uniqueness": Impl(minimizer=_perturbed_q(0.05)),
    "structure": Impl(minimizer=_perturbed_q(1e-8)),
    "order-preservation": Impl(minimizer=_wrap_minimizer(_swap_two_smallest)),
    "not-strictly-proper": Impl(minimizer=_wrap_minimizer(lambda P, q, ll, v, g: (P, ll, v))),
    "fixed-points": Impl(numbers=_numbers(fixed_points=[(1.0, 4, "0.0099165163", "0.3300278279"),
                                                         (2.0, 5, "0.01348139", "0.24662965")])),
    "inverse-identity": Impl(inverse_minimizer=lambda q, g, **kw: inverse_minimizer(q, np.asarray(g) * 1.01)),
    "regime-criterion": Impl(phi=lambda q, c, g: gen.phi(q, c, g) * 1.05),
    "mid-range-amplification": Impl(minimizer=_wrap_minimizer(lambda P, q, ll, v, g: (_norm(P ** 1.1), ll, v))),
    "over-suppression-criterion": Impl(over_suppression=lambda P, g, **kw: types.SimpleNamespace(
        over_suppressed=np.zeros(np.shape(P)[:-1], bool))),
    "over-suppression-exists": Impl(numbers=_numbers(lambda_example="1.0781")),
    "binary-never-over-suppressed": Impl(minimizer=_wrap_minimizer(lambda P, q, ll, v, g: (q, ll + 1e-3, v))),
    "phi-unimodal": Impl(phi_mp=lambda p, g: phi_mp(p, g) * mpmath.mpf("1.01")),
    "threshold-numbers": Impl(numbers=_numbers(p_threshold={2.0: "0.2967", 5.0: "0.1968"})),
    "flsd53-threshold-gammas": Impl(gamma_for_threshold=lambda p: 1.2 * gamma_for_threshold(p)),
    "asymptotics-gamma-0": Impl(minimizer_mp=_ref_wrapper(_first_order_gamma0)),
    "asymptotics-gamma-inf": Impl(minimizer_mp=_ref_wrapper(_second_order_inf)),
    "asymptotics-small-p": Impl(minimizer_mp=_ref_wrapper(_small_p_term)),
    "envelope": Impl(minimizer=_wrap_minimizer(lambda P, q, ll, v, g: (q, ll, v + 0.1 * P[..., 0]))),
    "alpha-reweighting": Impl(minimizer=lambda p, g, axis=-1, *, alpha=None, maxiter=50: minimizer(p, g, axis=axis)),
    "sigmoid-posterior": Impl(sigmoid_posterior=lambda s, g=2.0, a=0.25, **kw: sigmoid_posterior(s, g, 1 - a, **kw)),
}


#: the entries registered as false as stated: the real check refutes them (see test_known_false_*; the
#: countable-alphabet ones and their variants are in tests/test_claims_countable.py)
KNOWN_FALSE = {"mukhoti-gamma-rule", "q-differs-from-p"} | KNOWN_FALSE_COUNTABLE

#: for a false-as-stated entry, a variant without the counterexample: the check passes, so the entry disagrees
CORRECTED = {
    # gamma = 3 is the rounded inverse at p0 = 0.25 (gamma(0.25) = 3.07), not at p0 = 0.5 (gamma(0.5) = 0)
    "mukhoti-gamma-rule": Impl(numbers=_numbers(flsd53_buckets=[(0.2, 5), (0.25, 3)])),
    # a stand-in reference that moves every Q* off P by 1e-30: then no fixed point is found
    "q-differs-from-p": Impl(minimizer_mp=_ref_wrapper(
        lambda q, p, g: [x * (1 + mpmath.mpf("1e-30") * (-1) ** i) for i, x in enumerate(q)])),
}


def test_every_claim_has_a_wrong_or_corrected_variant():
    assert set(WRONG) | set(CORRECTED) | set(WRONG_COUNTABLE) | set(CORRECTED_COUNTABLE) == {c.name for c in CLAIMS}
    assert set(CORRECTED) | set(CORRECTED_COUNTABLE) == KNOWN_FALSE


@pytest.mark.parametrize("name", sorted(WRONG))
def test_check_refutes_its_wrong_variant(name):
    r = run_claim(name, quick=True, seed=0, impl=WRONG[name])
    assert r.status == C.REFUTED, (name, r.status, r.detail)
    assert r.witness, name
    assert r.margin is not None and r.tolerance is not None
    assert r.margin < -r.tolerance or (r.tolerance == 0 and r.margin < 0)
    json.dumps(r.to_dict())  # the witness is serializable


# ---------------------------------------------------------------------------
# the real checks
# ---------------------------------------------------------------------------

def test_quick_run_of_every_claim_passes_except_the_false_ones():
    results = run_claims(quick=True, seed=0)
    bad = [(r.claim, r.status, r.detail, r.witness) for r in results
           if r.status != (C.REFUTED if r.claim in KNOWN_FALSE else C.PASS)]
    assert not bad, bad
    assert all(r.cases > 0 for r in results)
    # and so every entry agrees with its registration: a healthy install exits 0
    assert all(r.agrees for r in results), [(r.claim, r.status, r.kind) for r in results if not r.agrees]
    assert C.exit_code(results) == 0
    assert {r.claim for r in results if r.kind == C.FALSE_AS_STATED} == KNOWN_FALSE
    for r in results:
        json.loads(_jsonio.dumps(r.to_dict()))  # every witness is strict JSON


def test_known_false_mukhoti_gamma_rule():
    r = run_claim("mukhoti-gamma-rule", quick=True)
    assert r.status == C.REFUTED
    assert r.kind == C.FALSE_AS_STATED and r.agrees
    w = r.witness
    assert w["p0"] == 0.5 and w["gamma_stated"] == 3 and w["gamma_of_p0"] == 0.0
    assert abs(w["p_gamma_of_stated"] - 0.2526) < 1e-4  # gamma = 3 has threshold 0.2526, not 0.5


def test_known_false_q_differs_from_p():
    r = run_claim("q-differs-from-p", quick=True)
    assert r.status == C.REFUTED
    assert r.kind == C.FALSE_AS_STATED and r.agrees
    w = r.witness
    with mp.workdps(60):
        p = [mpmath.mpf(x) for x in w["p"]]
    assert max(p) - min(p) > 0.1  # non-uniform
    ref = minimizer_mp(p, w["gamma"])
    assert max(abs(a - b) for a, b in zip(ref.q, ref.p)) < mpmath.mpf("1e-40")  # yet a fixed point


@pytest.mark.parametrize("name", sorted(CORRECTED))
def test_false_claim_checks_can_pass(name):
    r = run_claim(name, quick=True, impl=CORRECTED[name])
    assert r.status == C.PASS, (name, r.detail, r.witness)
    assert not r.agrees and r.expected == C.REFUTED  # without its counterexample the entry disagrees


def test_flsd53_threshold_gammas_values():
    r = run_claim("flsd53-threshold-gammas", quick=True)
    assert r.status == C.PASS and r.kind == C.HOLDS and r.agrees
    # the Lambert-W gammas of the bucket edge 0.2 and of 0.25, and the threshold of gamma = 3
    assert abs(gamma_for_threshold(0.2) - 4.8506) < 1e-4 and round(gamma_for_threshold(0.2)) == 5
    assert abs(gamma_for_threshold(0.25) - 3.0702) < 1e-4 and round(gamma_for_threshold(0.25)) == 3
    assert gamma_for_threshold(0.5) == 0.0
    assert abs(threshold(3.0) - 0.2526) < 1e-4


@pytest.mark.parametrize("factor,status", [(1.5, "refuted"), (0.5, "pass")])
def test_agreement_checks_refute_at_their_stated_tolerance(factor, status):
    """An agreement check refutes an error above its stated tolerance, not above twice it (the slack of
    'X <= tol' is -X with tolerance tol; tol - X with tolerance tol let errors up to 2 tol pass)."""

    def off_by(p, gamma, axis=-1, *, alpha=None, maxiter=50):
        r = minimizer(p, gamma, axis=axis, alpha=alpha, maxiter=maxiter)
        if alpha is None:
            return r
        q = np.array(r.q)
        g = np.asarray(gamma, dtype=float)
        g = g[..., None] if g.ndim else g
        # relative error factor x the stated 4e-13 (1 + gamma) on the classes below 1/2
        s = 1 + factor * 4e-13 * (1 + g) * (-1.0) ** np.arange(q.shape[-1])
        return dataclasses.replace(r, q=np.where(q <= 0.5, q * s, q))

    assert run_claim("alpha-reweighting", quick=True, seed=0, impl=Impl(minimizer=off_by)).status == status
