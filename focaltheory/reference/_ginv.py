"""The inversion of g for one class, q = g^-1(exp(L)), in a given mpmath context.

The same mathematics as the reference's one-class inversion (``_class``, on
the charts of ``_scalar``): log g decreases in q, and log g(q) = L is solved
in the chart where it is well conditioned, u = log q when L >= log g(1/2)
(q <= 1/2) and v = log(1 - q) otherwise, by Newton's method safeguarded by
the same explicit brackets.  Written here against an explicit context
``ctx`` (the countable reference computes in a private context per call);
the precision is the one ``ctx`` carries, the tolerance a few units of its
last place.

* chart u:  log g = (gamma - 1) log1p(-q) - u + log(1 - q - gamma q u),
  d log g / du = -N / ((1 - q)(1 - q - gamma q u)),
  N = (1 - q)^2 + 2 gamma q (1 - q) + gamma (1 - gamma) q^2 u;
* chart v:  c = 1 - q, r = -log1p(-c) / c,  log g = gamma v + log(1/q + gamma r),
  d log g / dv = (c/q^2 + 2 gamma/q - gamma (1 - gamma) r) / (1/q + gamma r).
"""

__all__ = []  # private module


def _chart_u(ctx, u, gamma):
    """(q, 1 - q, log g, d log g/du, dq/du) at u = log q."""
    q = ctx.exp(u)
    c = -ctx.expm1(u)
    core = c - gamma * q * u
    lg = (gamma - 1) * ctx.log1p(-q) - u + ctx.log(core)
    num = c * c + 2 * gamma * q * c + gamma * (1 - gamma) * q * q * u
    return q, c, lg, -num / (c * core), q


def _chart_v(ctx, v, gamma):
    """(q, 1 - q, log g, d log g/dv, dq/dv) at v = log(1 - q)."""
    c = ctx.exp(v)
    q = -ctx.expm1(v)
    r = -ctx.log1p(-c) / c
    den = 1 / q + gamma * r
    lg = gamma * v + ctx.log(den)
    dlg = (c / (q * q) + 2 * gamma / q - gamma * (1 - gamma) * r) / den
    return q, c, lg, dlg, -c


class _Root:
    """One solved class: the chart, its variable w, q, 1 - q, log q and dq/dL."""

    __slots__ = ("is_v", "w", "q", "c", "logq", "dq")

    def __init__(self, ctx, is_v, w, gamma):
        chart = _chart_v if is_v else _chart_u
        q, c, _, dlg, dqdw = chart(ctx, w, gamma)
        self.is_v, self.w, self.q, self.c = is_v, w, q, c
        self.logq = ctx.log1p(-c) if is_v else w
        self.dq = dqdw / dlg  # dq/dL, negative

    def loss(self, ctx, gamma):
        """l(q) = -(1-q)^gamma log q, from the chart (no cancellation in 1 - q)."""
        if gamma == 0:
            return -self.logq
        return -ctx.exp(gamma * ctx.log(self.c)) * self.logq


def _ginv(ctx, L, gamma, warm=None):
    """The root of log g(q) = L as a :class:`_Root`; ``warm`` a previous root to start from."""
    half_L = (gamma - 1) * ctx.log(ctx.mpf(1) / 2) + ctx.log(1 + gamma * ctx.log(2))
    is_v = L < half_L
    if gamma == 0:  # g(q) = 1/q
        return _Root(ctx, is_v, ctx.log(-ctx.expm1(-L)) if is_v else -L, gamma)
    if is_v:
        lo = (L - ctx.log(2 + 2 * gamma * ctx.log(2))) / gamma
        hi = min((L - ctx.log1p(gamma)) / gamma, -ctx.log(2))
        guess = (L - ctx.log1p(gamma)) / gamma
    else:
        B = abs(gamma - 1) * ctx.log(2) + ctx.log1p(gamma / ctx.e) + ctx.log(2)
        lo, hi = -L - B, min(-L + B, -ctx.log(2))
        # small q: g(q) = 1/q - gamma (1 + log q) + O(q log q), so q ~ 1/(e^L - gamma (L - 1))
        den = ctx.exp(L) - gamma * (L - 1)
        guess = -ctx.log(den) if den > 2 else -L
    lo = min(lo, hi)
    if warm is not None and warm.is_v == is_v:
        guess = warm.w
    w = min(max(guess, lo), hi)
    chart = _chart_v if is_v else _chart_u
    tol = 4 * ctx.eps
    width = hi - lo
    budget = 10 * ctx.prec + (int(ctx.log(width, 2)) + 1 if width > 1 else 0)
    for _ in range(budget):
        f, d = chart(ctx, w, gamma)[2:4]
        f -= L
        if f == 0:
            break
        if (f < 0) if is_v else (f > 0):
            lo = w
        else:
            hi = w
        new = w - f / d
        if not (lo < new < hi):
            new = (lo + hi) / 2
        done = abs(new - w) <= tol * max(1, abs(w)) or new == w
        w = new
        if done:
            break
    return _Root(ctx, is_v, w, gamma)
