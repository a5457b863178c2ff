"""The double-precision minimizer against 40- and 50-digit references, SLSQP,
and the properties every minimizer must have."""

import mpmath
import numpy as np
import pytest
import scipy.optimize
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from focaltheory import focal_entropy, inverse_minimizer, minimizer
from focaltheory.reference import minimizer_mp

from _mp import loglam_err, rel, rel_err

RTOL_Q = 1e-13  # the documented accuracy target for every positive entry (docs/numerics.md)
RTOL_ROUND_TRIP = 1e-12  # and for inverse_minimizer(minimizer(P).q) against P


# Cases spanning the documented range: K from 2 to 10^4, gamma from 0 to 5000,
# entries from 1e-300 to 1 - 1e-15, zeros, unnormalized weights.
_rng = np.random.default_rng(20261122)
CASES = [
    ([0.7, 0.2, 0.1], 2.0),
    ([0.7, 0.2, 0.09, 0.01], 10.0),
    ([0.7, 0.2, 0.09, 0.01], 1000.0),
    ([0.7, 0.2, 0.09, 0.01], 5000.0),
    ([1.0, 1e-300], 2.0),
    ([1.0, 1e-300], 0.01),
    ([1.0, 1e-300], 5000.0),
    ([1 - 1e-15, 1e-15], 2.0),
    ([1 - 1e-15, 1e-15], 0.25),
    ([1.0, 1e-300, 1e-200, 1e-100], 0.5),
    ([1.0, 1e-300, 1e-200, 1e-100], 5.0),
    ([1e-300, 1e-300, 1e-300, 1.0], 50.0),
    ([3.0, 0.0, 7.0], 1.5),  # unnormalized, with a zero
    ([0.0, 5.0, 0.0, 1e-12, 2.0], 0.25),
    ([0.99 / 99] * 99 + [1e-8], 2.0),  # the over-suppression example of docs/theory.md, section theory-regimes
    (list(_rng.dirichlet(np.full(50, 0.1))), 2.0),
    (list(np.maximum(_rng.dirichlet(np.full(10, 0.01)), 1e-300)), 1000.0),
    (list(_rng.dirichlet(np.full(1000, 1.0))), 5.0),
    ([0.25] * 4, 3.0),  # uniform: a fixed point
    ([2.0, 3e-321, 0.0, 1e-315], 2.0),  # subnormal weights: normalized without losing digits
    ([1.0, 5e-324, 1e-310], 0.5),
]


@pytest.mark.parametrize("p,gamma", CASES)
def test_matches_50_digit_reference(p, gamma):
    res = minimizer(p, gamma)
    ref = minimizer_mp(p, gamma, dps=50)
    assert bool(res.converged)
    assert rel_err(res.q, ref.q) <= RTOL_Q
    assert loglam_err(res.log_lam, ref.log_lam) <= 1e-13
    tiny = np.finfo(float).tiny
    if ref.value > tiny:
        assert rel(res.value, ref.value) <= 1e-12
    else:  # subnormal or below the double range (1e-625 at gamma = 5000): rounds there
        assert abs(mpmath.mpf(float(res.value)) - ref.value) <= 1e-12 * tiny
        assert not np.signbit(res.value)


def test_k_10000_against_40_digits():
    p = np.random.default_rng(7).dirichlet(np.full(10_000, 0.5))
    p[:3] = [1e-300, 1e-200, 0.0]
    res = minimizer(p, 2.0)
    ref = minimizer_mp(list(p), 2.0, dps=40)
    assert rel_err(res.q, ref.q) <= RTOL_Q
    assert loglam_err(res.log_lam, ref.log_lam) <= 1e-13


def test_batch_with_gamma_sweep_matches_reference_row_by_row():
    P = np.array([[0.5, 0.3, 0.2], [0.9, 0.0999, 1e-4], [1.0, 1e-250, 1e-20]])
    gammas = np.array([[0.5], [2.0], [40.0]])
    res = minimizer(P, gammas)
    assert res.q.shape == (3, 3, 3) and res.log_lam.shape == (3, 3)
    for i in range(3):
        for j in range(3):
            ref = minimizer_mp(list(P[j]), float(gammas[i, 0]), dps=40)
            assert rel_err(res.q[i, j], ref.q) <= RTOL_Q


def test_gamma_zero_returns_p_exactly():
    p = np.array([0.1, 0.0, 0.6, 0.3])
    res = minimizer(p, 0.0)
    assert np.array_equal(res.q, p)
    assert res.log_lam == 0.0 and res.iterations == 0 and res.converged
    # gamma = 0 is the cross-entropy, whose minimal value is the Shannon entropy
    nz = p[p > 0]
    assert res.value == pytest.approx(-(nz * np.log(nz)).sum(), rel=1e-15)


