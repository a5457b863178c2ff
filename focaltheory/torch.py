r"""Focal losses for PyTorch whose population minimizer is the one focaltheory computes.

This module needs PyTorch, an optional dependency (``pip install torch``); the
rest of focaltheory does not import it.  Import it explicitly::

    from focaltheory.torch import focal_loss, sigmoid_focal_loss

* :func:`focal_loss` is the softmax focal loss :math:`-(1-q_y)^\gamma \log q_y`,
  :math:`q = \operatorname{softmax}(z)`, with the calling conventions of
  ``torch.nn.functional.cross_entropy`` (index or probability targets,
  ``reduction``, ``ignore_index``, ``label_smoothing``) and per-class weights
  ``alpha``.  Its population minimizer over the softmax outputs is
  :func:`focaltheory.minimizer` (``minimizer(P, gamma, alpha=alpha).q``), not the
  posterior P.
* :func:`sigmoid_focal_loss` is the one-vs-rest loss of ``torchvision.ops.sigmoid_focal_loss``
  (same definition, defaults and reductions), evaluated from the logits.  Its
  population minimizer is :func:`focaltheory.sigmoid_minimizer`.

Both are plain compositions of differentiable torch operations (autograd gives
their gradients) and give finite values and gradients for finite logits as long
as the logit differences, and hence the loss, fit in the dtype (tested to
:math:`|z| = 10^{36}` in float32 and :math:`10^{300}` in float64; beyond, the
loss itself is not representable).  float16 and bfloat16 inputs are
computed in float32 and the result is returned in the input dtype.

Notes
-----
Every probability enters only through its logarithm and the logarithm of its
complement, both taken from a log-sigmoid of a margin, so that neither
:math:`q` nor :math:`1 - q` is ever formed by subtraction.  For the softmax,
the margin of class :math:`c` is

.. math::

    u_c = z_c - \log \sum_{j \ne c} e^{z_j}, \qquad
    \log q_c = \log\sigma(u_c), \qquad \log(1 - q_c) = \log\sigma(-u_c),

and :math:`(1-q_c)^\gamma = \exp(\gamma \log\sigma(-u_c))`.  The leave-one-out
log-sum-exp is computed with the row maximum :math:`m` as shift: for a class
that is not the (first) argmax :math:`k`, :math:`\sum_{j\ne c} e^{z_j - m} =
S - e^{z_c - m}` with :math:`S = \sum_j e^{z_j-m}`, a subtraction without
cancellation because the remaining sum contains the term :math:`e^{0} = 1 \ge
e^{z_c - m}`, so it is at least :math:`S/2`; for the argmax class itself the
sum over the other classes is taken directly (the argmax masked out).  This
is the log-softmax computed class by class, with the complement
:math:`1 - q_c = \sigma(-u_c)` keeping full relative accuracy as :math:`q_c
\to 1` (where ``log1p(-softmax)`` would round to ``log(0)``).  The same form
underlies :func:`focaltheory.focal_loss_grad_logits`, the float64 reference the
tests compare with.

See the theory document (Minimizer; Variants) for the minimizers, and
docs/torch.md for a worked training example.
"""

import math
import numbers

try:
    import torch
except ImportError as _exc:  # PyTorch is optional
    raise ImportError(
        "focaltheory.torch needs PyTorch, an optional dependency of focaltheory: "
        "pip install torch (the rest of focaltheory works without it)"
    ) from _exc

import torch.nn.functional as _F

__all__ = ["focal_loss", "sigmoid_focal_loss"]

_REDUCTIONS = ("none", "mean", "sum")
_LOW_PRECISION = (torch.float16, torch.bfloat16)


# ---------------------------------------------------------------------------
# validation
# ---------------------------------------------------------------------------

def _check_tensor(x, name):
    if not isinstance(x, torch.Tensor):
        raise TypeError(f"{name} must be a torch.Tensor, got {type(x).__name__}")


def _check_logits(x, name):
    _check_tensor(x, name)
    if not torch.is_floating_point(x):
        raise TypeError(f"{name} must be a floating-point tensor (logits), got dtype {x.dtype}")


def _compute_dtype(dtype):
    """float16/bfloat16 are computed in float32; float32 and float64 in themselves."""
    return torch.float32 if dtype in _LOW_PRECISION else dtype


def _check_real(x, name):
    if isinstance(x, torch.Tensor) and x.ndim == 0 and not x.dtype.is_complex and x.dtype != torch.bool:
        x = x.item()
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {type(x).__name__}")
    x = float(x)
    if not math.isfinite(x):
        raise ValueError(f"{name} must be finite, got {x!r}")
    return x


