"""The inversion of g for one class at arbitrary precision: q from log g(q) = L.

log g decreases in q, so log g(q) = L has one root, found in the chart where it
is well conditioned (see _scalar): u = log q when L >= log g(1/2), v = log(1 - q)
otherwise, by safeguarded Newton inside explicit brackets.  Works at the
working precision of the reference's own mpmath context (set by the caller
from its ``dps``), to the relative tolerance ``tol`` it is given.
"""

from ._context import mp

from ._scalar import _chart_u, _chart_v


def _solve_class_mp(L, gamma, tol, w0=None, chart0=None):
    """Full-precision safeguarded Newton for log g(q) = L; returns (is_v, w)."""
    half = mp.mpf(1) / 2
    L_half = (gamma - 1) * mp.log(half) + mp.log(1 + gamma * mp.log(2))
    is_v = L < L_half
    if is_v:
        lo = (L - mp.log(2 + 2 * gamma * mp.log(2))) / gamma
        hi = min((L - mp.log1p(gamma)) / gamma, -mp.log(2))
        guess = (L - mp.log1p(gamma)) / gamma
    else:
        B = abs(gamma - 1) * mp.log(2) + mp.log1p(gamma / mp.e) + mp.log(2)
        lo, hi = -L - B, min(-L + B, -mp.log(2))
        guess = -L
    lo = min(lo, hi)
    if w0 is not None and chart0 == is_v:
        guess = w0
    w = min(max(guess, lo), hi)
    chart = _chart_v if is_v else _chart_u
    # bisection may be needed all the way down from the bracket's width
    # (about |L| / gamma in the v chart: 1e300 at gamma = 1e-300)
    width = hi - lo
    budget = 10 * mp.prec + (int(mp.log(width, 2)) + 1 if width > 1 else 0)
    for _ in range(budget):
        f, d = chart(w, gamma)[2:4]
        f -= L
        if (f < 0) if is_v else (f > 0):
            lo = w
        else:
            hi = w
        new = w - f / d
        if not (lo < new < hi):
            new = (lo + hi) / 2
        if abs(new - w) <= tol * max(1, abs(w)) or new == w:
            return is_v, new
        w = new
    return is_v, w
