"""Frozen scipy.stats discrete laws as countable laws, with their tails' bounds.

The ratio and power-law bounds are derived in docs/countable.md (section
countable-tails); scipy supplies the log-pmf, and the survival function
where it is a closed form evaluated to a few ulp (otherwise the tail is summed).
"""

import math

import numpy as np
from scipy import special as sc

from .. import _dd

from ._law import Law

__all__ = []


def _params(frozen):
    dist = frozen.dist
    names = [s.strip() for s in (dist.shapes or "").split(",") if s.strip()] + ["loc"]
    vals = dict(zip(names, frozen.args))
    vals.update(frozen.kwds)
    vals.setdefault("loc", 0)
    return vals


def _is_frozen_scipy(obj):
    return hasattr(obj, "dist") and hasattr(obj, "args") and hasattr(obj, "kwds") and hasattr(obj.dist, "name")


def _is_scipy_dist(obj):
    try:
        from scipy.stats import rv_continuous, rv_discrete
    except ImportError:  # pragma: no cover
        return False
    return isinstance(obj, (rv_discrete, rv_continuous))


def _is_countable_input(obj):
    """True for the inputs the countable path takes (no scipy.stats import needed to decide)."""
    return isinstance(obj, Law) or _is_frozen_scipy(obj) or (type(obj).__module__ or "").startswith("scipy.stats")


def _family_tail(name, v, loc):
    """(right tail, left tail or None, sf callable or None, sf relative allowance)."""
    if name == "geom":
        p = v["p"]
        return {"ratio": 1 - p, "from": 1 + loc}, None, lambda K: math.exp((K - loc) * math.log1p(-p)), 0.0
    if name == "poisson":
        mu = v["mu"]
        k0 = int(math.ceil(mu)) + loc
        return {"ratio": lambda K: mu / (K - loc + 1), "from": k0}, None, None, 0.0
    if name == "nbinom":
        n, p = v["n"], v["p"]
        k0 = max(0, int(math.ceil((n * (1 - p) - 1) / p)) + 1) + loc
        if n >= 1:
            r = lambda K: (K - loc + n) * (1 - p) / (K - loc + 1)  # noqa: E731 (decreasing in K)
        else:
            r = 1 - p
        return {"ratio": r, "from": k0}, None, None, 0.0
    if name == "logser":
        return {"ratio": v["p"], "from": 1 + loc}, None, None, 0.0
    if name == "planck":
        return {"ratio": math.exp(-v["lambda_"]), "from": loc}, None, None, 0.0
    if name == "dlaplace":
        r = math.exp(-v["a"])
        return {"ratio": r, "from": loc}, {"ratio": r, "from": loc}, None, 0.0
    if name == "zipf":
        a = v["a"]
        za = float(sc.zeta(a, 1))
        # P(X > K) = zeta(a, K + 1) / zeta(a), Hurwitz zeta to a few ulp
        return ({"power": a, "c": 0.0, "from": 1 + loc, "exact": ("zipf", a, za, loc)}, None,
                lambda K: float(sc.zeta(a, K - loc + 1)) / za, 1e-13)
    if name == "yulesimon":
        al = v["alpha"]
        # P(k + 1) / P(k) = k / (k + alpha + 1) = 1 - (alpha + 1) / (k + alpha + 1); P(X > K) = K B(K, alpha + 1)
        return ({"power": al + 1, "c": al + 1, "from": 1 + loc}, None,
                lambda K: math.exp(math.log(K - loc) + float(sc.betaln(K - loc, al + 1))), 1e-13)
    if name == "betanbinom":
        n, a, b = v["n"], v["a"], v["b"]
        A, s = a + b + n, a + 1
        e = A - n * b  # 1 - ratio = (s k + e) / ((k + 1)(k + A))
        k0 = max(1, int(math.ceil(-e / s)) + 1)
        lim = A + 1 - e / s

        def c_at(K):  # sup_{k >= K} of the c with ratio <= 1 - s / (k + c) (a Moebius map of k)
            return max(0.0, ((A + 1 - e / s) * K + A) / (K + e / s), lim)
        return {"power": s, "c": ("betanbinom", c_at), "from": k0 + loc}, None, None, 1e-10
    return None, None, None, 0.0


_STIRLERR_SMALL = None


def _stirlerr(n):
    """log(n!) - log(sqrt(2 pi n) (n / e)^n), n >= 1 integers (Loader's series beyond 15)."""
    global _STIRLERR_SMALL
    if _STIRLERR_SMALL is None:
        import mpmath as mp

        with mp.workdps(30):
            _STIRLERR_SMALL = np.array([0.0] + [float(mp.log(mp.factorial(k)) - (k + mp.mpf(0.5)) * mp.log(k) + k
                                                      - mp.log(2 * mp.pi) / 2) for k in range(1, 17)])
    n = np.asarray(n, dtype=float)
    small = n <= 16
    nn = np.where(small, 17.0, n)
    n2 = 1.0 / (nn * nn)
    big = (1 / 12 - n2 * (1 / 360 - n2 * (1 / 1260 - n2 * (1 / 1680 - n2 / 1188)))) / nn
    return np.where(small, _STIRLERR_SMALL[np.clip(n, 0, 16).astype(int)], big)


