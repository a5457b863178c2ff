"""Checks of the theory on countable alphabets (docs/theory.md, section theory-countable).

The laws are frozen scipy.stats discrete laws with infinite support (and user
:class:`focaltheory.countable.Law` objects for mixtures); the double-precision
path is reached through ``impl.minimizer`` and ``impl.focal_entropy`` (which
dispatch laws), the 50-digit reference through ``impl.countable_minimizer_mp``
and ``impl.countable_pmf_mp`` where the implementation carries them (a
:class:`CountableImpl`), and the witnesses that no package function computes
(the mass S(lambda), laws with infinite entropy, the block mixtures of the
total-variation witness) are computed here, independently, with the scalar
functions ``impl.g_mp`` and ``impl.focal_loss_mp`` or a vectorized bisection
for g^-1 in doubles.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import mpmath
import numpy as np
from mpmath import mp
from scipy import stats

from .. import _generated as _gen
from ..countable import Law
from ..reference import countable_minimizer_mp, countable_pmf_mp
from ._framework import Impl, _Worst
from ._tolerances import EPS, TINY, reference_tol

__all__ = ["CountableImpl"]


@dataclass(frozen=True)
class CountableImpl(Impl):
    """:class:`Impl` with the countable 50-digit reference (replace a field to test a wrong variant)."""

    countable_minimizer_mp: Callable = countable_minimizer_mp
    countable_pmf_mp: Callable = countable_pmf_mp


def _ref(impl):
    return getattr(impl, "countable_minimizer_mp", countable_minimizer_mp)


def _ref_pmf(impl):
    return getattr(impl, "countable_pmf_mp", countable_pmf_mp)


def _name(law):
    if isinstance(law, Law):
        return law.name
    args = ", ".join(f"{a:g}" for a in law.args)
    kw = "".join(f", {k}={v:g}" for k, v in law.kwds.items())
    return f"{law.dist.name}({args}{kw})"


# ---------------------------------------------------------------------------
# g^-1 and the mass S(lambda), computed here
# ---------------------------------------------------------------------------

def _ginv_np(L, gamma):
    """g^-1(L) in doubles, elementwise: bisection in the log-odds z (g decreasing in z), 80 steps."""
    L = np.asarray(L, dtype=float)
    lo = np.full(L.shape, -745.0)
    hi = np.full(L.shape, 40.0)
    t = np.log(L)
    for _ in range(80):
        z = 0.5 * (lo + hi)
        q = 1.0 / (1.0 + np.exp(-z))
        c = 1.0 / (1.0 + np.exp(z))
        v = _gen.log_g(q, c, gamma)
        lo, hi = np.where(v > t, z, lo), np.where(v > t, hi, z)
    z = 0.5 * (lo + hi)
    return 1.0 / (1.0 + np.exp(-z))


def _ginv_mp(L, gamma, g_mp):
    """g^-1(L) at the working precision (bisection then secant on log g in log-odds)."""
    L = mpmath.mpf(L)
    t = mp.log(L)

    def f(z):
        q = 1 / (1 + mp.exp(-z))
        return mp.log(g_mp(q, gamma)) - t

    lo, hi = mpmath.mpf(-2000), mpmath.mpf(80)
    for _ in range(40):
        mid = (lo + hi) / 2
        if f(mid) > 0:
            lo = mid
        else:
            hi = mid
    z = mp.findroot(f, (lo, hi), solver="anderson")
    return 1 / (1 + mp.exp(-z))


def _head_tail(law, tail_mass=1e-17):
    """(k, P(k)) on a head, and the P-mass beyond it (scipy sf).

    The head ends where the tail mass is below ``tail_mass`` or where the second-order term of the
    tail, at most about P(K) log(1/P(K)) times the tail mass (Proposition C5), is below 1e-16.
    """
    a = int(law.support()[0])
    K = a + 64
    while K < a + (1 << 16):
        m, pk = float(law.sf(K)), float(law.pmf(K))
        if m <= tail_mass or m * pk * max(1.0, -math.log(max(pk, TINY))) <= 1e-16:
            break
        K *= 2
    ks = np.arange(a, K + 1)
    return ks, np.exp(law.logpmf(ks)), float(law.sf(K))


def _mass(lam, P, m_tail, gamma):
    """S(lambda) = sum_k g^-1(lambda/P(k)) with the tail beyond the head at its first-order value m/lambda."""
    P = P[P > 0]
    return float(math.fsum(_ginv_np(lam / P, gamma))) + m_tail / lam


def _wl(law, gamma=None, **extra):
    w = {"law": _name(law)}
    if gamma is not None:
        w["gamma"] = float(gamma)
    for k, v in extra.items():
        w[k] = float(v) if isinstance(v, (np.floating, mpmath.mpf)) else v
    return w


_EXIST_LAWS = (stats.geom(0.3), stats.poisson(3.0), stats.nbinom(3, 0.4), stats.logser(0.6), stats.zipf(3.0),
               stats.yulesimon(2.5), stats.planck(0.7), stats.dlaplace(0.8), stats.betanbinom(5, 4.0, 2.0))


def _check_existence(ctx):
    """S finite, continuous, strictly decreasing from inf to 0; Q* the certified root; perturbations cost."""
    W = _Worst(ctx.name)
    impl = ctx.impl
    laws = _EXIST_LAWS[:4] + (_EXIST_LAWS[4],) if ctx.quick else _EXIST_LAWS
    gams = (2.0,) if ctx.quick else (0.5, 2.0, 10.0)
    lams = 10.0 ** np.linspace(-12, 3, ctx.n(16, 46))
    g_half = lambda g: float(np.exp(_gen.log_g(0.5, 0.5, g)))  # noqa: E731
    for law in laws:
        if law.dist.name == "dlaplace":
            ks = np.arange(-400, 401)
            P = law.pmf(ks)
            m_tail = 2 * float(law.sf(400))
        else:
            ks, P, m_tail = _head_tail(law)
        for g in gams:
            S = np.array([_mass(lam, P, m_tail, g) for lam in lams])
            # strictly decreasing (beyond the rounding of the sums), from large to small
            d = -np.diff(S)
            W.add(d - 8 * EPS * S[:-1] * ks.size ** 0.5, 0.0,
                  lambda i, S=S, g=g, law=law: _wl(law, g, lam=float(lams[i]), S=float(S[i]), S_next=float(S[i + 1]),
                                                   what="S strictly decreasing"))
            # S -> inf as lambda -> 0 (infinitely many terms near 1) and S <= 2/lambda once lambda >= 4 + 2 gamma
            # every atom with lambda/P(k) <= g(1/2) contributes at least 1/2: S(1e-12) >= half their number
            n_half = int(np.count_nonzero(P >= lams[0] / g_half(g)))
            W.add_one(S[0] - n_half / 2, 0.0, _wl(law, g, lam=float(lams[0]), S=float(S[0]), atoms=n_half,
                                                  what="S >= (number of atoms with g^-1 >= 1/2)/2"))
            big = lams >= 4 + 2 * g
            W.add(2 / lams[big] - S[big], 0.0, lambda i, g=g, law=law: _wl(law, g, what="S <= 2/lambda"))
            r = impl.minimizer(law, g)
            lam = math.exp(float(r.log_lam))
            conv = bool(np.all(r.converged)) and float(r.mass_bound) <= 1e-14
            W.add_one(1.0 if conv else -1.0, 0.0, _wl(law, g, mass_bound=float(r.mass_bound), reason=r.reason,
                                                        what="certified root"))
            # the root of S computed here: S(lambda*) = 1 (a relative error e in lambda moves S by about e)
            S1 = _mass(lam, P, m_tail, g)
            W.add_one(-abs(S1 - 1), reference_tol(g), _wl(law, g, S_at_root=S1, log_lam=float(r.log_lam),
                                                          what="S(lambda*) = 1"))
            # Q* of the result is g^-1(lambda*/P) (the structure), and moving mass between two atoms costs
            head = ks[(P > 1e-12)][:50]
            q = np.asarray(r.pmf(head), dtype=float)
            qi = _ginv_np(lam / law.pmf(head), g)
            W.add(-np.abs(q / qi - 1), reference_tol(g), lambda i, g=g, law=law, head=head, q=q, qi=qi: _wl(
                law, g, k=int(head[i]), q=float(q[i]), ginv=float(qi[i]), what="Q*(k) = g^-1(lambda*/P(k))"))
            with mp.workdps(50):
                i, j = int(np.argmax(q)), int(np.argmin(q))
                Pi, Pj = (mpmath.mpf(float(x)) for x in law.pmf(head[[i, j]]))
                for sgn in (1, -1):
                    dl = sgn * mpmath.mpf(1e-4) * min(q[i], q[j])
                    cost = (Pi * (impl.focal_loss_mp(q[i] + dl, g) - impl.focal_loss_mp(q[i], g))
                            + Pj * (impl.focal_loss_mp(q[j] - dl, g) - impl.focal_loss_mp(q[j], g)))
                    W.add_one(float(cost), 0.0, _wl(law, g, delta=float(dl), cost=float(cost),
                                                    what="moving mass off Q* raises H_g"))
            # H_g(P, P) > H_g(P) for gamma > 0 (P is not the minimizer), beyond both bounds
            if law.dist.name not in ("betanbinom",):
                hpp = impl.focal_entropy(law, law, g)
                gap = float(hpp.value) - float(r.value)
                W.add_one(gap - float(hpp.value_bound) - float(r.value_bound), 0.0,
                          _wl(law, g, H_PP=float(hpp.value), H_min=float(r.value), what="H_g(P, P) > H_g(P)"))
    # against the 50-digit reference
    for law in laws[: ctx.n(2, 5)]:
        for g in gams[-1:] if ctx.quick else gams:
            ref = _ref(impl)(law, g, dps=30)
            r = impl.minimizer(law, g)
            err = abs(float(r.log_lam) - float(ref.log_lam))
            W.add_one(-err, reference_tol(g), _wl(law, g, log_lam=float(r.log_lam), ref=float(ref.log_lam),
                                                  what="log lambda* vs the 50-digit reference"))
    return W.result(f"S(lambda) on {lams.size} lambdas in [1e-12, 1e3] for {len(laws)} laws x {len(gams)} gammas; "
                    "certified root, structure, perturbations, H_g(P, P) > H_g(P), the reference")


# ---------------------------------------------------------------------------
# finiteness
# ---------------------------------------------------------------------------

#: (P, tail exponent of P: inf for a ratio tail) and (Q, growth of -log Q: 'log', 'lin', 'klogk')
_FIN_P = ((stats.geom(0.3), math.inf), (stats.poisson(3.0), math.inf), (stats.zipf(1.5), 1.5),
          (stats.zipf(2.0), 2.0), (stats.zipf(2.5), 2.5), (stats.zipf(3.0), 3.0), (stats.yulesimon(0.8), 1.8),
          (stats.yulesimon(1.5), 2.5), (stats.logser(0.6), math.inf))
_FIN_Q = ((stats.geom(0.5), "lin"), (stats.geom(0.05), "lin"), (stats.poisson(2.0), "klogk"),
          (stats.zipf(2.0), "log"), (stats.yulesimon(1.0), "log"))


def _oracle_finite(s, growth):
    """H(P, Q) < inf from the closed forms: sum k^-s log k always; sum k^-s k (log k) iff s > 2."""
    return growth == "log" or s > 2


def _zipf_geom_partial(a, p, gamma, n, k0=400):
    """sum_{k <= n} P(k) l(Q(k)), P = zipf(a), Q = geom(p), at the working precision (closed-form tail)."""
    a, p, gamma = mpmath.mpf(a), mpmath.mpf(p), mpmath.mpf(gamma)
    z = mp.zeta(a)
    A = -mp.log(p) + mp.log1p(-p)
    B = -mp.log1p(-p)
    head = mp.fsum(k ** -a / z * (1 - p * (1 - p) ** (k - 1)) ** gamma * (A + B * k) for k in range(1, k0 + 1))
    # beyond k0, (1 - Q(k))^gamma = 1 to far more than the working digits
    def zt(s, m):  # sum_{k >= m} k^-s, 0 at m = inf
        return mpmath.mpf(0) if m == mp.inf else mp.zeta(s, m)

    if a == 2:
        tail = A * (zt(a, k0 + 1) - zt(a, n + 1)) + B * (mp.harmonic(n) - mp.harmonic(k0))
    else:
        tail = A * (zt(a, k0 + 1) - zt(a, n + 1)) + B * (zt(a - 1, k0 + 1) - zt(a - 1, n + 1))
    return head + tail / z


def _klog2_entropy(n, C):
    """sum_{k=2}^n -P log P for P(k) = 1/(C k log^2 k), by Euler-Maclaurin from 200 (exact to the digits)."""
    def h(x):
        lx = mp.log(x)
        return (mp.log(C) + lx + 2 * mp.log(lx)) / (C * x * lx ** 2)

    def F(x):
        u = mp.log(x)
        return (mp.log(u) - (2 * mp.log(u) + 2 + mp.log(C)) / u) / C

    N = 200
    head = mp.fsum(h(k) for k in range(2, N))
    em = F(n) - F(N) + (h(N) + h(n)) / 2 + (mp.diff(h, n) - mp.diff(h, N)) / 12 - (mp.diff(h, n, 3) - mp.diff(h, N, 3)) / 720
    return head + em


def _klog2_constant():
    """C = sum_{k >= 2} 1/(k log^2 k) (Euler-Maclaurin with the integral 1/log N)."""
    def f(k):
        return 1 / (k * mp.log(k) ** 2)
    N = 1000
    return (mp.fsum(f(k) for k in range(2, N)) + 1 / mp.log(N) + f(N) / 2 - mp.diff(f, N) / 12
            + mp.diff(f, N, 3) / 720 - mp.diff(f, N, 5) / 30240)


def _check_countable_finiteness(ctx):
    W = _Worst(ctx.name)
    impl = ctx.impl
    gams = (0.0, 2.0) if ctx.quick else (0.0, 0.5, 2.0, 10.0)
    pairs = [(P, s, Q, gr) for P, s in _FIN_P for Q, gr in _FIN_Q]
    if ctx.quick:
        pairs = pairs[::4]
    for P, s, Q, gr in pairs:
        want = bool(P.support()[0] >= Q.support()[0]) and _oracle_finite(s, gr)
        vals = np.atleast_1d(np.asarray(impl.focal_entropy(P, Q, np.array(gams)).value, dtype=float))
        for g, v in zip(gams, vals):
            # finite means a number (nan is neither verdict)
            got = bool(np.isfinite(v)) if not np.isnan(v) else None
            W.add_one(1.0 if got == want else -1.0, 0.0,
                      {"law_p": _name(P), "law_q": _name(Q), "gamma": g, "finite_expected": want, "finite_computed": got,
                       "what": "H_g(P, Q) < inf iff H(P, Q) < inf"})
    # a finite value against 50 digits: zipf(3) against geom(0.5)
    with mp.workdps(40):
        for g in gams:
            exact = _zipf_geom_partial(3, 0.5, g, mp.inf)
            r = impl.focal_entropy(stats.zipf(3.0), stats.geom(0.5), g)
            err = abs(float(r.value) - float(exact))
            W.add_one(float(r.value_bound) - err, 1e-14, {"gamma": g, "value": float(r.value), "exact": float(exact),
                                                          "what": "zipf(3) vs geom(0.5) within value_bound"})
        # witness (i): zipf(2) against geom(0.5) grows like (-log(1-p)/zeta(2)) log n
        rate = mp.log(2) / mp.zeta(2)
        for g in gams:
            s1, s2 = (_zipf_geom_partial(2, 0.5, g, mpmath.mpf(10) ** e) for e in (50, 100))
            slope = (s2 - s1) / (50 * mp.log(10))
            W.add_one(1e-30 - float(abs(slope / rate - 1)), 0.0,
                      {"gamma": g, "slope": float(slope), "rate": float(rate),
                       "what": "zipf(2) vs geom: harmonic growth of the partial sums"})
        # witness (ii): P(k) = 1/(C k log^2 k) has H(P) = inf, the partial sums ~ (1/C) log log n + c0
        C = _klog2_constant()
        R = []
        for e in (10, 20, 40, 80):
            n = mpmath.mpf(10) ** e
            Hn = _klog2_entropy(n, C)
            R.append(Hn - (mp.log(mp.log(n)) - (2 * mp.log(mp.log(n)) + 2 + mp.log(C)) / mp.log(n)) / C)
        spread = float(max(R) - min(R))
        W.add_one(1e-9 - spread, 0.0, {"C": float(C), "c0": float(R[-1]), "spread": spread,
                                       "what": "H_n - F(n) converges: H(P) = inf at the rate (1/C) log log n"})
    return W.result(f"{len(pairs)} (P, Q) pairs x {len(gams)} gammas against the moment criterion; zipf(3) vs geom "
                    "at 40 digits; the harmonic growth of zipf(2) vs geom at n = 1e50..1e100; H(P) = inf for "
                    "1/(k log^2 k) with its rate")


def _check_support_criterion(ctx):
    """The finite-alphabet reading: H_g(P, Q) < inf iff supp P inside supp Q (false on countable alphabets)."""
    W = _Worst(ctx.name)
    impl = ctx.impl
    laws = (stats.geom(0.3), stats.zipf(2.0), stats.zipf(1.5), stats.zipf(3.0), stats.yulesimon(0.8))
    qs = (stats.geom(0.5), stats.zipf(2.0)) if ctx.quick else (stats.geom(0.5), stats.geom(0.05), stats.zipf(2.0))
    for P in laws:
        for Q in qs:
            nested = P.support()[0] >= Q.support()[0]
            gs = (1.0,) if ctx.quick else (0.0, 1.0, 5.0)
            vals = np.atleast_1d(np.asarray(impl.focal_entropy(P, Q, np.array(gs)).value, dtype=float))
            for g, v in zip(gs, vals):
                got = bool(np.isfinite(v))
                w = {"law_p": _name(P), "law_q": _name(Q), "gamma": g, "supports_nested": bool(nested), "finite": got,
                     "what": "finite iff supp P inside supp Q"}
                if P.dist.name == "zipf" and P.args[0] == 2.0 and Q.dist.name == "geom":
                    with mp.workdps(30):
                        w["partial_sum_n_1e100"] = float(_zipf_geom_partial(2, 0.5, g, mpmath.mpf(10) ** 100))
                W.add_one(1.0 if got == nested else -1.0, 0.0, w)
    return W.result("equal supports {1, 2, ...}; the cross-entropy criterion decides instead")


# ---------------------------------------------------------------------------
# infinite entropy, semicontinuity, total variation
# ---------------------------------------------------------------------------

def _klog2_pmf(n, C):
    k = np.arange(2, n + 1, dtype=float)
    return k, 1.0 / (C * k * np.log(k) ** 2)


def _check_infinite_entropy(ctx):
    """P(k) ∝ 1/(k log^2 k): Q* exists, is the l1 limit of the truncations' minimizers, minimizes D_g."""
    W = _Worst(ctx.name)
    impl = ctx.impl
    with mp.workdps(30):
        C = float(_klog2_constant())
    g = 2.0
    ns = (10 ** 2, 10 ** 3, 10 ** 4) if ctx.quick else (10 ** 3, 10 ** 4, 10 ** 5, 10 ** 6)
    N = ns[-1]
    k, P = _klog2_pmf(N, C)
    m_N = 1.0 - math.fsum(P)  # the tail mass beyond N (about 1/log N)
    # lambda* of the whole law: S(lambda) = sum_{k <= N} g^-1(lambda/P(k)) + tail, the tail bracketed by Lemma C0
    from scipy.optimize import brentq
    L_N = 0.5 / P[-1]  # lambda*/P(k) beyond N, for lambda* >= 0.5 (the root is near 0.95)
    lams = []
    for fac in (1.0 / (1.0 + 2 * g / L_N), 1.0 + 4 * g * math.log(L_N + 2 * g) / L_N):  # the tail's bracket (Lemma C0)
        lams.append(brentq(lambda lam: math.fsum(_ginv_np(lam / P, g)) + fac * m_N / lam - 1, 0.05, 20.0, xtol=1e-15))
    lam = 0.5 * (lams[0] + lams[1])
    q_full = _ginv_np(lam / P, g)
    dist, dlam, Hs, Hgs = [], [], [], []
    for n in ns:
        Pn = P[: n - 1] / math.fsum(P[: n - 1])
        r = impl.minimizer(Pn, g)
        qn = np.asarray(r.q, dtype=float)
        l1 = math.fsum(np.abs(qn - q_full[: n - 1])) + (1.0 - math.fsum(q_full[: n - 1]))
        dist.append(l1)
        dlam.append(abs(float(r.log_lam) - math.log(lam)))
        Hs.append(float(-math.fsum(Pn * np.log(Pn))))
        Hgs.append(float(r.value))
    # the truncations converge to Q*, at the rate of the tail mass 1/(C log n) (up to the factor 4/lambda*)
    for n, d, dl in zip(ns, dist, dlam):
        mn = 1.0 - math.fsum(P[: n - 1]) + 1 / (C * math.log(N))
        W.add_one(4 * mn / lam - d, 0.0, {"n": n, "l1": d, "tail_mass": mn, "lam": lam, "what": "||Q*_n - Q*||_1 <= 4 m_n/lambda*"})
    W.add(np.diff(dist) * -1, 0.0, lambda i: {"n": ns[i + 1], "l1": dist[i + 1], "previous": dist[i], "what": "l1 decreases"})
    W.add(np.diff(dlam) * -1, 0.0, lambda i: {"n": ns[i + 1], "dlog_lam": dlam[i + 1], "what": "lambda*_n -> lambda*"})
    # H(P_n) grows without bound while H_g(P_n) <= H(P_n) stays within a bounded gap of it
    W.add(np.diff(Hgs), 0.0, lambda i: {"n": ns[i + 1], "H_g": Hgs[i + 1], "what": "H_g(P_n) increases"})
    gaps = np.array(Hs) - np.array(Hgs)
    W.add(gaps, 0.0, lambda i: {"n": ns[i], "gap": float(gaps[i]), "what": "H_g(P_n) <= H(P_n)"})
    W.add(np.log(2.0) + math.log(4 + 4 * g) + abs(math.log(lam)) + 2.0 - gaps, 0.0,
          lambda i: {"n": ns[i], "gap": float(gaps[i]), "what": "H(P_n) - H_g(P_n) bounded"})
    # Q* minimizes the termwise divergence D_g: each d_k of a mass-moving perturbation is >= 0, the sum > 0
    with mp.workdps(50):
        lmp = mpmath.mpf(lam)
        for i, j in ((0, 5), (3, 200), (10, N - 10)):
            qi, qj = mpmath.mpf(float(q_full[i])), mpmath.mpf(float(q_full[j]))
            Pi, Pj = mpmath.mpf(float(P[i])), mpmath.mpf(float(P[j]))
            dl = min(qi, qj) * mpmath.mpf("1e-3")
            d = (Pi * (impl.focal_loss_mp(qi + dl, g) - impl.focal_loss_mp(qi, g)) + lmp * dl
                 + Pj * (impl.focal_loss_mp(qj - dl, g) - impl.focal_loss_mp(qj, g)) - lmp * dl)
            W.add_one(float(d), 0.0, {"k": [int(k[i]), int(k[j])], "D_g": float(d), "what": "D_g(P||Q) > 0 off Q*"})
    return W.result(f"lambda* of the whole law {lam:.10f} (bracket {lams[0]:.12f}..{lams[1]:.12f}); "
                    f"||Q*_n - Q*||_1 = {', '.join(f'{d:.3g}' for d in dist)} at n = {ns}; "
                    f"H(P_n) = {', '.join(f'{h:.4f}' for h in Hs)}")