def test_point_mass_is_its_own_minimizer():
    res = minimizer([0.0, 2.0, 0.0], 2.0)
    assert np.array_equal(res.q, [0.0, 1.0, 0.0])
    # lambda* = g(1) = 0 exactly for gamma > 0: the documented -inf
    assert res.log_lam == -np.inf and res.value == 0.0 and res.converged


def _slsqp(p, gamma):
    """A generic solver with the analytic gradient, as a user might write it."""
    p = np.asarray(p, float) / np.sum(p)

    def f(q):
        return -np.sum(p * (1 - q) ** gamma * np.log(q))

    def grad(q):
        return p * (gamma * (1 - q) ** (gamma - 1) * np.log(q) - (1 - q) ** gamma / q)

    K = p.size
    out = scipy.optimize.minimize(
        f, np.full(K, 1.0 / K), jac=grad, method="SLSQP",
        bounds=[(1e-12, 1.0)] * K,
        constraints=[{"type": "eq", "fun": lambda q: q.sum() - 1, "jac": lambda q: np.ones(K)}],
        options={"ftol": 1e-15, "maxiter": 500},
    )
    return out.x


@pytest.mark.parametrize("p,gamma", [([0.6, 0.3, 0.1], 2.0), ([0.4, 0.35, 0.15, 0.1], 0.5), ([0.5, 0.2, 0.2, 0.05, 0.05], 5.0)])
def test_agrees_with_slsqp(p, gamma):
    q_generic = _slsqp(p, gamma)
    res = minimizer(p, gamma)
    np.testing.assert_allclose(res.q, q_generic, rtol=1e-5)
    # and ours is no worse in objective value
    assert focal_entropy(p, res.q, gamma) <= focal_entropy(p, q_generic, gamma) + 1e-15


def test_result_is_frozen_and_input_untouched():
    p = np.array([[0.5, 0.3, 0.2]], dtype=np.float32)
    keep = p.copy()
    res = minimizer(p, 2)
    assert np.array_equal(p, keep) and p.dtype == np.float32
    assert res.q.dtype == np.float64
    with pytest.raises(ValueError):
        res.q[0, 0] = 1.0
    with pytest.raises(AttributeError):
        res.q = None


def test_float32_is_computed_in_float64():
    p32 = np.array([0.5, 0.3, 0.2], dtype=np.float32)
    np.testing.assert_array_equal(minimizer(p32, 2).q, minimizer(p32.astype(np.float64), 2).q)


def test_axis_and_unnormalized_weights():
    P = np.array([[1.0, 2.0], [3.0, 2.0], [6.0, 6.0]])  # classes along axis 0
    res = minimizer(P, 2.0, axis=0)
    assert res.q.shape == (3, 2)
    for j in range(2):
        np.testing.assert_allclose(res.q[:, j], minimizer(P[:, j], 2.0).q, rtol=0, atol=0)
    np.testing.assert_allclose(res.q.sum(axis=0), 1.0, rtol=0, atol=4e-16)


def test_maxiter_one_reports_not_converged_without_nan():
    res = minimizer([0.9, 0.09, 0.01], 2.0, maxiter=1)
    assert not bool(res.converged)
    assert np.all(np.isfinite(res.q)) and np.isfinite(res.residual)


# ---- properties over random and adversarial distributions (hypothesis) ----

_weights = hnp.arrays(
    np.float64,
    st.integers(2, 12),
    elements=st.one_of(
        st.floats(1e-300, 1.0),
        st.sampled_from([0.0, 1e-300, 1e-200, 1e-100, 1e-15, 0.5, 1.0, 1.0 - 1e-15]),
    ),
).filter(lambda w: np.count_nonzero(w) >= 2)
_gammas = st.one_of(st.sampled_from([0.0, 0.25, 1.0, 2.0, 5.0, 50.0, 1000.0, 5000.0]), st.floats(1e-3, 100.0))


@settings(max_examples=300, deadline=None)
@given(_weights, _gammas)
def test_minimizer_properties(w, gamma):
    res = minimizer(w, gamma)
    q = res.q
    p = w / w.sum()
    support = p > 0
    assert bool(res.converged) and np.all(np.isfinite(q)) and np.isfinite(res.log_lam)
    # on the simplex, exactly zero off the support
    assert np.all(q[~support] == 0.0) and np.all(q[support] > 0)
    assert abs(q.sum() - 1.0) <= 8 * np.finfo(float).eps
    # order preserved exactly in the returned doubles: P(x) <= P(y) gives Q(x) <= Q(y)
    i = np.argsort(p, kind="stable")
    assert np.all(np.diff(q[i]) >= 0.0)
    # exact ties stay exact ties
    for v in np.unique(p[support]):
        assert np.ptp(q[p == v]) == 0.0
    # KKT residual at rounding level (its terms are up to |log lambda|, |log P| in size)
    assert res.residual <= _residual_bound(q, gamma, res.log_lam)
    # the closed-form inverse certifies the answer: it maps Q* back to P
    back = inverse_minimizer(q, gamma)
    assert np.all(back[~support] == 0.0)
    np.testing.assert_allclose(back[support], p[support], rtol=RTOL_ROUND_TRIP, atol=0)