def _check_gamma(gamma):
    g = _check_real(gamma, "gamma")
    if g < 0:
        raise ValueError(f"gamma must be nonnegative, got {g!r}")
    return g


def _check_reduction(reduction):
    if not isinstance(reduction, str) or reduction not in _REDUCTIONS:
        raise ValueError(f"reduction must be one of {_REDUCTIONS}, got {reduction!r}")
    return reduction


def _is_scalar(alpha):
    if isinstance(alpha, numbers.Number):
        return True
    if isinstance(alpha, torch.Tensor):
        return alpha.ndim == 0
    return getattr(alpha, "ndim", None) == 0  # numpy scalars and 0-d arrays


def _class_weights(alpha, C, dtype, device):
    """Validate per-class weights: C finite, nonnegative numbers; return a (C,) tensor."""
    if isinstance(alpha, (str, bytes)):
        raise TypeError(f"alpha must be a sequence or tensor of {C} class weights, got a {type(alpha).__name__}")
    if _is_scalar(alpha):
        raise ValueError(
            "alpha must hold one weight per class: a scalar alpha multiplies the softmax focal loss of "
            "every class alike, so it changes only the scale of the loss (not its minimizer or the "
            "relative weight of the classes); pass C per-class weights, or use sigmoid_focal_loss for "
            "the detector convention where a scalar alpha weights positives against negatives"
        )
    if isinstance(alpha, torch.Tensor):
        if alpha.dtype.is_complex or not (torch.is_floating_point(alpha) or alpha.dtype in
                                          (torch.int8, torch.int16, torch.int32, torch.int64, torch.uint8)):
            raise TypeError(f"alpha must be a real tensor, got dtype {alpha.dtype}")
        a = alpha.to(device=device, dtype=dtype)
    else:
        try:
            vals = [_check_real(v, "alpha") for v in alpha]
        except TypeError as exc:
            raise TypeError(f"alpha must be a sequence or tensor of {C} real class weights: {exc}") from None
        a = torch.tensor(vals, dtype=dtype, device=device)
    if a.ndim != 1 or a.shape[0] != C:
        raise ValueError(f"alpha must hold {C} class weights (one per class), got shape {tuple(a.shape)}")
    if not bool(torch.isfinite(a).all()):
        raise ValueError("alpha must be finite")
    if bool((a < 0).any()):
        raise ValueError(f"alpha must be nonnegative, got {float(a.min())!r}")
    return a


# ---------------------------------------------------------------------------
# the softmax focal loss
# ---------------------------------------------------------------------------

def _class_margins(z):
    """u_c = z_c - logsumexp_{j != c} z_j along dim 1, for every class (C >= 2)."""
    m = z.amax(dim=1, keepdim=True).detach()  # any constant shift is exact: it need not be differentiated
    top = torch.zeros_like(z, dtype=torch.bool).scatter_(1, z.argmax(dim=1, keepdim=True), True)
    e = torch.exp(z - m)
    rest = e.sum(dim=1, keepdim=True) - e  # >= S/2 off the argmax: no cancellation
    rest = torch.where(top, torch.ones_like(rest), rest)  # (the argmax entry is replaced below)
    loo_top = torch.logsumexp(z.masked_fill(top, -math.inf), dim=1, keepdim=True)
    loo = torch.where(top, loo_top, m + torch.log(rest))
    return z - loo


def _class_losses(z, gamma):
    """l(q_c) = -(1-q_c)^gamma log q_c for every class, from the margins."""
    if z.shape[1] == 1:  # q = 1: zero loss (kept on the graph, zero gradient)
        return z * 0.0
    u = _class_margins(z)
    log_q = _F.logsigmoid(u)
    if gamma == 0.0:
        return -log_q
    return -torch.exp(gamma * _F.logsigmoid(-u)) * log_q


def _check_label_smoothing(label_smoothing):
    eps = _check_real(label_smoothing, "label_smoothing")
    if not 0.0 <= eps <= 1.0:
        raise ValueError(f"label_smoothing must lie in [0, 1], got {eps!r}")
    return eps


