"""Euler-Maclaurin tail sums at arbitrary precision, in a given mpmath context.

For f smooth on [K, inf) with f and its derivatives decaying,

    sum_{k >= K} f(k) = int_K^inf f(t) dt + f(K)/2
                        - sum_{j=1}^{M} B_{2j}/(2j)! f^{(2j-1)}(K) + R_M,

and when f^{(2M+1)} and f^{(2M+3)} keep one sign on [K, inf) (true of the
completely monotone-like tails summed here) the remainder R_M has the sign
and at most the size of the first omitted term (Olver, *Asymptotics and
Special Functions*, 1974, ch. 8, sec. 6).  The integral is computed by
tanh-sinh quadrature after a change of variables that makes the decay
exponential: ``t = K exp(u)`` for power tails, ``t = K + u/r`` for
geometric-type tails of rate ``r``; the derivatives at K from the Taylor
coefficients computed by the caller (:mod:`._series`).
"""

__all__ = []  # private module


def _terms_needed(K, digits, M_max):
    """M such that the Euler-Maclaurin terms (2M)!/(2 pi K)^(2M) fall below 10**-digits, or None."""
    import math

    for M in range(1, M_max + 1):
        if math.lgamma(2 * M + 1) - 2 * M * math.log(2 * math.pi * K) < -digits * math.log(10):
            return M
    return None


def _em_tail(ctx, funcs, coeffs, K, M, kind, rate=None):
    """sum_{k >= K} F(k) for each F in ``funcs``; returns (sums, error estimates).

    ``coeffs[i]`` holds the Taylor coefficients of ``funcs[i]`` at K (at
    least 2M + 2 of them), so ``F^(n)(K) = n! coeffs[i][n]`` and the j-th
    correction is ``B_2j/(2j) coeffs[i][2j-1]``.  ``kind`` is "power"
    (integral in u with t = K e^u) or "geometric" (t = K + u/rate).  The
    error estimate is the first omitted correction plus the quadrature's
    own error estimate.
    """
    K = ctx.mpf(K)
    sums, errs = [], []
    corr = [ctx.bernoulli(2 * j) / (2 * j) for j in range(1, M + 2)]
    for F, c in zip(funcs, coeffs):
        if kind == "power":
            integrand = lambda u: F(K * ctx.exp(u)) * K * ctx.exp(u)
        else:
            integrand = lambda u: F(K + u / rate) / rate
        integral, qerr = ctx.quad(integrand, [0, ctx.inf], error=True)
        s = integral + c[0] / 2 - ctx.fsum(corr[j - 1] * c[2 * j - 1] for j in range(1, M + 1))
        sums.append(s)
        errs.append(abs(corr[M] * c[2 * M + 1]) + abs(qerr))
    return sums, errs
