"""One distribution solved in Python floats (solver/_single.py): bitwise the batched path's result."""

import contextlib
import warnings

import numpy as np
import pytest

from focaltheory import minimizer
from focaltheory.solver import _single
from focaltheory.solver._rows import _einsum

FIELDS = ("q", "log_lam", "value", "iterations", "converged", "residual")


def _same(a, b):
    a, b = np.asarray(a), np.asarray(b)
    return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()


@contextlib.contextmanager
def _caller_state(**state):
    """The caller's NumPy error state set to ``state``, every warning an error."""
    old = np.geterr()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            np.seterr(**state)
            caller = np.geterr()
            yield
            assert np.geterr() == caller, "the caller's state was changed"
    finally:
        np.seterr(**old)


# the caller's states each row is also solved under (the path runs before minimizer's isolation)
CALLER_STATES = (dict(all="raise"), dict(all="warn"))


def _check_rows(P, gamma, maxiter=50, convert=None):
    """Each row alone against the same row inside the batch P: all six fields bitwise; the rows the path took.

    Each row is solved alone three times: in NumPy's default error state, and
    with the caller's state every flag raising and every flag warning (with
    warnings errors): the same bits, nothing raised, nothing warned.
    """
    batch = minimizer(P, gamma, maxiter=maxiter)
    gam = np.broadcast_to(gamma, P.shape[:1])
    taken = 0
    for i, row in enumerate(P):
        arg = row if convert is None else convert(row)
        before = _single.taken
        one = minimizer(arg, gam[i], maxiter=maxiter)
        took = _single.taken - before
        for f in FIELDS:
            assert _same(getattr(one, f), np.asarray(getattr(batch, f))[i]), (f, i, row.tolist(), gam[i])
        for state in CALLER_STATES:  # the same bits, and the path takes the row or not as before
            before = _single.taken
            with _caller_state(**state):
                other = minimizer(arg, gam[i], maxiter=maxiter)
            assert _single.taken - before == took, (state, i, row.tolist(), gam[i])
            assert all(_same(getattr(other, f), getattr(one, f)) for f in FIELDS), (state, i, row.tolist(), gam[i])
        taken += took
    return taken


@pytest.mark.parametrize("conc", [0.05, 0.2, 0.5, 1.0, 5.0])
def test_bitwise_equal_to_the_batch_dirichlet(conc):
    rng = np.random.default_rng(int(conc * 100))
    gammas = [0.01, 0.1, 0.5, 1.0, 2.0, 3.7, 10.0, 50.0, 100.0, 299.9, 300.0]
    rows = taken = 0
    for j, K in enumerate([2, 3, 5, 10, 17, 24, _single._MAX_K]):
        P = rng.dirichlet(np.full(K, conc), size=50)
        for g in (gammas[j % len(gammas)], gammas[(j + 5) % len(gammas)], float(rng.uniform(0.01, 300.0))):
            taken += _check_rows(P, g)
            rows += P.shape[0]
    assert rows == 1050
    if conc >= 0.5:  # no class near the edge of the path: every row taken
        assert taken == rows
    else:  # classes below 1e-13 (log-odds under -30) go to the batched path
        assert 0 < taken < rows


def test_bitwise_equal_for_every_number_of_classes():
    """The source generated for each K (2 to _MAX_K: every remainder of the summation's blocks of 8)."""
    rng = np.random.default_rng(21)
    rows = taken = 0
    for K in range(2, _single._MAX_K + 1):
        P = rng.dirichlet(np.full(K, 1.0), size=12)
        for g in (float(rng.uniform(0.05, 1.0)), float(rng.uniform(1.0, 300.0))):
            taken += _check_rows(P, g)
            rows += P.shape[0]
    assert rows == 31 * 24
    assert taken == rows  # Dirichlet(1): no class near the edge of the path


def test_bitwise_equal_in_a_batch_of_mixed_gammas():
    """The batch solves each row with its own gamma (and the rows around it differ): still the same bits."""
    rng = np.random.default_rng(7)
    P = rng.dirichlet(np.full(10, 0.5), size=200)
    g = np.exp(rng.uniform(np.log(0.01), np.log(300.0), 200))
    g[::7] = 1000.0  # rows above the path's range in the same batch
    g[::11] = 0.0
    taken = _check_rows(P, g)
    assert taken == 200 - len(range(0, 200, 7)) - len(set(range(0, 200, 11)) - set(range(0, 200, 7)))


