"""Laws on countable supports written in mpmath, from a frozen scipy.stats law's parameters.

Only the parameters of the frozen law are read (``law.dist.name``,
``law.args``, ``law.kwds``, ``loc``); the probability mass function is
rewritten here in mpmath, never taken from scipy's double-precision pmf.
Each family gives ``log P`` as an analytic function of a real argument
``t`` (the continuous extension through log-gamma and log-beta functions,
used by the Euler-Maclaurin tail sums), its support, and the kind of its
right tail:

* light tails (geom, poisson, nbinom, logser, planck, dlaplace): a ratio
  bound ``rho(k) >= sup_{j >= k} P(j+1)/P(j)``, so that
  ``sum_{j > k} P(j) <= P(k+1) / (1 - rho(k+1))`` when ``rho < 1``;
* power tails (zipf, yulesimon, betanbinom): ``P(k) ~ C k**(-s)``, summed by
  Euler-Maclaurin.

The helpers take the mpmath context ``ctx`` to compute in (the caller's
private context, at the precision it has set).
"""

import numbers

__all__ = []  # private module

# name: (shape names, support start without loc, two-sided, tail kind)
_FAMILIES = {
    "geom": (("p",), 1, False, "light"),
    "poisson": (("mu",), 0, False, "light"),
    "nbinom": (("n", "p"), 0, False, "light"),
    "logser": (("p",), 1, False, "light"),
    "planck": (("lambda_",), 0, False, "light"),
    "dlaplace": (("a",), 0, True, "light"),
    "zipf": (("a",), 1, False, "power"),
    "yulesimon": (("alpha",), 1, False, "power"),
    "betanbinom": (("n", "a", "b"), 0, False, "power"),
}