def _block_witness(n, logM, gamma, impl):
    """P_n = (1 - 1/n) delta_0 + (1/n) U_M: (eta = 1 - Q*(0), H_g(P_n)) at the working precision.

    eta solves (1 - e) g(1 - eta) = (e/M) g(eta/M), e = 1/n (the left side increases in eta, the right
    side decreases); log M is given so that M = e^(n^2) stays representable.
    """
    e = 1 / mpmath.mpf(n)
    M = mp.exp(mpmath.mpf(logM))
    g = mpmath.mpf(gamma)

    def F(t):  # t = log-odds of eta
        eta = 1 / (1 + mp.exp(-t))
        c = 1 / (1 + mp.exp(t))  # 1 - eta, without cancellation
        return mp.log((1 - e) * impl.g_mp(c, g)) - mp.log(e / M * impl.g_mp(eta / M, g))

    lo, hi = mpmath.mpf(-400), mpmath.mpf(400)
    for _ in range(200):
        mid = (lo + hi) / 2
        if F(mid) < 0:
            lo = mid
        else:
            hi = mid
    t = (lo + hi) / 2
    eta = 1 / (1 + mp.exp(-t))
    c = 1 / (1 + mp.exp(t))
    H = (1 - e) * impl.focal_loss_mp(c, g) + e * impl.focal_loss_mp(eta / M, g)
    return eta, H


