"""Array-API inputs: the namespace of the arguments, validation and conversions.

The public closed-form functions call :func:`_namespace` on their array
arguments first.  NumPy arrays (masked ones included), NumPy scalars, Python
numbers, lists, tuples and None are recognised by their type alone and take
the NumPy code unchanged (``None`` is returned, nothing is imported).  Any
other array (torch, CuPy, JAX, Dask, array-api-strict, ...) selects its
namespace through ``array_api_compat``, imported only then; the closed forms
in :mod:`focaltheory._xp._forms` then compute in that library, on the
input's device.

Computation dtype: float64 where the library and the device have it, float32
otherwise; the result is returned in the input's floating dtype (the
promoted dtype of the array arguments; float64, or float32 without it, for
integer and boolean input).  Validation raises the same errors, with the
same messages, as the NumPy path; it needs concrete values (not traced ones,
as under ``jax.jit``).

Accuracy, measured against the NumPy float64 functions on the same input
values (torch CPU; tests/test_array_api.py):

* float64: focal_loss, focal_entropy, sigmoid_posterior within a few eps
  (gamma <= 10); focal_loss ~1e-13 near the bottom of the range at gamma >=
  1000 (the power is exp(gamma log1p(-q)), no double-double step);
  inverse_minimizer ~(3 + gamma |L|) eps, 1.4e-14 at gamma = 300, 5e-14 at
  1000, 2e-13 at 5000 (the NumPy path: a few ulp there);
  focal_loss_grad_logits ~70 eps at gamma = 10 (exp(-gamma softplus(u))
  multiplies the libraries' 1-ulp differences in exp and log by gamma
  softplus(u)).
* float32, float16, bfloat16: computed in float64 and rounded once: within
  0.5 eps of the dtype wherever the result is in its normal range.
* Without float64 (e.g. torch on MPS) everything runs in float32, in the
  same multiples of float32's eps (measured at gamma = 10: focal_loss 5,
  focal_entropy 2, inverse_minimizer 22, sigmoid_posterior 10, the logit
  loss 73 and its gradient 85 eps; at gamma = 2: 1.4, 1.9, 4.6, 3.7, 23, 35).

``minimizer`` is not a closed form: its input is copied to the host, solved
in NumPy and its result's arrays moved back (not differentiable).
"""

import numbers
import warnings

import numpy as np

from .._validation import _as_real_array, _gamma

__all__ = []  # private module

# types that are NumPy's business, decided without importing anything
_NUMPY_SIDE = (np.ndarray, np.generic, numbers.Number, list, tuple, range, str, bytes, type(None))
# array libraries whose arrays may lack __array_namespace__ (array_api_compat wraps them)
_KNOWN = frozenset({"torch", "cupy", "jax", "jaxlib", "dask", "sparse", "ndonnx"})


def _foreign(x):
    """True for an array that is not NumPy's (its type decides: cheap)."""
    if isinstance(x, _NUMPY_SIDE):
        return False
    return hasattr(x, "__array_namespace__") or type(x).__module__.split(".")[0] in _KNOWN


def _namespace(*args):
    """The array-API namespace of the non-NumPy arrays among ``args``, or None (NumPy path)."""
    foreign = [a for a in args if _foreign(a)]
    if not foreign:
        return None
    try:
        import array_api_compat
    except ImportError:  # pragma: no cover - the optional dependency is missing
        raise ImportError(
            f"{type(foreign[0]).__module__}.{type(foreign[0]).__name__} input needs the optional dependency "
            "array-api-compat (pip install array-api-compat); or pass a NumPy array"
        ) from None
    return array_api_compat.array_namespace(*foreign)


