"""The focal loss and the focal-entropy."""

import numpy as np

from . import _dd, _xp
from ._xp import _forms as _xpf
from ._fpstate import _fp_isolated
from ._validation import _as_real_array, _broadcast_gamma, _check_finite, _class_weights, _distribution, _gamma, _is_law

__all__ = ["focal_loss", "focal_entropy"]

# Above this gamma, (1 - q)**gamma is corrected for the rounding of 1 - q, which
# gamma multiplies (relative error up to gamma eps / 2: 3e-13 at gamma = 5000).
# Below it the plain power is within ~1e-14 and costs nothing more.
_CORRECT_GAMMA = 100.0
_TINY = np.finfo(np.float64).tiny


def _pow_complement(q, g):
    """(1 - q)**g elementwise, to a few ulp at every g (q in [0, 1], g >= 0, broadcasting).

    With r = fl(1 - q) and d = (1 - q) - r (exact: r - 1 is exact for q <= 1/2,
    and d = 0 above), (1 - q)**g = r**g exp(g log1p(d / r)) = r**g exp(g d / r)
    to second order in |d / r| <= eps / 2.  Applied where g > _CORRECT_GAMMA
    only (per element, so the other elements keep their bits).  Where r**g
    falls below the normal range (the correction could then be huge: 0 * inf)
    or |g d / r| > 1e-6 (g far beyond 5000, where the rounding of g d / r
    would count), the power is exp(g log(1 - q)) with 1 - q = r + d, its log
    and the product with g formed exactly in double-double: 0 where it
    underflows, never NaN.
    """
    r = 1.0 - q
    out = np.power(r, g)
    big = g > _CORRECT_GAMMA
    if np.any(big):
        d = -q - (r - 1.0)
        rel = np.where(r > 0, d / np.where(r > 0, r, 1.0), 0.0)
        grel = g * rel
        # below the normal range r**g has lost its relative accuracy (or is 0), and
        # where |g d / r| is large (g far above 5000) so is the rounding of g d / r
        # (ordinary input builds no mask: where d != 0, q <= 1/2 and r**g >= 2**-g,
        # which is normal for g <= 1022)
        low = None
        if out.size and ((g.max() > 1022.0 and out.min() < _TINY) or np.abs(grel).max() > 1e-6):
            low = big & ((out < _TINY) | (np.abs(grel) > 1e-6)) & (rel != 0)
            if np.any(low):
                grel = np.where(low, 0.0, grel)
            else:
                low = None
        out = np.where(big, out * np.exp(grel), out)
        if low is not None:
            out = np.where(low, _pow_complement_dd(q, g, low), out)
    return out


def _pow_complement_dd(q, g, where):
    """exp(g log(1 - q)) for the entries ``where`` (0 < 1 - q, g > 0), exactly rounded but
    for the last exp: 1 - q, log(1 - q) and g log(1 - q) are formed in double-double."""
    shape = where.shape
    qw = np.broadcast_to(q, shape)[where]
    gw = np.broadcast_to(g, shape)[where]
    oh, ol = _dd.two_sum(1.0, -qw)  # 1 - q exactly
    lh, ll = _dd.log_dd(oh, ol)  # absolute error ~1e-30: relative where |log(1 - q)| > 1e-6
    small = qw < 2.0**-20
    if np.any(small):
        # log(1 - q) = -q - q**2 (1/2 + q/3 + q**2/4 + q**3/5 + q**4/6 + ...): the tail,
        # relatively q/2 of the value, in doubles (next term q**6 / 7: below 1e-31 relative)
        qs = qw[small]
        tail = qs * qs * (0.5 + qs * (1.0 / 3.0 + qs * (0.25 + qs * (0.2 + qs / 6.0))))
        lh[small], ll[small] = _dd.fast_two_sum(-qs, -tail)
    with np.errstate(over="ignore", invalid="ignore"):  # g log(1 - q) below -realmax: the power is 0
        eh, el = _dd.dd_mul_d(lh, ll, gw)
        e = np.exp(eh)
        vals = np.where(e > 0, e * (1.0 + el), 0.0)  # |el| < 1e-13 wherever exp(eh) > 0
    out = np.zeros(shape)
    out[where] = vals
    return out


