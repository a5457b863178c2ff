"""Validation of FocalCalibrator's parameters, outputs and labels (at fit / transform time)."""

import math
import numbers
import warnings

import numpy as np

from .._validation import _as_real_array, _check_finite, _gamma, _normalize_axis, _reject_masked, _sigmoid_alpha
from .._xp import _Ctx, _foreign, _namespace, _np_eps, _sum_tol, _to_numpy

__all__ = []  # private module

METHODS = ("inverse", "temperature", "focal-temperature", "auto")
INPUT_TYPES = ("probs", "logits")


def _pair(value, name, lo_ok):
    try:
        lo, hi = (float(v) for v in value)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a pair of numbers, got {value!r}") from None
    if not (np.isfinite(lo) and np.isfinite(hi) and lo_ok(lo) and lo < hi):
        raise ValueError(f"{name} must satisfy {'0 <=' if name == 'gamma_bounds' else '0 <'} low < high "
                         f"(finite), got {value!r}")
    return lo, hi


def check_params(est):
    """Validate the constructor parameters of ``est``; returns the validated alpha (None or array)."""
    if est.loss not in ("softmax", "sigmoid"):
        raise ValueError(f"loss must be 'softmax' or 'sigmoid', got {est.loss!r}")
    g = _gamma(est.gamma)
    if g.ndim != 0:
        raise ValueError("gamma must be a scalar")
    if est.loss == "sigmoid":
        alpha = _sigmoid_alpha(est.alpha, strict=True)
    elif est.alpha is not None:
        alpha = _as_real_array(est.alpha, "alpha")
        if alpha.ndim == 0:
            raise ValueError(
                "alpha must hold one weight per class for the softmax loss: a scalar alpha multiplies "
                "every class alike, so it changes nothing (the sigmoid loss, loss='sigmoid', is where a "
                "scalar alpha is torchvision's convention)")
        _check_finite(alpha, "alpha")
        if np.any(alpha < 0):
            raise ValueError(f"alpha (class weights) must be nonnegative, found {float(alpha.min())!r}")
    else:
        alpha = None
    if isinstance(est.axis, (bool, np.bool_)) or not isinstance(est.axis, numbers.Integral):
        raise TypeError(f"axis must be an integer, got {type(est.axis).__name__}")
    _pair(est.gamma_bounds, "gamma_bounds", lambda lo: lo >= 0)
    _pair(est.temperature_bounds, "temperature_bounds", lambda lo: lo > 0)
    if est.method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(map(repr, METHODS))}, got {est.method!r}")
    if est.input_type not in INPUT_TYPES:
        raise ValueError(f"input_type must be 'probs' or 'logits', got {est.input_type!r}")
    for name in ("fit_gamma", "fit_alpha"):
        if not isinstance(getattr(est, name), (bool, np.bool_)):
            raise TypeError(f"{name} must be True or False, got {getattr(est, name)!r}")
    cv = est.cv
    if isinstance(cv, (bool, np.bool_)) or not isinstance(cv, numbers.Integral) or cv < 2:
        raise ValueError(f"cv must be an integer >= 2 (the folds of method='auto'), got {cv!r}")
    if isinstance(est.sum_tol, (bool, np.bool_)):
        raise ValueError(f"sum_tol must be a finite nonnegative number, got {est.sum_tol!r}")
    _sum_tol(est.sum_tol, 0.0)
    return alpha


def _real_outputs(X, name):
    """X as float64, with the messages scikit-learn's checks expect (sparse, complex, object)."""
    if hasattr(X, "toarray") and hasattr(X, "nnz"):  # scipy.sparse, without importing it
        raise TypeError(f"Sparse data was passed for {name}, but dense data is required: use {name}.toarray()")
    _reject_masked(X, name)
    if hasattr(X, "__array__") or isinstance(X, (list, tuple)):
        arr = np.asarray(X)
        if arr.dtype.kind == "c":
            raise ValueError(f"Complex data not supported: {name} has dtype {arr.dtype}")
        if arr.dtype.kind == "O":
            arr = arr.astype(np.float64)  # numbers as objects; anything else: float()'s TypeError
        X = arr
    return _as_real_array(X, name)


def _source(est, X, logits):
    """(the outputs given, is_logits, their name) from ``X`` / ``logits=``."""
    if X is not None and logits is not None:
        raise ValueError("give exactly one of probs (X) or logits")
    if X is None and logits is None:
        raise ValueError("give exactly one of probs (X) or logits")
    is_logits = logits is not None or est.input_type == "logits"
    return (logits if logits is not None else X), is_logits, ("logits" if is_logits else "probs")


def foreign_input(X, logits):
    """True when the outputs given are an array of another array-API library (torch, ...)."""
    return _foreign(logits if logits is not None else X)


def _sum_error(axis, tol, i, total):
    return ValueError(f"probs rows must sum to 1 along axis={axis} (within sum_tol={tol:g}): row {i} sums to "
                      f"{total!r}; for logits use logits= or input_type='logits'")


