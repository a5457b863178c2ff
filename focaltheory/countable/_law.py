"""Laws on countable supports: the inputs of the countable path and their tails.

A law is carried as a :class:`Law`: its log-pmf on the integers, the support,
and for each infinite side a declared tail, the statement the certificates
rest on:

* ``{"ratio": r, "from": k0}``: P(k + 1) <= r P(k) for every k >= k0, r < 1
  (geometric-type tails; r may be a callable r(K) bounding the ratio for k >= K);
* ``{"power": s, "c": c, "from": k0}``: P is nonincreasing on k >= k0 and
  P(k) <= P(K) ((K + c) / (k + c))**s for all k >= K >= k0, with s > 1, c >= 0
  (power-law tails).

The frozen scipy.stats laws of the standard families are translated here with
the tail bounds derived in docs/countable.md (section countable-tails).
"""

import math
import numbers

import numpy as np

__all__ = ["Law"]


class Law:
    """A law on the integers with a declared tail, for the countable minimizer.

    Parameters
    ----------
    pmf : callable, sympy expression or rv_discrete instance
        The probability mass function at integer points (vectorized, or it is
        applied point by point); a sympy expression in one symbol is lambdified;
        a scipy.stats ``rv_discrete`` (subclass) instance or frozen law gives its
        pmf, logpmf, sf and support.
    sf : callable, optional
        The survival function P(X > k).  Needed for a power-law tail; for a
        ratio tail it is otherwise summed from `pmf` with the geometric
        remainder bound.
    support : tuple, optional
        ``(a, inf)`` with an integer a.  Default ``(0, inf)``.
    tail : dict
        The declared tail: ``{"ratio": r, "from": k0}`` or
        ``{"power": s, "c": c, "from": k0}`` (see the module docstring).
    logpmf : callable, optional
        log P(k), used instead of ``log(pmf(k))`` where given (full accuracy far
        in the tail).
    name : str, optional
        A label for printing.

    Raises
    ------
    TypeError
        `pmf` neither callable nor a sympy expression; `tail` not a dict.
    ValueError
        No tail declared, a malformed tail, a bad support.

    Examples
    --------
    >>> import numpy as np
    >>> from focaltheory.countable import Law
    >>> law = Law(pmf=lambda k: 0.5 ** (k + 1.0), support=(0, np.inf), tail={"ratio": 0.5, "from": 0})
    >>> float(law.pmf(2))
    0.125
    """

    def __init__(self, pmf, sf=None, support=(0, math.inf), tail=None, *, logpmf=None, name=None):
        if tail is None:
            raise ValueError("tail: a pmf needs a declared tail, e.g. tail={'ratio': r, 'from': k0} "
                             "or tail={'power': s, 'c': 0, 'from': k0}")
        if hasattr(pmf, "pmf") and hasattr(pmf, "support"):
            # a scipy.stats rv_discrete (subclass) instance or frozen law: its pmf, logpmf, sf, support
            dist = pmf
            if support == (0, math.inf):
                with np.errstate(all="ignore"):
                    a0, b0 = dist.support()
                if not (np.isfinite(a0) and b0 == math.inf):
                    raise ValueError(f"pmf: the distribution's support must be (a, inf), got ({a0}, {b0})")
                support = (int(a0), math.inf)
            logpmf = logpmf if logpmf is not None else (lambda k, _d=dist: np.asarray(_d.logpmf(k), dtype=float))
            sf = sf if sf is not None else (lambda K, _d=dist: float(_d.sf(K)))
            pmf = dist.pmf
        pmf = _callable_from(pmf, "pmf")
        try:
            a, b = support
        except (TypeError, ValueError):
            raise ValueError(f"support must be a pair (a, inf), got {support!r}") from None
        if not (isinstance(a, numbers.Integral) or (isinstance(a, float) and a.is_integer())) or b != math.inf:
            raise ValueError(f"support must be (a, inf) with an integer a, got {support!r}")
        self._pmf = pmf
        self._logpmf = logpmf
        self._sf = sf
        self.lo, self.hi = int(a), math.inf
        self.right = _parse_tail(tail, self.lo)
        self.left = None
        self.name = name or "Law"
        self.family = None
        self._sf_err = 0.0  # relative allowance on sf values (0: rigorous by construction)
        self._check_normalized()

    # -- evaluation -------------------------------------------------------
    def logpmf(self, k):
        """log P(k) at integer points k (inside the support)."""
        k = np.asarray(k)
        if self._logpmf is not None:
            return np.asarray(self._logpmf(k), dtype=float)
        with np.errstate(divide="ignore"):
            return np.log(np.asarray(self._pmf(k), dtype=float))

    def pmf(self, k):
        """P(k) at integer points k, exact zeros off the support."""
        k = np.asarray(k)
        inside = (k >= self.lo) & (k <= self.hi) & (np.floor(k) == k)
        kk = np.where(inside, k, max(self.lo, 0) if math.isfinite(self.lo) else 0)
        with np.errstate(under="ignore"):
            vals = np.asarray(self._pmf(kk), dtype=float) if self._pmf is not None else np.exp(self.logpmf(kk))
            out = np.where(inside, vals, 0.0)
        return out[()] if out.ndim == 0 else out

    def _check_normalized(self):
        K = self.right["from"] + 64
        ks = np.arange(self.lo, K + 1)
        head = float(np.sum(np.exp(self.logpmf(ks))))
        tail, _ = self.tail_mass(K)
        total = head + tail
        if not np.isfinite(total) or abs(total - 1.0) > 1e-9:
            raise ValueError(f"pmf: the law's masses sum to {total!r}, not 1")
        if np.any(~np.isfinite(self.logpmf(ks)) & (self.logpmf(ks) > 0)):
            raise ValueError("pmf: values must be finite probabilities")

    # -- tails --------------------------------------------------------------
    def tail_mass(self, K):
        """(m, err): P(X > K) = m within err (rigorous), for K >= the tail's 'from'."""
        if self._sf is not None:
            m = float(self._sf(K))
            return m, abs(m) * self._sf_err + 4 * np.finfo(float).eps * abs(m)
        if "ratio" not in self.right:
            raise ValueError("sf: a power-law tail needs the survival function sf")
        return _ratio_tail_sum(self.logpmf, K, self.right)[:2]