def _bd0(x, m):
    """x log(x / m) + m - x without cancellation (Loader 2000); (hi, lo) to double-double accuracy.

    Where |x - m| < (x + m) / 2 the series d v + 2 x sum_j v^(2j+1) / (2j+1), v = d / (x + m)
    (ratio v^2 <= 1/4, 60 terms), its leading term d^2 / (x + m) in double-double: it carries
    the size of log P far from the mode, whose every ulp counts in P.
    """
    x = np.asarray(x, dtype=float)
    m = float(m)
    dh, dl = _dd.two_sum(x, -m)
    ah, al = _dd.two_sum(x, m)
    d = dh + dl
    near = np.abs(d) < 0.5 * (x + m)
    v = np.where(near, d / (x + m), 0.0)
    # s = d^2 / (x + m) in double-double
    ph, pl = _dd.two_prod(dh, dh)
    pl = pl + 2.0 * dh * dl
    with np.errstate(invalid="ignore", divide="ignore"):
        q1 = ph / ah
        th, tl = _dd.two_prod(q1, ah)
        q2 = ((ph - th) - tl + pl - q1 * al) / ah
    sh, sl = _dd.fast_two_sum(q1, q2)
    ej = 2 * x * v
    v2 = v * v
    acc = np.zeros_like(v)
    for j in range(1, 60):
        ej = ej * v2
        acc = acc + ej / (2 * j + 1)
    # elsewhere x (log x - log m) + (m - x), every piece in double-double
    xs = np.where(x > 0, x, 1.0)
    lxh, lxl = _dd.log_dd(xs, np.zeros_like(xs))
    lmh, lml = _dd.log_dd(np.float64(m), np.float64(0.0))
    rh, rl = _dd.dd_add(lxh, lxl, -lmh, -lml)
    rh, rl = _dd.dd_mul_d(rh, rl, xs)
    fh, fl = _dd.dd_add(rh, rl, -dh, -dl)
    hi = np.where(near, sh, np.where(x > 0, fh, m))
    lo = np.where(near, sl + acc, np.where(x > 0, fl, 0.0))
    return hi, lo


def _stirling_rest(x):
    """lgamma(x) - ((x - 1/2) log x - x + log(2 pi) / 2) for x >= 15 (error below 1e-17 absolute)."""
    x2 = 1.0 / (x * x)
    return (1 / 12 - x2 * (1 / 360 - x2 * (1 / 1260 - x2 * (1 / 1680 - x2 * (1 / 1188 - x2 * 691 / 360360))))) / x


def _lgamma_shift(z, h):
    """lgamma(z + h) - lgamma(z) without cancellation, z >= 16, z + h >= 15 (arrays).

    (z - 1/2) log1p(h / z) + h log(z + h) - h plus the difference of the Stirling rests.
    """
    return ((z - 0.5) * np.log1p(h / z) + h * np.log(z + h) - h
            + _stirling_rest(z + h) - _stirling_rest(z))


def _nbinom_logpmf(n, p, loc):
    """log P(k) of nbinom(n, p): log C(k + n - 1, k) as lgamma(k + n) - lgamma(k + 1) without cancellation."""
    ln_p, ln_q, lgn = n * math.log(p), math.log1p(-p), float(sc.gammaln(n))

    def lp(k):
        k = np.asarray(k) - loc
        kf = np.maximum(k, 0).astype(float)
        big = kf >= 16
        zb = np.where(big, kf + 1.0, 16.0)
        hb = n - 1.0
        with np.errstate(invalid="ignore"):
            shift = np.where(big & (zb + hb >= 15), _lgamma_shift(zb, hb), 0.0)
            small = sc.gammaln(kf + n) - sc.gammaln(kf + 1.0)
        use = big & (zb + hb >= 15)
        out = np.where(use, shift, small) - lgn + ln_p + kf * ln_q
        return np.where(k < 0, -np.inf, out)
    return lp


def _poisson_logpmf(mu, loc):
    """log P(k) of Poisson(mu) to a few ulp of P (no cancellation between k log mu and log k!)."""
    def lp(k):
        k = np.asarray(k) - loc
        kf = np.maximum(k, 1).astype(float)
        bh, bl = _bd0(kf, mu)
        out = (-0.5 * np.log(2 * np.pi * kf) - _stirlerr(kf) - bl) - bh
        out = np.where(k == 0, -mu, out)
        return np.where(k < 0, -np.inf, out)
    return lp