def outputs(est, X, logits, loss, axis):
    """(array, is_logits, restore, batch_shape, shape, sum_tol): validated model outputs, in NumPy float64.

    Softmax: (n, K) rows, the classes moved to the last axis, and
    ``restore(P)`` giving P the input's shape back.  Sigmoid: the array as
    given (any shape), ``restore`` the identity.  An array of another
    library (torch, array-api-strict, ...) is copied to the host first
    (detached).  ``sum_tol``: the tolerance of the softmax sum check (the
    estimator's, or derived from the input's floating dtype), for the
    inverse map to use as well.
    """
    src, is_logits, name = _source(est, X, logits)
    if _foreign(src):
        xp = _namespace(src)
        eps = float(xp.finfo(src.dtype).eps) if xp.isdtype(src.dtype, "real floating") else 0.0
        if xp.isdtype(src.dtype, "complex floating"):
            raise ValueError(f"Complex data not supported: {name} has dtype {src.dtype}")
        src = _to_numpy(src)
    else:
        eps = _np_eps(src)
    tol = _sum_tol(est.sum_tol, eps)
    x = _real_outputs(src, name)
    if x.size == 0:
        if x.ndim >= 2 and x.shape[-1] == 0:
            raise ValueError(f"Found array with 0 feature(s) (shape={x.shape}) while a minimum of 1 is required.")
        raise ValueError(f"Found array with 0 sample(s) (shape={x.shape}) while a minimum of 1 is required.")
    _check_finite(x, name)
    if not is_logits and np.any((x < 0) | (x > 1)):
        bad = float(x[(x < 0) | (x > 1)].flat[0])
        neg = "Negative values in data: " if np.any(x < 0) else ""
        raise ValueError(f"{neg}probs must lie in [0, 1] (logits go in logits=, input_type='logits', or --logits "
                         f"on the command line), got {bad!r}")
    if loss == "sigmoid":
        return x, is_logits, (lambda p: p), x.shape, x.shape, tol
    ax = _normalize_axis(axis, x.ndim)
    moved = np.moveaxis(x, ax, -1)
    shape = moved.shape
    rows = moved.reshape(-1, shape[-1])
    if not is_logits:
        dev = np.abs(rows.sum(axis=1) - 1)
        if np.any(dev > tol):
            i = int(np.argmax(dev))
            raise _sum_error(axis, tol, i, float(rows[i].sum()))
    return rows, is_logits, (lambda p: np.moveaxis(p.reshape(shape), -1, ax)), shape[:-1], x.shape, tol


def _host_first(c, x, mask):
    """The index and value of the first entry of ``x`` where ``mask`` holds (error path only)."""
    flat = np.asarray(_to_numpy(c.xp.reshape(mask, (-1,))))
    i = int(np.flatnonzero(flat)[0])
    return i, float(np.asarray(_to_numpy(c.xp.reshape(x, (-1,))))[i])


def xp_outputs(est, X, logits, loss, axis):
    """:func:`outputs` for an array of another array-API library, validated and kept in that library.

    Returns ``(x, is_logits, restore, shape, sum_tol, ctx)``: ``x`` in the
    computation dtype of ``ctx`` (:class:`focaltheory._xp._Ctx`: float64
    where the library has it) on the input's device, softmax outputs as
    (n, K) rows; ``restore(P)`` gives P the input's shape, layout and
    floating dtype back.  The errors are those of :func:`outputs`.
    """
    src, is_logits, name = _source(est, X, logits)
    xp = _namespace(src)
    c = _Ctx(xp, (src,))
    dt = src.dtype
    if xp.isdtype(dt, "complex floating"):
        raise ValueError(f"Complex data not supported: {name} has dtype {dt}")
    eps = float(xp.finfo(dt).eps) if xp.isdtype(dt, "real floating") else 0.0
    tol = _sum_tol(est.sum_tol, eps)
    x = c.real(src, name)
    shape = tuple(int(n) for n in x.shape)
    if math.prod(shape) == 0:
        if len(shape) >= 2 and shape[-1] == 0:
            raise ValueError(f"Found array with 0 feature(s) (shape={shape}) while a minimum of 1 is required.")
        raise ValueError(f"Found array with 0 sample(s) (shape={shape}) while a minimum of 1 is required.")
    c.check_finite(x, name)
    if not is_logits:
        bad = (x < 0) | (x > 1)
        if bool(xp.any(bad)):
            _, v = _host_first(c, x, bad)
            neg = "Negative values in data: " if bool(xp.any(x < 0)) else ""
            raise ValueError(f"{neg}probs must lie in [0, 1] (logits go in logits=, input_type='logits', or "
                             f"--logits on the command line), got {v!r}")
    if loss == "sigmoid":
        return x, is_logits, c.out, shape, tol, c
    ax = _normalize_axis(axis, x.ndim)
    moved = xp.moveaxis(x, ax, -1)
    mshape = tuple(int(n) for n in moved.shape)
    rows = xp.reshape(moved, (-1, mshape[-1]))
    if not is_logits:
        totals = xp.sum(rows, axis=1)
        dev = xp.abs(totals - 1.0)
        if bool(xp.any(dev > tol)):
            d = np.asarray(_to_numpy(dev))
            i = int(np.argmax(d))
            raise _sum_error(axis, tol, i, float(np.asarray(_to_numpy(totals))[i]))
    return rows, is_logits, (lambda p: c.out(xp.moveaxis(xp.reshape(p, mshape), -1, ax))), shape, tol, c


