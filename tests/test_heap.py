"""Repeated calls on arrays of a few hundred KiB fault in no temporaries (see focaltheory/_heap.py).

Counted, not timed: the page faults of repeated calls in a fresh interpreter
(the allocator's thresholds are per process).  Without the release of the
large block each such call faults in its temporaries afresh under glibc
(about 3100 faults per minimizer call at 6553 x 10).
"""

import json
import platform
import subprocess
import sys

import pytest

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux") or platform.libc_ver()[0] != "glibc",
                                reason="glibc's dynamic mmap threshold")

_CODE = """
import json, resource, sys
import numpy as np
import focaltheory
from focaltheory import _heap
if sys.argv[1] == "off":
    _heap._done = True  # as if the block had been released already: nothing is released
rng = np.random.default_rng(0)
P = rng.dirichlet(np.full(10, 0.5), size=6553)
Q = rng.dirichlet(np.full(10, 0.5), size=6553)
calls = {
    "minimizer": lambda: focaltheory.minimizer(P, 2.0),
    "focal_entropy": lambda: focaltheory.focal_entropy(P, Q, 2.0),
    "inverse_minimizer": lambda: focaltheory.inverse_minimizer(Q, 2.0),
}
out = {}
for name, call in calls.items():
    for _ in range(2):
        call()
    faults = []
    for _ in range(3):
        before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
        call()
        faults.append(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
    out[name] = faults
print(json.dumps(out))
"""

_NAMES = ("minimizer", "focal_entropy", "inverse_minimizer")


def _faults(mode):
    out = subprocess.run([sys.executable, "-c", _CODE, mode], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def test_repeated_calls_on_one_chunk_fault_in_no_temporaries():
    faults = _faults("on")
    # a 6553 x 10 temporary is 512 KiB (128 pages); a dozen are alive at a time
    for name in _NAMES:
        assert max(faults[name]) < 100, (name, faults)


def test_without_the_released_block_every_call_faults_its_temporaries_in():
    # the counts above are the release's doing: in a fresh interpreter that has
    # not released it, every call faults in its temporaries
    faults = _faults("off")
    for name in _NAMES:
        assert min(faults[name]) > 300, (name, faults)


def test_a_failed_release_does_not_fail_the_call(monkeypatch):
    # where the block cannot be allocated (a small address space), the call
    # goes on as if it had been released
    import numpy as np

    import focaltheory
    from focaltheory import _heap

    def refuse(*args, **kwargs):
        raise MemoryError("no room")

    monkeypatch.setattr(_heap, "_done", False)
    monkeypatch.setattr(_heap.np, "empty", refuse)
    _heap._raise_thresholds()
    assert _heap._done
    monkeypatch.undo()
    q = focaltheory.minimizer(np.full((3, 4), 0.25), 2.0).q
    assert np.allclose(q, 0.25)
