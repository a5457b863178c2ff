r"""Softmax focal loss on logits: loss, gradient and Hessian-vector product for numpy training.

The formulas are not written here: they are printed from sympy by
``python -m focaltheory.symbolic --write`` into ``focaltheory/_generated.py``
(``logit_loss``, ``logit_dloss``, ``logit_d2loss``) and this module only
assembles them with a log-softmax.

Notes
-----
For logits :math:`z \in \mathbb{R}^K` and label :math:`y`, the loss is
:math:`L(z, y) = \ell_\gamma(s)`, :math:`s = \operatorname{softmax}(z)_y`,
:math:`\ell_\gamma(q) = -(1-q)^\gamma \log q` (Lin et al. [1]_).  It depends on z
only through the margin

.. math::

    u = z_y - \log \sum_{j \ne y} e^{z_j}, \qquad s = \sigma(u), \quad 1 - s = \sigma(-u),

so with :math:`\Lambda(u) = \ell_\gamma(\sigma(u))`, :math:`\tau` the softmax of
the other classes (:math:`\tau_y = 0`) and :math:`b = e_y - \tau`, for every K

.. math::

    \nabla_z L = \Lambda'(u)\, b, \qquad
    \nabla^2_z L = \Lambda''(u)\, b b^\top - \Lambda'(u) (\operatorname{diag}\tau - \tau\tau^\top),

with :math:`-\Lambda'(u) = (1-s)\,\phi(s)`, :math:`\phi(p) = p\,g(p)` the
focal-to-cross-entropy gradient ratio (Mukhoti et al.; Shah, Cardone and Dytso
[2]_).  :math:`\Lambda` is evaluated from :math:`\log s = -\operatorname{softplus}(-u)`
and :math:`\log(1-s) = -\operatorname{softplus}(u)`, so neither :math:`s` nor
:math:`1-s` is ever formed by subtraction, and the margin is computed by a
shifted log-sum-exp: logits of any finite magnitude (:math:`|z| = 10^4` and beyond)
give finite results, exact to a few ulp except where the true value underflows
(a loss beyond the double range, for logit differences above 1.8e308, saturates
at the largest double).

The loss is per sample (no reduction): average it, and the gradient, yourself.

References
----------
.. [1] T.-Y. Lin, P. Goyal, R. Girshick, K. He, P. Dollar, "Focal Loss for
   Dense Object Detection", ICCV 2017.
.. [2] J. Shah, M. Cardone, A. Dytso, "Functional Properties of the
   Focal-Entropy", AISTATS 2026, arXiv:2603.02533.
"""


import numpy as np

from ._fpstate import _fp_isolated
from . import _generated as _gen, _xp
from ._xp import _forms as _xpf
from ._constants import _MAX_GAMMA
from ._validation import _as_real_array, _check_finite, _gamma, _normalize_axis, _reject_masked

__all__ = ["focal_loss_grad_logits", "focal_loss_hvp_logits"]

_REALMAX = np.finfo(np.float64).max
_HALF_OVERFLOW = 2.0**1023
# Lambda''(u) carries gamma**2, which overflows near gamma = 1.34e154: the Hessian-vector
# product takes the ceiling of focaltheory.solver.minimizer (tested to a few 1e-14 at 1e150).
_MAX_GAMMA_HVP = _MAX_GAMMA


def _labels(y, batch_shape, K):
    """Validate integer labels y against the batch shape and the number of classes."""
    if isinstance(y, (str, bytes)):
        raise TypeError(f"y must be integer class labels, got a {type(y).__name__}")
    if isinstance(y, (bool, np.bool_)):
        raise TypeError("y must be integer class labels, got a bool")
    _reject_masked(y, "y")
    try:
        arr = np.asarray(y)
    except Exception as exc:
        raise TypeError(f"y must be an array of integer class labels: {exc}") from None
    if arr.dtype.kind not in "iu":
        if arr.dtype.kind == "f" and arr.size and np.all(np.isfinite(arr)) and np.all(arr == np.round(arr)):
            raise TypeError(f"y must have an integer dtype, got {arr.dtype} (cast with y.astype(int))")
        raise TypeError(f"y must be integer class labels, got dtype {arr.dtype}")
    try:
        shape = np.broadcast_shapes(arr.shape, batch_shape)
    except ValueError:
        shape = None
    if shape != tuple(batch_shape):
        raise ValueError(
            f"y with shape {arr.shape} does not match the batch shape {tuple(batch_shape)} "
            "(the shape of z without its class axis)"
        )
    if arr.size and (arr.min() < 0 or arr.max() >= K):
        bad = arr.min() if arr.min() < 0 else arr.max()
        raise ValueError(f"y must be in [0, {K - 1}] for {K} classes, found {int(bad)}")
    return np.broadcast_to(arr.astype(np.intp), batch_shape)


