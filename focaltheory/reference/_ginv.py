"""The inversion of g for one class at arbitrary precision: q = g^-1(exp(L)) from log g(q) = L.

The one inversion of the reference, used by the finite minimizer (its
safeguarded fallback, in the reference's own context :data:`._context.mp`)
and by the countable minimizer (the head and the tail points, in a private
context per call): it takes its mpmath context ``ctx`` explicitly and works
at the precision ``ctx`` carries.

log g decreases strictly in q (from +inf at 0 to g(1) = 0 for gamma > 0), so
log g(q) = L has one root; L >= log g(1/2) exactly when the root is q <= 1/2.
It is solved in the chart of :mod:`._scalar` where it is well conditioned:

* u = log q when q <= 1/2: a root like q = 1e-1000 is carried to full
  relative precision (q itself never underflows, and 1 - q = -expm1(u) is
  never formed by cancellation).  There
  log g = -u + (gamma - 1) log(1 - q) + log(1 - q - gamma q u), and with
  -q log q <= 1/e and 1 - q >= 1/2 the sum of the last two terms lies within
  B = |gamma - 1| log 2 + log(1 + gamma/e) + log 2 of 0, so the root lies in
  the bracket  -L - B <= u <= min(-L + B, -log 2).  The starting point comes
  from g(q) = 1/q - gamma (1 + log q) + O(q log q) as q -> 0:
  q ~ 1/(e^L - gamma (L - 1)) (the plain u = -L where that denominator is
  at most 2).
* v = log(1 - q) when q > 1/2: a root whose complement is 1e-300 is carried
  to full relative precision.  There log g = gamma v + log(1/q + gamma r),
  r = -log(q)/(1 - q), with 1 < 1/q < 2 and 1 < r < 2 log 2, so the root lies
  in the bracket  (L - log(2 + 2 gamma log 2))/gamma <= v
  <= min((L - log(1 + gamma))/gamma, -log 2), and starts from the limit
  q -> 1 of its upper end, v = (L - log(1 + gamma))/gamma.

In either chart f(w) = log g - L is monotone in w (decreasing in u,
increasing in v), so every evaluation shrinks the bracket; Newton's step is
taken when it stays inside the bracket and bisection otherwise (a step that
rounds to nothing ends the solve: the root is found), so the solve
converges from any start (the bracket's width is about |L|/gamma in the v
chart, 1e300 at gamma = 1e-300: the iteration budget allows bisection down
from it).  A warm start, a previous root in the same chart, replaces the
starting point.  At gamma = 0, g(q) = 1/q and the root is closed-form.
"""

__all__ = []  # private module

from ._scalar import _chart_u, _chart_v


def _log_g_half(ctx, gamma):
    """log g(1/2) = (gamma - 1) log(1/2) + log(1 + gamma log 2): the charts' dividing value of L."""
    return (gamma - 1) * ctx.log(ctx.mpf(1) / 2) + ctx.log(1 + gamma * ctx.log(2))


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


def _ginv(ctx, L, gamma, warm=None, tol=None):
    """The root of log g(q) = L as a :class:`_Root`, by safeguarded Newton in its chart.

    ``warm`` is a previous :class:`_Root` to start from (used when it is in
    the same chart); ``tol`` the relative step at which to stop, by default a
    few units of the last place of ``ctx`` (the step taken last is below it,
    so the root is known to about ``tol`` once Newton converges quadratically).
    """
    is_v = L < _log_g_half(ctx, gamma)
    if gamma == 0:  # g(q) = 1/q
        return _Root(ctx, is_v, ctx.log(-ctx.expm1(-L)) if is_v else -L, gamma)
    if is_v:
        lo = (L - ctx.log(2 + 2 * gamma * ctx.log(2))) / gamma
        hi = min((L - ctx.log1p(gamma)) / gamma, -ctx.log(2))
        guess = (L - ctx.log1p(gamma)) / gamma
    else:
        B = abs(gamma - 1) * ctx.log(2) + ctx.log1p(gamma / ctx.e) + ctx.log(2)
        lo, hi = -L - B, min(-L + B, -ctx.log(2))
        den = ctx.exp(L) - gamma * (L - 1)
        guess = -ctx.log(den) if den > 2 else -L
    lo = min(lo, hi)
    if warm is not None and warm.is_v == is_v:
        guess = warm.w
    w = min(max(guess, lo), hi)
    chart = _chart_v if is_v else _chart_u
    if tol is None:
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
        # w is now an end of the bracket: a Newton step that rounds to nothing (new == w) is convergence,
        # not a step out of the bracket, and must not be replaced by a bisection step
        if new != w and not (lo < new < hi):
            new = (lo + hi) / 2
        done = abs(new - w) <= tol * max(1, abs(w)) or new == w
        w = new
        if done:
            break
    return _Root(ctx, is_v, w, gamma)