def _tv_sequences(ctx):
    """{label: [(n, eta, H_g(P_n))]} for M_n = n, e^n, e^(n^2) and the gammas of the run."""
    ns = (10, 40, 160) if ctx.quick else (10, 40, 160, 640, 2560)
    gams = (0.0, 2.0) if ctx.quick else (0.0, 0.5, 2.0, 5.0)
    out = {}
    with mp.workdps(50):
        for label, logM in (("M=n", lambda n: math.log(n)), ("M=e^n", lambda n: n),
                            ("M=e^(n^2)", lambda n: n * n)):
            for g in gams:
                out[(label, g)] = [(n,) + _block_witness(n, logM(n), g, ctx.impl) for n in ns]
    return out


def _check_semicontinuity(ctx):
    """Lower semicontinuity, l1 continuity of Q*, continuity under uniformly summable entropy tails."""
    W = _Worst(ctx.name)
    impl = ctx.impl
    seqs = _tv_sequences(ctx)
    for (label, g), seq in seqs.items():
        for n, eta, H in seq:
            # lower semicontinuity at delta_0 (H_g = 0) is H >= 0; ||Q*_n - delta_0||_1 = 2 eta -> 0 at the vertex
            # rate (1 + gamma) eta^(1 + gamma) ~ 1/n (theory-convexity): 2 eta <= 4 (1/n)^(1/(1+gamma))
            W.add_one(float(H), 0.0, {"sequence": label, "gamma": g, "n": n, "H_g": float(H), "what": "liminf >= H_g(P)"})
            W.add_one(4 * (1 / n) ** (1 / (1 + g)) - 2 * float(eta), 0.0,
                      {"sequence": label, "gamma": g, "n": n, "l1": 2 * float(eta), "what": "Q*(P_n) -> Q*(P) in l1"})
        if label == "M=n":  # uniformly summable tails of -P log P: H_g(P_n) -> 0, at most (2 log n + 2)/n
            for n, eta, H in seq:
                W.add_one((2 * math.log(n) + 2) / n - float(H), 0.0,
                          {"sequence": label, "gamma": g, "n": n, "H_g": float(H), "what": "H_g(P_n) -> H_g(P)"})
    # mixtures of standard laws (uniformly summable tails): Q* and H_g converge at the rate of the weight
    base = stats.geom(0.3)
    g = 2.0
    r0 = impl.minimizer(base, g)
    ks = np.arange(1, 400)
    q0 = np.asarray(r0.pmf(ks), dtype=float)
    for n in ((10, 100, 1000) if ctx.quick else (10, 100, 1000, 10000)):
        e = 1.0 / n
        law = Law(pmf=lambda k, e=e: (1 - e) * stats.geom.pmf(k, 0.3) + e * stats.geom.pmf(k, 0.05),
                  sf=lambda K, e=e: (1 - e) * stats.geom.sf(K, 0.3) + e * stats.geom.sf(K, 0.05),
                  support=(1, math.inf), tail={"ratio": 0.95, "from": 1}, name=f"mixture e={e:g}")
        r = impl.minimizer(law, g)
        qn = np.asarray(r.pmf(ks), dtype=float)
        l1 = float(np.abs(qn - q0).sum() + abs(float(r.q.sf(ks[-1])) - float(r0.q.sf(ks[-1]))))
        dH = abs(float(r.value) - float(r0.value))
        W.add_one(20 * e - l1, 0.0, {"law": law.name, "gamma": g, "l1": l1, "what": "mixture: ||Q*_n - Q*||_1 = O(e)"})
        W.add_one(20 * e - dH, 0.0, {"law": law.name, "gamma": g, "dH": dH, "what": "mixture: H_g(P_n) -> H_g(P)"})
    lim = {lab: float(seq[-1][2]) for (lab, gg), seq in seqs.items() if gg == 2.0}
    return W.result(f"block witnesses at n up to {max(s[-1][0] for s in seqs.values())} (gamma = 2: H_g(P_n) = "
                    f"{lim}), geometric mixtures with weight 1/n")