def _has_float64(xp, device):
    """Whether ``xp`` computes in float64 on ``device`` (JAX without x64 warns and gives float32)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return xp.asarray(0.0, dtype=xp.float64, device=device).dtype == xp.float64
    except Exception:  # no float64 on this device (torch on MPS)
        return False


class _Ctx:
    """The namespace, device, computation dtype and result dtype of one call."""

    def __init__(self, xp, data, extra=()):
        import array_api_compat

        self.xp = xp
        first = next(a for a in (*data, *extra) if _foreign(a))
        self.device = array_api_compat.device(first)
        self.cdtype = xp.float64 if _has_float64(xp, self.device) else xp.float32
        floats = [a.dtype for a in (*data, *extra) if _foreign(a) and xp.isdtype(a.dtype, "real floating")]
        self.odtype = xp.result_type(*floats) if floats else self.cdtype

    def const(self, value):
        """A NumPy value (validated already) as an array of the computation dtype on the device."""
        return self.xp.asarray(np.array(value, dtype=np.float64), dtype=self.cdtype, device=self.device)

    def real(self, x, name):
        """A data argument as a real array of the computation dtype (same TypeErrors as NumPy)."""
        if not _foreign(x):
            return self.const(_as_real_array(x, name))
        xp = self.xp
        dt = x.dtype
        if xp.isdtype(dt, "complex floating"):
            raise TypeError(f"{name} must be real, got complex dtype {dt}")
        if not xp.isdtype(dt, ("bool", "integral", "real floating")):
            raise TypeError(f"{name} must be a real numeric array, got dtype {dt}")
        return xp.astype(x, self.cdtype)

    def gamma(self, g, name="gamma"):
        """The focusing parameter, validated as :func:`focaltheory._validation._gamma` does."""
        if not _foreign(g):
            return self.const(_gamma(g, name))
        G = self.real(g, name)
        self.check_finite(G, name)
        if bool(self.xp.any(G < 0)):
            raise ValueError(f"{name} must be nonnegative, got {_num(self.xp.min(G))!r}")
        return G

    def check_finite(self, x, name):
        xp = self.xp
        if not bool(xp.all(xp.isfinite(x))):
            bad = "NaN" if bool(xp.any(xp.isnan(x))) else "inf"
            raise ValueError(f"{name} must be finite, found {bad}")

    def out(self, x):
        """A result in the result dtype (0-d stays a 0-d array of the namespace)."""
        x = x + 0.0  # -0.0 -> 0.0
        return x if x.dtype == self.odtype else self.xp.astype(x, self.odtype)


def _to_numpy(x):
    """A foreign array as a NumPy array on the host (detached; bfloat16 as float32, exactly)."""
    mod = type(x).__module__.split(".")[0]
    if mod == "torch":
        import torch

        x = x.detach()
        if x.dtype == torch.bfloat16:
            x = x.to(torch.float32)
        return x.cpu().numpy()
    if mod == "cupy":  # pragma: no cover - no GPU in the tests
        return x.get()
    try:
        return np.from_dlpack(x)
    except Exception:  # pragma: no cover - a library without host DLPack
        import array_api_compat

        return np.asarray(array_api_compat.to_device(x, "cpu"))


def _num(x):
    """A 0-d foreign array as a Python float (detached: no autograd warning)."""
    return float(np.asarray(_to_numpy(x)))


def _host(x):
    """``x`` for the NumPy validators: a foreign array copied to the host, anything else as it is."""
    return _to_numpy(x) if _foreign(x) else x


def _sum_tol(sum_tol, eps):
    """The tolerance on ``|sum - 1|``: the caller's, validated, or max(1e-6, 8 eps) of the input's dtype.

    ``eps`` is the machine epsilon of the input's floating dtype (0 for
    integer input).  8 eps covers a softmax computed and rounded in that
    dtype (float16 rows are off by up to ~2e-4: the default there is 7.8e-3;
    bfloat16, 6.3e-2); float32 and float64 keep 1e-6.
    """
    if sum_tol is None:
        return max(1e-6, 8.0 * eps)
    if not (isinstance(sum_tol, (int, float, np.floating, np.integer)) and np.isfinite(sum_tol) and sum_tol >= 0):
        raise ValueError(f"sum_tol must be a finite nonnegative number, got {sum_tol!r}")
    return float(sum_tol)


def _np_eps(x):
    """Machine epsilon of a NumPy-side input's floating dtype (0 if it has none)."""
    dt = getattr(x, "dtype", None)
    if dt is None or not isinstance(dt, np.dtype) or dt.kind != "f":
        return 0.0
    return float(np.finfo(dt).eps) if dt.itemsize <= 8 else float(np.finfo(np.float64).eps)


def _result_to(xp, res, data, extra=()):
    """A frozen NumPy result (dataclass) with its arrays moved to ``xp`` on the input's device.

    Floating arrays take the result dtype of the inputs (see :class:`_Ctx`),
    integer ones int64 and boolean ones stay boolean.  The instance is built
    without ``__post_init__`` (which would make NumPy arrays of them again).
    """
    import dataclasses

    c = _Ctx(xp, data, extra)

    def move(a):
        a = np.asarray(a)
        if a.dtype.kind == "b":
            return xp.asarray(np.array(a), device=c.device)
        if a.dtype.kind in "iu":
            return xp.asarray(np.array(a, dtype=np.int64), device=c.device)
        return xp.astype(c.const(a), c.odtype)

    new = object.__new__(type(res))
    for f in dataclasses.fields(res):
        object.__setattr__(new, f.name, move(getattr(res, f.name)))
    return new