def _callable_from(pmf, name):
    if callable(pmf):
        def f(k, _f=pmf):
            k = np.asarray(k)
            try:
                out = np.asarray(_f(k), dtype=float)
                if out.shape == k.shape:
                    return out
            except Exception:  # a scalar-only callable: applied point by point below
                pass
            return np.asarray([float(_f(int(x))) for x in k.ravel()], dtype=float).reshape(k.shape)
        return f
    try:
        import sympy
    except ImportError:  # pragma: no cover
        sympy = None
    if sympy is not None and isinstance(pmf, sympy.Expr):
        syms = sorted(pmf.free_symbols, key=str)
        if len(syms) != 1:
            raise ValueError(f"{name}: a sympy expression must have exactly one free symbol (k), got {syms}")
        fn = sympy.lambdify(syms[0], pmf, modules=["scipy", "numpy"])
        return lambda k: np.broadcast_to(np.asarray(fn(np.asarray(k, dtype=float)), dtype=float), np.shape(k))
    raise TypeError(f"{name} must be a callable or a sympy expression, got {type(pmf).__name__}")


def _parse_tail(tail, lo):
    if not isinstance(tail, dict):
        raise TypeError(f"tail must be a dict such as {{'ratio': r, 'from': k0}}, got {type(tail).__name__}")
    k0 = int(tail.get("from", lo))
    if "ratio" in tail:
        r = tail["ratio"]
        if not callable(r):
            r = float(r)
            if not 0 <= r < 1:
                raise ValueError(f"tail: the ratio bound must lie in [0, 1), got {r!r}")
        return {"ratio": r, "from": k0}
    if "power" in tail:
        s, c = float(tail["power"]), float(tail.get("c", 0.0))
        if not (s > 1 and c >= 0 and math.isfinite(s) and math.isfinite(c)):
            raise ValueError(f"tail: a power tail needs s > 1 and c >= 0, got s={s!r}, c={c!r}")
        return {"power": s, "c": c, "from": k0, "exact": tail.get("exact")}
    raise ValueError(f"tail: give 'ratio' or 'power', got keys {sorted(tail)}")


def _ratio_at(tail, K):
    r = tail["ratio"]
    return float(r(K)) if callable(r) else r


def _ratio_tail_sum(logpmf, K, tail, extra=None, block=64):
    """P(X > K) by direct summation, and the tail entropy sum_{k>K} -P log P.

    Returns (mass, mass_err, ent, ent_err); the remainder after the summed
    block is bounded by P(K2 + 1) / (1 - r) (mass) and by the geometric
    envelope of x log(1/x) (entropy), see docs/countable.md.
    """
    eps = np.finfo(float).eps
    lo = K + 1
    mass = ent = 0.0
    n = 0
    while True:
        ks = np.arange(lo, lo + block)
        lp = logpmf(ks)
        with np.errstate(under="ignore"):
            p = np.exp(lp)
        mass += float(p.sum())
        ent += float(-(p * lp).sum()) if np.all(np.isfinite(lp)) else float(-(np.where(p > 0, p * lp, 0.0)).sum())
        n += block
        K2 = lo + block - 1
        r = _ratio_at(tail, K2)
        pK2 = float(p[-1])
        rem = pK2 * r / (1.0 - r) if r < 1 else math.inf
        ell = -float(lp[-1])
        rem_ent = pK2 * (r / (1 - r) * ell + r * math.log(1 / r) / (1 - r) ** 2) if 0 < r < 1 else 0.0
        if (rem <= 1e-18 * mass or mass == 0.0 and pK2 == 0.0) and ell > 1:
            break
        lo = K2 + 1
        block *= 2
        if n > (1 << 22):
            break
    merr = rem + (math.log2(n) + 8) * eps * mass
    eerr = rem_ent + (math.log2(n) + 8) * eps * abs(ent)
    return mass + 0.5 * rem, 0.5 * rem + merr, ent + 0.5 * rem_ent, 0.5 * rem_ent + eerr
