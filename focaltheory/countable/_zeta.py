"""Power sums sum_{k >= N} k^-s (log k)^r with rigorous error bounds (Hurwitz zeta and its s-derivatives).

``zeta_log_sum(s, r, N)`` is (-1)^r d^r/ds^r zeta(s, N) for s > 1, summed by
Euler-Maclaurin from N with M correction terms.  With h(x) = x^-s (log x)^r,
h^(m)(x) = x^(-s-m) p_m(log x), p_0(y) = y^r, p_{m+1} = -(s + m) p_m + p_m';
where p_{2M} keeps its sign on [log N, inf) (checked with Cauchy's bound on
its roots), the remainder after the terms B_2 .. B_{2M-2} is at most
(2 - 2^(1-2M)) |B_{2M}| / (2M)! |h^(2M-1)(N)| (DLMF 2.10.1 and 24.4.33:
B_{2M} - B_{2M}({x}) keeps the sign of B_{2M} and is at most that multiple of
|B_{2M}|).  ``power_log_integral`` is the exact integral of x^-s (b + a log x)^j
beyond K, an upper bound on the sum beyond K of a decreasing summand.
"""

import math

import numpy as np

__all__ = []

_EPS = np.finfo(float).eps
# B_{2j} / (2j)!, j = 1..10
_B_OVER_FACT = [1 / 12, -1 / 720, 1 / 30240, -1 / 1209600, 1 / 47900160, -691 / 1307674368000,
                1 / 74724249600, -3617 / 10670622842880000, 43867 / 5109094217170944000,
                -174611 / 802857662698291200000]


def _next_poly(p, s, m):
    """p_{m+1} from p_m (ascending coefficients in y = log x, plain lists)."""
    r = len(p) - 1
    return [-(s + m) * p[i] + ((i + 1) * p[i + 1] if i < r else 0.0) for i in range(r + 1)]


def _horner(p, y):
    acc = 0.0
    for c in reversed(p):
        acc = acc * y + c
    return acc


def _abs_poly(p, y):
    return sum(abs(c) * y ** i for i, c in enumerate(p))


def zeta_log_sum(s, r, N, M=10, rtol=1e-18):
    """(sum_{k >= N} k^-s (log k)^r, rigorous error bound), s > 1, integer N >= 1, r >= 0.

    Points below a start N0 >= 32 are summed directly; the rest by Euler-Maclaurin with the
    corrections B_2 .. B_{2M'-2}, M' <= M the first whose remainder bound is below rtol of
    the sum (or M).
    """
    N = int(N)
    N0 = max(N, 32)
    direct = 0.0
    if N0 > N:
        k = np.arange(N, N0, dtype=float)
        direct = float(np.sum(k ** -s * np.log(k) ** r))
    Y = math.log(N0)
    sig = s - 1.0
    # the integral: N^(1 - s) sum_t r! / (r - t)! Y^(r - t) / sig^(t + 1)
    integral = 0.0
    fall = 1.0
    for t in range(r + 1):
        integral += fall * Y ** (r - t) / sig ** (t + 1)
        fall *= (r - t)
    integral *= N0 ** (1.0 - s)
    p = [0.0] * r + [1.0]
    terms = [integral, 0.5 * N0 ** -s * _horner(p, Y)]
    polys = [p]
    for m in range(2 * M):
        polys.append(_next_poly(polys[-1], s, m))
    rem = math.inf
    for Mi in range(2, M + 1):
        # terms B_2 .. B_{2Mi - 2} taken; the remainder needs p_{2 Mi} of one sign on [Y, inf):
        # its leading term dominates the others at Y (y^-r times the difference increases)
        j = Mi - 1
        terms.append(-_B_OVER_FACT[j - 1] * N0 ** (-s - 2 * j + 1) * _horner(polys[2 * j - 1], Y))
        p2M = polys[2 * Mi]
        if r > 0 and not abs(p2M[-1]) * Y ** r > _abs_poly(p2M[:-1], Y):
            continue
        hmax = N0 ** (-s - 2 * Mi + 1) * _abs_poly(polys[2 * Mi - 1], Y)
        rem = (2.0 - 2.0 ** (1 - 2 * Mi)) * abs(_B_OVER_FACT[Mi - 1]) * hmax
        if rem <= rtol * abs(integral):
            break
    total = direct + math.fsum(terms)
    if not math.isfinite(rem):
        return total, math.inf
    # rounding: the integral within (3 + 5 r) ulp (a power, r + 1 products and quotients per
    # term), each correction within (12 + 4 r) ulp (powers, the polynomial, the products), the
    # direct block within (log2(n) + 4 + 2 r) ulp of its sum; fsum rounds once
    nd = max(N0 - N, 1)
    rnd = ((3 + 5 * r) * abs(integral) + (12 + 4 * r) * sum(abs(t) for t in terms[1:])
           + (math.log2(nd) + 4 + 2 * r) * abs(direct) + abs(total)) * _EPS
    return total, rem + rnd


def power_log_integral(s, a, b, j, K):
    """int_K^inf x^-s (b + a log x)^j dx for s > 1, a >= 0, b + a log K >= 0 (exact, every term >= 0)."""
    sig = s - 1.0
    v = b + a * math.log(K)
    out = 0.0
    fall = 1.0
    for t in range(j + 1):
        out += fall * (a / sig) ** t * v ** (j - t) / sig
        fall *= (j - t)
    return out * K ** (-sig)
