"""The exact last step above gamma 300: its two paths, its exact row sums, its accuracy and its residual bound."""

from fractions import Fraction

import numpy as np
import pytest

from focaltheory import minimizer
from focaltheory.reference import minimizer_mp

from test_solver_large_gamma import _bound_over_true_residual
from test_solver_speed import _true_residual

FIELDS = ("q", "log_lam", "value", "iterations", "converged", "residual")
U = 2.0**-53


def _row(res, i):
    return {f: np.asarray(getattr(res, f))[i] for f in FIELDS}


@pytest.mark.parametrize("gamma", [301.0, 1000.0, 5000.0, 1e8])
def test_a_row_has_the_same_bits_on_either_path_of_the_exact_step(gamma):
    """Rows whose classes all lie below 1/2 (no selection of sides) give the same bits in a batch that needs it.

    The second batch holds a row with a tiny class, which sends the whole
    batch through the general path of the exact step.
    """
    rng = np.random.default_rng(int(gamma) % 997)
    plain = rng.dirichlet(np.full(4, 0.7), size=6)
    mixed = np.vstack([plain, [[0.5, 0.3, 0.2 - 1e-200, 1e-200]], [[0.4, 0.35, 0.25, 0.0]]])
    alone = [minimizer(p, gamma) for p in plain]
    together, batch = minimizer(plain, gamma), minimizer(mixed, gamma)
    for i, r in enumerate(alone):
        one = {f: np.asarray(getattr(r, f)) for f in FIELDS}
        for other in (_row(together, i), _row(batch, i)):
            for f in FIELDS:
                assert one[f].tobytes() == other[f].tobytes(), (gamma, i, f)
    # the row with the tiny class and the row off the support are solved too
    assert bool(batch.converged[6]) and bool(batch.converged[7]) and batch.q[7, 3] == 0.0


@pytest.mark.parametrize("K", [2, 3, 7, 10, 32, 33, 50])
def test_sum_dd_is_exact_to_double_double_level(K):
    """_sum_dd against exact rational sums: error below (K - 1)**2 u**2 sum hi, plus the low parts' plain rounding."""
    from focaltheory.solver._finish import _sum_dd

    rng = np.random.default_rng(K)
    hi = rng.dirichlet(np.full(K, 0.3), size=200) * rng.choice([1.0, 1e-5, 1e-200], size=(200, 1))
    hi[:, rng.integers(K)] = 0.0
    lo = np.where(rng.random((200, K)) < 0.2, hi * 1e-3, 0.0)
    for low in (None, lo):
        sh, sl = _sum_dd(hi, low)
        for i in range(hi.shape[0]):
            exact = sum(Fraction(float(v)) for v in hi[i])
            if low is not None:
                exact += sum(Fraction(float(v)) for v in low[i])
            err = abs(Fraction(float(sh[i])) + Fraction(float(sl[i])) - exact)
            mag = float(exact)
            allow = 2 * (K - 1) ** 2 * U**2 * mag
            if low is not None:
                allow += K * U * float(np.sum(low[i]))
            assert float(err) <= allow, (K, i, float(err), allow)
        assert np.all(np.abs(sl) <= np.spacing(sh) / 2)


def test_sum_dd_beats_a_plain_sum():
    """A row whose plain sum rounds: the double-double sum keeps the lost digits."""
    from focaltheory.solver._finish import _sum_dd

    hi = np.array([[0.5, 2.0**-60, 2.0**-60, 0.25, 2.0**-58]])
    sh, sl = _sum_dd(hi)
    assert sh[0] == 0.75 and sl[0] == 2.0**-59 + 2.0**-58
    assert hi.sum() == 0.75  # (the plain sum loses them)


def test_two_classes_and_tiny_classes_within_an_ulp_of_the_rounded_reference():
    """The general path of the exact step (a class above 1/2, or a tiny class) keeps q within an ulp of Q*."""
    rng = np.random.default_rng(11)
    for gamma in [301.0, 1000.0, 5000.0]:
        for K in [2, 2, 3, 4]:
            k = rng.multinomial(2**40 - K, rng.dirichlet(np.full(K, 1.0))) + 1
            if K > 2:
                k[-1] = 1  # a class of 2**-40: its q is ~1e-12 / lambda, possibly tiny
                k[0] = 2**40 - k[1:].sum()
            p = k / 2.0**40
            assert p.sum() == 1.0
            q = minimizer(p, gamma).q
            ref = np.array([float(x) for x in minimizer_mp(p.tolist(), gamma, dps=40).q])
            assert np.all(np.abs(q - ref) <= np.spacing(ref)), (gamma, p, q, ref)


ROWS = [np.array([0.9, 0.1]), np.array([0.5 + 1e-9, 0.5 - 1e-9]), np.array([1 - 1e-12, 1e-12]),
        np.array([0.45, 0.45, 0.1 - 1e-250, 1e-250]), np.array([0.7, 0.3 - 1e-30, 1e-30, 0.0]),
        np.array([0.25, 0.25, 0.25, 0.25]), np.array([0.96, 0.01, 0.01, 0.01, 0.01])]