@_fp_isolated
def focal_loss(q, gamma):
    r"""The focal loss of a predicted probability for the observed class.

    Parameters
    ----------
    q : array_like or array-API array
        Probabilities in [0, 1] assigned to the observed class.
        A masked array with masked entries raises TypeError (pass
        ``x.filled(value)``).
    gamma : float or array_like
        Focusing parameter, finite and >= 0; broadcasts against `q`.

    Returns
    -------
    ndarray or float
        :math:`l_\gamma(q) = -(1-q)^\gamma \log q`, elementwise, with
        :math:`l_\gamma(0) = +\infty` and :math:`l_\gamma(1) = 0`.

    Notes
    -----
    At gamma = 0 this is the log loss :math:`-\log q`.  For every gamma >= 0,
    :math:`l_\gamma` is strictly decreasing and strictly convex on (0, 1].
    Computed in float64 (float32 input is promoted).  Above gamma = 100 the
    power is corrected for the rounding of 1 - q, which gamma would
    otherwise multiply (3e-13 relative at gamma = 5000), and where the
    power leaves the normal range or gamma is far beyond 5000 it is formed
    from log(1 - q) in double-double: a few ulp at every finite gamma (no
    upper limit), and exactly 0 where the true value is below the double
    range (e.g. ``focal_loss(0.3, 1e19)``).

    Arrays of other libraries (torch, CuPy, JAX, array-api-strict, through
    array-api-compat) are computed in that library, on their device, in
    float64 where it has it (float32 otherwise), and returned in their
    floating dtype: torch autograd differentiates the result.  There the power is the power of the exact
    complement (q >= 1/2) or exp(gamma log1p(-q)) (q < 1/2), with no
    double-double step: relative error about :math:`(2 + |\log l|)\,\varepsilon` in float64,
    whatever gamma (1e-13 measured at gamma = 1000 and beyond, near the
    bottom of the range); float32, float16 and bfloat16 results are those
    float64 values rounded once (within 0.5 eps of the dtype, measured).

    References
    ----------
    .. [1] T.-Y. Lin et al., "Focal Loss for Dense Object Detection", ICCV 2017.

    Examples
    --------
    >>> from focaltheory import focal_loss
    >>> float(focal_loss(0.5, 2))  # 0.25 * log 2
    0.17328679513998632
    >>> focal_loss([0.0, 1.0], 2)
    array([inf,  0.])
    >>> float(focal_loss(1e-17, 1e19))  # (1 - 1e-17)**1e19 = exp(-100), times -log(1e-17)
    1.4561845528224337e-42
    """
    xp = _xp._namespace(q, gamma)
    if xp is not None:  # torch, CuPy, JAX, array-api-strict, ...: computed there
        return _xpf.focal_loss(xp, q, gamma)
    qa = _as_real_array(q, "q")
    g = _gamma(gamma)
    _check_finite(qa, "q")
    if np.any((qa < 0) | (qa > 1)):
        raise ValueError("q must lie in [0, 1]")
    try:
        np.broadcast_shapes(qa.shape, g.shape)
    except ValueError:
        raise ValueError(f"gamma with shape {g.shape} is not broadcastable against q with shape {qa.shape}") from None
    with np.errstate(divide="ignore"):
        out = -_pow_complement(qa, g) * np.log(qa)
    out = out + 0.0  # turn -0.0 at q = 1 into 0.0
    return out[()] if out.ndim == 0 else out


