"""The floating-point state of the public functions: their own, whatever the caller's.

NumPy's error state (:func:`numpy.seterr`) is read by every ufunc.  A caller's
``np.seterr(all='raise')`` would turn the underflows and the overflows to inf
that the numerics expect (and handle) into ``FloatingPointError``; a caller's
``np.seterr(all='ignore')`` would hide the warning that an unexpected event
deserves.  So every public function and public method of focaltheory runs its
body under :data:`_FP_STATE`, NumPy's default state, in which its numerics
are written and tested: division by zero, overflow and invalid operations
warn, underflow (gradual, by design in several places) is ignored.  The
events a computation expects are silenced where they occur, with
``np.errstate``, as before; none reaches the caller on valid input.  The
caller's state is restored on exit, also when the function raises.
``np.errstate`` is context-local in NumPy >= 2, so this is thread-safe.
The same wrapper makes, at the first call in a process, the one release of
a large block that keeps the temporaries of later calls mapped (see _heap).
"""

import functools

import numpy as np

from . import _heap

__all__ = []  # private module

# NumPy's default error state (numpy.geterr() in a fresh interpreter)
_FP_STATE = {"divide": "warn", "over": "warn", "invalid": "warn", "under": "ignore"}


def _fp_isolated(func):
    """Decorator: run ``func`` under :data:`_FP_STATE` and restore the caller's NumPy error state.

    The wrapper keeps the name, docstring, signature (``__wrapped__``) and
    module of ``func``, so documentation, doctests and ``inspect`` see the
    function itself.
    """
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        if not _heap._done:  # (once per process, see _heap)
            _heap._raise_thresholds()
        with np.errstate(**_FP_STATE):
            return func(*args, **kwargs)

    return wrapper