@pytest.mark.parametrize("gamma", [301.0, 1000.0, 5000.0, 1e6])
def test_reported_residual_bounds_the_residual_on_the_general_path(monkeypatch, gamma):
    """Rows of two classes (a class above 1/2), rows with tiny classes or off the support: the bound holds in 40 digits."""
    import mpmath as mp

    mp.mp.dps = 40
    for p in ROWS:
        _bound_over_true_residual(monkeypatch, p, gamma)


def test_short_logs_within_their_bound():
    """log_dd_half and log_dd_short against 50-digit logs: absolute error <= 2**-76 + 2**-104 |log|."""
    import mpmath as mp

    from focaltheory import _dd_short

    assert _dd_short._short_sum_ordered() and _dd_short._half_sum_ordered()  # their FastTwoSums are exact
    rng = np.random.default_rng(5)
    x = np.concatenate([rng.random(1500) * 0.5, 10.0 ** rng.uniform(-300, -0.3, 1500),
                        [0.5, 0.0, 2.0**-53, 2.0**-54, 0.25, 1 - 2**-0.5, 2.0**-10, 2.0**-9 + 2.0**-30]])
    hi = 1.0 - x
    lo = (-x) - (hi - 1.0)  # 1 - x = hi + lo exactly
    wide = 10.0 ** rng.uniform(-300, 300, 500)
    with mp.workdps(50):
        for f, h, l in ((_dd_short.log_dd_half, hi, lo), (_dd_short.log_dd_short, hi, lo),
                        (_dd_short.log_dd_short, wide, np.zeros_like(wide))):
            yh, yl = f(h, l)
            assert np.all(np.abs(yl) <= np.abs(np.spacing(yh)) / 2)
            for i in range(h.size):
                exact = mp.log(mp.mpf(float(h[i])) + mp.mpf(float(l[i])))
                err = abs(mp.mpf(float(yh[i])) + mp.mpf(float(yl[i])) - exact)
                assert err <= 2.0**-76 + 2.0**-104 * abs(exact), (f.__name__, h[i], l[i], float(err))


@pytest.mark.parametrize("gammas", [[1000.0, 2.0**21, 5000.0], [2.0**20, 2.0**20 * 1.5, 301.0]])
def test_rows_on_either_side_of_the_short_log_keep_their_bits(gammas):
    """Per-row gammas below and above _SHORT_LOG_GAMMA in one batch: each row as when solved alone."""
    from focaltheory.solver._finish import _SHORT_LOG_GAMMA

    assert min(gammas) <= _SHORT_LOG_GAMMA < max(gammas)
    rng = np.random.default_rng(len(gammas))
    P = rng.dirichlet(np.full(6, 0.6), size=len(gammas))
    P[1] = [0.5, 0.3, 0.2 - 1e-200, 1e-200, 0.0, 0.0]  # the general path of the exact step
    together = minimizer(P, np.array(gammas))
    for i, g in enumerate(gammas):
        one = minimizer(P[i], g)
        for f in FIELDS:
            assert np.asarray(getattr(one, f)).tobytes() == _row(together, i)[f].tobytes(), (g, f)


def test_short_logs_at_the_table_edges():
    """log_dd_half and log_dd_short at the stage-1 cell edges, near 1 and at 2**k (the grids of test_dd)."""
    import mpmath as mp

    from focaltheory import _dd_short
    from test_dd import LOG_CELL_GRID, LOG_HI_GRID, LOG_NEAR_ONE_GRID

    def check(f, hi):
        spacing = np.spacing(hi)
        for lo in (np.zeros_like(hi), spacing / 2, -spacing / 2, spacing * 0.3141592653589793):
            with np.errstate(over="raise", invalid="raise", divide="raise"):
                yh, yl = f(hi, lo)
            assert np.all(np.abs(yl) <= np.abs(np.spacing(yh)) / 2)
            with mp.workdps(60):
                for i in range(hi.size):
                    h, l = mp.mpf(float(hi[i])), mp.mpf(float(lo[i]))
                    exact = mp.log(h) + mp.log1p(l / h)  # (see test_dd._ref_log)
                    err = abs(mp.mpf(float(yh[i])) + mp.mpf(float(yl[i])) - exact)
                    assert err <= 2.0**-76 + 2.0**-104 * abs(exact), (f.__name__, hi[i], lo[i], float(err))

    z = np.concatenate([LOG_CELL_GRID, LOG_NEAR_ONE_GRID])
    half = np.concatenate([z, z / 2, [0.5, 1.0, np.nextafter(0.5, 1.0), np.nextafter(1.0, 0.0)]])
    check(_dd_short.log_dd_half, half[(half >= 0.5) & (half <= 1.0)])
    for k in (0, -1, 5, -1000, 1000):
        check(_dd_short.log_dd_short, z * 2.0**k)
    check(_dd_short.log_dd_short, LOG_HI_GRID)
