"""scikit-learn's estimator base classes when it is installed, the same protocol without it.

With scikit-learn, FocalCalibrator derives from ``ClassifierMixin``,
``TransformerMixin`` and ``BaseEstimator`` (``get_params``, ``set_params``,
``clone``, the HTML repr, tags).  Without it, :class:`_Base` provides
``get_params``, ``set_params`` and the repr from the constructor's signature,
and :class:`NotFittedError` stands in for ``sklearn.exceptions.NotFittedError``.
This module is imported with :mod:`focaltheory.calibration`, never by
``import focaltheory``.
"""

import inspect

import numpy as np

__all__ = []  # private module

try:
    from sklearn.base import BaseEstimator, ClassifierMixin, TransformerMixin
    from sklearn.exceptions import NotFittedError
    from sklearn.utils.metadata_routing import UNUSED

    HAVE_SKLEARN = True
    BASES = (ClassifierMixin, TransformerMixin, BaseEstimator)
    CLASS_KW = {"auto_wrap_output_keys": None}  # transform wraps its own output (it also takes logits=)
except ImportError:  # pragma: no cover - exercised only without scikit-learn
    HAVE_SKLEARN = False
    UNUSED = "$UNUSED$"

    class NotFittedError(ValueError, AttributeError):
        """The estimator is used before ``fit`` for something that needs it."""

    class _Base:
        """get_params / set_params / repr from the constructor's signature (scikit-learn's protocol)."""

        @classmethod
        def _get_param_names(cls):
            sig = inspect.signature(cls.__init__)
            return sorted(p.name for p in sig.parameters.values() if p.name != "self")

        def get_params(self, deep=True):
            return {k: getattr(self, k) for k in self._get_param_names()}

        def set_params(self, **params):
            valid = self._get_param_names()
            for k, v in params.items():
                if k not in valid:
                    raise ValueError(f"Invalid parameter {k!r} for estimator {type(self).__name__}. "
                                     f"Valid parameters are: {valid!r}.")
                setattr(self, k, v)
            return self

        def __repr__(self):
            sig = inspect.signature(type(self).__init__)
            args = [f"{k}={getattr(self, k)!r}" for k, p in sig.parameters.items()
                    if k != "self" and not (isinstance(p.default, (int, float, str, type(None), tuple))
                                            and _same(getattr(self, k), p.default))]
            return f"{type(self).__name__}({', '.join(args)})"

    BASES = (_Base,)
    CLASS_KW = {}


def _same(a, b):
    try:
        return bool(np.all(a == b)) and type(a) is type(b)
    except Exception:
        return False


OUTPUTS = ("default", "pandas", "polars")


def output_config(est):
    """The container ``transform`` returns: the estimator's set_output, else scikit-learn's global one."""
    cfg = getattr(est, "_sklearn_output_config", {}).get("transform", "default")
    if cfg == "default" and HAVE_SKLEARN:
        import sklearn

        cfg = sklearn.get_config().get("transform_output", "default")
    return cfg


def wrap_output(est, out, X, names):
    """``out`` in the configured container (a DataFrame for "pandas" / "polars"; 2-D outputs only)."""
    cfg = output_config(est)
    if cfg == "default" or np.ndim(out) != 2:
        return out
    if cfg == "pandas":
        try:
            import pandas as pd
        except ImportError:
            raise ImportError("set_output(transform='pandas') needs pandas, which is not installed") from None
        index = X.index if isinstance(X, (pd.DataFrame, pd.Series)) else None
        return pd.DataFrame(out, index=index, columns=None if names is None else list(names))
    try:
        import polars as pl
    except ImportError:
        raise ImportError("set_output(transform='polars') needs polars, which is not installed") from None
    return pl.DataFrame(out, schema=None if names is None else list(map(str, names)), orient="row")
