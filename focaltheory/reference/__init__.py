"""Arbitrary-precision reference for the focal-entropy minimizer (mpmath).

This package is the arbiter for everything computed in double precision
elsewhere in focaltheory.  It shares no code with the double-precision solver
(:mod:`focaltheory.solver`): the equations are rewritten in logarithmic
variables and solved with mpmath at an explicit number of decimal digits
``dps``, in the package's own mpmath context (``mpmath.mp`` and its ``dps``
are never changed, not even temporarily).  Every public function is
thread-safe: the calls from several threads are serialized by a lock (one
reference computation at a time: mpmath's caches of constants are shared and
not synchronized, and mpmath is pure Python, so threads would not run it
concurrently anyway), and the results are ordinary ``mpmath.mpf`` numbers.
Each public function also runs in its own NumPy error state (the caller's
``np.seterr`` neither leaks in nor is changed).  Its layers: functions of one
probability (``_scalar``: l, g, phi, log g in its two charts, the threshold),
the inversion of g for one class (``_ginv``), the minimizer (``_minimizer``),
the inverse map and the certificate (``_inverse``), the parsing of inputs
(``_parse``) and the private context and lock (``_context``).  Every public
function takes its precision ``dps`` explicitly; the private helpers work at
the precision their caller has set.

Notation
--------
``l(q) = -(1-q)**gamma * log(q)`` is the focal loss and
``g(q) = -l'(q) = (1-q)**(gamma-1) * ((1-q)/q - gamma*log(q))``.  The minimizer
``Q*`` [1]_ of ``H_g(P, Q) = sum_x P(x) l(Q(x))`` over the simplex satisfies
``P(x) g(Q*(x)) = lambda*`` on the support of ``P`` and ``Q*(x) = 0`` off it;
``phi(p) = p g(p)`` (the gradient ratio of [2]_); the inverse map is ``P(x) ∝ 1/g(Q(x))``.

References
----------
.. [1] J. Shah, M. Cardone, A. Dytso, "Functional Properties of the
   Focal-Entropy", AISTATS 2026, arXiv:2603.02533.
.. [2] J. Mukhoti et al., "Calibrating Deep Neural Networks using Focal Loss",
   NeurIPS 2020.
"""

from ._countable import CountableReferenceResult, countable_minimizer_mp, countable_pmf_mp
from ._inverse import inverse_minimizer_mp
from ._minimizer import ReferenceResult, minimizer_mp
from ._scalar import focal_loss_mp, g_mp, phi_mp, threshold_mp

__all__ = [
    "ReferenceResult",
    "minimizer_mp",
    "focal_loss_mp",
    "g_mp",
    "phi_mp",
    "inverse_minimizer_mp",
    "threshold_mp",
    "CountableReferenceResult",
    "countable_minimizer_mp",
    "countable_pmf_mp",
]
