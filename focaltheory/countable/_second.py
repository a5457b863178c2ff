"""Second-order tail sums for a zeta (zipf) tail, with a proven remainder bound.

With eps = P(k) / lambda, Lam = log(1 / eps), w = Q*(k) / eps solves
w = F(eps w), F(q) = (1 - q)^gamma + gamma q (1 - q)^(gamma - 1) log(1 / q), and

    w = 1 + gamma eps (Lam - 1) + eps^2 [gamma^2 (Lam - 1)(Lam - 2) - gamma (gamma - 1)(Lam - 1/2)] + D,
    l(Q*) = Lam - gamma eps (2 Lam - 1)
            + eps^2 [gamma^2 (Lam - 1)(5 - 3 Lam) / 2 + gamma (gamma - 1)(3 Lam - 1) / 2] + E,

with |D|, |E| <= eps^3 Phi(Lam + 1), Phi a polynomial of degree <= 4 with
nonnegative coefficients whose other factors increase with eps (derived in
docs/countable.md, section countable-second-order).  Beyond a cut K the ratio
Phi / (Lam + 1)^4 is largest at K, so the tail remainders are at most
C_K sum_{k>K} eps^4 (Lam + 1)^4 (times lambda for the value), summed by the
exact integral of the decreasing envelope.  The sums of P^j Lam^i over the
tail are Hurwitz-zeta sums and their s-derivatives (``_zeta``).
"""

import math

import numpy as np

from ._zeta import power_log_integral, zeta_log_sum

__all__ = []

_EPS = np.finfo(float).eps


def zipf_data(a, za, N):
    """Gamma-free sums Z[(j, r)] = sum_{k >= N} k^(-j a) (log k)^r and their error bounds."""
    Z, Ze = {}, {}
    for j, rs in ((1, (0, 1)), (2, (0, 1)), (3, (0, 1, 2))):
        for r in rs:
            Z[(j, r)], Ze[(j, r)] = zeta_log_sum(j * a, r, N)
    return dict(a=a, za=za, N=N, Z=Z, Ze=Ze)


def _moment(zd, j, i, c):
    """(sum_{k>=N} P^j Lam^i, error bound), Lam = c + a log k, P = k^-a / zeta(a)."""
    a, za = zd["a"], zd["za"]
    tot = err = absum = 0.0
    for r in range(i + 1):
        coef = math.comb(i, r) * c ** (i - r) * a ** r
        t = coef * zd["Z"][(j, r)]
        tot += t
        absum += abs(t)
        err += abs(coef) * zd["Ze"][(j, r)]
    s = za ** -j
    return tot * s, (err + (2 * i + 3) * _EPS * absum) * s


def remainder_constants(eK, G):
    """(C_D, C_V, ok): |D| <= C_D eps^3 (Lam+1)^4, |E| <= C_V eps^3 (Lam+1)^4 for every eps <= eK.

    ``ok`` is False where the derivation's conditions fail at eK
    (eta <= 1/4, gamma eps (Lam + 1) <= 1/4, Lam >= 2, 1 / eps >= 4 + 2 gamma).
    """
    g = G
    LpK = math.log(1.0 / eK) + 1.0
    g2 = g if g >= 1 else 2.0 * g
    nK = 2.0 * g2 * eK * LpK  # |w - 1| <= eta = 2 gamma_2 eps (Lam + 1)
    div = 1.0 - g * eK * LpK
    # (these imply the first-order conditions L >= 4 + 2 gamma and x <= 1/2 behind |w - 1| <= eta)
    ok = nK <= 0.25 and div >= 0.75 and LpK >= 3.0 and 1.0 / eK >= 4.0 + 2.0 * g
    if not ok:
        return math.inf, math.inf, False
    c2, c3 = abs(g * (g - 1)), abs(g * (g - 1) * (g - 2))
    Mf = (1.0 - eK * (1.0 + nK)) ** -3 if g < 3 else 1.0
    e, Lp = eK, LpK
    n = 2.0 * g2 * e * Lp
    E2 = g * g * Lp * Lp + c2 * Lp  # |e2| <= eps^2 E2
    e2 = e * e * E2
    t1 = e2 * g * e * Lp
    t2 = g * e * n * n
    t3 = g * e * n * n * (1 + nK) / (2 * (1 - nK))
    t4 = c2 * e * e * ((2 + nK) * n * Lp + (1 + nK) ** 2 * n / (1 - nK))
    t5 = Mf * c3 * e ** 3 * (1 + nK) ** 3 * (1 / 6 + Lp / 2)
    D = (t1 + t2 + t3 + t4 + t5) / div
    d2 = e2 + D  # |w - 1 - d1| <= delta_2
    # the value: l = A B, A = (1 - q)^gamma, B = log(1/q) = Lam - log w
    C2 = c2 / 2
    AmA2 = g * e * d2 + C2 * e * e * n * (2 + nK) + c3 / 6 * Mf * e ** 3 * (1 + nK) ** 3
    Bmax = Lp
    A2max = 1 + g * e + g * g * e * e * Lp + C2 * e * e
    BmB2 = D + d2 * (n + g * e * Lp) / 2 + n ** 3 / (3 * (1 - nK))
    a2, b1 = g * g * Lp + C2, g * Lp
    b2 = E2 + g * g * Lp * Lp / 2
    trunc = e ** 3 * (g * b2 + a2 * b1) + e ** 4 * a2 * b2
    V = AmA2 * Bmax + A2max * BmB2 + trunc
    norm = e ** 3 * Lp ** 4
    # a few ulp of slack for the evaluation of these bounds themselves
    return D / norm * (1 + 1e-12), V / norm * (1 + 1e-12), True