def _check_tv_continuity(ctx):
    """The finite-alphabet continuity read on a countable alphabet: H_g(P_n) -> H_g(P) whenever TV -> 0."""
    W = _Worst(ctx.name)
    seqs = _tv_sequences(ctx)
    for (label, g), seq in seqs.items():
        n, eta, H = seq[-1]
        # the statement: |H_g(P_n) - H_g(delta_0)| -> 0 as TV = 1/n -> 0; at the last n, it must be below 1/2
        W.add_one(0.5 - float(H), 0.0, {"sequence": label, "gamma": g, "tv": 1 / n, "H_g_Pn": float(H), "H_g_P": 0.0,
                                        "values": [float(x[2]) for x in seq], "what": "H_g(P_n) -> H_g(P)"})
    # H_g(P_n, Q) for Q(k) = 2^-(k+1) and M_n = n^2: at least 2^-gamma (M + 3)/(2n) log 2, while H_g(P, Q) = l(1/2)
    for g in (0.0, 2.0):
        for n in ((10, 20) if ctx.quick else (10, 20, 30)):
            M = n * n  # q_j = 2^-(j+1) >= 2^-901 stays a normal double
            j = np.arange(1, M + 1, dtype=float)
            lj = ctx.impl.focal_loss(2.0 ** -(j + 1), g)
            val = (1 - 1 / n) * float(ctx.impl.focal_loss(0.5, g)) + math.fsum(lj) / (n * M)
            W.add_one(0.5 - (val - float(ctx.impl.focal_loss(0.5, g))), 0.0,
                      {"q": "2^-(k+1)", "gamma": g, "n": n, "H_g_Pn_Q": val, "what": "H_g(P_n, Q) -> H_g(P, Q)"})
    return W.result("P_n = (1 - 1/n) delta_0 + (1/n) U_M, TV = 1/n: H_g(P_n) -> 1 (M = e^n), -> inf (M = e^(n^2))")


