"""The arbitrary-precision reference is thread-safe and never changes mpmath's global precision.

Every public function of focaltheory.reference is called from several threads
at once (the same inputs in every thread, so that the threads race on the
precision they set); the answers must be those of a single-threaded run, bit
for bit, and ``mpmath.mp.dps`` must never change, neither while they run (a
watcher thread samples it) nor afterwards.
"""

import threading

import mpmath
import numpy as np
import pytest

from scipy import stats

from focaltheory import reference
from focaltheory.reference import (
    countable_minimizer_mp,
    countable_pmf_mp,
    focal_loss_mp,
    g_mp,
    inverse_minimizer_mp,
    minimizer_mp,
    phi_mp,
    threshold_mp,
)

_Q = (mpmath.mpf(1) / 3, mpmath.mpf(1) / 3, mpmath.mpf(1) / 3)

# one call per public function, each at a different dps, so that the threads
# ask for different precisions at the same time
CALLS = {
    "minimizer_mp": lambda: minimizer_mp([0.5, 0.3, 0.2], 3, dps=60),
    "minimizer_mp (small p)": lambda: minimizer_mp(["1", "1e-1000"], 2, dps=40),
    "inverse_minimizer_mp": lambda: inverse_minimizer_mp(["0.6", "0.3", "0.1"], 2, dps=70),
    "focal_loss_mp": lambda: focal_loss_mp("0.3", 2, dps=90),
    "g_mp": lambda: g_mp("0.3", 5, dps=33),
    "phi_mp": lambda: phi_mp("0.2", 2, dps=45),
    "threshold_mp": lambda: threshold_mp(2, dps=80),
    "ReferenceResult.lam": lambda: minimizer_mp([0.25] * 4, 2, dps=55).lam,
    "countable_minimizer_mp": lambda: countable_minimizer_mp(stats.geom(0.3), 2, dps=30),
    "countable_pmf_mp": lambda: countable_pmf_mp(stats.zipf(2), [1, 5], dps=40),
}


def _key(x):
    """Something comparable bit for bit: the mpf's own tuple, recursively."""
    if isinstance(x, mpmath.mpf):
        return ("mpf", x._mpf_)
    if isinstance(x, (tuple, list)):
        return tuple(_key(v) for v in x)
    if hasattr(x, "__dataclass_fields__"):
        return tuple((f, _key(getattr(x, f))) for f in x.__dataclass_fields__)
    return x


def test_every_public_function_is_covered():
    public = set(reference.__all__) - {"ReferenceResult", "CountableReferenceResult"}
    covered = {name.split(" ")[0] for name in CALLS}
    assert public <= covered, f"add {sorted(public - covered)} to CALLS"


def _run_threads(n_threads, rounds, work):
    """Start n_threads running work() rounds times each, behind a barrier; return (results, errors)."""
    barrier = threading.Barrier(n_threads)
    results = [[] for _ in range(n_threads)]
    errors = []

    def target(k):
        try:
            barrier.wait()
            for _ in range(rounds):
                results[k].append(work())
        except Exception as exc:  # pragma: no cover - reported by the assertion below
            errors.append(repr(exc))

    threads = [threading.Thread(target=target, args=(k,)) for k in range(n_threads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results, errors


def test_minimizer_mp_from_several_threads():
    # the reproducer: two threads (here four) calling minimizer_mp([0.5, 0.3, 0.2], 3, dps=60)
    dps0 = mpmath.mp.dps
    expected = _key(minimizer_mp([0.5, 0.3, 0.2], 3, dps=60))
    for _ in range(5):
        results, errors = _run_threads(4, 3, lambda: _key(minimizer_mp([0.5, 0.3, 0.2], 3, dps=60)))
        assert errors == []
        assert all(r == expected for rs in results for r in rs)
        assert mpmath.mp.dps == dps0


def test_every_public_function_from_several_threads():
    dps0, prec0 = mpmath.mp.dps, mpmath.mp.prec
    expected = {name: _key(f()) for name, f in CALLS.items()}
    names = list(CALLS)
    seen = set()
    stop = threading.Event()

    def watch():  # samples the global precision while the others compute
        while not stop.is_set():
            seen.add(mpmath.mp.prec)

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        def work():
            return {name: _key(CALLS[name]()) for name in names}

        results, errors = _run_threads(4, 2, work)
    finally:
        stop.set()
        watcher.join()
    assert errors == []
    for rs in results:
        for r in rs:
            for name in names:
                assert r[name] == expected[name], name
    assert seen <= {prec0}
    assert (mpmath.mp.dps, mpmath.mp.prec) == (dps0, prec0)


def test_results_are_global_mpf_with_all_their_digits():
    # the private context does not leak out: ordinary mpmath.mpf numbers, at the requested dps
    r = minimizer_mp(["0.7", "0.2", "0.1"], 2, dps=40)
    assert all(type(x) is mpmath.mpf for x in r.q + r.complement + r.p)
    assert type(r.log_lam) is mpmath.mpf and type(r.value) is mpmath.mpf and type(r.lam) is mpmath.mpf
    with mpmath.workdps(40):
        # 40 digits survive although the global precision is 15 outside this block
        assert abs(sum(r.q) - 1) < mpmath.mpf("1e-39")
        assert abs(r.lam - mpmath.exp(r.log_lam)) <= mpmath.mpf("1e-39") * r.lam
    assert type(threshold_mp(1, dps=30)) is mpmath.mpf
    with mpmath.workdps(30):
        assert mpmath.nstr(threshold_mp(1, dps=30), 25) == mpmath.nstr(1 / mpmath.e, 25)
    # a global mpf with more digits than the working precision is rounded to it, not to the global dps
    with mpmath.workdps(60):
        third = mpmath.mpf(1) / 3
    assert focal_loss_mp(third, 0, dps=50) == focal_loss_mp("0.3333333333333333333333333333333333333333333333333333333333333", 0, dps=50)


def test_numpy_threads_and_reference_threads_together():
    # the double-precision solver called in other threads at the same time changes nothing
    from focaltheory import minimizer

    expected = _key(minimizer_mp([0.5, 0.3, 0.2], 3, dps=60))
    q_expected = minimizer([0.5, 0.3, 0.2], 3).q
    out = []

    def numeric():
        for _ in range(20):
            out.append(np.array_equal(minimizer([0.5, 0.3, 0.2], 3).q, q_expected))

    t = threading.Thread(target=numeric)
    t.start()
    results, errors = _run_threads(2, 3, lambda: _key(minimizer_mp([0.5, 0.3, 0.2], 3, dps=60)))
    t.join()
    assert errors == [] and all(out)
    assert all(r == expected for rs in results for r in rs)