def _prepare(z, y, gamma, axis):
    zz = _as_real_array(z, "z")
    _check_finite(zz, "z")
    ax = _normalize_axis(axis, zz.ndim)
    zt = np.moveaxis(zz, ax, -1)
    K = zt.shape[-1]
    if K == 0:
        raise ValueError(f"z has an empty class axis (axis={axis})")
    batch = zt.shape[:-1]
    yy = _labels(y, batch, K)
    gam = _gamma(gamma)
    try:
        gshape = np.broadcast_shapes(gam.shape, batch)
    except ValueError:
        gshape = None
    if gshape != tuple(batch):
        raise ValueError(f"gamma with shape {gam.shape} does not broadcast to the batch shape {tuple(batch)}")
    gam = np.broadcast_to(gam, batch)
    return zt, yy, gam, ax, K


def _margin(zt, yy, K):
    """Return (u, tau, onehot): the margin z_y - logsumexp_{j != y} z_j and the softmax of the others."""
    onehot = np.arange(K) == yy[..., None]
    zy = np.take_along_axis(zt, yy[..., None], axis=-1)[..., 0]
    zo = np.where(onehot, -np.inf, zt)
    m = np.max(zo, axis=-1, keepdims=True)
    # exp(-inf) = 0 at the label; zo - m <= 0 overflows to -inf only where it is below
    # -1.8e308 (logits of +-1e308), whose exp is 0 in double precision: exact
    with np.errstate(over="ignore"):
        ex = np.exp(zo - m)
    S = np.sum(ex, axis=-1, keepdims=True)
    tau = ex / S
    with np.errstate(over="ignore"):
        u = (zy - m[..., 0]) - np.log(S[..., 0])
    # z_y - max overflows only for logit differences beyond 1.8e308, where the loss is 0 or
    # beyond the double range: it then saturates at the largest double instead of inf
    u = np.clip(u, -_REALMAX, _REALMAX)
    return u, tau, onehot