def test_near_ties_and_the_order_pass():
    """Two classes an ulp or three apart: the order pass gives the same bits (ties their maximum)."""
    rng = np.random.default_rng(3)
    rows = []
    for _ in range(80):
        K = int(rng.integers(3, 12))
        p = rng.dirichlet(np.full(K, 1.0))
        i, j = rng.choice(K, 2, replace=False)
        p[j] = p[i]
        for _ in range(int(rng.integers(0, 4))):
            p[j] = np.nextafter(p[j], 1.0)
        rows.append(np.concatenate([p, np.full(12 - K, 0.01)]))
    P = np.array(rows)
    P[::5, 0] = P[::5, 1]  # exact ties
    total = 0
    for g in (0.5, 2.0, 40.0, 300.0):
        total += _check_rows(P, g)
    assert total >= 0.9 * 4 * P.shape[0]


def test_the_edge_of_the_path_small_classes():
    """A class near 1e-12 (log-odds above -30: the path) and near 1e-13 (below: the batched path)."""
    rng = np.random.default_rng(5)
    rows = []
    for t in np.geomspace(3e-14, 3e-12, 60):
        p = rng.dirichlet(np.full(6, 1.0))
        p[0] = t
        rows.append(p)
    P = np.array(rows)
    taken = _check_rows(P, 0.5) + _check_rows(P, 2.0) + _check_rows(P, 30.0)
    assert 0 < taken < 3 * P.shape[0]


def test_hard_rows_and_maxiter():
    """Rows far from the start (backtracking, the bracketed restart) and maxiter 1..4: declined or matched."""
    P = np.array([[1 - 2e-9, 1e-9, 1e-9], [0.5, 0.5 - 1e-12, 1e-12], [0.999, 5e-4, 5e-4],
                  [1 - 1e-6, 1e-6, 0.0 + 1e-300], [0.34, 0.33, 0.33], [0.9, 0.05, 0.05]] * 10)
    for g in (0.01, 1.0, 5.0, 100.0, 300.0):
        _check_rows(P, g)
    rng = np.random.default_rng(9)
    Q = rng.dirichlet(np.full(8, 0.3), size=60)
    taken = 0
    for m in (1, 2, 3, 4):
        taken += _check_rows(Q, 2.0, maxiter=m)
    assert taken > 0  # at maxiter 4 most rows converge on the path


def test_input_types():
    rng = np.random.default_rng(11)
    W = rng.integers(1, 1000, size=(60, 7))
    assert _check_rows(W, 2.0) == 60  # integer weights
    assert _check_rows(W, 2.0, convert=list) == 60
    assert _check_rows(W, 2.0, convert=lambda r: tuple(int(x) for x in r)) == 60
    F = rng.dirichlet(np.full(9, 0.7), size=60).astype(np.float32)
    assert _check_rows(F, 3.0) == 60
    assert _check_rows(F.astype(np.float64), 3.0, convert=lambda r: [float(x) for x in r]) == 60
    p = rng.dirichlet(np.full(5, 1.0))
    ref = minimizer(np.array([p]), 2.0)
    for g in (2, np.float32(2.0), np.int64(2), np.float64(2.0)):
        one = minimizer(p, g)
        assert all(_same(getattr(one, f), np.asarray(getattr(ref, f))[0]) for f in FIELDS)
    assert _same(minimizer(p, 2.0, axis=0).q, ref.q[0])


def test_declines_where_it_must(monkeypatch):
    """Outside the path's common case the batched path answers alone (same results: it always does)."""
    p = [0.5, 0.3, 0.2]
    cases = [
        (dict(p=p, gamma=301.0), "above gamma 300"),
        (dict(p=p, gamma=0.0), "gamma 0"),
        (dict(p=[0.5, 0.5, 0.0], gamma=2.0), "a zero"),
        (dict(p=[1.0], gamma=2.0), "one class"),
        (dict(p=np.full(_single._MAX_K + 1, 1.0), gamma=2.0), "too many classes"),
        (dict(p=p, gamma=2.0, alpha=[1.0, 2.0, 3.0]), "alpha"),
        (dict(p=[1.0, 1e-310, 1.0], gamma=2.0), "a subnormal entry"),
        (dict(p=[[0.5, 0.5]], gamma=2.0), "2-D"),
        (dict(p=p, gamma=[2.0]), "gamma an array"),
        (dict(p=p, gamma=2.0, maxiter=np.int64(5)), "maxiter not a plain int"),
        (dict(p=np.array(p, dtype=np.float16), gamma=2.0), "float16"),
        (dict(p=[0.6, 0.4 - 1e-15, 1e-15], gamma=0.01), "a class below log-odds -30"),
    ]
    for kw, why in cases:
        before = _single.taken
        res = minimizer(**kw)
        assert _single.taken == before, why
        monkeypatch.setattr(_single, "_enabled", False)
        off = minimizer(**kw)
        monkeypatch.setattr(_single, "_enabled", True)
        assert all(_same(getattr(res, f), getattr(off, f)) for f in FIELDS), why
    before = _single.taken
    minimizer(p, 2.0)
    assert _single.taken == before + 1