@_fp_isolated
def focal_entropy(p, q, gamma, axis=-1, *, alpha=None):
    r"""The focal-entropy H_g(P, Q) = sum_x P(x) l_g(Q(x)), in nats.

    Parameters
    ----------
    p : array_like or array-API array
        The data distribution: nonnegative weights, normalized along `axis`.
        Wider floats (longdouble) are converted to float64; a nonzero weight
        below its range (e.g. 1e-4000), which would leave the support, raises
        ValueError.
    q : array_like
        The model distribution: nonnegative weights, normalized along `axis`
        (both as `scipy.stats.entropy` does).  Broadcasts against `p`.
        A masked array with masked entries (in `p`, `q`, `gamma` or `alpha`)
        raises TypeError.
    gamma : float or array_like
        Focusing parameter, finite and >= 0; broadcasts against the batch
        shape (the broadcast shape of `p` and `q` without `axis`).
    axis : int, optional
        The class axis.  Default -1.
    alpha : array_like, optional
        Class weights (alpha-balanced focal loss), nonnegative, broadcastable
        to the shape of `p`: the result is sum_x alpha_x P(x) l(Q(x)).

    Returns
    -------
    ndarray or float
        H_g(P, Q), batch shape.  +inf where P puts mass on a class to which Q
        gives none; terms with P(x) = 0 count 0 (0 * inf = 0).

    Notes
    -----
    .. math:: H_\gamma(P, Q) = -\sum_x P(x)\, (1 - Q(x))^\gamma \log Q(x)

    At gamma = 0 this is the cross-entropy H(P, Q); it is nonincreasing in
    gamma.  It is finite exactly when the support of P lies inside that of Q.
    Every finite gamma is accepted: the terms are those of :func:`focal_loss`
    (a few ulp, 0 where they fall below the double range).

    Arrays of other libraries (torch, CuPy, JAX, array-api-strict, through
    array-api-compat) are computed in that library, on their device, in
    float64 where it has it (float32 otherwise), and returned in their
    floating dtype: torch autograd differentiates the result.  The terms are then those of
    :func:`focal_loss` on such arrays.

    References
    ----------
    .. [1] J. Shah, M. Cardone, A. Dytso, "Functional Properties of the
           Focal-Entropy", AISTATS 2026, arXiv:2603.02533.

    Examples
    --------
    >>> import numpy as np
    >>> from focaltheory import focal_entropy
    >>> p = [0.7, 0.2, 0.1]
    >>> bool(np.isclose(focal_entropy(p, p, 0), -np.sum(np.multiply(p, np.log(p)))))
    True
    >>> float(focal_entropy([1, 0], [0.5, 0.5], 2))  # 0.25 * log 2
    0.17328679513998632
    >>> float(focal_entropy([0.5, 0.5], [1.0, 0.0], 2))
    inf
    """
    if _is_law(p) or _is_law(q):
        from . import countable  # laws on a countable alphabet: value, bound and finiteness criterion
        if alpha is not None:  # not silently dropped
            raise ValueError("alpha: class weights are not supported for laws on a countable alphabet")
        return countable.focal_entropy(p, q, gamma)
    xp = _xp._namespace(p, q, gamma, alpha)
    if xp is not None:  # torch, CuPy, JAX, array-api-strict, ...: computed there
        return _xpf.focal_entropy(xp, p, q, gamma, axis, alpha)
    P, ax = _distribution(p, "p", axis)
    Q, _ = _distribution(q, "q", axis)
    g = _gamma(gamma)
    try:
        shape = np.broadcast_shapes(P.shape, Q.shape)
    except ValueError:
        raise ValueError(f"p and q are not broadcastable: shapes {P.shape} and {Q.shape} (class axis last)") from None
    batch = _broadcast_gamma(g, shape[:-1])
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = P * _pow_complement(Q, g[..., None]) * np.log(Q)
        if alpha is not None:
            # a class of weight 0 does not count, whatever Q puts there (0 * inf = 0)
            A = _class_weights(alpha, np.moveaxis(P, -1, ax).shape, ax)
            terms = np.where(A > 0, terms * A, 0.0)
    # 0 * log 0 = 0 where P has no mass
    terms = np.where(P > 0, terms, 0.0)
    out = -terms.sum(axis=-1) + 0.0
    out = np.broadcast_to(out, batch).copy()
    return out[()] if out.ndim == 0 else out
