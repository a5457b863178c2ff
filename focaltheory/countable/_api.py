"""The public functions of the countable path: input handling and dispatch."""

from ._entropy import focal_entropy
from ._inputs import _gammas, as_law, finite_points
from ._result import build
from ._solve import solve

__all__ = ["minimizer", "focal_entropy", "as_law", "finite_points"]


def minimizer(law, gamma):
    r"""The focal-entropy minimizer Q* of a law on a countable alphabet.

    Parameters
    ----------
    law : frozen scipy.stats discrete distribution or Law
        A law with infinite support: geom, poisson, nbinom, logser, zipf,
        yulesimon, planck, dlaplace (two-sided), betanbinom, or a
        :class:`Law` with a declared tail.
    gamma : float or array_like
        Focusing parameter(s), finite, in [0, 1e4]; an array is a sweep.

    Returns
    -------
    CountableMinimizerResult
        ``log_lam``, ``tail_ratio``, ``value``, ``value_bound``,
        ``mass_bound``, ``residual``, ``converged``, ``reason``, ``head``,
        ``pmf(k)`` and ``q`` (the frozen law of Q*).

    Raises
    ------
    TypeError
        A continuous distribution, or an object that is not a law.
    ValueError
        Finite support (use :func:`focaltheory.minimizer`, which sends such
        laws to the finite solver), parameters outside the domain, a pmf
        that does not sum to 1, a bad gamma.

    Notes
    -----
    On the support, :math:`P(k)\, g(Q^*(k)) = \lambda^*` and
    :math:`\sum_k Q^*(k) = 1`; far in the tail
    :math:`Q^*(k)/P(k) \to 1/\lambda^*`.  The method and its rigorous
    bounds are derived in docs/countable.md.

    Examples
    --------
    >>> import numpy as np
    >>> from scipy import stats
    >>> from focaltheory.countable import minimizer
    >>> res = minimizer(stats.geom(0.3), 2.0)
    >>> bool(res.converged), bool(res.mass_bound <= 1e-14)
    (True, True)
    >>> round(float(res.tail_ratio), 12)
    0.883508581362
    >>> float(res.pmf(0))  # off the support
    0.0
    """
    L = as_law(law)
    g = _gammas(gamma)
    sol = solve(L, g.ravel())
    return build(L, g.ravel(), g.shape, sol)
