"""The solver's fast paths give the same bits as the code they stand for."""

import numpy as np
import pytest

from focaltheory import _kernels, minimizer
from focaltheory.solver import _lean

from _bits import _logits, _same


@pytest.mark.parametrize("gamma", [0.0, 0.1, 1.0, 2.0, 7.5, 300.0, 5000.0, 1e150, "rows"])
def test_lean_kernels_are_the_generated_kernels_bitwise(gamma):
    rng = np.random.default_rng(0)
    z = _logits(rng, (400, 7))
    G = rng.uniform(0, 50, (400, 1)) if gamma == "rows" else float(gamma)
    with np.errstate(all="ignore"):
        ref = _kernels._logit_parts(z)
        new = _lean._logit_parts(z)
        assert all(_same(a, b) for a, b in zip(ref, new))
        e = np.where(rng.random(z.shape) < 0.5, ref[0], rng.uniform(0, 1, z.shape))  # a supplied e
        assert all(_same(a, b) for a, b in zip(_kernels._logit_parts(z, e), _lean._logit_parts(z, e.copy())))
        e, lp1, q, omq, neg = ref
        kk = _kernels._k_term(z, e, lp1, neg)
        assert _same(kk, _lean._k_term(z, e, lp1, neg))
        assert _same(_kernels._z_eff(z, G, neg), _lean._z_eff(z, G, neg))
        assert _same(_kernels._log_g_small(G, kk, lp1), _lean._log_g_small(G, kk, lp1))
        assert _same(_kernels._dlog_g(G, kk, q, omq), _lean._dlog_g(G, kk, q, omq))


def test_lean_kernels_leave_their_arguments_alone():
    rng = np.random.default_rng(1)
    z = _logits(rng, (50, 5))
    with np.errstate(all="ignore"):
        e, lp1, q, omq, neg = _lean._logit_parts(z)
        args = [x.copy() for x in (z, e, lp1, q, omq, neg)]
        kk = _lean._k_term(z, e, lp1, neg)
        _lean._z_eff(z, 2.0, neg)
        _lean._log_g_small(2.0, kk, lp1)
        _lean._dlog_g(2.0, kk, q, omq)
    assert all(_same(a, b) for a, b in zip(args, (z, e, lp1, q, omq, neg)))


def _true_residual(P, gamma, z, u):
    """max(|F|, |R|) at log-odds z and log-multiplier u, in 40-digit arithmetic (support classes)."""
    import mpmath as mp

    with mp.workdps(40):
        g = mp.mpf(gamma)
        sup = [i for i in range(len(P)) if P[i] > 0]
        lq = {i: -mp.log1p(mp.exp(-z[i])) for i in sup}  # log q and log(1 - q), each without cancellation
        lc = {i: -mp.log1p(mp.exp(z[i])) for i in sup}
        F = []
        for i in sup:
            # g = (1 - q)^(gamma - 1) ((1 - q) / q - gamma log q)
            lg = (g - 1) * lc[i] + mp.log(mp.exp(lc[i] - lq[i]) - g * lq[i])
            F.append(abs(mp.log(mp.mpf(P[i])) + lg - u))
        m = max(sup, key=lambda i: P[i])
        R = abs(mp.log(mp.fsum(mp.exp(lq[i]) for i in sup if i != m)) - lc[m])
        return max(max(F), R)


def _captured_writes(monkeypatch):
    """Record, per written row, the point the last Newton step reaches: (row, z + dc, u + du), summed exactly.

    A class carried relative to P (a tiny one) has the log-odds c + log P with
    its carrier c = -b; the others are carried by z itself.
    """
    import mpmath as mp

    from focaltheory.solver import _finish, _newton, _single

    # the batched path's write is spied on: the path of one row in Python floats
    # (bitwise the same results, tests/test_solver_single.py) is switched off
    monkeypatch.setattr(_single, "_enabled", False)
    seen = []
    real = _finish._write

    def spy(sys, s, wr, ok, dst, iterations, out):
        real(sys, s, wr, ok, dst, iterations, out)
        idx = np.arange(sys.P.shape[0])[wr]
        for j, row in zip(idx, np.arange(out[0].shape[0])[dst]):
            if ok[j]:
                with mp.workdps(40):
                    z = [(-mp.mpf(float(b)) + mp.log(mp.mpf(float(P))) if t and P > 0 else mp.mpf(float(a)))
                         + mp.mpf(float(d)) for a, b, d, t, P in zip(s.z[j], s.b[j], s.dc[j], s.tiny[j], sys.P[j])]
                    seen.append((int(row), z, mp.mpf(float(s.u[j])) + mp.mpf(float(s.du[j]))))

    monkeypatch.setattr(_newton, "_write", spy)
    return seen


@pytest.mark.parametrize("gamma", [0.1, 0.5, 1.0, 2.0, 7.0, 30.0, 100.0, 300.0])
def test_reported_residual_bounds_the_residual_at_the_last_step(monkeypatch, gamma):
    """The residual is a bound, checked against the residual at the step's end point in 40 digits."""
    import mpmath as mp

    rng = np.random.default_rng(int(gamma * 10))
    rows = [rng.dirichlet(np.full(k, a)) for k, a in [(2, 0.5), (3, 1.0), (10, 0.5), (10, 0.1), (10, 5.0), (40, 0.3)]
            for _ in range(3)]
    rows += [np.array([1 - 2e-9, 1e-9, 1e-9]), np.array([0.5, 0.5 - 1e-12, 1e-12]), np.array([0.3, 0.0, 0.7])]
    mp.mp.dps = 40
    for p in rows:
        seen = _captured_writes(monkeypatch)
        res = minimizer(p, gamma)
        assert bool(res.converged) and len(seen) == 1
        _, z, u = seen[0]
        P = p / p.sum()
        true = _true_residual(P, gamma, z, u)
        assert true <= float(res.residual), (p, gamma, float(true), float(res.residual))
        # and it is a rounding-level certificate
        assert float(res.residual) <= 1e-15 * (40 + 12 * gamma)