class _Law:
    """A law of one family with mpf parameters in context ``ctx``; ``k`` counts from the support start (loc removed)."""

    def __init__(self, ctx, name, params, loc):
        self.ctx, self.name, self.params, self.loc = ctx, name, params, loc
        _, self.start, self.two_sided, self.tail = _FAMILIES[name]
        self._const = self._log_constant()

    # -- the pmf ---------------------------------------------------------
    def _log_constant(self):
        ctx, p = self.ctx, self.params
        n = self.name
        if n == "geom":
            return ctx.log(p["p"])
        if n == "poisson":
            return -p["mu"]
        if n == "nbinom":
            return p["n"] * ctx.log(p["p"]) - ctx.loggamma(p["n"])
        if n == "logser":
            return -ctx.log(-ctx.log1p(-p["p"]))
        if n == "planck":
            return ctx.log(-ctx.expm1(-p["lambda_"]))
        if n == "dlaplace":
            return ctx.log(ctx.tanh(p["a"] / 2))
        if n == "zipf":
            return -ctx.log(ctx.zeta(p["a"]))
        if n == "yulesimon":
            return ctx.log(p["alpha"]) + ctx.loggamma(p["alpha"] + 1)
        if n == "betanbinom":
            a, b, m = p["a"], p["b"], p["n"]
            return -ctx.loggamma(m) + ctx.loggamma(a + m) - _lbeta(ctx, a, b)
        raise AssertionError(n)

    def logpmf(self, t):
        """log P at the (real) point t of the support, t >= start (|t| for two-sided laws)."""
        ctx, p, n = self.ctx, self.params, self.name
        c = self._const
        if n == "geom":
            return c + (t - 1) * ctx.log1p(-p["p"])
        if n == "poisson":
            return c + t * ctx.log(p["mu"]) - ctx.loggamma(t + 1)
        if n == "nbinom":
            return c + _lgamma_ratio(ctx, t, p["n"], 1) + t * ctx.log1p(-p["p"])
        if n == "logser":
            return c + t * ctx.log(p["p"]) - ctx.log(t)
        if n == "planck":
            return c - p["lambda_"] * t
        if n == "dlaplace":
            return c - p["a"] * abs(t)
        if n == "zipf":
            return c - p["a"] * ctx.log(t)
        if n == "yulesimon":
            return c + _lgamma_ratio(ctx, t, 0, p["alpha"] + 1)
        if n == "betanbinom":
            m, a, b = p["n"], p["a"], p["b"]
            # C(n+t-1, t) B(a+n, b+t) / B(a, b)
            return c + _lgamma_ratio(ctx, t, m, 1) + _lgamma_ratio(ctx, t, b, a + m + b)
        raise AssertionError(n)

    def logpmf_series(self, x, n):
        """The n Taylor coefficients of log P(x + h) in h (x a point of the support, x > 0)."""
        from ._series import _lgamma_series, _log_series

        ctx, p, name = self.ctx, self.params, self.name
        lin = {"geom": lambda: ctx.log1p(-p["p"]), "planck": lambda: -p["lambda_"], "dlaplace": lambda: -p["a"]}
        zero = [ctx.zero] * n
        if name in lin:
            return [self.logpmf(x), lin[name]()] + zero[2:]

        def add(*series):
            return [ctx.fsum(c) for c in zip(*series)]

        def lg(y, sign=1):
            return [sign * c for c in _lgamma_series(ctx, y, n)]

        const = [self._const] + zero[1:]
        if name == "poisson":
            return add(const, [x * ctx.log(p["mu"]), ctx.log(p["mu"])] + zero[2:], lg(x + 1, -1))
        if name == "nbinom":
            return add(const, lg(x + p["n"]), lg(x + 1, -1), [x * ctx.log1p(-p["p"]), ctx.log1p(-p["p"])] + zero[2:])
        if name == "logser":
            return add(const, [x * ctx.log(p["p"]), ctx.log(p["p"])] + zero[2:],
                       [-c for c in _log_series(ctx, x, n)])
        if name == "zipf":
            return add(const, [-p["a"] * c for c in _log_series(ctx, x, n)])
        if name == "yulesimon":
            return add(const, lg(x), lg(x + p["alpha"] + 1, -1))
        if name == "betanbinom":
            m, a, b = p["n"], p["a"], p["b"]
            return add(const, lg(m + x), lg(x + 1, -1), lg(b + x), lg(x + a + m + b, -1))
        raise AssertionError(name)

    def mode(self):
        """A point at or beyond which P decreases (an upper bound on the mode)."""
        ctx, p, n = self.ctx, self.params, self.name
        if n == "poisson":
            return int(ctx.floor(p["mu"]))
        if n == "nbinom":
            return max(0, int(ctx.ceil((p["n"] - 1) * (1 - p["p"]) / p["p"])))
        if n == "betanbinom":
            # P(k+1)/P(k) = (n+k)(b+k) / ((k+1)(k+a+n+b)) <= 1 once k >= (n b - a - n - b) / (a + 1)
            m, a, b = p["n"], p["a"], p["b"]
            return max(0, int(ctx.ceil((m * b - a - m - b) / (a + 1))) + 1)
        return self.start

    def ratio_bound(self, k):
        """rho >= P(j+1)/P(j) for every j >= k (light tails), or None where no bound below 1 is known."""
        ctx, p, n = self.ctx, self.params, self.name
        if n == "geom":
            return 1 - p["p"]
        if n == "planck":
            return ctx.exp(-p["lambda_"])
        if n == "dlaplace":
            return ctx.exp(-p["a"])
        if n == "logser":  # p j / (j + 1) increases to p
            return p["p"]
        if n == "poisson":  # mu / (j + 1) decreases
            r = p["mu"] / (k + 1)
            return r if r < 1 else None
        if n == "nbinom":  # (j + n)(1 - p)/(j + 1): decreasing in j for n >= 1, increasing to 1 - p for n < 1
            r = (1 - p["p"]) * max(ctx.one, (k + p["n"]) / (k + 1))
            return r if r < 1 else None
        return None

    def left_ratio_bound(self, k):
        """rho >= P(j-1)/P(j) for every start < j <= k, or None (used to skip a far left tail)."""
        ctx, p, n = self.ctx, self.params, self.name
        if n == "poisson":  # j / mu increases in j
            r = k / p["mu"]
            return r if r < 1 else None
        if n == "nbinom" and p["n"] >= 1:  # j / ((j - 1 + n)(1 - p)) increases in j for n >= 1
            r = k / ((k - 1 + p["n"]) * (1 - p["p"])) if k >= 1 else None
            return r if r is not None and r < 1 else None
        return None


