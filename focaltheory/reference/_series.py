"""Truncated power series in mpmath, and the Taylor series of q(t) = g^-1(lambda/P(t)) at a point.

A series is the list of its coefficients ``[a_0, a_1, ...]`` in powers of
``h`` (all of one length n).  The Euler-Maclaurin tail sums need the
derivatives of ``q(K + h)`` at h = 0 to high order; they come from solving
``log g(e^U(h)) = ell - log P(K + h)`` for the series ``U = log q`` by
Newton's method on series (each step doubles the number of correct
coefficients), in the chart u = log q of the one-class inversion:
``log g = (gamma - 1) log(1 - e^u) - u + log(1 - e^u - gamma e^u u)``.
No finite differences: the coefficients are exact to the working precision.
"""

__all__ = []  # private module


def _mul(ctx, a, b):
    n = len(a)
    return [ctx.fsum(a[i] * b[k - i] for i in range(k + 1)) for k in range(n)]


def _div(ctx, a, b):
    n = len(a)
    c = []
    for k in range(n):
        c.append((a[k] - ctx.fsum(c[i] * b[k - i] for i in range(k))) / b[0])
    return c


def _exp(ctx, a):
    """exp of a series: E' = A' E."""
    e = [ctx.exp(a[0])]
    for k in range(1, len(a)):
        e.append(ctx.fsum(j * a[j] * e[k - j] for j in range(1, k + 1)) / k)
    return e


def _log(ctx, a, log_a0=None):
    """log of a series with a_0 > 0: L' = A'/A; ``log_a0`` overrides log(a_0) (computed without cancellation)."""
    l = [ctx.log(a[0]) if log_a0 is None else log_a0]
    for k in range(1, len(a)):
        l.append((k * a[k] - ctx.fsum(j * l[j] * a[k - j] for j in range(1, k))) / (k * a[0]))
    return l


def _lgamma_series(ctx, x, n):
    """log Gamma(x + h) = log Gamma(x) + psi(x) h + sum_{k >= 2} (-1)^k zeta(k, x) h^k / k."""
    return [ctx.loggamma(x), ctx.psi(0, x)] + [(-1) ** k * ctx.zeta(k, x) / k for k in range(2, n)]


def _log_series(ctx, x, n):
    """log(x + h) = log x + sum_{k >= 1} (-1)^(k+1) h^k / (k x^k)."""
    return [ctx.log(x)] + [(-1) ** (k + 1) / (k * x ** k) for k in range(1, n)]


def _q_series(ctx, R, gamma, u0):
    """Series U, Q = e^U, 1 - Q and d log g/du at U, for log g(e^U) = R (the last two from the last sweep).

    ``u0`` is the root at h = 0 (in the chart u, q <= 1/2).
    """
    n = len(R)
    U = [u0] + [ctx.zero] * (n - 1)
    # each Newton step on series doubles the number of correct coefficients (the first is u0)
    for _ in range(max(1, (n - 1).bit_length()) + 1):
        Q = _exp(ctx, U)
        C = [-ctx.expm1(U[0])] + [-x for x in Q[1:]]  # 1 - Q, its constant term without cancellation
        L1 = _log(ctx, C, ctx.log1p(-Q[0]))
        QU = _mul(ctx, Q, U)
        core = [a - gamma * b for a, b in zip(C, QU)]
        F = [(gamma - 1) * a - b + c for a, b, c in zip(L1, U, _log(ctx, core))]
        N = [a + 2 * gamma * b + gamma * (1 - gamma) * c
             for a, b, c in zip(_mul(ctx, C, C), _mul(ctx, Q, C), _mul(ctx, Q, QU))]
        dF = [-x for x in _div(ctx, N, _mul(ctx, C, core))]
        step = _div(ctx, [a - b for a, b in zip(F, R)], dF)
        U = [a - b for a, b in zip(U, step)]
    return U, _exp(ctx, U), C, dF
