"""The reference's one-class inversion q = g^-1(exp(L)) (focaltheory.reference._ginv).

One inversion serves the finite minimizer's fallback (in the reference's own
context) and the countable minimizer (in a private context per call): its
root satisfies log g(q) = L to the rounding the problem's conditioning
allows, in either chart and for any context, a warm start at the root ends
the solve at once, and the fallback's outer Newton converges without
falling back to bisection.
"""

import mpmath
import pytest

import focaltheory.reference._ginv as ginv_mod
import focaltheory.reference._minimizer as minimizer_mod
from focaltheory.reference import minimizer_mp
from focaltheory.reference._context import mp as ref_mp
from focaltheory.reference._ginv import _ginv, _log_g_half
from focaltheory.reference._scalar import _chart_u, _chart_v

GAMMAS = ["1e-8", "0.5", "2", "30", "1000", "1e6"]
# offsets of L from log g(1/2): >= 0 is the u chart (q <= 1/2), < 0 the v chart (q > 1/2)
OFFSETS = ["0", "1e-20", "1", "10", "2302.6", "1e5", "-1e-20", "-1e-3", "-1", "-10", "-1000", "-1e7"]


def _context(dps):
    ctx = mpmath.MPContext()
    ctx.dps = dps
    return ctx


def _log_g_textbook(q, c, gamma, hp):
    """log g = (gamma - 1) log(1 - q) + log((1 - q)/q - gamma log q) at the precision of hp, from q and 1 - q."""
    q, c, gamma = (hp.make_mpf(x._mpf_) for x in (q, c, gamma))
    logq = hp.log(q) if q <= c else hp.log1p(-c)
    return (gamma - 1) * hp.log(c) + hp.log(c / q - gamma * logq)


@pytest.mark.parametrize("gamma", GAMMAS)
def test_root_solves_log_g_in_both_charts(gamma):
    """log g(q) = L at the root, to a few eps times its conditioning, checked at 120 digits by the textbook form."""
    ctx, hp = _context(40), _context(120)
    g = ctx.mpf(gamma)
    half = _log_g_half(ctx, g)
    for off in OFFSETS:
        L = half + ctx.mpf(off)
        r = _ginv(ctx, L, g)
        assert r.is_v == (ctx.mpf(off) < 0)
        assert r.q + r.c == 1 or abs(r.q + r.c - 1) <= 2 * ctx.eps
        assert (r.q > ctx.mpf(1) / 2) == r.is_v or off in ("0", "1e-20", "-1e-20")
        res = abs(_log_g_textbook(r.q, r.c, g, hp) - hp.make_mpf(L._mpf_))
        # rounding of w (times d log g/dw), of 1 - q (times gamma) and of q (times 1)
        d = (_chart_v if r.is_v else _chart_u)(ctx, r.w, g)[3]
        scale = 1 + g + abs(d) * max(1, abs(r.w))
        assert res <= 8 * ctx.eps * scale, (gamma, off, res / ctx.eps, scale)
        assert r.dq < 0


def test_same_root_in_the_reference_context_and_a_private_one():
    """The inversion depends only on the precision its context carries: the same bits in both."""
    ctx = _context(45)
    for gamma in GAMMAS:
        for off in OFFSETS[::2] + OFFSETS[1::2]:
            with ref_mp.workdps(45):
                g = ref_mp.mpf(gamma)
                a = _ginv(ref_mp, _log_g_half(ref_mp, g) + ref_mp.mpf(off), g)
            g = ctx.mpf(gamma)
            b = _ginv(ctx, _log_g_half(ctx, g) + ctx.mpf(off), g)
            assert (a.is_v, a.w._mpf_, a.q._mpf_, a.c._mpf_) == (b.is_v, b.w._mpf_, b.q._mpf_, b.c._mpf_)


def test_warm_start_at_the_root_ends_the_solve(monkeypatch):
    """Started from its own root, the solve evaluates the chart once (plus once for the result), never bisects."""
    calls = []
    for name in ("_chart_u", "_chart_v"):
        f = getattr(ginv_mod, name)
        monkeypatch.setattr(ginv_mod, name, lambda *a, _f=f: calls.append(1) or _f(*a))
    ctx = _context(40)
    for gamma in GAMMAS:
        g = ctx.mpf(gamma)
        for off in OFFSETS:
            for k in range(5):  # L a little apart, so that some warm steps round to nothing
                L = _log_g_half(ctx, g) + ctx.mpf(off) * (1 + ctx.mpf(k) / 7)
                r = _ginv(ctx, L, g)
                del calls[:]
                again = _ginv(ctx, L, g, warm=r)
                assert len(calls) <= 2, (gamma, off, k, len(calls))
                assert again.is_v == r.is_v
                assert abs(again.w - r.w) <= 4 * ctx.eps * max(1, abs(r.w))


@pytest.mark.parametrize("gamma", ["30", "1000"])
def test_fallback_on_extreme_dominance_converges_by_newton(monkeypatch, gamma):
    """P = (1, 1e-1000): the fallback agrees with the minimizer; at gamma = 1000 in far fewer outer steps than bisection.

    The outer bracket on ell is about 2300 wide; bisection down to 1e-45 would
    take about 160 outer steps (two inversions each).  At gamma = 1000 Newton
    converges in 11; at gamma = 30 its steps are at most gamma long while ell
    is far from the root, so it takes about 64 (not asserted).
    """
    r = minimizer_mp(["1", "1e-1000"], gamma, dps=30)
    n = []
    real = minimizer_mod._ginv
    monkeypatch.setattr(minimizer_mod, "_ginv", lambda *a: n.append(1) or real(*a))
    with ref_mp.workdps(40):
        logp = [ref_mp.mpf(0), ref_mp.log(ref_mp.mpf("1e-1000"))]
        ell, roots = minimizer_mod._nested_mp(logp, [1, 1], ref_mp.mpf(gamma), ref_mp.mpf(10) ** -35)
        assert abs(ell - ref_mp.mpf(r.log_lam)) <= ref_mp.mpf("1e-29") * abs(ell)
        assert [x.is_v for x in roots] == [True, False]
        assert abs(roots[0].c / ref_mp.mpf(r.complement[0]) - 1) <= ref_mp.mpf("1e-29")
        assert abs(roots[1].q / ref_mp.mpf(r.q[1]) - 1) <= ref_mp.mpf("1e-29")
    if gamma == "1000":
        assert len(n) <= 2 * 40, len(n)