# ---------------------------------------------------------------------------
# tails, over-suppression, the scoring rule
# ---------------------------------------------------------------------------

def _far_points(law, targets):
    """Integer points where P(k) is near each target probability (power laws: k itself is the target)."""
    name = law.dist.name
    if name == "zipf":
        return [int(t) for t in targets]
    out = []
    for t in targets:  # the first k beyond the mode with P(k) <= t (ratio tails: a doubling search)
        k = int(law.median()) + 1
        while float(law.logpmf(k)) > math.log(t):
            k = k * 2
        lo, hi = k // 2, k
        while hi - lo > 1:
            mid = (lo + hi) // 2
            lo, hi = (mid, hi) if float(law.logpmf(mid)) > math.log(t) else (lo, mid)
        out.append(hi)
    return out


def _check_tails(ctx):
    """Q*(k)/P(k) = (1/lambda*)(1 + gamma (P/lambda*)(log(lambda*/P) - 1) + O(P^2 log^2 P)) against 50 digits."""
    W = _Worst(ctx.name)
    impl = ctx.impl
    if ctx.quick:
        cases = ((stats.geom(0.3), (1e-10, 1e-20, 1e-40)), (stats.poisson(3.0), (1e-10, 1e-20, 1e-40)),
                 (stats.zipf(3.0), (1e2, 1e4, 1e8)))
        gams = (2.0,)
    else:
        cases = ((stats.geom(0.3), (1e-10, 1e-20, 1e-40)), (stats.geom(0.01), (1e-10, 1e-20, 1e-40)),
                 (stats.poisson(3.0), (1e-10, 1e-20, 1e-40)), (stats.nbinom(3, 0.4), (1e-10, 1e-20, 1e-40)),
                 (stats.zipf(1.1), (1e3, 1e6, 1e12)), (stats.zipf(1.5), (1e3, 1e6, 1e12)),
                 (stats.zipf(4.0), (1e2, 1e4, 1e8)))
        gams = (0.5, 2.0, 10.0)
    for law, targets in cases:
        ks = _far_points(law, targets)
        for g in gams:
            ref = _ref(impl)(law, g, dps=30)
            with mp.workdps(40):
                lam = mp.exp(ref.log_lam)
                for k in ks:
                    P = _ref_pmf(impl)(law, k, dps=40)
                    q = ref.pmf(k)
                    first = g * (P / lam) * (mp.log(lam / P) - 1)
                    rem = q / P * lam - 1 - first
                    # the next order: at most (1 + gamma)^2 (P/lambda*)^2 log^2(lambda*/P) (C5)
                    bound = (1 + g) ** 2 * (P / lam) ** 2 * mp.log(lam / P) ** 2
                    W.add_one(float(bound - abs(rem)), 1e-27, _wl(
                        law, g, k=k, P=float(P), first_order=float(first), remainder=float(rem), bound=float(bound),
                        what="next-order term of Q*/P"))
                    # consecutive ratio (geometric tail stays geometric) or exponent (zeta tail keeps it)
                    if law.dist.name == "zipf":
                        a = law.args[0]
                        got = q * mpmath.mpf(k) ** a * mp.zeta(a) * lam
                    else:
                        P1 = _ref_pmf(impl)(law, k + 1, dps=40)
                        got = (ref.pmf(k + 1) / q) / (P1 / P)
                    W.add_one(float(4 * (1 + g) * (P / lam) * mp.log(lam / P) - abs(got - 1)), 1e-27,
                              _wl(law, g, k=k, ratio=float(got), what="tail shape kept (ratio or exponent)"))
    return W.result(f"{len(cases)} laws x {len(gams)} gammas, P(k) down to 1e-40 and k up to 1e12, against the "
                    "reference at 30 digits (tolerance 1e-27)")


