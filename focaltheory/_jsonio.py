"""Strict JSON for every machine-readable output of the package.

One convention everywhere (the CLI's ``--json``, ``focaltheory verify --json``
and the benchmark results): numpy scalars and arrays become Python numbers and
lists, and non-finite floats become the strings ``"inf"``, ``"-inf"`` and
``"nan"``, so that the output is strict JSON (RFC 8259 has no infinities).
"""

from __future__ import annotations

import json
import math

import numpy as np

__all__ = ["json_safe", "dumps"]


def json_safe(x):
    """``x`` with numpy scalars as Python ones and non-finite floats as "inf", "-inf", "nan".

    >>> json_safe({"a": np.float64("inf"), "b": [np.int64(2), (1.5, float("nan"))]})
    {'a': 'inf', 'b': [2, [1.5, 'nan']]}
    """
    if isinstance(x, dict):
        return {k: json_safe(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [json_safe(v) for v in x]
    if isinstance(x, np.ndarray):
        return json_safe(x.tolist())
    if isinstance(x, np.generic):
        x = x.item()
    if isinstance(x, float) and not math.isfinite(x):
        return str(x)
    return x


def dumps(obj, **kwargs) -> str:
    """``json.dumps`` of :func:`json_safe` ``(obj)``, strict (``allow_nan=False``)."""
    return json.dumps(json_safe(obj), allow_nan=False, **kwargs)
