"""The focal-entropy H_g(P, Q) between laws on a countable alphabet.

Finiteness is decided by a criterion, never by a partial sum: for gamma >= 0,

    -(1 - q)^gamma log q <= -log q,   and   (1 - q)^gamma >= 2^-gamma  where q <= 1/2,

so H_g(P, Q) is finite exactly when the cross-entropy H(P, Q) = sum P(-log Q)
is (all but finitely many Q(k) are below 1/2).  H(P, Q) < inf is then a
moment condition on P: -log Q(k) grows like log k (power-law Q: zipf,
yulesimon, betanbinom), like k (geom, planck, dlaplace, nbinom, logser) or
like k log k (poisson), so H(P, Q) < inf iff E_P[log X] < inf (always, for a
declared tail), resp. E_P[X] < inf, resp. E_P[X log X] < inf: true for a
ratio tail of P, and for a power tail P(k) ~ k^-s iff s > 2.  The finite
value is the summed head plus the remainder bounded from P's envelope and
Q's growth bound (docs/countable.md, section countable-entropy).
"""

import math
from dataclasses import dataclass

import numpy as np
from scipy import special as sc

from .. import _dd
from ._inputs import _gammas, as_law
from ._law import Law

__all__ = ["CountableFocalEntropy", "focal_entropy"]

_EPS = np.finfo(float).eps


@dataclass(frozen=True)
class CountableFocalEntropy:
    """Result of :func:`focaltheory.countable.focal_entropy`.

    Attributes
    ----------
    value : float or ndarray
        H_g(P, Q) in nats (inf where the criterion says it is infinite).
    value_bound : float or ndarray
        A rigorous bound on ``|value - H_g(P, Q)|`` (0 for inf).
    finite : bool
        The criterion's verdict: H(P, Q) < inf (the same for every gamma).
    criterion : str
        The criterion applied, in words.
    """

    value: object
    value_bound: object
    finite: bool
    criterion: str

    def __float__(self):
        return float(self.value)


def _growth(law):
    """(kind, A, B, C): -log Q(k) <= A + B k + C k log k ('lin') or A + B log(k + C) ('log'), k >= 1."""
    f, v = law.family, getattr(law, "params", {})
    loc = v.get("loc", 0)
    if f is None:
        raise ValueError("q: a user-defined Law declares an upper bound on its pmf, not the lower bound the "
                         "cross-entropy criterion needs; give q as a frozen scipy.stats law")
    if loc and f != "dlaplace":
        raise ValueError("q: a shifted law (loc != 0) is not supported as q")
    if f == "geom":
        p = v["p"]
        return "lin", -math.log(p) + math.log1p(-p), -math.log1p(-p), 0.0
    if f == "planck":
        lam = v["lambda_"]
        return "lin", -math.log(-math.expm1(-lam)), lam, 0.0
    if f == "dlaplace":
        a = v["a"]
        return "lin", -math.log(math.tanh(a / 2)) + a * abs(loc), a, 0.0
    if f == "logser":
        p = v["p"]
        return "lin", math.log(-math.log1p(-p)), 1.0 - math.log(p), 0.0
    if f == "nbinom":
        n, p = v["n"], v["p"]
        return "lin", -n * math.log(p) + max(0.0, float(sc.gammaln(n))), -math.log1p(-p) + max(0.0, 1.0 - n), 0.0
    if f == "poisson":
        mu = v["mu"]
        return "lin", mu, abs(math.log(mu)), 1.0
    if f == "zipf":
        a = v["a"]
        return "log", math.log(float(sc.zeta(a, 1))), a, 0.0
    if f == "yulesimon":
        al = v["alpha"]
        # Gamma(k + b) / Gamma(k) <= (k + b)^b for b >= 0
        return "log", -math.log(al) - float(sc.gammaln(al + 1)), al + 1, al + 1
    raise ValueError(f"q: no growth bound of -log q is known for {f}")


def _p_power(law):
    """s of a power tail of P (inf for a ratio tail)."""
    return law.right["power"] if "power" in law.right else math.inf


def _criterion(P, Q):
    kind, A, B, C = _growth(Q)
    if P.lo < Q.lo or (P.left is not None and Q.left is None):
        return False, "the support of P is not inside that of Q: H(P, Q) = inf"
    s = _p_power(P)
    if P.left is not None and Q.left is not None and P.left.get("power"):
        s = min(s, P.left["power"])
    if kind == "log":
        return True, "-log Q(k) = O(log k) and E_P[log X] < inf: H(P, Q) < inf"
    what = "E_P[X log X]" if C else "E_P[X]"
    if s > 2:
        tail = "a ratio tail" if s == math.inf else f"a power tail of exponent {s:g} > 2"
        return True, f"-log Q(k) = O(k{' log k' if C else ''}) and {what} < inf ({tail} of P): H(P, Q) < inf"
    return False, (f"-log Q(k) grows at least like k (the ratio tail of Q) and P(k) ~ k^-{s:g} with "
                   f"{s:g} <= 2, so E_P[X] = inf: H(P, Q) = inf")


