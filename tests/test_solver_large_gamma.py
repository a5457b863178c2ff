"""Above gamma = 300: the exact last step, taken from an iterate whose step proves convergence."""

import numpy as np
import pytest

from focaltheory import inverse_minimizer, minimizer

from test_solver_speed import _true_residual


def _captured_exact_steps(monkeypatch):
    """Record, per exact step, the point it reaches (z0 + dc, u + du) in 40 digits, and whether it was taken.

    z0 is the point the step starts from: each class's exact side x (q where
    z < 0, 1 - q otherwise) as in _polish, a tiny class's own iterate.
    """
    import mpmath as mp

    from focaltheory.solver import _finish

    seen, steps = [], []
    real_step, real_polish = _finish._newton_step, _finish._polish

    def step_spy(*args, **kw):
        out = real_step(*args, **kw)
        steps.append(out)
        return out

    def polish_spy(sys, s, wr):
        out = real_polish(sys, s, wr)
        dc, du, _ = steps[-1]
        for i, j in enumerate(np.arange(sys.P.shape[0])[wr]):
            with mp.workdps(40):
                z = []
                for x in range(sys.P.shape[1]):
                    d = mp.mpf(float(dc[i, x]))
                    if s.tiny[j, x]:
                        P = sys.P[j, x]
                        z.append(-mp.mpf(float(s.b[j, x])) + mp.log(mp.mpf(float(P))) + d if P > 0 else d)
                    elif s.z[j, x] < 0:
                        e = mp.mpf(float(s.q[j, x]))
                        z.append(mp.log(e) - mp.log1p(-e) + d)
                    else:
                        e = mp.mpf(float(s.omq[j, x]))
                        z.append(mp.log1p(-e) - mp.log(e) + d)
                seen.append((z, mp.mpf(float(s.u[j])) + mp.mpf(float(du[i])), bool(out[-1][i])))
        return out

    monkeypatch.setattr(_finish, "_newton_step", step_spy)
    monkeypatch.setattr(_finish, "_polish", polish_spy)
    return seen


def _rows(rng):
    rows = [rng.dirichlet(np.full(k, a)) for k, a in [(2, 0.5), (3, 1.0), (10, 0.5), (10, 0.1), (10, 5.0), (40, 0.3)]
            for _ in range(3)]
    rows += [np.array([1 - 2e-9, 1e-9, 1e-9]), np.array([0.5, 0.5 - 1e-12, 1e-12]), np.array([0.3, 0.0, 0.7]),
             np.array([1.0 - 1e-200, 1e-200]), np.array([0.6, 0.4 - 1e-300, 1e-300])]
    return rows


RATIOS = {}


@pytest.mark.parametrize("gamma", [301.0, 500.0, 1000.0, 3000.0, 5000.0, 1e5, 2.0**20, 2.0**20 * 1.01, 1e8])
def test_reported_residual_bounds_the_residual_at_the_exact_step(monkeypatch, gamma):
    """The residual above gamma = 300 is a bound at the point the exact step reaches, checked in 40 digits."""
    import mpmath as mp

    rng = np.random.default_rng(int(gamma) % 1000)
    mp.mp.dps = 40
    RATIOS[gamma] = max(_bound_over_true_residual(monkeypatch, p, gamma) for p in _rows(rng))


def _bound_over_true_residual(monkeypatch, p, gamma):
    """Solve p, check the reported residual against the 40-digit residual where the exact step lands; their ratio."""
    seen = _captured_exact_steps(monkeypatch)
    res = minimizer(p, gamma)
    assert bool(res.converged) and len(seen) == 1
    z, u, done = seen[0]
    assert done
    P = p / p.sum()
    true = float(_true_residual(P, gamma, z, u))
    assert true <= float(res.residual), (p, gamma, true, float(res.residual))
    # a rounding-level certificate (the terms of F reach gamma |log(1 - q)|)
    assert float(res.residual) <= 1e-15 * (100 + 0.01 * gamma), (p, gamma, float(res.residual))
    return float(res.residual) / max(true, 1e-300)
