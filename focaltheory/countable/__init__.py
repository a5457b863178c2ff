"""The focal-entropy minimizer and the focal-entropy on countable alphabets.

A law on the integers (a frozen scipy.stats discrete distribution with
infinite support, or a :class:`Law` with a declared tail) has a unique
focal-entropy minimizer Q*(k) = g^-1(lambda* / P(k)); this package computes
it in double precision with rigorous certificates: the head of the support
is solved exactly by the per-class inversion, each tail is bracketed by
bounds derived from the law's survival function and its declared tail.
The method and its bounds: docs/countable.md.
"""

from ._api import as_law, finite_points, focal_entropy, minimizer
from ._entropy import CountableFocalEntropy
from ._law import Law
from ._result import CountableMinimizerResult

__all__ = ["Law", "minimizer", "focal_entropy", "CountableMinimizerResult", "CountableFocalEntropy",
           "finite_points", "as_law"]
