"""Reductions along the short class axis, and row indexing helpers.

Each row's reductions give the same bits whatever the batch it sits in.
"""

import functools

import numpy as np

try:  # einsum's C entry point: the same function without its Python-level argument handling
    from numpy._core.multiarray import c_einsum as _einsum
except ImportError:  # pragma: no cover
    _einsum = np.einsum


def _rowdot(x, y):
    """sum_j x_ij y_ij along the class axis, without forming the product."""
    return _einsum("ij,ij->i", x, y)


def _rowsum(x):
    """Sum along the (short) class axis.

    einsum is about twice as fast as ``x.sum(axis=1)`` for short rows and,
    unlike a BLAS matrix-vector product, gives each row the same bits
    whatever the batch it sits in.
    """
    return _einsum("ij->i", x)


# Below this many classes, reductions along the class axis run as elementwise
# operations over the columns: numpy reduces a short inner axis slowly (at
# K = 10 a row maximum costs as much as four exponentials).
_SHORT_ROWS = 32


# ... unless the rows are few: then one reduction call beats one call per column
_FEW_ROWS = 16


def _rowmax(x):
    """Maximum along the (short) class axis (exact: the same bits either way)."""
    if x.shape[1] <= _SHORT_ROWS and x.shape[0] > _FEW_ROWS:
        return functools.reduce(np.maximum, x.T)
    return np.maximum.reduce(x, axis=1)


def _rowmin(x):
    """Minimum along the (short) class axis (exact)."""
    if x.shape[1] <= _SHORT_ROWS and x.shape[0] > _FEW_ROWS:
        return functools.reduce(np.minimum, x.T)
    return np.minimum.reduce(x, axis=1)


def _rowall(b):
    """Logical and along the (short) class axis."""
    if b.shape[1] <= _SHORT_ROWS and b.shape[0] > _FEW_ROWS:
        return functools.reduce(np.logical_and, b.T)
    return np.logical_and.reduce(b, axis=1)


def _spread(v, K):
    """A per-row vector repeated over the K classes of its row, as a contiguous (rows, K) array.

    An operation between it and a class array runs one long loop, where a
    column broadcast (``v[:, None]``) runs one short loop per row: the copy
    and the contiguous operation together cost less, for the same values.
    """
    return np.repeat(v, K).reshape(v.shape[0], K)


def _at(x, flat):
    """The entries x[i, m_i] given their flat indices i K + m_i (cheaper than x[r, m])."""
    return x.ravel().take(flat)


def _take(x, idx):
    """The rows ``idx`` of x: a view for a slice, else ``x.take(idx, axis=0)``.

    The same values as ``x[idx]``; for an index array, ndarray.take gathers
    the rows of a (rows, K) array about four times faster than indexing does
    (a boolean mask is turned into its indices first).
    """
    if isinstance(idx, slice):
        return x[idx]
    if idx.dtype == bool:
        idx = np.flatnonzero(idx)
    return x.take(idx, axis=0)


def _as_slice(idx, n):
    """``idx`` as a slice when it is all of range(n) in order (no gather/scatter copies)."""
    return slice(None) if idx.size == n and (n == 0 or (idx[0] == 0 and idx[-1] == n - 1)) else idx