def _remainder(P, Q, K2, lpK2):
    """A bound on sum_{k > K2} P(k) (-log Q(k)) from P's envelope and Q's growth bound (K2 >= 3)."""
    kind, A, B, C = _growth(Q)
    tail = P.right
    pK2 = math.exp(lpK2)
    if "ratio" in tail:
        r = tail["ratio"](K2) if callable(tail["ratio"]) else tail["ratio"]
        if kind == "lin":
            f = abs(A) + B * K2 + C * K2 * math.log(K2)
        else:
            f = abs(A) + B * math.log(K2 + C)
        # f(K2 + j) <= f(K2) (1 + j)^2 and sum_{j>=1} r^j (1 + j)^2 = (1 + r) / (1 - r)^3 - 1
        return pK2 * f * ((1 + r) / (1 - r) ** 3 - 1)
    s, c = tail["power"], tail["c"]
    c = float(c[1](K2)) if isinstance(c, tuple) else float(c)
    Y = K2 + c
    Bp = pK2 * Y ** s
    if kind == "log":
        extra = abs(C - c) / max(1.0, K2 + min(C, c))
        return Bp * Y ** (1 - s) * ((abs(A) + B * extra) / (s - 1) + B * (math.log(Y) / (s - 1) + 1 / (s - 1) ** 2))
    if s <= 2:
        return math.inf
    out = abs(A) * Y ** (1 - s) / (s - 1) + B * Y ** (2 - s) / (s - 2)
    if C:
        out += C * Y ** (2 - s) * (math.log(Y) / (s - 2) + 1 / (s - 2) ** 2)
    return Bp * out


def focal_entropy(p, q, gamma):
    """H_g(P, Q) = sum_k P(k) l(Q(k)) for laws P, Q on the integers, with its criterion and bound.

    Parameters
    ----------
    p : frozen scipy.stats discrete law or Law
        The data law (a declared tail).
    q : frozen scipy.stats discrete law
        The model law, of a family whose -log pmf has a known growth bound
        (geom, planck, dlaplace, logser, nbinom, poisson, zipf, yulesimon).
    gamma : float or array_like
        Focusing parameter(s), finite and >= 0.

    Returns
    -------
    CountableFocalEntropy
        ``value`` (inf where the criterion says so), ``value_bound``,
        ``finite`` and ``criterion``.

    Examples
    --------
    >>> from scipy import stats
    >>> from focaltheory.countable import focal_entropy
    >>> r = focal_entropy(stats.zipf(2.0), stats.geom(0.5), 1.0)
    >>> r.value, r.finite
    (inf, False)
    >>> r = focal_entropy(stats.geom(0.5), stats.geom(0.5), 0.0)
    >>> round(float(r.value), 12), bool(r.value_bound < 1e-13)
    (1.38629436112, True)
    """
    if callable(q) and not isinstance(q, Law) and not hasattr(q, "dist"):
        raise ValueError("q: a pmf callable needs a declared tail; wrap it in focaltheory.countable.Law")
    P, Q = as_law(p, "p"), as_law(q, "q")
    g = _gammas(gamma)
    finite, why = _criterion(P, Q)
    shape = g.shape
    G = g.ravel()
    if not finite:
        if not shape:
            return CountableFocalEntropy(math.inf, 0.0, False, why)
        return CountableFocalEntropy(np.full(shape, np.inf), np.zeros(shape), False, why)
    lo = P.lo if math.isfinite(P.lo) else None
    K2 = max(P.right["from"], 3) + 64
    K1 = -K2 if lo is None else lo
    while True:
        rem = _remainder(P, Q, K2, float(P.logpmf(K2)))
        if P.left is not None:
            rem *= 2  # dlaplace: the left tail mirrors the right (symmetric envelopes)
        if rem <= 1e-17 or K2 - (K1 if lo is not None else 0) > (1 << 20):
            break
        K2 = 2 * K2
        if lo is None:
            K1 = -K2
    ks = np.arange(K1, K2 + 1)
    lp = np.asarray(P.logpmf(ks), dtype=float)
    lq = np.asarray(Q.logpmf(ks), dtype=float)
    with np.errstate(under="ignore", divide="ignore", invalid="ignore"):
        pk = np.exp(lp)
        om = -np.expm1(lq)
        terms = np.where(pk > 0, pk * (-np.exp(G[:, None] * np.log(om)) * lq), 0.0)
    hi, lo_ = _dd.rowsum_dd(terms, np.zeros_like(terms))
    head = hi + lo_
    # the remainder is in [0, rem]; each term within (4 + gamma |log(1-q)| + |log q|) eps relative
    err = 0.5 * rem + 8 * _EPS * np.abs(head) + _EPS * np.abs(terms).sum(axis=1) * (1 + float(np.max(np.abs(lq))))
    value = (head + 0.5 * rem).reshape(shape)
    err = err.reshape(shape)
    if not shape:
        return CountableFocalEntropy(float(value), float(err), True, why)
    return CountableFocalEntropy(value, err, True, why)