@_fp_isolated
def focal_loss_grad_logits(z, y, gamma, axis=-1):
    r"""Softmax focal loss and its gradient with respect to the logits, for a batch.

    Parameters
    ----------
    z : array_like or array-API array
        Finite real logits; the class axis is ``axis``.
        A masked array with masked entries (in any argument) raises TypeError.
    y : array_like of int
        Labels in ``[0, K)``, shaped like ``z`` without its class axis (or broadcastable to it).
    gamma : float or array_like
        Focusing parameter(s) >= 0, broadcastable to the batch shape.
    axis : int, optional
        Class axis of ``z`` (default -1).

    Returns
    -------
    loss : ndarray
        :math:`-(1-s)^\gamma \log s`, :math:`s = \operatorname{softmax}(z)_y`, per sample
        (batch shape; a 0-d value for a single sample).
    grad : ndarray
        :math:`\partial L / \partial z`, the shape of ``z``.

    Raises
    ------
    TypeError
        If ``z`` is not real, ``y`` is not integer, or ``gamma``/``axis`` has the wrong type.
    ValueError
        If ``z`` is not finite, ``y`` is out of range or mis-shaped, ``gamma`` is negative or
        does not broadcast, or the class axis is empty.

    Notes
    -----
    With :math:`u = z_y - \operatorname{logsumexp}_{j\ne y} z_j` and :math:`\tau` the softmax
    of the other classes, :math:`\nabla_z L = \Lambda'(u)(e_y - \tau)` where
    :math:`\Lambda(u) = \ell_\gamma(\sigma(u))` and
    :math:`-\Lambda'(u) = (1-s)^{\gamma+1}(1 + \gamma s\,\rho)`,
    :math:`\rho = -\log(s)/(1-s)`.  At :math:`\gamma = 0` this is cross-entropy:
    the gradient is :math:`\operatorname{softmax}(z) - e_y`.  Generated from sympy
    (see :mod:`focaltheory.symbolic`).  Lin et al., ICCV 2017; Shah, Cardone and Dytso,
    AISTATS 2026 (arXiv:2603.02533).

    Arrays of other libraries (torch, CuPy, JAX, array-api-strict, through array-api-compat)
    are computed in that library, on their device, in float64 where it has it (float32
    otherwise), and returned in their floating dtype; labels may be NumPy or of that library.
    The same stable forms are used (float64 results within ~100 eps of the NumPy ones at
    gamma <= 10: the exp of gamma softplus(u) multiplies the libraries' ulp differences),
    so torch autograd differentiates the loss (its gradient is ``grad``) and the gradient
    (its Jacobian-vector products are :func:`focal_loss_hvp_logits`).

    Examples
    --------
    >>> import numpy as np
    >>> from focaltheory.logits import focal_loss_grad_logits
    >>> loss, grad = focal_loss_grad_logits([2.0, 0.5, -1.0], 0, gamma=2.0)
    >>> print(f"{loss:.12f}")
    0.011092750091
    >>> print(np.array2string(grad, precision=10))
    [-0.0272846741  0.0223072531  0.004977421 ]

    Cross-entropy at gamma = 0, and logits of magnitude 1e4 stay finite:

    >>> loss, grad = focal_loss_grad_logits([[1e4, -1e4], [0.0, 0.0]], [1, 0], gamma=0.0)
    >>> print(loss)
    [2.00000000e+04 6.93147181e-01]
    >>> print(grad)
    [[ 1.  -1. ]
     [-0.5  0.5]]
    """
    xp = _xp._namespace(z, gamma)
    if xp is not None:  # torch, CuPy, JAX, array-api-strict, ...: computed there
        return _xpf.loss_grad_logits(xp, z, y, gamma, axis, _labels)
    zt, yy, gam, ax, K = _prepare(z, y, gamma, axis)
    if K == 1:  # softmax is 1: zero loss, zero gradient
        return _finish(np.zeros(zt.shape[:-1])), np.moveaxis(np.zeros_like(zt), -1, ax)
    u, tau, onehot = _margin(zt, yy, K)
    loss = _gen.logit_loss(u, gam)
    d1 = _gen.logit_dloss(u, gam)
    grad = d1[..., None] * (onehot - tau)
    _assert_finite(loss, grad)
    return _finish(loss), np.moveaxis(grad, -1, ax)


