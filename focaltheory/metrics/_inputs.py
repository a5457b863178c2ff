"""Validation of the metrics' inputs: probabilities, labels and the options.

Everything a metric reads is checked here, at the top, with a ValueError or
TypeError naming the argument; the computations that follow see float64
probability rows that sum to 1 within the tolerance and integer labels in range.
"""

import numbers

import numpy as np

__all__ = []  # private module

_SAFETY = 4.0  # the factor on K * eps in the default row-sum tolerance
_FLOOR = 1e-6  # the smallest default tolerance (double data that went through single precision)

STRATEGIES = ("uniform", "quantile")
KINDS = ("top-label", "classwise")
NORMS = ("l1", "l2", "max")


def _choice(value, name, allowed):
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a string, one of {allowed}, got {type(value).__name__}")
    if value not in allowed:
        raise ValueError(f"{name} must be one of {allowed}, got {value!r}")
    return value


def _n_bins(n_bins, name="n_bins"):
    if isinstance(n_bins, (bool, np.bool_)) or not isinstance(n_bins, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {type(n_bins).__name__}")
    if n_bins < 1:
        raise ValueError(f"{name} must be at least 1, got {int(n_bins)}")
    return int(n_bins)


def default_atol(dtype, n_classes):
    """The default row-sum tolerance: max(1e-6, 4 * K * eps of the dtype).

    A softmax computed in a floating dtype sums to 1 within about K eps (the
    rounding of its normalizing sum); 4 is a safety factor and 1e-6 a floor
    for double-precision data computed in single precision.  Integer and
    boolean input is exact and gets float64's eps.
    """
    dtype = np.dtype(dtype)
    eps = np.finfo(dtype).eps if dtype.kind == "f" else np.finfo(np.float64).eps
    return max(_FLOOR, _SAFETY * int(n_classes) * float(eps))


def _probs(probs, atol, normalize, name="probs"):
    """Validate probabilities; return (float64 array, is_binary).

    A 2-D (N, K) array holds one distribution per row: nonnegative entries
    whose sum is 1 within `atol` (None: :func:`default_atol`); with
    `normalize`, the rows are returned divided by their sums.  A 1-D (N,) array holds binary scores of
    the positive class, each in [0, 1].
    """
    if isinstance(probs, (str, bytes)):
        raise TypeError(f"{name} must be a real numeric array, got a {type(probs).__name__}")
    try:
        arr = np.asarray(probs)
    except Exception as exc:  # ragged nested sequences and the like
        raise TypeError(f"{name} must be a real numeric array: {exc}") from None
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"{name} must be a real numeric array, got dtype {arr.dtype}")
    if arr.ndim not in (1, 2):
        raise ValueError(f"{name} must be 1-D (binary scores) or 2-D (samples, classes), "
                         f"got shape {arr.shape}")
    if arr.shape[0] == 0:
        raise ValueError(f"{name} has no samples (shape {arr.shape})")
    if arr.ndim == 2 and arr.shape[1] < 2:
        raise ValueError(f"{name} must have at least 2 columns (classes), got shape {arr.shape}")
    dtype = arr.dtype
    p = np.array(arr, dtype=np.float64)
    if not np.all(np.isfinite(p)):
        raise ValueError(f"{name} must be finite, found {'NaN' if np.any(np.isnan(p)) else 'inf'}")
    if np.any(p < 0):
        raise ValueError(f"{name} must be nonnegative, found {float(p.min())!r}")
    if atol is not None:
        if isinstance(atol, (bool, np.bool_)) or not isinstance(atol, numbers.Real):
            raise TypeError(f"atol must be a real number or None, got {type(atol).__name__}")
        atol = float(atol)
        if not (np.isfinite(atol) and 0 <= atol < 1):
            raise ValueError(f"atol must be a finite number in [0, 1), got {atol!r}")
    if p.ndim == 1:
        if np.any(p > 1):
            raise ValueError(f"{name} (binary scores) must lie in [0, 1], found {float(p.max())!r}")
        return p, True
    if atol is None:
        atol = default_atol(dtype, p.shape[1])
    total = p.sum(axis=1)
    dev = np.abs(total - 1.0)
    if np.any(dev > atol):
        i = int(np.argmax(dev))
        raise ValueError(f"{name} rows must sum to 1 within atol={atol:.3g}: row {i} sums to "
                         f"{float(total[i])!r}")
    if normalize:
        p /= total[:, None]
    return p, False


def _labels(y, n_samples, n_classes, name="y"):
    """Validate integer class labels in [0, n_classes), one per sample; return int64."""
    if isinstance(y, (str, bytes)):
        raise TypeError(f"{name} must be an array of integer class labels, got a {type(y).__name__}")
    try:
        arr = np.asarray(y)
    except Exception as exc:
        raise TypeError(f"{name} must be an array of integer class labels: {exc}") from None
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"{name} must hold integer class labels, got dtype {arr.dtype}")
    if arr.ndim != 1:
        raise ValueError(f"{name} must be 1-D, got shape {arr.shape}")
    if arr.shape[0] != n_samples:
        raise ValueError(f"{name} has {arr.shape[0]} labels but probs has {n_samples} samples")
    if arr.dtype.kind == "f":
        if not np.all(np.isfinite(arr)):
            raise ValueError(f"{name} must be finite, found {'NaN' if np.any(np.isnan(arr)) else 'inf'}")
        if np.any(arr != np.round(arr)):
            raise ValueError(f"{name} must hold integer class labels, found a non-integral value")
    if arr.size and (arr.min() < 0 or arr.max() >= n_classes):
        bad = arr[(arr < 0) | (arr >= n_classes)][0]
        raise ValueError(f"{name} must hold labels in [0, {n_classes - 1}] (one per column of probs), "
                         f"found {bad.item()!r}")
    return arr.astype(np.int64)


def _inputs(probs, y, atol, normalize):
    """Validate (probs, y); return (float64 probs, int64 labels, is_binary)."""
    p, binary = _probs(probs, atol, normalize)
    labels = _labels(y, p.shape[0], 2 if binary else p.shape[1])
    return p, labels, binary


def _as_two_columns(p, binary):
    """Binary scores (N,) as the (N, 2) distributions [1 - p, p]; others unchanged."""
    return np.stack([1.0 - p, p], axis=1) if binary else p