def test_result_shapes_dtypes_and_read_only(monkeypatch):
    for p in ([0.7, 0.2, 0.1], np.arange(1, 11), (3, 1)):
        on = minimizer(p, 2.0)
        monkeypatch.setattr(_single, "_enabled", False)
        off = minimizer(p, 2.0)
        monkeypatch.setattr(_single, "_enabled", True)
        for f in FIELDS:
            a, b = getattr(on, f), getattr(off, f)
            assert type(a) is np.ndarray and _same(a, b)
            assert not a.flags.writeable
        assert on == on and repr(on) == repr(off)


@pytest.mark.parametrize("kw", [
    dict(p=[0.5, float("nan")], gamma=2.0), dict(p=[0.5, float("inf")], gamma=2.0),
    dict(p=[-1.0, 2.0], gamma=2.0), dict(p=[0, 0], gamma=2.0), dict(p=[], gamma=2.0),
    dict(p=["a", "b"], gamma=2.0), dict(p=[1 + 2j, 1.0], gamma=2.0), dict(p=[[1.0, 2.0], [3.0]], gamma=2.0),
    dict(p=[True, False], gamma=2.0), dict(p=np.ma.masked_array([0.5, 0.5], mask=[1, 0]), gamma=2.0),
    dict(p=[0.5, 0.5], gamma=-1.0), dict(p=[0.5, 0.5], gamma=float("nan")), dict(p=[0.5, 0.5], gamma=1e200),
    dict(p=[0.5, 0.5], gamma="x"), dict(p=[0.5, 0.5], gamma=2.0, axis=1), dict(p=[0.5, 0.5], gamma=2.0, axis=1.5),
    dict(p=[0.5, 0.5], gamma=2.0, maxiter=0), dict(p=[0.5, 0.5], gamma=2.0, maxiter=1.5),
    dict(p=[0.5, 0.5], gamma=2.0, maxiter=True), dict(p=[1e308, 1e308], gamma=2.0),
])
def test_validation_unchanged(monkeypatch, kw):
    """Bad (or unusual) input gives exactly what the general path gives: the same error, or the same result."""
    def outcome():
        try:
            res = minimizer(**kw)
        except Exception as exc:  # noqa: BLE001 - the exception itself is compared
            return type(exc), str(exc)
        return tuple(np.asarray(getattr(res, f)).tobytes() for f in FIELDS)

    on = outcome()
    monkeypatch.setattr(_single, "_enabled", False)
    assert outcome() == on


def test_emulated_reductions_match_einsum():
    """The summation orders (einsum's, and np.add.reduce's of the weights), on vectors of 1 to 69 entries (the self-check does this per K at first use)."""
    rng = np.random.default_rng(0)
    for K in range(1, 70):
        for _ in range(40):
            x = rng.standard_normal(K) * np.exp2(rng.integers(-30, 30, K))
            y = rng.standard_normal(K)
            assert _single._bits(_single._emu_sum(x.tolist())) == _single._bits(float(_einsum("ij->i", x[None])[0]))
            assert _single._bits(_single._emu_dot(x.tolist(), y.tolist())) == \
                _single._bits(float(_einsum("ij,ij->i", x[None], y[None])[0]))
            w = np.abs(x) * np.exp2(rng.integers(-30, 30))  # W.sum of a row of positive weights
            assert _single._emu_total(w.tolist()) == float(np.add.reduce(w)) == float(w[None].sum(axis=-1)[0])


def test_transcendentals_do_not_depend_on_the_array_length():
    """NumPy's exp, log, log1p give each element the same bits on a short list, a scalar or a long array."""
    rng = np.random.default_rng(1)
    v = np.concatenate([rng.uniform(-745.0, 5.0, 2000), rng.uniform(-1.0, 1.0, 2000)])
    for f, arg in ((np.exp, v), (np.log, np.abs(v) + 1e-300), (np.log1p, np.abs(v))):
        ref = f(arg)
        for K in (1, 2, 3, 7, 10, 17, 32):
            for s in range(0, 400, 37):
                assert f(arg[s:s + K].tolist()).tolist() == ref[s:s + K].tolist()
        assert [float(f(t)) for t in arg[:300].tolist()] == ref[:300].tolist()


