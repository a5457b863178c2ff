"""The reference's own mpmath context, and the lock that makes the public functions thread-safe.

mpmath's global context ``mpmath.mp`` is one object shared by every thread:
setting its precision (even inside :func:`mpmath.workdps`) in one thread
changes it under every other, and mpmath's module-level caches of constants
(pi, log 2, ...) are filled without synchronization.  So the reference never
touches ``mpmath.mp``: it computes in the private context :data:`mp` below,
whose precision each public function sets from its ``dps``, and its public
functions hold the reentrant lock :data:`_LOCK` while they run (one reference
computation at a time; mpmath is pure Python, so threads would not run
concurrently anyway).  Results are handed back as ordinary ``mpmath.mpf``
numbers of the global context, with all their digits (:func:`_out`).
"""

import functools
import threading

import mpmath

from .._fpstate import _fp_isolated

__all__ = []  # private module

mp = mpmath.MPContext()  # the reference's own context; mpmath.mp (and its dps) is never changed
_LOCK = threading.RLock()
_make_mpf = mpmath.mp.make_mpf


def _serialized(func):
    """Decorator for the public functions: under :data:`_LOCK` and in their own NumPy error state."""
    inner = _fp_isolated(func)

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with _LOCK:
            return inner(*args, **kwargs)

    return wrapper


def _out(x):
    """An mpf of the private context as an ``mpmath.mpf`` of the global one, bits unchanged (no rounding)."""
    return _make_mpf(x._mpf_)


def _is_mpf(x):
    """True for an mpf of the global context or of the reference's own."""
    return isinstance(x, (mpmath.mpf, mp.mpf))
