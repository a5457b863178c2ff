"""Input handling of the countable path: laws and gammas."""

import numpy as np

from ._law import Law
from ._scipy import _is_frozen_scipy, _is_scipy_dist, finite_support, law_from_scipy

__all__ = ["as_law", "finite_points"]

_MAX_GAMMA = 1e4


def as_law(law, name="law"):
    """The :class:`Law` for a countable input (Law, frozen scipy law, rv_discrete instance).

    Raises
    ------
    TypeError
        Continuous distributions, arrays and other objects.
    ValueError
        Finite support, parameters outside the domain, a family without a known tail bound.
    """
    if isinstance(law, Law):
        return law
    if _is_frozen_scipy(law):
        try:
            return law_from_scipy(law)
        except ValueError as e:
            raise ValueError(f"{name}: {e}".replace(f"{name}: law: ", f"{name}: ")) from None
    if _is_scipy_dist(law):
        from scipy.stats import rv_continuous

        if isinstance(law, rv_continuous):
            raise TypeError(f"{name} must be a discrete distribution; {law.name} is continuous")
        return as_law(law(), name)  # an rv_discrete instance without shape parameters
    raise TypeError(f"{name} must be a frozen scipy.stats discrete distribution or a focaltheory.countable.Law, "
                    f"got {type(law).__name__}")


def finite_points(law):
    """(support points, probabilities) of a finite-support scipy law, None for a countable one.

    Raises TypeError for continuous distributions.
    """
    if isinstance(law, Law):
        return None
    if _is_scipy_dist(law):
        law = law()
    if _is_frozen_scipy(law):
        from scipy.stats import rv_continuous

        if isinstance(law.dist, rv_continuous):
            raise TypeError(f"law must be a discrete distribution; {law.dist.name} is continuous")
        return finite_support(law)
    return None


def _gammas(gamma):
    try:
        g = np.asarray(gamma, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"gamma must be a real number or an array of them, got {type(gamma).__name__}") from None
    if g.dtype.kind != "f" or not np.all(np.isfinite(g)) or np.any(g < 0):
        raise ValueError(f"gamma must be finite and >= 0, got {gamma!r}")
    if g.size and float(g.max()) > _MAX_GAMMA:
        raise ValueError(f"gamma must be at most {_MAX_GAMMA:g} on a countable alphabet, got {float(g.max())!r}")
    return g