@_fp_isolated
def focal_loss_hvp_logits(z, y, gamma, v, axis=-1):
    r"""Hessian-vector product of the softmax focal loss with respect to the logits.

    Parameters
    ----------
    z, y, axis
        As in :func:`focal_loss_grad_logits`.
    gamma : float or array_like
        Focusing parameter(s) >= 0 and at most 1e150, broadcastable to the batch shape.
    v : array_like
        Finite real direction(s), the same shape as ``z``.

    Returns
    -------
    hv : ndarray
        :math:`\nabla^2_z L(z, y)\, v` for each sample, the shape of ``z``.

    Raises
    ------
    TypeError
        As in :func:`focal_loss_grad_logits`, or if ``v`` is not real.
    ValueError
        As in :func:`focal_loss_grad_logits`; also if ``gamma`` is above 1e150
        (:math:`\Lambda''` carries :math:`\gamma^2`, which overflows near 1.3e154; the same
        ceiling as :func:`focaltheory.solver.minimizer`), or ``v`` is not finite or not
        shaped like ``z``.

    Notes
    -----
    For every K, with :math:`b = e_y - \tau`,

    .. math::

        \nabla^2_z L\, v = \Lambda''(u)\,(b\cdot v)\, b
            - \Lambda'(u)\, \tau \odot (v - \tau\cdot v),

    :math:`\Lambda''(u) = s (1-s)^{\gamma+1}\,[1 + 2\gamma + \gamma\log s + \gamma^2 s\rho]`.
    The first factor changes sign (the focal loss is not convex in the logits for
    :math:`\gamma > 0`), so the product is ill-conditioned only where
    :math:`\Lambda''(u)` crosses zero.  The factor :math:`v - \tau\cdot v` is evaluated as
    :math:`\sum_j \tau_j (v_i - v_j)`, relative to the largest :math:`\tau_k` (:math:`b\cdot v`
    is its label entry), so nothing cancels when :math:`\tau_k` is within eps of 1: a
    saturated softmax (logit gaps of 30 and beyond) keeps its tiny curvature
    :math:`\tau_k (1 - \tau_k)` to about 1e-14, and a constant ``v`` gives exactly 0.
    The closed form is proved against sympy's direct Hessian by
    :func:`focaltheory.symbolic.verify_softmax_closed_form`.
    Array-API input (``z``, ``v``) is computed in its own library, as in
    :func:`focal_loss_grad_logits`.

    Examples
    --------
    >>> import numpy as np
    >>> from focaltheory.logits import focal_loss_hvp_logits
    >>> hv = focal_loss_hvp_logits([2.0, 0.5, -1.0], 0, 2.0, [1.0, 0.0, 0.0])
    >>> print(np.array2string(hv, precision=10))
    [ 0.0623608057 -0.050984603  -0.0113762026]

    A Hessian row sums to zero (softmax is shift invariant), so a constant direction gives 0:

    >>> print(focal_loss_hvp_logits([3.0, -2.0], 1, 0.5, [1.0, 1.0]))
    [0. 0.]
    """
    xp = _xp._namespace(z, gamma, v)
    if xp is not None:  # torch, CuPy, JAX, array-api-strict, ...: computed there
        return _xpf.hvp_logits(xp, z, y, gamma, v, axis, _labels, _MAX_GAMMA_HVP)
    zt, yy, gam, ax, K = _prepare(z, y, gamma, axis)
    if gam.size and float(gam.max()) > _MAX_GAMMA_HVP:
        raise ValueError(f"gamma must be at most {_MAX_GAMMA_HVP:g} for the Hessian-vector product "
                         f"(its second derivative squares gamma), got {float(gam.max())!r}")
    vv = _as_real_array(v, "v")
    _check_finite(vv, "v")
    if vv.shape != np.moveaxis(zt, -1, ax).shape:
        raise ValueError(f"v with shape {vv.shape} must have the shape of z, {np.moveaxis(zt, -1, ax).shape}")
    vt = np.moveaxis(vv, ax, -1)
    if K == 1:
        return np.moveaxis(np.zeros_like(zt), -1, ax)
    u, tau, onehot = _margin(zt, yy, K)
    d1 = _gen.logit_dloss(u, gam)
    d2 = _gen.logit_d2loss(u, gam)
    # c_i = v_i - tau.v = sum_j tau_j (v_i - v_j), formed relative to v_k, k the largest tau:
    # c_i = w_i - tau.w with w = v - v_k.  w_k = 0, so when tau_k is within eps of 1 the sum
    # tau.w holds only the small terms and nothing cancels (v_i - tau.v would lose all of the
    # complement 1 - tau_k below eps).  c_y = b.v (tau_y = 0); a constant v gives c = 0 exactly.
    # Rows with |v| >= 2^1023 are halved first (exact but for subnormal entries) so that
    # v_i - v_k cannot overflow; the product is doubled back.
    big = np.max(np.abs(vt), axis=-1, keepdims=True) >= _HALF_OVERFLOW
    vs = np.where(big, 0.5 * vt, vt)
    k = np.argmax(tau, axis=-1)[..., None]
    w = vs - np.take_along_axis(vs, k, axis=-1)
    c = w - np.sum(tau * w, axis=-1, keepdims=True)
    cy = np.take_along_axis(c, yy[..., None], axis=-1)
    b = onehot - tau
    with np.errstate(over="ignore"):  # an overflowing product is reported below
        hv = (d2[..., None] * cy) * b - d1[..., None] * (tau * c)
        hv = np.where(big, 2.0 * hv, hv)
    _assert_finite(hv)
    return np.moveaxis(hv, -1, ax)


def _finish(loss):
    return loss[()] if loss.ndim == 0 else loss


def _assert_finite(*arrays):
    for a in arrays:
        if not np.all(np.isfinite(a)):  # pragma: no cover - guarded by construction
            raise FloatingPointError("focal loss on logits produced a non-finite value; please report this input")
