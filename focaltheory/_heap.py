"""One release of a large block, so that glibc's malloc keeps the library's temporaries mapped.

glibc's malloc serves a request above its mmap threshold (128 KiB at start)
with a fresh mapping, and gives the top of its heap back to the system
whenever more than its trim threshold (twice the mmap threshold) lies free
there.  Both thresholds rise when a mapped block of at most 32 MiB is freed:
to that block's size and twice it (mallopt(3), "dynamic mmap threshold").
An array of a few hundred KiB that is freed leaves them near its own size, so
a computation whose temporaries are that large, a dozen alive at a time and
freed at every step, has the heap trimmed and its pages faulted in again at
every step.  The minimizer's chunks are 2**16 entries, 512 KiB per temporary;
measured on 6553 x 10 rows, repeated calls (gamma = 2 for the minimizer):

* minimizer: about 3100 to 3300 page faults per call and 2.0 us per
  distribution, against none and 1.0 us once a 16 MiB block has been freed
  (2000 x 100 rows: 15.8 against 7 to 10 us per distribution);
* focal_entropy: 480 faults and 2.1 ms per call, against none and 0.8 ms;
* inverse_minimizer: 1840 faults and 7.8 ms, against none and 3.1 ms.

Batches of 1e6 rows free blocks that large themselves (their per-row
results are 8 MB), so that the thresholds are raised after the first such
call anyway.

So the first call of a public function (see _fpstate._fp_isolated)
allocates and frees one block of 16 MiB, as any NumPy array of that size
does when it is freed: the thresholds become 16 and 32 MiB for the process.
The block is never touched (no page is faulted in).  With another allocator
it is one allocation and one release.
"""

import numpy as np

__all__ = []  # private module

_BLOCK = 16 << 20  # bytes: at most glibc's DEFAULT_MMAP_THRESHOLD_MAX (32 MiB on 64-bit)
_done = False


def _raise_thresholds():
    """Allocate and free one untouched block of _BLOCK bytes, once per process."""
    global _done
    if not _done:
        _done = True
        try:
            np.empty(_BLOCK, dtype=np.uint8)
        except MemoryError:  # (an address space too small for it: nothing to gain, no reason to fail the call)
            pass
