"""One release of a large block, so that glibc's malloc keeps the solver's temporaries mapped.

glibc's malloc serves a request above its mmap threshold (128 KiB at start)
with a fresh mapping, and gives the top of its heap back to the system
whenever more than its trim threshold (twice the mmap threshold) lies free
there.  Both thresholds rise when a mapped block of at most 32 MiB is freed:
to that block's size and twice it (mallopt(3), "dynamic mmap threshold").
The minimizer works on chunks of 2**16 entries, whose temporaries are 512 KiB
each, a dozen of them alive at a time and freed at every evaluation of the
system: with the thresholds a freed 512 KiB block leaves (512 KiB and 1 MiB)
the heap is trimmed at every evaluation and its pages are faulted in again at
the next.  Measured on 6553 x 10 rows (one chunk), gamma = 2, repeated calls:
about 3100 to 3300 page faults per call and 2.0 us per distribution,
against none and 1.0 us once a 16 MiB block has been freed; on 2000 x 100
rows, 15.8 against 7 to 10 us.  Batches of 1e6 rows free blocks that large themselves
(their per-row results are 8 MB), so that the thresholds are already raised
after the first such call.

So the first call on a batch larger than one chunk's temporaries allocates
and frees one block of 16 MiB, as any NumPy array of that size does when it
is freed: the thresholds become 16 and 32 MiB for the process.  The block is
never touched (no page is faulted in).  With another allocator it is one
allocation and one release.
"""

import numpy as np

_BLOCK = 16 << 20  # bytes: at most glibc's DEFAULT_MMAP_THRESHOLD_MAX (32 MiB on 64-bit)
_done = False


def _raise_thresholds():
    """Allocate and free one untouched block of _BLOCK bytes, once per process."""
    global _done
    if not _done:
        _done = True
        np.empty(_BLOCK, dtype=np.uint8)
