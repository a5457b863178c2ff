"""Shared helpers of the benchmark suite: configurations, timing, test data, output."""

import csv
import json
import os
import time
from dataclasses import asdict, dataclass, field

import numpy as np

from focaltheory._jsonio import dumps, json_safe

__all__ = ["Config", "PRESETS", "time_call", "spread", "family", "accuracy_cases", "write_json", "read_json",
           "write_csv"]


@dataclass
class Config:
    """What one benchmark run measures (see :data:`PRESETS`).

    Attributes
    ----------
    name : str
        Preset name, recorded in the outputs.
    acc_K : list of int
        Class counts of the accuracy grid.
    acc_gammas : list of float
        Focusing parameters of the accuracy grid.
    dirichlet : list of float
        Dirichlet concentrations of the accuracy grid (one draw each per K).
    rare : list of float
        Mass of the rare class in the balanced-plus-rare family.
    binary : list of float
        eps of the extreme binary family (1 - eps, eps).
    draws : int
        Dirichlet draws per (concentration, K).
    dps : int
        Decimal digits of the mpmath reference.
    slsqp_max_K, trust_max_K : int
        Largest K on which SLSQP / trust-constr are run in the accuracy grid
        (SLSQP's dense QP takes minutes per solve at K = 1000).
    md_iters : int
        Fixed iteration budget of the mirror-descent baseline.
    speed_N : list of int
        Batch sizes of the N sweep (K = 10, gamma = 2).
    speed_K : list of int
        Class counts of the K sweep (N = 10, gamma = 2).
    gamma_N : int
        Batch size of the gamma sweep (K = 10, a mix of imbalance families).
    gammas : list of float
        Focusing parameters of the gamma sweep.
    floor_N : int
        Batch size of the headline measurement (floor ratio, throughput
        ratios; K = 10, gamma = 2).
    repeats : int
        Repeats of every timing (median and spread reported).
    slsqp_count, trust_count : int
        Distributions solved one at a time by SLSQP / trust-constr per repeat
        in the headline measurement.
    md_N : int
        Batch size of the mirror-descent throughput measurement.
    min_time : float
        A timed sample loops the call until it takes at least this long.
    """

    name: str = "full"
    acc_K: list = field(default_factory=lambda: [2, 10, 100, 1000])
    acc_gammas: list = field(default_factory=lambda: [0.1, 0.5, 1.0, 2.0, 5.0, 10.0, 100.0, 1000.0])
    dirichlet: list = field(default_factory=lambda: [0.1, 1.0, 10.0])
    rare: list = field(default_factory=lambda: [1e-8, 1e-30])
    binary: list = field(default_factory=lambda: [1e-4, 1e-10, 1e-15])
    draws: int = 2
    dps: int = 40
    slsqp_max_K: int = 100
    trust_max_K: int = 1000
    md_iters: int = 500
    speed_N: list = field(default_factory=lambda: [100, 1000, 10_000, 100_000, 1_000_000])
    speed_K: list = field(default_factory=lambda: [2, 10, 100, 1000, 10_000, 100_000])
    gamma_N: int = 100_000
    gammas: list = field(default_factory=lambda: [0.1, 0.3, 1.0, 2.0, 5.0, 10.0, 30.0, 100.0, 300.0, 1000.0])
    floor_N: int = 1_000_000
    repeats: int = 5
    slsqp_count: int = 40
    trust_count: int = 10
    md_N: int = 10_000
    min_time: float = 0.2

    def to_dict(self):
        return asdict(self)


PRESETS = {
    "full": Config(),
    # a smoke-sized run: every section once, small batches, two repeats (seconds, not minutes)
    "quick": Config(
        name="quick",
        acc_K=[2, 10, 100],
        acc_gammas=[0.1, 1.0, 10.0, 1000.0],
        rare=[1e-8],
        binary=[1e-4, 1e-12],
        draws=1,
        dps=30,
        slsqp_max_K=10,
        trust_max_K=10,
        md_iters=300,
        speed_N=[100, 1000, 10_000, 50_000],
        speed_K=[2, 10, 100, 1000, 10_000],
        gamma_N=10_000,
        gammas=[0.1, 1.0, 10.0, 100.0, 1000.0],
        floor_N=50_000,
        repeats=2,
        slsqp_count=10,
        trust_count=3,
        md_N=2000,
        min_time=0.02,
    ),
    # for the smoke test only: seconds, not minutes
    "tiny": Config(
        name="tiny",
        acc_K=[2, 6],
        acc_gammas=[0.5, 2.0, 50.0],
        dirichlet=[1.0],
        rare=[1e-8],
        binary=[1e-10],
        draws=1,
        dps=30,
        slsqp_max_K=10,
        trust_max_K=10,
        md_iters=100,
        speed_N=[100, 1000],
        speed_K=[2, 10, 100],
        gamma_N=500,
        gammas=[0.5, 2.0, 50.0],
        floor_N=2000,
        repeats=2,
        slsqp_count=3,
        trust_count=2,
        md_N=100,
        min_time=0.01,
    ),
}


