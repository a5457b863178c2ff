"""Least-squares log-log slopes, for measuring the order of an expansion's remainder.

:func:`loglog_slope` fits the exponent p of ``|err| ~ C h^p``; its inputs
may be mpmath numbers far outside the double range.
"""

import numpy as np
from mpmath import mp
from .._fpstate import _fp_isolated

# ---------------------------------------------------------------------------
# slope fitting
# ---------------------------------------------------------------------------

@_fp_isolated
def loglog_slope(h, err):
    r"""Least-squares slope of log|err| against log h (inputs may be mpf).

    Parameters
    ----------
    h, err : sequences of positive (or nonzero) numbers, same length >= 2.

    Returns
    -------
    float
        The fitted exponent p in ``|err| ~ C h^p``.

    Examples
    --------
    >>> from focaltheory.asymptotics import loglog_slope
    >>> round(loglog_slope([1e-2, 1e-3, 1e-4], [3e-4, 3e-6, 3e-8]), 12)
    2.0
    """
    if len(h) != len(err) or len(h) < 2:
        raise ValueError("h and err must have the same length, at least 2")
    with mp.workdps(30):
        if any(mp.mpf(v) == 0 for v in h):
            raise ValueError("h contains an exact zero: log h is undefined")
        x = [float(mp.log(abs(mp.mpf(v)))) for v in h]
        if len(set(x)) < 2:
            raise ValueError("h must hold at least two distinct sizes |h| for a slope to be fitted")
        y = []
        for v in err:
            if mp.mpf(v) == 0:
                raise ValueError("err contains an exact zero: no slope can be fitted")
            y.append(float(mp.log(abs(mp.mpf(v)))))
    return float(np.polyfit(x, y, 1)[0])