def zipf_bracket(zd, u, G, P1):
    """(Tc, Tw, dTc, Vc, Vw, valid) of the zipf tail k >= N at log lambda = u, vectorized over (u, G)."""
    u = np.atleast_1d(np.asarray(u, dtype=float))
    G = np.atleast_1d(np.asarray(G, dtype=float))
    u, G = np.broadcast_arrays(u, G)
    a, za, N = zd["a"], zd["za"], zd["N"]
    out = [np.empty(u.shape) for _ in range(5)]
    valid = np.zeros(u.shape, dtype=bool)
    lz = math.log(za)
    for idx in np.ndindex(u.shape):
        uu, g = float(u[idx]), float(G[idx])
        lam = math.exp(uu)
        c = uu + lz
        m, me = _moment(zd, 1, 0, c)
        S11, S11e = _moment(zd, 1, 1, c)
        S20, S20e = _moment(zd, 2, 0, c)
        S21, S21e = _moment(zd, 2, 1, c)
        S30, S30e = _moment(zd, 3, 0, c)
        S31, S31e = _moment(zd, 3, 1, c)
        S32, S32e = _moment(zd, 3, 2, c)
        gg, c2 = g * g, g * (g - 1)
        t1 = g / lam * (S21 - S20)
        t2 = (gg * (S32 - 3 * S31 + 2 * S30) - c2 * (S31 - 0.5 * S30)) / lam ** 2
        Tc = (m + t1 + t2) / lam
        Terr = (me + g / lam * (S21e + S20e)
                + (gg * (S32e + 3 * S31e + 2 * S30e) + abs(c2) * (S31e + 0.5 * S30e)) / lam ** 2) / lam
        Terr += 4 * _EPS * (abs(m) + abs(t1) + abs(t2)) / lam
        v1 = g / lam * (2 * S21 - S20)
        v2 = (0.5 * gg * (-3 * S32 + 8 * S31 - 5 * S30) + 0.5 * c2 * (3 * S31 - S30)) / lam ** 2
        Vc = S11 - v1 + v2
        Verr = (S11e + g / lam * (2 * S21e + S20e)
                + (0.5 * gg * (3 * S32e + 8 * S31e + 5 * S30e) + 0.5 * abs(c2) * (3 * S31e + S30e)) / lam ** 2)
        Verr += 8 * _EPS * (abs(S11) + abs(v1) + abs(v2))
        eK = P1 / lam
        if g == 0:
            ok, CD, CV = True, 0.0, 0.0
        else:
            CD, CV, ok = remainder_constants(eK, g)
        if ok and g > 0:
            # sum_{k>=N} eps^4 (Lam+1)^4 <= lambda^-4 zeta^-4 int_{N-1}^inf x^(-4a) (c + 1 + a log x)^4 dx
            b = c + 1.0
            lo = max(N - 1, 1)
            if b + a * math.log(lo) >= 0 and 4 * a * (b + a * math.log(lo)) >= 4 * a:
                I4 = power_log_integral(4 * a, a, b, 4, lo) / (lam * za) ** 4
            else:
                I4, ok = math.inf, False
            Terr += CD * I4
            Verr += CV * lam * I4
        out[0][idx], out[1][idx], out[2][idx], out[3][idx], out[4][idx] = Tc, Terr, -Tc, Vc, Verr
        valid[idx] = ok
    return (*out, valid)