def test_the_common_case_needs_one_evaluation_fewer():
    """gamma = 2, Dirichlet(0.5): three Newton steps, the third proving convergence by its size."""
    P = np.random.default_rng(0).dirichlet(np.full(10, 0.5), size=3000)
    res = minimizer(P, 2.0)
    assert res.converged.all() and np.all(res.iterations == 3)
    assert float(res.residual.max()) < 1e-14


def _rows_for_the_one_row_path():
    rng = np.random.default_rng(11)
    rows = [rng.dirichlet(np.full(k, a)) for k in (2, 3, 10, 33, 100) for a in (0.05, 0.5, 5.0) for _ in range(4)]
    rows += [np.array([1 - 1e-15, 1e-15]), np.array([0.5, 0.5 - 1e-12, 1e-12]), np.array([1.0, 1e-300]),
             np.array([0.25] * 4), np.array([0.99 / 99] * 99 + [1e-8]), np.array([0.3, 0.0, 0.7])]
    return rows


@pytest.mark.parametrize("gamma", [0.01, 0.5, 2.0, 10.0, 100.0, 300.0, 301.0, 5000.0])
def test_one_row_alone_has_the_bits_it_has_in_a_batch(gamma):
    """A call on one distribution (the one-row path where it applies) writes the bits of the batched loop."""
    from focaltheory.solver import _newton

    fields = ("q", "log_lam", "value", "iterations", "converged", "residual")
    calls = []
    real = _newton._newton_one

    def spy(*a):
        calls.append(real(*a))
        return calls[-1]

    rows = _rows_for_the_one_row_path()
    mp = pytest.MonkeyPatch()
    mp.setattr(_newton, "_newton_one", spy)
    try:
        alone = [minimizer(p, gamma) for p in rows]
    finally:
        mp.undo()
    assert any(calls)  # the one-row path was taken
    for p, one in zip(rows, alone):
        batch = minimizer(np.stack([p, np.full(p.size, 1.0 / p.size), p[::-1]]), gamma)
        for f in fields:
            assert np.asarray(getattr(batch, f))[0].tobytes() == np.asarray(getattr(one, f)).tobytes(), (f, p)


@pytest.mark.parametrize("gamma", [0.0, 0.1, 1.0, 2.0, 10.0, 300.0])
def test_curvature_bounds_hold_on_a_grid(gamma):
    """M_F bounds |d^2 log g / dz^2| (checked in 30 digits over z in [-40, 40]); M_R = 2.25 bounds the constraint's."""
    import mpmath as mp

    from focaltheory.solver._system import _curvature

    M_F, M_R = _curvature(np.array([gamma]))
    with mp.workdps(30):
        g = mp.mpf(gamma)

        def h(z):  # d log g / dz
            q = 1 / (1 + mp.exp(-z))
            k = q * (-mp.log(q)) / (1 - q)
            return -(1 + g * q) / (1 + g * k) - (g - 1) * q

        worst = max(abs(mp.diff(h, mp.mpf(z) / 8)) for z in range(-320, 321, 3))
        assert worst <= float(M_F[0]) and worst >= 0.05 * float(M_F[0])  # a bound, and not a vacuous one
        # the constraint log(sum_{x != m} q_x) - log(1 - q_m) along random directions
        rng = np.random.default_rng(int(gamma))
        for _ in range(20):
            z = [mp.mpf(v) for v in rng.normal(0, 3, 4)]
            d = [mp.mpf(v) for v in rng.uniform(-1, 1, 4)]

            def R(t):
                q = [1 / (1 + mp.exp(-(zi + t * di))) for zi, di in zip(z, d)]
                return mp.log(sum(q[1:])) - mp.log(1 - q[0])

            assert abs(mp.diff(R, 0, 2)) <= M_R * max(abs(x) for x in d) ** 2


@pytest.mark.parametrize("gamma", [0.0, 2.0, 5000.0, "rows"])
def test_sparse_branch_kernels_are_the_generated_kernels_bitwise(gamma):
    """The kernels that take the z >= 0 branch only where it applies give the generated kernels' bits (NaN, inf too)."""
    rng = np.random.default_rng(3)
    z = _logits(rng, (300, 6))
    z.flat[4:8] = [np.nan, np.inf, -np.inf, 1e308]
    z[:100] = -np.abs(z[:100])  # rows with no z >= 0
    G = rng.uniform(0, 50, (300, 1)) if gamma == "rows" else float(gamma)
    with np.errstate(all="ignore"):
        for e_in in (None, np.exp(-np.abs(z))):
            ref = _kernels._logit_parts(z, e_in)
            e, lp1, q, omq, pos = _lean._logit_parts_few(z, None if e_in is None else e_in.copy())
            assert all(_same(a, b) for a, b in zip(ref[:4], (e, lp1, q, omq)))
            assert np.array_equal(pos, np.flatnonzero(~ref[4]))
            assert _same(_kernels._k_term(z, *ref[:2], ref[4]), _lean._k_term_few(z, e, lp1, pos))
            assert _same(-_kernels._z_eff(z, G, ref[4]), _lean._neg_z_eff_few(z, G, pos))
        # and with no z >= 0 at all
        zn = -1.0 - np.abs(np.nan_to_num(z[:100]))
        e, lp1, q, omq, pos = _lean._logit_parts_few(zn)
        assert pos.size == 0 and _same(q, _kernels._logit_parts(zn)[2])