def _half_unit(s):
    return 0.5 * 10.0 ** -len(s.split(".")[1])


def _check_over_suppression_countable(ctx):
    """lambda* > 1 iff sum_k g^-1(1/P(k)) > 1; the stated boundaries; the flat-law expansion."""
    W = _Worst(ctx.name)
    impl = ctx.impl
    nums = impl.numbers
    grids = [stats.geom(p) for p in (0.01, 0.1, 0.3, 0.45, 0.5, 0.6, 0.9)] + \
            [stats.poisson(m) for m in (0.1, 0.7, 1.0, 1.2, 5.0, 50.0)]
    if not ctx.quick:
        grids += [stats.nbinom(3, p) for p in (0.2, 0.5, 0.8)] + [stats.logser(p) for p in (0.3, 0.9, 0.99)] + \
                 [stats.planck(x) for x in (0.1, 1.0, 3.0)]
    gams = (0.5, 2.0) if ctx.quick else (0.5, 1.0, 2.0, 5.0)
    for law in grids:
        ks, P, m_tail = _head_tail(law)
        lls = np.atleast_1d(np.asarray(impl.minimizer(law, np.array(gams)).log_lam, dtype=float))
        for g, ll in zip(gams, lls):
            S1 = _mass(1.0, P, m_tail, g)
            if abs(S1 - 1) < 1e-10 or abs(ll) < 1e-10:
                continue  # on the boundary to the rounding: no verdict either way
            W.add_one(1.0 if (ll > 0) == (S1 > 1) else -1.0, 0.0,
                      _wl(law, g, log_lam=float(ll), S1=S1, what="lambda* > 1 iff sum g^-1(1/P) > 1"))
    # the stated boundaries: log lambda* changes sign across [b - h, b + h]
    for fam, key, below in (("geom", "countable_geom_boundary", True), ("poisson", "countable_poisson_boundary", False)):
        for g, b in nums[key].items():
            h = _half_unit(b)
            lo, hi = float(b) - h, float(b) + h
            law = getattr(stats, fam)
            v_lo, v_hi = (float(impl.minimizer(law(x), g).log_lam) for x in (lo, hi))
            ok = (v_lo > 0 > v_hi) if below else (v_lo < 0 < v_hi)
            W.add_one(1.0 if ok else -1.0, 0.0, {"family": fam, "gamma": g, "stated": b, "log_lam_lo": v_lo,
                                                 "log_lam_hi": v_hi, "what": "stated over-suppression boundary"})
    if not ctx.quick:  # zipf near a = 1.6 needs the reference
        b = nums["countable_zipf_boundary_2"]
        h = _half_unit(b)
        v = [float(_ref(impl)(stats.zipf(float(b) + s * h), 2.0, dps=15).log_lam) for s in (-1, 1)]
        W.add_one(1.0 if v[0] > 0 > v[1] else -1.0, 0.0, {"family": "zipf", "gamma": 2.0, "stated": b,
                                                          "log_lam": v, "what": "stated over-suppression boundary"})
    with mp.workdps(30):
        c = _klog2_constant()
    d = abs(float(c) - float(nums["klog2_constant"]))
    W.add_one(_half_unit(nums["klog2_constant"]) - d, 0.0, {"stated": nums["klog2_constant"], "exact": float(c),
                                                           "what": "stated C"})
    # the flat-law expansion lambda* - 1 = gamma sum P^2 (log(1/P) - 1) + O(sum P^3 log^2 P)
    for p in ((1e-2, 1e-3) if ctx.quick else (1e-2, 1e-3, 1e-4)):
        law = stats.geom(p)
        ks, P, _ = _head_tail(law)
        for g in gams:
            pred = g * math.fsum(P ** 2 * (np.log(1 / P) - 1))
            got = math.expm1(float(impl.minimizer(law, g).log_lam))
            bound = 4 * (1 + g) ** 2 * math.fsum(P ** 3 * np.log(1 / P) ** 2)
            W.add_one(bound - abs(got - pred), 1e-13, _wl(law, g, lam_minus_1=got, predicted=pred, bound=bound,
                                                         what="flat-law expansion of lambda*"))
    return W.result(f"{len(grids)} laws x {len(gams)} gammas; the stated boundaries; the flat-law expansion")


