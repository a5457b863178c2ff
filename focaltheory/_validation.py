"""Input validation shared by the public functions.

Every public function validates at the top and raises ``TypeError`` (wrong kind
of input) or ``ValueError`` (right kind, bad value) with a message that names
the argument and the problem.  Nothing downstream has to guard against NaN,
inf, negative weights or empty class axes.

Masked arrays (``numpy.ma``) with masked entries are refused with a
``TypeError`` by every public function: a mask has no single meaning here
(outside the support, missing, to be ignored in a sum), and numpy's
conversion would silently drop it and use the hidden values.  Pass
``x.filled(value)`` or ``x.compressed()`` to say which.  A masked array with
nothing masked is taken as its data.

Floats wider than float64 (``np.longdouble``) are converted to float64; a
nonzero entry below the float64 range (e.g. 1e-4000), which would become an
exact zero and change the support, is refused with a ``ValueError``, as is a
finite entry above it (it would become inf).
"""

import numbers

import numpy as np

__all__ = []  # private module


def _reject_masked(x, name):
    """Refuse a masked array with masked entries (TypeError naming ``name``)."""
    if isinstance(x, np.ma.MaskedArray) and np.ma.is_masked(x):
        raise TypeError(
            f"{name} is a masked array with masked entries, which focaltheory does not interpret: "
            f"pass {name}.filled(value) (e.g. 0 for classes outside the support) or {name}.compressed()"
        )


def _as_real_array(x, name, copy=True):
    """Return ``x`` as a float64 array, refusing non-real input.

    Integer, boolean and float input (float32 included) is converted to
    float64; complex, string, bytes, object and other dtypes raise TypeError,
    and so does a masked array with masked entries.  A wider float
    (longdouble) with a nonzero entry that float64 cannot hold (it would
    round to 0, or a finite one to inf) raises ValueError.  The result is a
    copy (callers may then work in place) unless ``copy=False``, for callers
    that only read it.
    """
    if isinstance(x, (str, bytes)):
        raise TypeError(f"{name} must be a real numeric array, got a {type(x).__name__}")
    _reject_masked(x, name)
    try:
        arr = np.asarray(x)
    except Exception as exc:  # ragged nested sequences and the like
        raise TypeError(f"{name} must be a real numeric array: {exc}") from None
    kind = arr.dtype.kind
    if kind == "c":
        raise TypeError(f"{name} must be real, got complex dtype {arr.dtype}")
    if kind not in "biuf":
        raise TypeError(f"{name} must be a real numeric array, got dtype {arr.dtype}")
    if kind == "f" and arr.dtype.itemsize > 8:
        _check_double_range(arr, name)
    return np.array(arr, dtype=np.float64, copy=True) if copy else np.asarray(arr, dtype=np.float64)


def _check_double_range(arr, name):
    """Refuse wide floats whose nonzero entries float64 cannot represent."""
    with np.errstate(over="ignore", under="ignore"):
        d = arr.astype(np.float64)
    lost = (d == 0) & (arr != 0)
    if np.any(lost):
        bad = arr[lost].flat[0]
        raise ValueError(
            f"{name} has a nonzero entry ({bad!r}) below the float64 range: it would become an exact 0 "
            "(for a weight, a class outside the support); scale it into range or pass 0 explicitly"
        )
    big = np.isinf(d) & np.isfinite(arr)
    if np.any(big):
        raise ValueError(f"{name} has an entry ({arr[big].flat[0]!r}) above the float64 range")


def _check_finite(arr, name):
    if not np.all(np.isfinite(arr)):
        bad = "NaN" if np.any(np.isnan(arr)) else "inf"
        raise ValueError(f"{name} must be finite, found {bad}")