def test_self_check_switches_the_path_off(monkeypatch):
    """A wrong emulation of the summation order is caught at first use: the batched path then answers."""
    def wrong_sum(v):  # left to right: not einsum's order
        s = 0.0
        for x in v:
            s += x
        return s

    monkeypatch.setattr(_single, "_checked", {})
    monkeypatch.setattr(_single, "_enabled", True)
    monkeypatch.setattr(_single, "_emu_sum", wrong_sum)
    p = np.random.default_rng(2).dirichlet(np.full(10, 0.5))
    before = _single.taken
    res = minimizer(p, 2.0)
    assert _single.taken == before and _single._enabled is False and _single._checked == {10: False}
    ref = minimizer(p[None], 2.0)
    assert all(_same(getattr(res, f), np.asarray(getattr(ref, f))[0]) for f in FIELDS)
    minimizer(p[:5] / p[:5].sum(), 2.0)  # other K: the path stays off
    assert _single.taken == before and 5 not in _single._checked
    monkeypatch.undo()
    assert _single._self_check(10)  # the real emulations pass


def test_self_check_catches_a_wrong_dot(monkeypatch):
    monkeypatch.setattr(_single, "_emu_dot", lambda x, y: sum(a * b for a, b in zip(x, y)))
    assert not _single._self_check(12)


def test_result_fields_cannot_be_made_writeable():
    """The path's 0-d fields may share buffers between results: those buffers are immutable."""
    a, b = minimizer([0.6, 0.3, 0.1], 2.0), minimizer([0.5, 0.3, 0.2], 2.0)
    assert _single.taken > 0
    for res in (a, b):
        for f in FIELDS:
            x = getattr(res, f)
            with pytest.raises(ValueError):
                x.flags.writeable = True
            if f in ("iterations", "converged"):  # shared between results: their buffer too
                with pytest.raises(ValueError):
                    x.base.flags.writeable = True
    assert int(a.iterations) == int(b.iterations) and bool(a.converged) and bool(b.converged)


def test_declined_where_a_numpy_call_could_raise_a_flag():
    """Rows whose NumPy calls on the path could raise a flag (an underflow) are declined before the call.

    The path runs before minimizer's own floating-point state: under a
    caller's all-raise state (and every warning an error) such a row still
    gives the default state's bits, solved by the batched path.
    """
    cases = [
        (dict(p=[1.0, 1e-307, 1.0], gamma=2.0), "a normalized entry below 2**-1020: exp(log P) subnormal"),
        (dict(p=[0.6, 0.4], gamma=1e-300), "gamma below 1e-280: log1p of gamma k subnormal"),
        (dict(p=[3e-310, 1e-310], gamma=2.0), "subnormal weights"),
        (dict(p=[1.0, 1e-306], gamma=0.01), "the largest class's start log-odds above 700"),
    ]
    for kw, why in cases:
        ref = minimizer(**kw)
        for state in CALLER_STATES:
            before = _single.taken
            with _caller_state(**state):
                res = minimizer(**kw)
            assert _single.taken == before, why
            assert all(_same(getattr(res, f), getattr(ref, f)) for f in FIELDS), why
    before = _single.taken
    with _caller_state(all="raise"):
        minimizer([0.6, 0.3, 0.1], 1e-280)  # the ends of the ranges: taken
        minimizer([0.6, 0.3, 0.1], 300.0)
    assert _single.taken == before + 2


def test_self_check_catches_a_flag(monkeypatch):
    """The self-check runs every NumPy call on the ends of the path's ranges with every flag an error."""
    assert _single._self_check(10)
    monkeypatch.setattr(_single, "_P_MIN", 2.0 ** -1070)  # exp(log P) subnormal: an underflow
    assert not _single._self_check(10)
    monkeypatch.undo()
    monkeypatch.setattr(_single, "_Z_MAX", 750.0)  # exp(-|z|) zero: an underflow
    assert not _single._self_check(10)
    old = np.geterr()
    try:  # whatever the caller's state
        np.seterr(all="ignore")
        monkeypatch.undo()
        assert _single._self_check(10)
    finally:
        np.seterr(**old)