def _lgamma_ratio(ctx, t, a, b):
    """log Gamma(t + a) - log Gamma(t + b) without the cancellation of the two logs at large t.

    Below t = 2000 the difference is formed with 24 more bits (each log
    Gamma is below 2^24 in size there); beyond, the asymptotic expansion
    (a - b) log t + sum_{n >= 1} (-1)^(n+1) (B_{n+1}(a) - B_{n+1}(b)) / (n (n+1) t^n)
    (Bernoulli polynomials; DLMF 5.11.13), summed while its terms decrease,
    to the working precision.
    """
    if t < 2000:
        with ctx.extraprec(24):
            return +(ctx.loggamma(t + a) - ctx.loggamma(t + b))
    s = (a - b) * ctx.log(t)
    small = 0  # consecutive negligible terms (single terms vanish where a Bernoulli polynomial does)
    last = None  # the last nonzero term
    for n in range(1, 10 * ctx.prec):
        term = (-1) ** (n + 1) * (ctx.bernpoly(n + 1, a) - ctx.bernpoly(n + 1, b)) / (n * (n + 1) * t ** n)
        if term != 0 and last is not None and abs(term) > abs(last):
            raise ArithmeticError("the asymptotic series of log Gamma(t + a)/Gamma(t + b) diverges before "
                                  "reaching the working precision")
        s += term
        small = small + 1 if abs(term) <= ctx.eps * max(1, abs(s)) else 0
        if small == 2:
            break
        last = term if term != 0 else last
    return s


def _lbeta(ctx, a, b):
    return ctx.loggamma(a) + ctx.loggamma(b) - ctx.loggamma(a + b)


def _law_spec(law):
    """(family name, {shape: float}, integer loc) of a frozen scipy.stats law; TypeError/ValueError otherwise."""
    dist = getattr(law, "dist", None)
    if dist is None or not hasattr(law, "args") or not hasattr(law, "kwds"):
        raise TypeError(f"law must be a frozen scipy.stats discrete distribution, got {type(law).__name__}")
    name = getattr(dist, "name", None)
    if not hasattr(dist, "pmf"):
        raise TypeError(f"law must be a discrete distribution (with a pmf), got the continuous {name!r}")
    if name not in _FAMILIES:
        raise ValueError(f"law: the family {name!r} is not supported by the countable reference "
                         f"(supported: {', '.join(sorted(_FAMILIES))})")
    shapes = _FAMILIES[name][0]
    args, kwds = list(law.args), dict(law.kwds)
    names = list(shapes) + ["loc"]
    if len(args) > len(names):
        raise TypeError(f"law: too many parameters for {name}: {law.args}")
    values = dict(zip(names, args))
    for key, v in kwds.items():
        if key not in names or key in values:
            raise TypeError(f"law: unexpected or repeated parameter {key!r} for {name}")
        values[key] = v
    missing = [s for s in shapes if s not in values]
    if missing:
        raise TypeError(f"law: missing parameter(s) {missing} for {name}")
    out = {}
    for s in shapes:
        v = values[s]
        if isinstance(v, bool) or not isinstance(v, numbers.Real):
            raise TypeError(f"law parameter {s} must be a real number, got {type(v).__name__}")
        out[s] = float(v)
    loc = values.get("loc", 0)
    if isinstance(loc, bool) or not isinstance(loc, numbers.Real) or float(loc) != int(loc):
        raise ValueError(f"law parameter loc must be an integer, got {loc!r}")
    _check_domain(name, out)
    return name, out, int(loc)


def _check_domain(name, v):
    def need(cond, what):
        if not cond:
            raise ValueError(f"law parameter {what} for {name}, got {v}")

    for s, x in v.items():
        need(x == x and abs(x) != float("inf"), f"{s} must be finite")
    if name in ("geom", "logser"):
        need(0 < v["p"] < 1, "p must lie in (0, 1) (p = 1 has a finite support)")
    elif name == "nbinom":
        need(v["n"] > 0, "n must be positive")
        need(0 < v["p"] < 1, "p must lie in (0, 1) (p = 1 has a finite support)")
    elif name == "poisson":
        need(v["mu"] > 0, "mu must be positive")
    elif name == "planck":
        need(v["lambda_"] > 0, "lambda_ must be positive")
    elif name == "dlaplace":
        need(v["a"] > 0, "a must be positive")
    elif name == "zipf":
        need(v["a"] > 1, "a must exceed 1")
    elif name == "yulesimon":
        need(v["alpha"] > 0, "alpha must be positive")
    elif name == "betanbinom":
        need(v["n"] > 0 and v["a"] > 0 and v["b"] > 0, "n, a and b must be positive")


def _make_law(ctx, spec):
    """The _Law of a parsed spec, its parameters converted exactly (binary floats) in ``ctx``."""
    name, vals, loc = spec
    return _Law(ctx, name, {s: ctx.mpf(x) for s, x in vals.items()}, loc)