def _normalize_axis(axis, ndim, name="axis"):
    if isinstance(axis, (bool, np.bool_)) or not isinstance(axis, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {type(axis).__name__}")
    axis = int(axis)
    if ndim == 0:
        raise ValueError(f"{name}={axis} is out of range: the input is a scalar, it has no class axis")
    if not -ndim <= axis < ndim:
        raise ValueError(f"{name}={axis} is out of range for an array with {ndim} dimension(s)")
    return axis % ndim


def _gamma(gamma, name="gamma", *, max_gamma=None, what=""):
    """Validate the focusing parameter: a real, finite, nonnegative scalar or array.

    With ``max_gamma`` (focaltheory._constants._MAX_GAMMA for the functions
    that need it) a larger value raises ValueError; ``what`` names the
    function in that message.
    """
    if isinstance(gamma, (str, bytes)):
        raise TypeError(f"{name} must be a real number or array of them, got a {type(gamma).__name__}")
    g = _as_real_array(gamma, name)
    _check_finite(g, name)
    if np.any(g < 0):
        raise ValueError(f"{name} must be nonnegative, got {float(g.min())!r}")
    if max_gamma is not None and g.size and float(g.max()) > max_gamma:
        raise ValueError(f"{name} must be at most {max_gamma:g}{' for ' + what if what else ''}, got {float(g.max())!r}")
    return g


def _distribution(p, name, axis, normalize=True, with_total=False):
    """Validate nonnegative weights along ``axis``; return (P normalized, moved to last axis).

    The class axis is moved to the end.  Weights are normalized by their sum,
    as scipy.stats.entropy does (``normalize=False`` leaves that to the
    caller: the weights come back with a finite sum); an all-zero slice is an
    error.  ``with_total`` adds a third item, the sums along the class axis
    (keepdims) of the weights returned.
    """
    arr = _as_real_array(p, name, copy=normalize)  # only normalizing writes into it
    ax = _normalize_axis(axis, arr.ndim)
    arr = np.moveaxis(arr, ax, -1)
    if arr.shape[-1] == 0:
        raise ValueError(f"{name} has an empty class axis (axis={axis})")
    with np.errstate(over="ignore"):  # finite weights whose sum overflows are handled below
        # the usual case in two passes: a minimum that is >= 0 (NaN fails it) and
        # finite sums (an infinite entry makes its sum inf or NaN) leave nothing
        # for the entry-wise checks, which otherwise run, in their order
        if not (arr.size and arr.min() >= 0):
            total = None
        else:
            total = arr.sum(axis=-1, keepdims=True)
            if not np.isfinite(total).all():
                total = None
        if total is None:
            _check_finite(arr, name)
            if np.any(arr < 0):
                raise ValueError(f"{name} must be nonnegative, found {float(arr.min())!r}")
            total = arr.sum(axis=-1, keepdims=True)
    if np.any(total <= 0):
        where = np.argwhere(total[..., 0] <= 0)
        loc = "" if arr.ndim == 1 else f" (first at batch index {tuple(int(i) for i in where[0])})"
        raise ValueError(f"{name} has an all-zero distribution{loc}: weights must have a positive sum")
    if not np.all(np.isfinite(total)):
        # finite weights whose sum overflows: those rows are rescaled by their
        # largest weight first (only those: the others keep their bits)
        over = ~np.isfinite(total)
        arr = np.where(over, arr / arr.max(axis=-1, keepdims=True), arr)
        total = arr.sum(axis=-1, keepdims=True)
    if normalize:
        arr /= total
    return (arr, ax, total) if with_total else (arr, ax)


def _broadcast_gamma(g, batch_shape, name="gamma"):
    """Broadcast a validated gamma array against the batch shape (class axis removed)."""
    try:
        shape = np.broadcast_shapes(g.shape, batch_shape)
    except ValueError:
        raise ValueError(
            f"{name} with shape {g.shape} is not broadcastable against the batch shape {batch_shape}"
        ) from None
    return shape


def _class_weights(alpha, shape, ax, name="alpha"):
    """Validate per-class weights and broadcast them to ``shape`` (the input's
    own layout); return them with the class axis ``ax`` moved last."""
    a = _as_real_array(alpha, name)
    _check_finite(a, name)
    if np.any(a < 0):
        raise ValueError(f"{name} must be nonnegative, found {float(a.min())!r}")
    try:
        a = np.broadcast_to(a, shape)
    except ValueError:
        raise ValueError(f"{name} with shape {a.shape} is not broadcastable to the input's shape {shape}") from None
    return np.moveaxis(a, ax, -1)


def _sigmoid_alpha(alpha, *, strict, name="alpha"):
    """Validate torchvision's alpha: None or -1 (no weighting) or values in [0, 1].

    Returns ``None`` (no weighting) or a float64 array.  With ``strict`` the
    endpoints 0 and 1 are refused: they put zero weight on one of the two
    terms, so the score no longer depends on the posterior.
    """
    if alpha is None:
        return None
    if isinstance(alpha, (str, bytes)):
        raise TypeError(f"{name} must be a real number in [0, 1], None or -1, got a {type(alpha).__name__}")
    a = _as_real_array(alpha, name)
    if a.ndim == 0 and a == -1:
        return None
    _check_finite(a, name)
    if np.any((a < 0) | (a > 1)):
        bad = float(a[(a < 0) | (a > 1)].flat[0])
        raise ValueError(
            f"{name} must lie in [0, 1] (None or -1 disable the weighting, as in torchvision), got {bad!r}"
        )
    if strict and np.any((a == 0) | (a == 1)):
        raise ValueError(
            f"{name} = 0 or 1 puts zero weight on one term of the sigmoid focal loss: the minimizing score is "
            "0 (alpha = 0) or 1 (alpha = 1) whatever the posterior, so neither the minimizer nor its inverse "
            "is informative; use 0 < alpha < 1"
        )
    return a


def _is_law(x):
    """True for a probability law object (scipy.stats, focaltheory.countable), checked by type alone.

    Such arguments go to focaltheory.countable, which is imported only then (so
    ``import focaltheory`` loads neither it nor scipy.stats).
    """
    return any(c.__module__.startswith(("scipy.stats", "focaltheory.countable")) for c in type(x).__mro__)
