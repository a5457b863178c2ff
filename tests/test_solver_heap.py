"""The solver's temporaries stay mapped between evaluations (see focaltheory/solver/_heap.py).

Counted, not timed: the page faults of repeated calls on one chunk of rows, in a
fresh interpreter (the allocator's thresholds are per process).  Without the
release of the large block each such call faults in its temporaries afresh
(about 3300 faults per call at 6553 x 10 under glibc).
"""

import json
import platform
import subprocess
import sys

import pytest

_CODE = """
import json, resource, sys
import numpy as np
import focaltheory
from focaltheory.solver import _heap
if sys.argv[1] == "off":
    _heap._done = True  # as if the block had been released already: nothing is released
P = np.random.default_rng(0).dirichlet(np.full(10, 0.5), size=6553)
for _ in range(2):
    focaltheory.minimizer(P, 2.0)
faults = []
for _ in range(3):
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    focaltheory.minimizer(P, 2.0)
    faults.append(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
print(json.dumps(faults))
"""


def _faults(mode):
    out = subprocess.run([sys.executable, "-c", _CODE, mode], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


@pytest.mark.skipif(not sys.platform.startswith("linux") or platform.libc_ver()[0] != "glibc",
                    reason="glibc's dynamic mmap threshold")
def test_repeated_calls_on_one_chunk_fault_in_no_temporaries():
    faults = _faults("on")
    # a chunk's temporaries are 512 KiB each (128 pages), a dozen per evaluation
    assert max(faults) < 200, faults


@pytest.mark.skipif(not sys.platform.startswith("linux") or platform.libc_ver()[0] != "glibc",
                    reason="glibc's dynamic mmap threshold")
def test_without_the_released_block_every_call_faults_its_temporaries_in():
    # the count above is the release's doing: in a fresh interpreter that has
    # not released it, every call faults in a chunk's worth of temporaries
    assert min(_faults("off")) > 1000
