"""Hardening of the minimizer: extreme class weights, exact order preservation,
signed zeros on the closed-form paths and the memory of very wide rows."""

import warnings

import numpy as np
import pytest
from mpmath import mp

from focaltheory import minimizer
from focaltheory.reference import minimizer_mp

from _mp import rel


def _weighted_reference(P, alpha, gam):
    """Q* and log(lambda*) of the weighted problem in mpmath, from the exact double inputs."""
    with mp.workdps(60):
        Pm = [mp.mpf(x) for x in P]
        S = mp.fsum(Pm)
        W = [mp.mpf(a) * p / S for a, p in zip(alpha, Pm)]
        Z = mp.fsum(W)
        ref = minimizer_mp([w / Z for w in W], gam, dps=50)
        return ref.q, ref.log_lam + mp.log(Z)


# The other classes' weights lie so far below the double range (alpha P ~ 1e-800
# against 1e280) that the constraint's two sides, scaled together, leave it.
EXTREME_ALPHA = [
    ([1.0, 5e-324, 5e-324], [1e282, 1e-222, 1e-184], 0.5),
    ([1.0, 5e-324], [1.2893832040837087e202, 3.509239904218477e-259], 0.05913425540965063),
    ([9.88578148949824e-09, 6.3929001531887814e-273, 2.5143886462757043e-194, 2.459725206865051e-263],
     [1.136680915035543e275, 7.931309333448039e-154, 3.451270484350899e-220, 4.1124150820938635e-104],
     0.01046148492189186),
    ([5.457680148073638e-276, 5.356109586767396e-46], [8.48679635076875e-263, 3.479961115727138e291],
     0.013830826713544178),
    ([1.0, 5e-324, 9.800687880432225e-224], [4.112458129429753e212, 8.628909688564275e-224, 4.545527155115078e-295],
     0.0200550860998024),
]


@pytest.mark.parametrize("P, alpha, gam", EXTREME_ALPHA)
def test_extreme_alpha_is_solved(P, alpha, gam):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = minimizer(P, gam, alpha=alpha)
    assert bool(res.converged)
    assert res.residual < 1e-13
    ref_q, ref_ll = _weighted_reference(P, alpha, gam)
    for got, r in zip(res.q, ref_q):
        if r > 1e-300:
            assert rel(got, r) < 1e-13, (got, r)
        else:  # below the double range: rounds to 0
            assert got == 0.0
    assert abs(res.log_lam - float(ref_ll)) < 1e-13 * max(1.0, abs(float(ref_ll)))
    assert np.isfinite(res.value) and res.value >= 0


def test_extreme_alpha_rows_do_not_sink_their_batch():
    P, alpha, gam = EXTREME_ALPHA[0]
    batch = np.array([P, [0.7, 0.2, 0.1], P])
    res = minimizer(batch, gam, alpha=alpha)
    alone = minimizer(P, gam, alpha=alpha)
    for name in ("q", "log_lam", "value", "residual", "iterations", "converged"):
        got, one = getattr(res, name), getattr(alone, name)
        assert np.asarray(got[0]).tobytes() == np.asarray(one).tobytes(), name
    assert bool(res.converged.all())
