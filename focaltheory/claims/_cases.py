"""Case generators of the checks: gamma grids, Dirichlet and adversarial families, hypothesis searches."""

from __future__ import annotations

import random

import mpmath
import numpy as np
from mpmath import mp

from ._tolerances import EPS, TINY


# ---------------------------------------------------------------------------
# case generators
# ---------------------------------------------------------------------------

#: gamma values of the adversarial sweeps: tiny, around 1, large
GAMMAS = (1e-9, 1e-4, 0.01, 0.1, 0.5, 0.999, 1.0, 1.5, 2.0, 3.0, 5.0, 10.0, 50.0, 200.0, 1000.0)
#: Dirichlet concentrations: sparse (many entries underflow to 0), skewed, flat, peaked at uniform
CONCENTRATIONS = (0.02, 0.2, 1.0, 5.0, 200.0)


def _dirichlet(rng, K, n, conc):
    """n Dirichlet rows; with small concentrations many entries are exactly 0 (kept, row normalized)."""
    G = rng.gamma(conc, size=(n, K))
    G[np.arange(n), rng.integers(0, K, n)] += TINY  # never an all-zero row
    return G / G.sum(axis=1, keepdims=True)


def _adversarial(rng, K):
    """A list of (label, P) hard cases for K classes (every row sums to 1 in doubles)."""
    out = []
    for e in (1e-6, 1e-12, 1e-16, 1e-100, TINY):
        p = np.full(K, e)
        p[0] = 1.0
        out.append((f"near-degenerate {e:g}", p / p.sum()))
    p = rng.dirichlet(np.ones(K))
    p[-1] = TINY
    out.append(("one class at 1e-300", p / p.sum()))
    p = np.ones(K)
    p[-1] = 1e-8
    out.append(("flat plus a rare class", p / p.sum()))
    p = 10.0 ** (-np.linspace(0, 300, K))
    out.append(("geometric down to 1e-300", p / p.sum()))
    p = np.where(np.arange(K) % 2 == 0, 1.0, 1e-3)
    out.append(("two values (many ties)", p / p.sum()))
    p = np.full(K, 1.0)
    p[: K // 2] *= 1 + 4 * EPS
    out.append(("near-ties at 4 ulp", p / p.sum()))
    p = np.full(K, 1.0 / K)
    out.append(("uniform", p))
    if K >= 3:
        p = np.zeros(K)
        p[:2] = (0.9, 0.1)
        out.append(("two-point support", p))
    p = rng.dirichlet(np.full(K, 0.5))
    p[rng.random(K) < 0.3] = 0
    if p.sum() > 0:
        out.append(("random zeros", p / p.sum()))
    p = np.full(K, TINY)
    p[0] = 1.0
    p[1] = 1e-150
    out.append(("extreme imbalance 1 : 1e-150 : 1e-300", p / p.sum()))
    return out


_KS_QUICK = (2, 3, 5, 10, 100)
_KS_FULL = (2, 3, 4, 5, 7, 10, 30, 100, 1000)


def _families(ctx, *, rows_quick=40, rows_full=400, Ks=None, full_support=False, max_entries=None):
    """Yield (label, P (n, K), gamma (n,)) batches: Dirichlet families then adversarial ones.

    ``full_support`` drops rows with zeros.  Each row gets its own gamma
    (the GAMMAS grid cycled, plus log-uniform draws).
    """
    rng = ctx.rng
    Ks = Ks or (_KS_QUICK if ctx.quick else _KS_FULL)
    rows = ctx.n(rows_quick, rows_full)
    for K in Ks:
        n = rows if K <= 100 else max(rows // 10, 8)
        if max_entries is not None:
            n = max(1, min(n, max_entries // K))
        for conc in CONCENTRATIONS:
            P = _dirichlet(rng, K, n, conc)
            if full_support:
                P = P[(P > 0).all(axis=1)]
                if P.shape[0] == 0:
                    continue
            gam = np.concatenate([np.array(GAMMAS), 10.0 ** rng.uniform(-6, 3, size=P.shape[0])])[: P.shape[0]]
            rng.shuffle(gam)
            yield f"Dirichlet({conc:g}) K={K}", P, gam
        adv = [(lab, p) for lab, p in _adversarial(rng, K) if not (full_support and (p == 0).any())]
        if adv:
            P = np.repeat(np.stack([p for _, p in adv]), len(GAMMAS), axis=0)
            gam = np.tile(np.array(GAMMAS), len(adv))
            yield f"adversarial K={K}", P, gam


def _complements(Q):
    """1 - Q along the last axis, with the largest class's complement as the sum of the others."""
    Q = np.asarray(Q, dtype=float)
    r = np.argmax(Q, axis=-1)[..., None]
    is_r = np.arange(Q.shape[-1]) == r
    cr = np.where(is_r, 0.0, Q).sum(axis=-1, keepdims=True)
    return np.where(is_r, cr, 1.0 - Q)


def _hypothesis_search(ctx, violated, *, n_quick=40, n_full=600, kmax=8):
    """Run hypothesis.find for a case (P, gamma) with ``violated(P, gamma)``; None if none.

    P has 2..kmax entries drawn from a mix of moderate and tiny magnitudes
    (down to 1e-300), gamma from the grid or log-uniform in [1e-6, 1e3].
    Deterministic for the context's seed; skipped (None) without hypothesis.
    """
    try:
        from hypothesis import HealthCheck, find, settings
        from hypothesis import strategies as st
        from hypothesis.errors import NoSuchExample
    except ImportError:  # pragma: no cover - hypothesis is a test dependency
        return None, 0
    weight = st.one_of(
        st.floats(0.001, 1.0),
        st.sampled_from([0.0, TINY, 1e-150, 1e-16, 1e-8, 1.0, 0.5]),
        st.integers(-300, 0).map(lambda k: 10.0 ** k),
    )
    gam = st.one_of(st.sampled_from(GAMMAS), st.floats(-6, 3).map(lambda t: 10.0 ** t))
    strat = st.tuples(st.lists(weight, min_size=2, max_size=kmax).filter(lambda w: sum(w) > 0), gam)
    count = [0]

    def cond(ex):
        count[0] += 1
        w, g = ex
        p = np.asarray(w, dtype=float)
        p = p / p.sum()
        with np.errstate(all="ignore"):
            return bool(violated(p, g))

    n = ctx.n(n_quick, n_full)
    from hypothesis import Phase
    # quick runs skip shrinking (a counterexample is reported as found); full runs shrink it to a minimal one
    phases = [Phase.explicit, Phase.reuse, Phase.generate] + ([] if ctx.quick else [Phase.shrink])
    s = settings(max_examples=n, database=None, deadline=None, derandomize=False,
                 suppress_health_check=list(HealthCheck), phases=phases)
    try:
        w, g = find(strat, cond, settings=s, random=random.Random(ctx.seed * 7919 + 17))
    except NoSuchExample:
        return None, count[0]
    p = np.asarray(w, dtype=float)
    return (p / p.sum(), g), count[0]


# ---------------------------------------------------------------------------
# grids for the scalar claims (items 1, 2, 6)
# ---------------------------------------------------------------------------

def _q_grid_mp(quick):
    """q in (0, 1): 1e-300 ... 1e-2, a linear middle, 1 - 1e-2 ... 1 - 1e-300 (mpf, exact decimal)."""
    ks = (300, 100, 30, 10, 5, 3, 2) if quick else (300, 200, 100, 50, 30, 20, 15, 10, 7, 5, 4, 3, 2)
    # near 1, 1 - q must stay exact at the 60 digits used: complements down to 1e-40
    ks1 = (40, 20, 10, 5, 3, 2) if quick else (40, 30, 20, 15, 10, 7, 5, 4, 3, 2)
    mids = ("0.05", "0.1", "0.2", "0.3", "0.5", "0.7", "0.9") if quick else tuple(f"0.{i:02d}" for i in range(5, 100, 5))
    with mp.workdps(60):
        small = [mpmath.mpf(10) ** (-k) for k in ks]
        near1 = [1 - mpmath.mpf(10) ** (-k) for k in reversed(ks1)]  # ascending q
    return small + [mpmath.mpf(m) for m in mids] + near1


_GAMMA_GRID_MP = ("0", "1e-8", "0.01", "0.3", "0.5", "0.999", "1", "1.001", "2", "7.5", "50", "1000")


def _random_pq(ctx, K, n, zero_frac=0.0):
    """Random pairs (P, Q): Dirichlet P and Q, some entries tiny (1e-300) or zero."""
    rng = ctx.rng
    P = _dirichlet(rng, K, n, rng.choice(CONCENTRATIONS))
    Q = _dirichlet(rng, K, n, rng.choice(CONCENTRATIONS))
    tiny = rng.random((n, K)) < 0.1
    Q = np.where(tiny, 10.0 ** rng.uniform(-300, -8, (n, K)), Q)
    P = np.where(rng.random((n, K)) < 0.1, 10.0 ** rng.uniform(-300, -8, (n, K)), P)
    if zero_frac:
        P = np.where(rng.random((n, K)) < zero_frac, 0.0, P)
        Q = np.where(rng.random((n, K)) < zero_frac, 0.0, Q)
        P[:, 0] = np.where(P.sum(1) == 0, 1.0, P[:, 0])
        Q[:, 1 % K] = np.where(Q.sum(1) == 0, 1.0, Q[:, 1 % K])
    return P / P.sum(1, keepdims=True), Q / Q.sum(1, keepdims=True)


def _random_simplex_points(rng, K, n):
    Q = _dirichlet(rng, K, n, rng.choice((0.3, 1.0, 5.0)))
    Q = np.where(Q > 0, Q, TINY)
    return Q / Q.sum(1, keepdims=True)
