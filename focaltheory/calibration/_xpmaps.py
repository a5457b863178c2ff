"""The fitted calibration maps applied in another array-API library (torch, array-api-strict, ...).

The same maps as :func:`focaltheory.calibration._maps._apply`, computed with
the namespace of the input on its device, in the computation dtype of
:class:`focaltheory._xp._Ctx` (float64 where the library has it), so that
autograd frameworks differentiate the result with respect to the input:

* softmax: ``inverse_minimizer(softmax(z / T), gamma, alpha)``, ``z`` the
  logits or log p;
* sigmoid: ``sigmoid_posterior(z / T, gamma, alpha, logits=True)``, ``z``
  the logits or logit(s) (at ``T = 1`` the scores themselves).

Every ``where`` has safe arguments in its unselected branch (no NaN leaks
into a gradient from a branch that is not taken).  The inverse maps are the
public functions, which compute in the input's library themselves.
"""

import numpy as np

from ..inverse import inverse_minimizer
from ..sigmoid import sigmoid_posterior

__all__ = []  # private module


def _log(xp, p):
    """log p with log 0 = -inf (gradient 0 there)."""
    pos = p > 0
    return xp.where(pos, xp.log(xp.where(pos, p, 1.0)), -xp.inf)


def _logit(xp, s):
    """log s - log1p(-s), with logit(0) = -inf and logit(1) = +inf."""
    pos, below = s > 0, s < 1
    a = xp.where(pos, xp.log(xp.where(pos, s, 1.0)), -xp.inf)
    b = xp.where(below, xp.log1p(-xp.where(below, s, 0.0)), -xp.inf)
    return a - b


def _softmax(xp, z, temperature=1.0):
    """softmax(z / T) along the last axis, finite for logits of any size (as the NumPy one)."""
    d = z - xp.max(z, axis=-1, keepdims=True)
    if temperature != 1.0:
        d = d / temperature
    d = xp.where(xp.isnan(d), -xp.inf, d)  # -inf - (-inf): a zero probability stays zero
    e = xp.exp(d)
    return e / xp.sum(e, axis=-1, keepdims=True)


def apply_xp(c, x, is_logits, loss, temperature, gamma, alpha, sum_tol):
    """The calibrated probabilities of the validated outputs ``x`` (in ``c.xp``, computation dtype).

    ``x``: softmax (n, K) rows or sigmoid scores / logits of any shape;
    ``sum_tol``: the tolerance the softmax probabilities were checked with.
    The result has the computation dtype (the caller rounds it to the
    input's dtype once).
    """
    xp = c.xp
    with np.errstate(all="ignore"):  # NumPy-backed libraries: the infinities here are expected
        if loss == "sigmoid":
            if temperature == 1.0:
                return sigmoid_posterior(x, gamma, alpha, logits=is_logits)
            z = (x if is_logits else _logit(xp, x)) / temperature
            # gamma = 0 without alpha: the logistic function of z / T (temperature scaling)
            return sigmoid_posterior(z, gamma, alpha, logits=True)
        if temperature == 1.0:
            q = _softmax(xp, x) if is_logits else x
        else:
            q = _softmax(xp, x if is_logits else _log(xp, x), temperature)
        if gamma == 0.0 and alpha is None:
            return q
        return inverse_minimizer(q, gamma, -1, alpha=alpha, sum_tol=sum_tol)