def _tail_sum(P_law, q_fn, g, impl):
    """sum_k P(k) l(Q(k)) for a ratio-tail P over the points with P(k) > 1e-250 (the rest is negligible)."""
    ks = np.arange(int(P_law.support()[0]), 4000)
    P = np.exp(P_law.logpmf(ks))
    keep = P > 1e-250
    ks, P = ks[keep], P[keep]
    q = np.asarray(q_fn(ks), dtype=float)
    return math.fsum(P * impl.focal_loss(q, g))


def _check_scoring_rule(ctx):
    """S(p, y) = l(Q*(p)_y) strictly proper: E_P S(p, Y) - H_g(P) > 0, quadratic at p = P; inverse series; concavity."""
    W = _Worst(ctx.name)
    impl = ctx.impl
    gams = (2.0,) if ctx.quick else (0.5, 2.0, 10.0)
    for g in gams:
        for fam, par in (("geom", 0.3), ("poisson", 3.0)) if ctx.quick else (("geom", 0.3), ("poisson", 3.0),
                                                                              ("logser", 0.6), ("planck", 0.7)):
            law = getattr(stats, fam)
            P = law(par)
            r = impl.minimizer(P, g)
            H = float(r.value)
            D = {}
            for dlt in (1e-1, 1e-2, 1e-3):
                rp = impl.minimizer(law(par * (1 + dlt)), g)
                E = _tail_sum(P, rp.pmf, g, impl)
                D[dlt] = E - H
                W.add_one(D[dlt] - float(r.value_bound) - 1e-14 * E, 0.0,
                          _wl(P, g, p_prime=par * (1 + dlt), divergence=D[dlt], what="E_P S(p', Y) > H_g(P)"))
            # quadratic vanishing: D(1e-2)/D(1e-3) = 100 up to a few per cent
            ratio = D[1e-2] / D[1e-3] / 100
            W.add_one(0.1 - abs(ratio - 1), 0.0, _wl(P, g, ratio=ratio, what="D_g quadratic as p -> P"))
            # the inverse series: lambda* = 1/sum_k 1/g(Q*(k)) on a head plus the tail's sum_k Q*(k) (1/g(q) ~ q)
            ks = np.arange(int(P.support()[0]), 4000)
            q = np.asarray(r.pmf(ks), dtype=float)
            inv = np.exp(-_gen.log_g(q, 1 - q, g))
            s = math.fsum(inv[q > 0])
            W.add_one(-abs(-math.log(s) - float(r.log_lam)), reference_tol(g),
                      _wl(P, g, log_lam=float(r.log_lam), from_series=-math.log(s), what="lambda* = 1/sum 1/g(Q*)"))
    # concavity of H_g along mixtures of two geometric laws
    g = 2.0
    ends = [impl.minimizer(stats.geom(p), g) for p in (0.2, 0.6)]
    for t in (0.25, 0.5, 0.75):
        law = Law(pmf=lambda k, t=t: t * stats.geom.pmf(k, 0.2) + (1 - t) * stats.geom.pmf(k, 0.6),
                  sf=lambda K, t=t: t * stats.geom.sf(K, 0.2) + (1 - t) * stats.geom.sf(K, 0.6),
                  support=(1, math.inf), tail={"ratio": 0.8, "from": 1}, name=f"mixture t={t:g}")
        r = impl.minimizer(law, g)
        chord = t * float(ends[0].value) + (1 - t) * float(ends[1].value)
        W.add_one(float(r.value) - chord - float(r.value_bound) - 1e-14, 0.0,
                  {"law": law.name, "gamma": g, "H_g": float(r.value), "chord": chord, "what": "H_g concave"})
    return W.result("neighbouring p' = p (1 + delta), delta = 1e-1..1e-3; the inverse series; mixtures of geom(0.2), geom(0.6)")