def focal_loss(logits, target, gamma=2.0, alpha=None, reduction="mean", ignore_index=-100,
               label_smoothing=0.0):
    r"""Softmax focal loss, with the conventions of ``torch.nn.functional.cross_entropy``.

    Parameters
    ----------
    logits : torch.Tensor
        Unnormalized scores, shape (N, C) or (N, C, d1, d2, ...) (or (C,) for one sample);
        the class dimension is 1.  Floating point: float16 and bfloat16 are computed in
        float32 and the result is cast back.
    target : torch.Tensor
        Either class indices, an integer tensor of shape (N,) or (N, d1, ...) with values in
        [0, C) or equal to `ignore_index`; or class probabilities, a floating tensor of the
        shape of `logits` (each slice along dim 1 a distribution; not checked).
    gamma : float, optional
        Focusing parameter >= 0 (default 2).  gamma = 0 is cross-entropy.
    alpha : sequence or torch.Tensor of C floats, optional
        Nonnegative per-class weights: an index-target sample's loss is multiplied by
        ``alpha[target]``.  A scalar is refused (see Raises).
    reduction : {"mean", "sum", "none"}, optional
        ``"none"``: the per-element losses, shape (N, d1, ...), 0 where the target is
        ignored; ``"sum"``: their sum; ``"mean"`` (default): the sum divided by the number
        of non-ignored elements (NaN if every element is ignored, as in ``cross_entropy``).
    ignore_index : int, optional
        Index targets equal to it contribute nothing (default -100).  Unused for
        probability targets.
    label_smoothing : float, optional
        In [0, 1] (default 0): the target distribution t is replaced by
        ``(1 - label_smoothing) * t + label_smoothing / C``, t the one-hot vector of an index
        target or the given probabilities.

    Returns
    -------
    torch.Tensor
        The loss, in the dtype of `logits`: a scalar, or shape (N, d1, ...) for
        ``reduction="none"`` (shape () for unbatched input).

    Raises
    ------
    TypeError
        `logits` or `target` not a tensor, `logits` not floating point, `target` neither
        integer nor floating, `gamma`, `label_smoothing` or `ignore_index` of the wrong type.
    ValueError
        gamma negative or not finite; `reduction` unknown; `target` of the wrong shape or
        with indices outside [0, C); label_smoothing outside [0, 1]; alpha a scalar (for the
        softmax loss it multiplies every class alike, so it only rescales the loss: use
        per-class weights, or :func:`sigmoid_focal_loss` for the detector convention), of a
        length other than C, negative or not finite.

    See Also
    --------
    focaltheory.minimizer : the population minimizer of this loss over softmax outputs.
    focaltheory.focal_loss_grad_logits : float64 loss and gradient (numpy).
    sigmoid_focal_loss : the one-vs-rest (detector) focal loss.

    Notes
    -----
    With :math:`q = \operatorname{softmax}(z)` over dim 1 and :math:`\ell_\gamma(q) =
    -(1-q)^\gamma \log q` (Lin et al. [1]_), the loss of an element with target
    distribution :math:`t` (one-hot for an index target, after label smoothing) is

    .. math::

        L(z, t) = \sum_{c=1}^{C} t_c\, \alpha_c\, \ell_\gamma(q_c),

    that is :math:`\alpha_y \ell_\gamma(q_y)` for an index target without smoothing
    (:math:`\alpha_c = 1` without `alpha`).  This is the label-smoothing convention of
    ``cross_entropy``, to which the loss reduces at gamma = 0 for every reduction when
    `alpha` is None; with `alpha` and ``reduction="mean"``, ``cross_entropy(weight=alpha)``
    divides by the sum of the weights of the targets, this function by their number (the
    weighted mean of the alpha-balanced focal loss of Lin et al.); "sum" and "none" agree.
    Probability targets are weighted as :math:`\sum_c t_c \alpha_c \ell_\gamma(q_c)`.

    Population minimizer: for data whose class posterior is P (for one input), the expected
    loss :math:`\sum_c P_c \alpha_c \ell_\gamma(q_c)` is minimized over the simplex by a
    unique :math:`Q^*`, computed by ``focaltheory.minimizer(P, gamma, alpha=alpha).q``.
    It differs from P for gamma > 0 (the focal loss is not strictly proper; see the theory
    document, sections Minimizer and Properness), and ``focaltheory.inverse_minimizer``
    maps it back.  Training with probability targets t = P minimizes exactly this risk.

    Numerics: :math:`\log q_c = \log\sigma(u_c)` and :math:`(1 - q_c)^\gamma =
    \exp(\gamma\log\sigma(-u_c))` from the margins :math:`u_c = z_c - \log\sum_{j\ne c}
    e^{z_j}` (see the module notes), so the complement keeps full relative accuracy as
    :math:`q_c \to 1` and logits of magnitude 1e4 give finite losses and gradients.
    The gradients are autograd's; at gamma = 0 they are those of cross-entropy,
    :math:`q - t`.

    References
    ----------
    .. [1] T.-Y. Lin, P. Goyal, R. Girshick, K. He, P. Dollar, "Focal Loss for Dense
       Object Detection", ICCV 2017.

    Examples
    --------
    >>> import torch
    >>> from focaltheory.torch import focal_loss
    >>> z = torch.tensor([[2.0, 0.5, -1.0], [0.0, 0.0, 0.0]], dtype=torch.float64)
    >>> y = torch.tensor([0, 2])
    >>> focal_loss(z, y, gamma=2.0, reduction="none")
    tensor([0.0111, 0.4883], dtype=torch.float64)
    >>> bool(torch.allclose(focal_loss(z, y, gamma=0.0), torch.nn.functional.cross_entropy(z, y)))
    True

    Logits of magnitude 1e4 stay finite, in float16 too (computed in float32):

    >>> z = torch.tensor([[1e4, -1e4]], dtype=torch.float16, requires_grad=True)
    >>> loss = focal_loss(z, torch.tensor([1]), gamma=2.0)
    >>> loss.backward()
    >>> loss, z.grad
    (tensor(20000., dtype=torch.float16, grad_fn=<ToCopyBackward0>), tensor([[ 1., -1.]], dtype=torch.float16))

    The population minimizer is not the posterior: fitting free logits to soft targets P
    lands on ``focaltheory.minimizer(P, gamma).q``.

    >>> import focaltheory
    >>> P = torch.tensor([[0.7, 0.2, 0.1]], dtype=torch.float64)
    >>> z = torch.zeros(1, 3, dtype=torch.float64, requires_grad=True)
    >>> opt = torch.optim.LBFGS([z], tolerance_grad=1e-12, tolerance_change=0, line_search_fn="strong_wolfe")
    >>> def closure():
    ...     opt.zero_grad()
    ...     loss = focal_loss(z, P, gamma=2.0)
    ...     loss.backward()
    ...     return loss
    >>> _ = opt.step(closure)
    >>> torch.softmax(z, dim=1).detach().numpy().round(6)
    array([[0.535169, 0.292693, 0.172139]])
    >>> focaltheory.minimizer(P.numpy(), 2.0).q.round(6)
    array([[0.535169, 0.292693, 0.172139]])
    """
    _check_logits(logits, "logits")
    _check_tensor(target, "target")
    gamma = _check_gamma(gamma)
    reduction = _check_reduction(reduction)
    eps = _check_label_smoothing(label_smoothing)
    if isinstance(ignore_index, bool) or not isinstance(ignore_index, numbers.Integral):
        raise TypeError(f"ignore_index must be an integer, got {type(ignore_index).__name__}")
    if logits.ndim == 0:
        raise ValueError("logits must have a class dimension: shape (C,), (N, C) or (N, C, d1, ...)")
    unbatched = logits.ndim == 1
    if unbatched:
        logits, target = logits.unsqueeze(0), target.unsqueeze(0)
    C = logits.shape[1]
    if C == 0:
        raise ValueError("logits has an empty class dimension (dim 1)")
    soft = torch.is_floating_point(target)
    if soft:
        if target.shape != logits.shape:
            raise ValueError(
                f"probability targets must have the shape of logits {tuple(logits.shape)}, "
                f"got {tuple(target.shape)} (index targets are integer tensors)")
    else:
        if target.dtype == torch.bool or target.dtype.is_complex:
            raise TypeError(f"target must hold integer class indices or floating probabilities, got {target.dtype}")
        want = logits.shape[:1] + logits.shape[2:]
        if target.shape != want:
            raise ValueError(f"index targets must have shape {tuple(want)} (logits without dim 1), "
                             f"got {tuple(target.shape)}")
    dtype = logits.dtype
    cdtype = _compute_dtype(dtype)
    z = logits.to(cdtype)
    a = None if alpha is None else _class_weights(alpha, C, cdtype, z.device)
    bshape = (1, C) + (1,) * (z.ndim - 2)  # broadcasts a (C,) vector along dim 1

    L = _class_losses(z, gamma)  # (N, C, ...)
    if a is not None:
        L = L * a.view(bshape)
    if soft:
        t = target.to(cdtype)
        if eps > 0:
            t = (1.0 - eps) * t + eps / C
        loss = (t * L).sum(dim=1)
        count = loss.numel()
    else:
        target = target.to(torch.long)
        valid = target != ignore_index
        if bool(((target < 0) | (target >= C))[valid].any()):
            bad = int(target[valid & ((target < 0) | (target >= C))][0])
            raise ValueError(f"index target {bad} is outside [0, {C}) and is not ignore_index={ignore_index}")
        y = target.masked_fill(~valid, 0)
        loss = L.gather(1, y.unsqueeze(1)).squeeze(1)
        if eps > 0:
            loss = (1.0 - eps) * loss + (eps / C) * L.sum(dim=1)
        loss = loss.masked_fill(~valid, 0.0)
        count = valid.sum()
    if reduction == "none":
        out = loss.squeeze(0) if unbatched else loss
    elif reduction == "sum":
        out = loss.sum()
    else:
        out = loss.sum() / count
    return out.to(dtype)