def time_call(fn, min_time=0.0):
    """Wall time of one call of ``fn`` (seconds), looping it if it is short.

    The call is repeated until ``min_time`` has elapsed and the mean per call
    is returned (so microsecond calls are not dominated by timer resolution).
    Returns ``(seconds_per_call, last_return_value)``.
    """
    n = 0
    t0 = time.perf_counter()
    while True:
        out = fn()
        n += 1
        el = time.perf_counter() - t0
        if el >= min_time:
            return el / n, out


def spread(samples):
    """Median and spread of samples: dict(median, min, max, q25, q75, n, samples)."""
    a = np.asarray(samples, dtype=float)
    return {
        "median": float(np.median(a)),
        "min": float(a.min()),
        "max": float(a.max()),
        "q25": float(np.percentile(a, 25)),
        "q75": float(np.percentile(a, 75)),
        "n": int(a.size),
        "samples": [float(x) for x in a],
    }


def _floor_normalize(P, floor=1e-300):
    """Keep entries positive (Dirichlet draws can underflow to 0) and renormalize."""
    P = np.maximum(P, floor)
    return P / P.sum(axis=-1, keepdims=True)


def family(kind, K, N=None, rng=None, param=1.0):
    """Test distributions of one imbalance family.

    Parameters
    ----------
    kind : {"dirichlet", "rare", "binary"}
        ``dirichlet``: Dirichlet(param * ones(K)) draws;  ``rare``: K - 1
        equal classes plus one class of mass ``param``;  ``binary``:
        (1 - param, param) (K must be 2).
    K : int
        Number of classes.
    N : int or None
        Batch size (None: one distribution, shape (K,)).
    rng : numpy.random.Generator
        Random source (dirichlet only).
    param : float
        Concentration, rare mass or eps.

    Returns
    -------
    ndarray
        Shape (K,) or (N, K), positive entries summing to 1 (to rounding).
    """
    shape = (K,) if N is None else (N, K)
    if kind == "dirichlet":
        return _floor_normalize(rng.dirichlet(np.full(K, float(param)), size=N))
    if kind == "rare":
        row = np.full(K, (1.0 - param) / (K - 1))
        row[-1] = param
        return np.broadcast_to(row, shape).copy()
    if kind == "binary":
        if K != 2:
            raise ValueError("the binary family has K = 2")
        return np.broadcast_to(np.array([1.0 - param, param]), shape).copy()
    raise ValueError(f"unknown family {kind!r}")


def accuracy_cases(cfg, seed=12345):
    """The accuracy grid: list of dicts (family, param, K, gamma, draw, p)."""
    rng = np.random.default_rng(seed)
    cases = []
    for K in cfg.acc_K:
        dists = []
        for a in cfg.dirichlet:
            for d in range(cfg.draws):
                dists.append(("dirichlet", a, d, family("dirichlet", K, rng=rng, param=a)))
        if K > 2:
            for r in cfg.rare:
                dists.append(("rare", r, 0, family("rare", K, param=r)))
        else:
            for e in cfg.binary:
                dists.append(("binary", e, 0, family("binary", 2, param=e)))
        for fam, param, d, p in dists:
            for gamma in cfg.acc_gammas:
                cases.append({"family": fam, "param": float(param), "draw": d, "K": int(K), "gamma": float(gamma), "p": p})
    return cases


def write_json(path, obj):
    """Write ``obj`` as indented strict JSON (non-finite floats as "inf", "-inf", "nan")."""
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    with open(path, "w") as f:
        f.write(dumps(obj, indent=1))


def _restore_nonfinite(x):
    """The strings "inf", "-inf", "nan" of :func:`write_json` back to floats."""
    if isinstance(x, dict):
        return {k: _restore_nonfinite(v) for k, v in x.items()}
    if isinstance(x, list):
        return [_restore_nonfinite(v) for v in x]
    if isinstance(x, str) and x in ("inf", "-inf", "nan"):
        return float(x)
    return x


def read_json(path):
    """Read a file written by :func:`write_json`, non-finite floats restored."""
    with open(path) as f:
        return _restore_nonfinite(json.load(f))


def write_csv(path, rows):
    """Write a list of flat dicts as CSV (columns from the first row; values as in :func:`write_json`)."""
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    if not rows:
        open(path, "w").close()
        return
    with open(path, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        for r in rows:
            w.writerow(json_safe(r))
