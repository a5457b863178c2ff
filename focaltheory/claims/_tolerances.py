"""The named tolerances of the checks, each justified once.

A check compares a computed slack with a tolerance: the rounding error that
double precision (or the solver) can commit on that slack.  The quantities
used by many checks are named here; a check that needs a tolerance of its own
states it next to the computation.
"""

from __future__ import annotations

import numpy as np

__all__ = ["EPS", "TINY", "SOLVER_REL", "solver_tol", "log_solver_tol", "reference_tol"]

#: Unit roundoff of float64 (2.2e-16): the relative error of one rounded operation.
EPS = float(np.finfo(np.float64).eps)

#: 1e-300: the smallest magnitude the checks use.  It is a normal double (above
#: 2.2e-308), so it and its products with O(1) numbers are exact to EPS, and its
#: reciprocal 1e300 is finite; it serves as a positive stand-in for zero (a
#: floor in divisions, a clip for logs) and as the smallest entry of the
#: adversarial distributions ("entries near 1e-300").
TINY = 1e-300

#: Relative accuracy of the double-precision minimizer in q and in 1 - q at
#: gamma = 0 (the solver polishes to ~1e-13; see docs/numerics.md, section numerics).
SOLVER_REL = 2e-13


def solver_tol(gamma):
    """Accuracy of the solver's Q*(x) (relative, in q or in 1 - q): ``2e-13 (1 + gamma)``.

    The complement 1 - q of a class near 1 enters the solver's equations
    through (1 - q)^gamma, which amplifies its relative error by gamma; the
    factor ``1 + gamma`` covers it.
    """
    return SOLVER_REL * (1 + gamma)


def log_solver_tol(gamma):
    """Accuracy of log g(Q*(x)) and log lambda*: ``2e-13 (2 + gamma)``.

    d log g / d log q lies between -1 (q small) and about gamma (q near 1,
    through gamma log(1 - q)), so a relative error r in q or 1 - q moves
    log g by at most (1 + gamma) r; with r = :data:`SOLVER_REL` (1 + gamma)
    bounded as 2e-13 (2 + gamma) at the gammas where it matters.
    """
    return SOLVER_REL * (2 + gamma)


def reference_tol(gamma):
    """Agreement of a double result with a 50-digit one: ``1e-12 (1 + gamma)``.

    Five times :func:`solver_tol`: the double side carries the solver's error
    plus the rounding of the sums and closed forms around it (a factor 10 on
    a K-term sum is never reached at the K the checks use against 50 digits).
    """
    return 1e-12 * (1 + gamma)