def law_from_scipy(frozen, *, countable_only=True):
    """A :class:`Law` for a frozen scipy.stats discrete law with infinite support.

    Raises TypeError for continuous laws, ValueError for parameters outside
    the domain, finite support (when `countable_only`) or a family whose tail
    has no known bound.
    """
    from scipy.stats import rv_continuous, rv_discrete

    dist = frozen.dist
    if isinstance(dist, rv_continuous):
        raise TypeError(f"law must be a discrete distribution; {dist.name} is continuous")
    if not isinstance(dist, rv_discrete):
        raise TypeError(f"law must be a frozen scipy.stats discrete distribution, got {type(frozen).__name__}")
    v = _params(frozen)
    with np.errstate(all="ignore"):
        a, b = frozen.support()
    if not (np.isfinite(a) or a == -np.inf) or np.isnan(a) or np.isnan(b):
        shown = ", ".join(f"{k}={x!r}" for k, x in v.items())
        raise ValueError(f"law: parameters outside the domain of {dist.name} ({shown})")
    if np.isfinite(b) and np.isfinite(a):
        raise ValueError(f"law: {dist.name} has finite support {{{int(a)}, ..., {int(b)}}}; "
                         "use focaltheory.minimizer on its probabilities (the finite solver)")
    loc = v["loc"]
    if not float(loc).is_integer():
        raise ValueError(f"law: loc must be an integer, got {loc!r}")
    loc = int(loc)
    right, left, sf, allowance = _family_tail(dist.name, v, loc)
    if right is None:
        raise ValueError(f"law: no tail bound is known for scipy.stats.{dist.name}; wrap its pmf and sf in "
                         "focaltheory.countable.Law(pmf=..., sf=..., tail=...) with a declared tail")
    law = Law.__new__(Law)
    law._pmf = None
    law._logpmf = lambda k: np.asarray(frozen.logpmf(k), dtype=float)
    law._sf = sf
    law._sf_err = allowance
    law.lo = int(a) if np.isfinite(a) else -math.inf
    law.hi = math.inf
    law.right, law.left = right, left
    law.family = dist.name
    law.params = {k: x for k, x in v.items() if not (k == "loc" and x == 0)}
    law.name = f"{dist.name}(" + ", ".join(f"{k}={x!r}" for k, x in law.params.items()) + ")"
    law.frozen = frozen
    if dist.name == "poisson":
        law._logpmf = _poisson_logpmf(float(v["mu"]), loc)
    if dist.name == "nbinom":
        law._logpmf = _nbinom_logpmf(float(v["n"]), float(v["p"]), loc)
    if dist.name == "zipf":
        a, lza = float(v["a"]), math.log(right["exact"][2])

        def _zipf_lp(k, _a=a, _l=lza, _loc=loc):
            k = np.asarray(k) - _loc
            with np.errstate(divide="ignore", invalid="ignore"):
                return np.where(k >= 1, -_a * np.log(np.maximum(k, 1).astype(float)) - _l, -np.inf)
        law._logpmf = _zipf_lp
    if dist.name in _EXACT_LOGPMF:
        law._logpmf = _EXACT_LOGPMF[dist.name](v, loc)
    if dist.name == "betanbinom":
        law._sf = lambda K: float(frozen.sf(K))
    return law


def _shifted(loc, lo, form):
    """A log-pmf ``form(k)`` on ``k - loc >= lo``, -inf below (the support's start)."""
    def lp(k):
        k = np.asarray(k) - loc
        kf = np.maximum(k, lo).astype(float)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(k >= lo, form(kf), -np.inf)
    return lp


def _logser_logpmf(v, loc):
    # -p**k / (k log(1 - p)): scipy forms p**k, which underflows to a log of -inf near k = 1000
    p = float(v["p"])
    lp, c = math.log(p), math.log(-math.log1p(-p))
    return _shifted(loc, 1, lambda k: k * lp - np.log(k) - c)


def _planck_logpmf(v, loc):
    # (1 - exp(-lambda)) exp(-lambda k), k >= 0 (scipy's log underflows to -inf for large k)
    lam = float(v["lambda_"])
    c = math.log(-math.expm1(-lam))
    return _shifted(loc, 0, lambda k: c - lam * k)


def _dlaplace_logpmf(v, loc):
    # tanh(a/2) exp(-a |k|) on the integers (scipy's log underflows to -inf for large |k|)
    a = float(v["a"])
    c = math.log(math.tanh(a / 2))

    def lp(k):
        return c - a * np.abs(np.asarray(k) - loc).astype(float)
    return lp


# the families whose scipy log-pmf is the log of an underflowing pmf: written in log form
_EXACT_LOGPMF = {"logser": _logser_logpmf, "planck": _planck_logpmf, "dlaplace": _dlaplace_logpmf}


def finite_support(frozen):
    """(support points, probabilities) of a finite-support frozen scipy law, or None."""
    from scipy.stats import rv_discrete

    if not isinstance(frozen.dist, rv_discrete):
        return None
    with np.errstate(all="ignore"):
        a, b = frozen.support()
    if np.isnan(a) or np.isnan(b) or not (np.isfinite(a) and np.isfinite(b)):
        return None
    k = np.arange(int(a), int(b) + 1)
    return k, np.asarray(frozen.pmf(k), dtype=float)

