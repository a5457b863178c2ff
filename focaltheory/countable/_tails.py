"""Tail sums and their rigorous bounds, per declared tail (ratio or power law).

For one infinite side (taken to the right: a left tail is reflected) and a
cut K, ``tail_data`` gives the law's own tail quantities, independent of gamma:
the mass m = P(X > K), P(K + 1) (the largest tail atom: the tail is
nonincreasing beyond its 'from') and the tail entropy sum_{k>K} -P log P,
each with a rigorous error.  ``tail_bracket`` turns them into the tail's
contribution to the mass balance, sum_{k>K} Q*(k), and to the value,
sum_{k>K} P l(Q*), as centre and half-width, from the elementwise bounds

    1 / (L + 2 gamma) <= g^-1(L) <= 1 / (L (1 - x)),   x = gamma_2 log(L + 2 gamma) / L,

valid for L >= 4 + 2 gamma and x <= 1/2 (gamma_2 = gamma for gamma >= 1,
2 gamma below); see docs/countable.md, section countable-bounds.
"""

import math

import numpy as np

from ._law import _ratio_tail_sum
from ._second import zipf_bracket, zipf_data

__all__ = []

_EPS = np.finfo(float).eps


class Side:
    """One infinite side of a law, oriented to the right (k -> +inf)."""

    def __init__(self, law, left=False):
        self.law, self.left = law, left
        self.tail = law.left if left else law.right
        self.start = (-self.tail["from"]) if left else self.tail["from"]

    def logpmf(self, k):
        k = np.asarray(k)
        return self.law.logpmf(-k if self.left else k)

    def mass(self, K):
        if self.left:  # dlaplace: the direct sum (a ratio tail)
            return _ratio_tail_sum(self.logpmf, K, self.tail)[:2]
        return self.law.tail_mass(K)


def _power_c(tail, K):
    c = tail["c"]
    return float(c[1](K)) if isinstance(c, tuple) else float(c)


def tail_data(side, K, block_power=1 << 14):
    """The gamma-free tail quantities at the cut K (see the module docstring).

    Returns a dict with m, m_err, P1 (= P(K + 1)), H, H_err (the tail entropy).
    """
    tail = side.tail
    lp1 = float(side.logpmf(K + 1))
    P1 = math.exp(lp1)
    if "ratio" in tail:
        if side.law._sf is not None and not side.left:
            m, merr = side.mass(K)
            _, _, H, Herr = _ratio_tail_sum(side.logpmf, K, tail)
        else:
            m, merr, H, Herr = _ratio_tail_sum(side.logpmf, K, tail)
        return dict(m=m, m_err=merr, P1=P1, H=H, H_err=Herr)
    m, merr = side.mass(K)
    exact = tail.get("exact")
    if exact is not None and exact[0] == "zipf":
        _, a, za, loc = exact
        N = K - loc + 1
        zd = zipf_data(a, za, N)
        if all(math.isfinite(e) for e in zd["Ze"].values()):
            # P(k) = k^-a / zeta(a): m = Z(a, 0) / zeta(a), H = (a Z(a, 1) + log zeta(a) Z(a, 0)) / zeta(a)
            Z, Ze = zd["Z"], zd["Ze"]
            m = Z[(1, 0)] / za
            merr = Ze[(1, 0)] / za + 2 * _EPS * m
            H = (a * Z[(1, 1)] + math.log(za) * Z[(1, 0)]) / za
            Herr = (a * Ze[(1, 1)] + abs(math.log(za)) * Ze[(1, 0)]) / za + 4 * _EPS * abs(H)
            return dict(m=m, m_err=merr, P1=P1, H=H, H_err=Herr, zipf=zd)
    # the summed block (K, K2], then the envelope P(k) <= B (k + c)^-s beyond
    ks = np.arange(K + 1, K + 1 + block_power)
    lp = side.logpmf(ks)
    p = np.exp(lp)
    Hb = float(-(p * lp).sum())
    K2 = int(ks[-1])
    s, c = tail["power"], _power_c(tail, K2)
    Y = K2 + c
    logB = float(lp[-1]) + s * math.log(Y)
    up = math.exp(logB + (1 - s) * math.log(Y)) * (s * (math.log(Y) / (s - 1) + 1 / (s - 1) ** 2) - logB / (s - 1))
    mb = float(p.sum())
    low = max(0.0, m - mb) * (-float(lp[-1]))  # x log(1/x) >= x log(1/P(K2)) beyond K2
    up = max(up, low)
    H = Hb + 0.5 * (low + up)
    Herr = 0.5 * (up - low) + (math.log2(block_power) + 8) * _EPS * abs(Hb) + abs(merr) * (-float(lp[-1]))
    return dict(m=m, m_err=merr, P1=P1, H=H, H_err=Herr)


def tail_bracket(td, u, G):
    """The tail's mass and value contributions (centre, half-width), vectorized over (u, gamma).

    Returns (Tc, Tw, dTc, Vc, Vw, valid): dTc is d Tc / d log(lambda);
    ``valid`` is False where the elementwise bounds do not yet apply (the cut
    is too close: L(K + 1) < max(4 + 2 gamma, e) or x > 1/2).
    """
    if "zipf" in td:  # second order, with the proven remainder (see _second)
        return zipf_bracket(td["zipf"], u, G, td["P1"])
    u = np.asarray(u, dtype=float)
    G = np.asarray(G, dtype=float)
    lam = np.exp(u)
    m, P1 = td["m"], td["P1"]
    with np.errstate(over="ignore", divide="ignore", under="ignore"):
        L1 = lam / P1 if P1 > 0 else np.full(u.shape, np.inf)
        c0 = 2.0 * G
        g2 = np.where(G >= 1, G, 2.0 * G)
        x1 = np.where(G > 0, g2 * np.log(L1 + c0) / L1, 0.0)
        lo_rel = np.where(G > 0, c0 / L1, 0.0)
        hi_rel = 2.0 * x1
        valid = (L1 >= np.maximum(4.0 + 2.0 * G, math.e)) & (x1 <= 0.5)
        base = m / lam
        Tc = base * (1.0 + 0.5 * (hi_rel - lo_rel))
        Tw = base * 0.5 * (hi_rel + lo_rel) + td["m_err"] / lam * (1.0 + hi_rel)
        dTc = -Tc
        # value: sum_{k>K} P l(Q*) in [A - 6 x1 m, A + c0 m / L1], A = m log(lambda) + H
        A = m * u + td["H"]
        Vc = A + 0.5 * (lo_rel - 6.0 * x1) * m
        Vw = 0.5 * (lo_rel + 6.0 * x1) * m + td["H_err"] + np.abs(u) * td["m_err"]
    return Tc, Tw, dTc, Vc, Vw, valid