def _residual_bound(q, gamma, log_lam):
    """Rounding level of the reported KKT residual.

    The plain evaluation's residual is the rounding of F's terms, up to
    |log lambda| and |log P| (<= 745) in size.  Above gamma = 300 the residual
    is F evaluated exactly at the converged iterate, whose log-odds z are
    within the plain iteration's tolerance, a few ulp of |z| plus its noise
    terms (~gamma), of the answer: F is then |d log g / dz| = h times that
    (h ~ gamma q, 5000 at q near 1 and gamma = 5000: ~1e-11 at |z| ~ 17).
    """
    eps = np.finfo(float).eps
    bound = 64 * eps * (1 + abs(float(log_lam)) + 745)
    if gamma > 300:
        qs = q[q > 0]
        m = int(np.argmax(qs))
        omq = 1 - qs
        omq[m] = np.delete(qs, m).sum()
        k = np.where(omq > 0, qs * -np.log(qs) / np.where(omq > 0, omq, 1.0), 1.0)
        h = (1 + gamma * qs) / (1 + gamma * k) + (gamma - 1) * qs
        z = np.log(qs) - np.log(np.where(omq > 0, omq, 1e-300))
        bound += 64 * eps * float(np.max(h * np.maximum(1.0, np.abs(z))) + gamma)
    return bound


def test_round_trip_within_1e_12_up_to_gamma_5000():
    rng = np.random.default_rng(5)
    for gamma in [0.01, 1.0, 2.0, 50.0, 1000.0, 2000.0, 5000.0]:
        for conc in [0.01, 0.1, 1.0, 30.0]:
            P = np.maximum(rng.dirichlet(np.full(6, conc), size=2000), 1e-300)
            P /= P.sum(axis=1, keepdims=True)
            back = inverse_minimizer(minimizer(P, gamma).q, gamma)
            np.testing.assert_allclose(back, P, rtol=RTOL_ROUND_TRIP, atol=0)


@settings(max_examples=250, deadline=None)
@given(_weights, _gammas)
def test_random_adversarial_against_reference(w, gamma):
    """Hypothesis searches the range for a case beyond 1e-13 of a 30-digit reference."""
    res = minimizer(w, gamma)
    ref = minimizer_mp(list(w), gamma, dps=30)
    assert rel_err(res.q, ref.q) <= RTOL_Q
    if mpmath.isfinite(ref.log_lam):
        assert loglam_err(res.log_lam, ref.log_lam) <= 1e-13


@settings(max_examples=50, deadline=None)
@given(st.integers(2, 30), st.floats(0.01, 10.0), st.floats(0.0, 200.0), st.integers(0, 2**32 - 1))
def test_batch_equals_rows(K, conc, gamma, seed):
    P = np.random.default_rng(seed).dirichlet(np.full(K, conc), size=7)
    P = np.where(P < 1e-300, 0.0, P)
    P[P.sum(axis=1) == 0, 0] = 1.0
    res = minimizer(P, gamma)
    for j in range(P.shape[0]):
        _assert_same_bits(res, j, minimizer(P[j], gamma))


_FIELDS = ("q", "log_lam", "value", "iterations", "converged", "residual")


def _assert_same_bits(batch, j, alone):
    """Every field of row j of a batch result is bitwise that of the row solved alone."""
    for name in _FIELDS:
        np.testing.assert_array_equal(getattr(batch, name)[j], getattr(alone, name), err_msg=name)


def test_batch_equals_rows_with_mixed_gammas_supports_and_weights():
    """A row's result does not depend on its batch: per-row gamma on both sides of the exact step (300),
    exact zeros and subnormal weights in other rows, support size 1."""
    rng = np.random.default_rng(11)
    P = rng.dirichlet(np.ones(6), size=24)
    P[3, 2] = 0.0
    P[5] = [0.0, 1.0, 0.0, 0.0, 0.0, 0.0]
    P[7, 4] = 1e-310
    P[9, :3] = [1.0, 1e-300, 1e-200]
    gam = np.tile([0.0, 0.5, 2.0, 50.0, 299.0, 301.0, 1000.0, 5000.0], 3)
    res = minimizer(P, gam)
    for j in range(P.shape[0]):
        _assert_same_bits(res, j, minimizer(P[j], gam[j]))