# ---------------------------------------------------------------------------
# the sigmoid (one-vs-rest) focal loss
# ---------------------------------------------------------------------------

def _check_sigmoid_alpha(alpha):
    if alpha is None:
        return None
    a = _check_real(alpha, "alpha")
    if a < 0:  # torchvision: a negative alpha disables the weighting
        return None
    if a > 1:
        raise ValueError(f"alpha must lie in [0, 1] (or be negative or None: no weighting), got {a!r}")
    return a


def _log_one_minus_pt(t, log_p, log_1mp):
    """log(1 - p_t) = log(t (1-p) + (1-t) p): log(1-p) at t = 1, log(p) at t = 0, logaddexp between.

    No branch ever meets log(0) (the labels 0 and 1 are routed around the logaddexp), so the
    derivatives of every order stay finite.
    """
    hard1, hard0 = t == 1, t == 0
    ts = torch.where(hard1 | hard0, torch.full_like(t, 0.5), t)
    mixed = torch.logaddexp(torch.log(ts) + log_1mp, torch.log1p(-ts) + log_p)
    return torch.where(hard1, log_1mp, torch.where(hard0, log_p, mixed))


def sigmoid_focal_loss(inputs, targets, alpha=0.25, gamma=2.0, reduction="none"):
    r"""The sigmoid focal loss of ``torchvision.ops.sigmoid_focal_loss``, from the logits.

    Parameters
    ----------
    inputs : torch.Tensor
        Logits, any shape, floating point (float16 and bfloat16 are computed in float32
        and the result is cast back).
    targets : torch.Tensor
        Labels of the shape of `inputs`: 1 for the positive class, 0 for the negative
        (values in [0, 1]; any real or boolean dtype).  Constants: no gradient flows to
        them.
    alpha : float or None, optional
        Weight of the positive term, in [0, 1] (default 0.25); the negative term gets
        ``1 - alpha``.  A negative value (torchvision's ``-1``) or None disables the
        weighting.
    gamma : float, optional
        Focusing parameter >= 0 (default 2).
    reduction : {"none", "mean", "sum"}, optional
        ``"none"`` (default, as in torchvision): the elementwise loss; ``"mean"``: its
        mean over all elements; ``"sum"``: its sum.

    Returns
    -------
    torch.Tensor
        The loss, in the dtype of `inputs`.

    Raises
    ------
    TypeError
        `inputs` or `targets` not a tensor, `inputs` not floating point, `alpha` or
        `gamma` not real numbers.
    ValueError
        Shapes that differ; targets outside [0, 1]; gamma negative or not finite; alpha
        above 1 or not finite; `reduction` unknown.

    See Also
    --------
    focaltheory.sigmoid_minimizer : the population minimizer of this loss.
    focaltheory.sigmoid_focal_risk : its population risk (numpy, float64).
    focal_loss : the softmax focal loss.

    Notes
    -----
    torchvision's definition (Lin et al. [1]_): with :math:`p = \sigma(x)` and target
    :math:`t`, :math:`p_t = p t + (1-p)(1-t)`, :math:`\alpha_t = \alpha t + (1-\alpha)(1-t)`,

    .. math::

        L(x, t) = \alpha_t\, (1 - p_t)^\gamma\,
        \bigl(-t \log p - (1-t)\log(1-p)\bigr),

    without the factor :math:`\alpha_t` when alpha is negative.  It is evaluated here with
    :math:`\log p = \log\sigma(x)`, :math:`\log(1-p) = \log\sigma(-x)` and
    :math:`\log(1-p_t) = \operatorname{logaddexp}(\log t + \log\sigma(-x),\,
    \log(1-t) + \log\sigma(x))` (a sum of two nonnegative terms, never a difference), so
    that :math:`(1 - p_t)^\gamma = \exp(\gamma \log(1 - p_t))` keeps full relative
    accuracy when :math:`p_t \to 1` and logits of any finite size give finite values and
    gradients.  For labels 0 and 1 this is :math:`\alpha\,\ell_\gamma(p)` and
    :math:`(1-\alpha)\,\ell_\gamma(1-p)`, :math:`\ell_\gamma(q) = -(1-q)^\gamma\log q`.

    Population minimizer: for a class with posterior :math:`\eta` the expected loss
    :math:`\alpha\eta\,\ell_\gamma(s) + (1-\alpha)(1-\eta)\,\ell_\gamma(1-s)` is minimized by
    ``focaltheory.sigmoid_minimizer(eta, gamma, alpha).s`` (see the theory document,
    Variants).  Passing :math:`\eta` itself as a soft target does not give this risk for
    gamma > 0 (:math:`(1-p_t)^\gamma` is not linear in t): average the losses of the
    targets 1 and 0 with weights :math:`\eta` and :math:`1-\eta` instead.

    References
    ----------
    .. [1] T.-Y. Lin, P. Goyal, R. Girshick, K. He, P. Dollar, "Focal Loss for Dense
       Object Detection", ICCV 2017.

    Examples
    --------
    >>> import torch
    >>> from focaltheory.torch import sigmoid_focal_loss
    >>> x = torch.tensor([2.0, -1.0, 0.0, 1e4], dtype=torch.float64)
    >>> t = torch.tensor([1.0, 1.0, 0.0, 0.0], dtype=torch.float64)
    >>> sigmoid_focal_loss(x, t)
    tensor([4.5089e-04, 1.7547e-01, 1.2997e-01, 7.5000e+03], dtype=torch.float64)
    >>> sigmoid_focal_loss(x, t, alpha=-1, reduction="sum")
    tensor(10000.8770, dtype=torch.float64)

    The population minimizer: at the defaults, a posterior of 3/4 is fitted by a score 1/2.

    >>> import focaltheory
    >>> eta = torch.tensor([0.1, 0.75, 0.99], dtype=torch.float64)
    >>> x = torch.zeros(3, dtype=torch.float64, requires_grad=True)
    >>> ones, zeros = torch.ones_like(eta), torch.zeros_like(eta)
    >>> opt = torch.optim.LBFGS([x], tolerance_grad=1e-12, tolerance_change=0, line_search_fn="strong_wolfe")
    >>> def closure():
    ...     opt.zero_grad()
    ...     risk = eta * sigmoid_focal_loss(x, ones) + (1 - eta) * sigmoid_focal_loss(x, zeros)
    ...     risk.sum().backward()
    ...     return risk.sum()
    >>> _ = opt.step(closure)
    >>> torch.sigmoid(x).detach().numpy().round(6)
    array([0.226589, 0.5     , 0.786154])
    >>> focaltheory.sigmoid_minimizer(eta.numpy()).s.round(6)
    array([0.226589, 0.5     , 0.786154])
    """
    _check_logits(inputs, "inputs")
    _check_tensor(targets, "targets")
    a = _check_sigmoid_alpha(alpha)
    gamma = _check_gamma(gamma)
    reduction = _check_reduction(reduction)
    if targets.shape != inputs.shape:
        raise ValueError(f"targets must have the shape of inputs {tuple(inputs.shape)}, got {tuple(targets.shape)}")
    if targets.dtype.is_complex:
        raise TypeError(f"targets must be real, got dtype {targets.dtype}")
    dtype = inputs.dtype
    cdtype = _compute_dtype(dtype)
    x = inputs.to(cdtype)
    t = targets.detach().to(cdtype)  # labels are constants: no gradient flows to them
    if not bool(((t >= 0) & (t <= 1)).all()):
        raise ValueError("targets must lie in [0, 1] (1 for the positive class, 0 for the negative)")
    log_p = _F.logsigmoid(x)
    log_1mp = _F.logsigmoid(-x)
    ce = -(t * log_p + (1.0 - t) * log_1mp)
    if gamma == 0.0:
        loss = ce
    else:
        loss = ce * torch.exp(gamma * _log_one_minus_pt(t, log_p, log_1mp))
    if a is not None:
        loss = (a * t + (1.0 - a) * (1.0 - t)) * loss
    if reduction == "mean":
        loss = loss.mean()
    elif reduction == "sum":
        loss = loss.sum()
    return loss.to(dtype)
