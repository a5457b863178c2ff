"""focaltheory: the theory of the focal loss, made computable.

The focal loss l(q) = -(1-q)**gamma * log(q) is not minimized by the data
distribution.  This package computes the focal-entropy H_g(P, Q), its unique
minimizer Q* over the simplex (exactly, for batches of millions of
distributions), the closed-form inverse map Q* -> P, and tools to check the
theory around them.
"""

__version__ = "0.1.0"

from .inverse import inverse_minimizer
from .loss import focal_entropy, focal_loss
from .solver import MinimizerResult, minimizer

__all__ = ["focal_loss", "focal_entropy", "minimizer", "MinimizerResult", "inverse_minimizer"]