def test_layout_and_axis_do_not_change_bits():
    p = np.random.default_rng(4).dirichlet(np.ones(40))
    alone = minimizer(p, 2.0)
    column = minimizer(np.column_stack([p, p[::-1]]), 2.0, axis=0)
    fortran = minimizer(np.asfortranarray(np.vstack([p, p[::-1]])), 2.0)
    _assert_same_bits(fortran, 0, alone)
    np.testing.assert_array_equal(column.q[:, 0], alone.q)
    for name in ("log_lam", "value", "residual"):
        assert getattr(column, name)[0] == getattr(alone, name)


def test_empty_batch():
    res = minimizer(np.zeros((0, 3)), 2.0)
    assert res.q.shape == (0, 3) and res.log_lam.shape == (0,) and res.value.shape == (0,)


@pytest.mark.parametrize("p,gamma", [
    ([1.0, 1.8542491672573733e-11, 1.8542491672573733e-11, 1.8542491672573733e-11], 1460.39672613276),
    ([0.999, 0.001], 600.0),
    ([0.99, 0.009, 0.001], 300.5),
    ([0.26899828608592846, 0.33282609068468477, 0.3981756232293868, 6.2562989072927194e-211], 1000.0),
    ([0.7, 0.2, 0.1], 2.0),
])
def test_value_against_reference(p, gamma):
    """The minimal focal-entropy to 1e-13 (above gamma = 300 it is taken at the polished q).

    (Cases whose value is a normal double: at large gamma it often underflows, e.g. 0.75**5000.)
    """
    ref = minimizer_mp(p, gamma, dps=40)
    res = minimizer(p, gamma)
    assert rel(res.value, ref.value) <= 1e-13


# A case the plain evaluation gets wrong at large gamma: the rounding of
# gamma log(1 - q) and of the constraint (~gamma eps) moves log lambda*, and a
# tiny class (Q*/P ~ 1/lambda*) inherits it.  Found by a seeded search.
_LARGE_GAMMA_CASE = ([0.26899828608592846, 0.33282609068468477, 0.3981756232293868, 6.2562989072927194e-211], 1000.0)


def test_exact_last_step_at_large_gamma_and_the_check_refutes_its_absence(monkeypatch):
    import focaltheory._constants as constants

    p, gamma = _LARGE_GAMMA_CASE
    ref = minimizer_mp(p, gamma, dps=40)
    res = minimizer(p, gamma)
    assert bool(res.converged) and rel_err(res.q, ref.q) <= 4 * np.finfo(float).eps
    # the same check refutes the solver without its exact last step
    monkeypatch.setattr(constants, "_EXACT_GAMMA", np.inf)  # the solver reads it from there at each call
    plain = minimizer(p, gamma)
    assert rel_err(plain.q, ref.q) > RTOL_Q


def test_exact_inverse_at_large_gamma_and_the_check_refutes_its_absence(monkeypatch):
    import focaltheory.inverse as inverse

    P = np.array([0.008109698349461502, 0.9918903016505385])
    q = minimizer(P, 5000.0).q
    np.testing.assert_allclose(inverse_minimizer(q, 5000.0), P, rtol=RTOL_ROUND_TRIP, atol=0)
    monkeypatch.setattr(inverse, "_EXACT_GAMMA", np.inf)  # gamma log((1 - q_r)/(1 - q_x)) in plain doubles
    with pytest.raises(AssertionError):
        np.testing.assert_allclose(inverse_minimizer(q, 5000.0), P, rtol=RTOL_ROUND_TRIP, atol=0)


def test_large_gamma_q_within_an_ulp_of_the_rounded_reference():
    """At gamma >= 1000 the exact last step leaves q within one ulp of the correctly rounded Q*.

    (Inputs normalized exactly, so that the solver and the reference see the same P.)
    """
    rng = np.random.default_rng(3)
    for gamma in [1000.0, 5000.0]:
        for K in [2, 3, 5, 10]:
            k = rng.multinomial(2**40 - K, rng.dirichlet(np.full(K, 1.0))) + 1
            p = k / 2.0**40
            assert p.sum() == 1.0
            q = minimizer(p, gamma).q
            ref = np.array([float(x) for x in minimizer_mp(p.tolist(), gamma, dps=40).q])
            assert np.all(np.abs(q - ref) <= np.spacing(ref))


@pytest.mark.parametrize("p", [[0.7, 0.2, 0.1], [1.0, 1e-300], [0.5, 0.5 - 1e-12, 1e-12]])
def test_gamma_up_to_the_ceiling(p):
    """Up to gamma = 1e150 (the documented ceiling) Q* and log lambda* stay at the 50-digit answer."""
    ref = minimizer_mp(p, 1e150, dps=50)
    res = minimizer(p, 1e150)
    assert bool(res.converged)
    assert rel_err(res.q, ref.q) <= RTOL_Q
    assert loglam_err(res.log_lam, ref.log_lam) <= 1e-13