def n_features(x_shape, loss, axis):
    """The number of columns (classes) of outputs of this shape."""
    if loss == "softmax":
        return x_shape[_normalize_axis(axis, len(x_shape))]
    return x_shape[-1] if len(x_shape) >= 2 else 1  # 1-D scores: one class


def _column_warning():
    try:
        from sklearn.exceptions import DataConversionWarning
    except ImportError:
        DataConversionWarning = UserWarning
    warnings.warn("A column-vector y was passed when a 1d array was expected: it is read as y.ravel()",
                  DataConversionWarning, stacklevel=4)


def _check_numeric_labels(yy):
    if yy.dtype.kind == "b":
        return yy.astype(np.int64)
    if yy.dtype.kind == "f":
        if np.any(np.isnan(yy)):
            raise ValueError("Input y contains NaN.")
        if np.any(np.isinf(yy)):
            raise ValueError("Input y contains infinity.")
        if np.any(yy != np.round(yy)):
            raise ValueError("Unknown label type: continuous values in y; y must hold class labels "
                             "(integers, or strings and other labels with classes_ from their sorted values)")
    return yy


def softmax_labels(y, batch_shape, K, classes):
    """(codes, classes_): y encoded as column indices in [0, K) and the label of each column."""
    _reject_masked(y, "y")
    yy = np.asarray(y)
    if yy.ndim == 2 and yy.shape[1] == 1 and len(batch_shape) == 1 and yy.shape[0] == batch_shape[0]:
        _column_warning()
        yy = yy.ravel()
    if yy.shape != tuple(batch_shape):
        raise ValueError(f"y must have the batch shape {tuple(batch_shape)} (one class index per row), "
                         f"got {yy.shape}")
    yy = yy.reshape(-1)
    if yy.dtype.kind == "O" and all(isinstance(v, numbers.Real) for v in yy):
        yy = yy.astype(np.float64)  # numbers held as objects
    if yy.dtype.kind in "biuf":
        yy = _check_numeric_labels(yy)
    elif yy.dtype.kind == "c":
        raise TypeError(f"y must hold class labels, got complex dtype {yy.dtype}")
    if classes is not None:
        cl = np.asarray(classes)
        if cl.ndim != 1 or cl.size != K or np.unique(cl).size != K:
            raise ValueError(f"classes must hold {K} distinct labels (one per column of the outputs), got {classes!r}")
        order = np.argsort(cl, kind="stable")
        try:
            pos = np.clip(np.searchsorted(cl[order], yy), 0, K - 1)
            ok = cl[order][pos] == yy
        except TypeError:
            raise TypeError("y and classes hold labels of different types") from None
        if not np.all(ok):
            raise ValueError(f"y holds labels that are not in classes, e.g. {yy[~ok][0]!r}")
        return order[pos].astype(np.int64), cl
    try:
        uniq = np.unique(yy)
    except TypeError:
        raise TypeError("y must hold labels of one sortable type (e.g. all strings or all integers)") from None
    if yy.dtype.kind in "iuf" and np.all((uniq >= 0) & (uniq < K)):
        return yy.astype(np.int64), np.arange(K)
    if uniq.size == K:
        return np.searchsorted(uniq, yy).astype(np.int64), uniq
    raise ValueError(f"y must hold class indices in [0, {K}) (one column of the outputs per class), or exactly "
                     f"{K} distinct labels (taken in sorted order); got {uniq.size} distinct labels: pass "
                     "classes= to name the columns")


def sigmoid_labels(y, shape):
    """y as 0/1 int64 with the shape of the scores."""
    _reject_masked(y, "y")
    yy = np.asarray(y)
    if yy.dtype.kind not in "biuf":
        raise TypeError(f"y must hold integer class labels (0 or 1 per class), got dtype {yy.dtype}")
    if yy.shape != tuple(shape):
        raise ValueError(f"y must have the shape of the scores {tuple(shape)} (0/1 per class), got {yy.shape}")
    yy = _check_numeric_labels(yy)
    if np.any((yy != 0) & (yy != 1)):
        raise ValueError("y must be 0 or 1 for the sigmoid loss")
    return yy.astype(np.int64)
