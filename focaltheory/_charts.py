"""Double-precision solves of log g(q) = L in the log charts (numpy, vectorized).

Each class is carried in one of two charts: u = log q when q <= 1/2 and
v = log(1 - q) otherwise, with log g rewritten exactly in each, so that q and
1 - q keep full relative precision below the double range:

* chart u:  log g = (gamma - 1) log1p(-q) - u + log(1 - q - gamma q u),
  d log g / du = -N / ((1 - q)(1 - q - gamma q u)),
  N = (1 - q)^2 + 2 gamma q (1 - q) + gamma (1 - gamma) q^2 u;
* chart v:  c = 1 - q, r = -log1p(-c) / c,  log g = gamma v + log(1/q + gamma r),
  d log g / dv = (c/q^2 + 2 gamma/q - gamma (1 - gamma) r) / (1/q + gamma r).

These give the warm start of the arbitrary-precision reference
(:mod:`focaltheory.reference`) and the inner solves of
:mod:`focaltheory.regimes`; they share no code with the minimizer's solver.
"""

import math

import numpy as np


def _np_chart_u(u, gamma):
    """Return (q, c, log g, d log g/du) at u = log q."""
    q = np.exp(u)
    c = 1 - q
    core = c - gamma * q * u
    lg = (gamma - 1) * np.log1p(-q) - u + np.log(core)
    num = c * c + 2 * gamma * q * c + gamma * (1 - gamma) * q * q * u
    dlg = -num / (c * core)
    return q, c, lg, dlg


def _np_chart_v(v, gamma):
    """Return (q, c, log g, d log g/dv) at v = log(1 - q)."""
    c = np.exp(v)
    q = 1.0 - c
    with np.errstate(divide="ignore", invalid="ignore"):
        r = np.where(c > 1e-8, -np.log1p(-c) / np.where(c > 0, c, 1.0), 1.0 + c / 2.0 + c * c / 3.0)
    den = 1.0 / q + gamma * r
    lg = gamma * v + np.log(den)
    dlg = (c / (q * q) + 2.0 * gamma / q - gamma * (1.0 - gamma) * r) / den
    return q, c, lg, dlg


def _np_solve_charts(L, gamma, w0=None, chart0=None):
    """Solve log g(q) = L elementwise in doubles; return (chart_is_v, w, q, c, dq/dL).

    Safeguarded Newton inside the brackets
    chart u (L >= log g(1/2)):  u in [-L - B, min(-L + B, -log 2)],
        B = |gamma-1| log 2 + log(1 + gamma/e) + log 2 bounds |log g + u| on q <= 1/2;
    chart v (L <  log g(1/2)):  v in [(L - log(2 + 2 gamma log 2))/gamma, (L - log(1+gamma))/gamma].
    """
    L, gamma = np.broadcast_arrays(np.asarray(L, dtype=float), np.asarray(gamma, dtype=float))
    ln2 = math.log(2.0)
    L_half = (gamma - 1.0) * math.log(0.5) + np.log1p(gamma * ln2)
    is_v = L < L_half
    B = np.abs(gamma - 1.0) * ln2 + np.log1p(gamma / math.e) + ln2
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        lo = np.where(is_v, (L - np.log(2.0 + 2.0 * gamma * ln2)) / gamma, -L - B)
        hi = np.where(is_v, (L - np.log1p(gamma)) / gamma, np.minimum(-L + B, -ln2))
    hi = np.where(is_v, np.minimum(hi, -ln2), hi)
    lo = np.maximum(np.minimum(lo, hi), -1e300)
    guess = hi.copy()
    guess = np.where(is_v, guess, -L)
    if w0 is not None:
        guess = np.where(is_v == chart0, w0, guess)
    w = np.clip(guess, lo, hi)
    active = np.ones(w.shape, dtype=bool)
    for _ in range(400):
        qu, cu, lgu, dlgu = _np_chart_u(np.where(is_v, -1.0, w), gamma)
        qv, cv, lgv, dlgv = _np_chart_v(np.where(is_v, w, -1.0), gamma)
        lg = np.where(is_v, lgv, lgu)
        dlg = np.where(is_v, dlgv, dlgu)
        f = lg - L  # decreasing in u, increasing in v
        # update the brackets: the root lies where f changes sign
        up = np.where(is_v, f < 0, f > 0)  # root is above w
        lo = np.where(up, w, lo)
        hi = np.where(up, hi, w)
        step = -f / dlg
        new = w + step
        bad = ~np.isfinite(new) | (new < lo) | (new > hi)
        new = np.where(bad, 0.5 * (lo + hi), new)
        scale = 1e-15 * np.maximum(1.0, np.abs(w))
        done = (np.abs(new - w) <= scale) | (hi - lo <= scale) | (f == 0)
        w = np.where(active, new, w)
        active &= ~done
        if not np.any(active):
            break
    qu, cu, lgu, dlgu = _np_chart_u(np.where(is_v, -1.0, w), gamma)
    qv, cv, lgv, dlgv = _np_chart_v(np.where(is_v, w, -1.0), gamma)
    q = np.where(is_v, qv, qu)
    c = np.where(is_v, cv, cu)
    dq = np.where(is_v, -cv / dlgv, qu / dlgu)
    return is_v, w, q, c, dq


def _np_phi(is_v, w, q, c, dq, mult, gamma):
    """A function of ell with the sign of sum_x mult_x q_x - 1, nearly linear in ell.

    Computed in logarithms, so it survives q and 1 - q below the double range:
    no class above 1/2:  log sum_x mult_x q_x (a log-sum-exp of u = log q);
    one class above 1/2: log sum_{x in u-chart} mult_x q_x - log(1 - q_v);
    more:                log(sum q) from the direct sum (then sum q >= 1, no underflow).
    Returns (value, derivative in ell).
    """
    nv = float(np.sum(mult * is_v))
    if nv <= 1.0:
        a = np.where(is_v, -np.inf, np.log(mult) + w)
        top = np.max(a)
        e = np.exp(a - top)
        tot = np.sum(e)
        val = top + math.log(tot)
        # d(log sum q)/d ell = sum q (d u/d ell) / sum q, d u/d ell = dq/(q dell) = 1/dlog g du
        du = np.where(is_v, 0.0, _np_du(w, gamma, is_v))
        der = np.sum(e * du) / tot
        if nv == 1.0:
            iv = int(np.argmax(is_v))
            val -= w[iv]
            # v = log c, d v/d ell = 1/(d log g/dv) = -(dq/dell)/c
            der -= _np_dv(w[iv], gamma)
        return val, der
    F = np.sum(mult * np.where(is_v, 0.0, q)) - np.sum(mult * np.where(is_v, c, 0.0)) + (nv - 1.0)
    return math.log1p(F), np.sum(mult * dq) / (1.0 + F)


def _np_du(w, gamma, is_v):
    """d u/d ell = 1 / (d log g/du) in chart u (valid when q underflows)."""
    dlg = _np_chart_u(np.where(is_v, -1.0, w), gamma)[3]
    return 1.0 / dlg


def _np_dv(v, gamma):
    """d v/d ell = 1 / (d log g/dv) in chart v, for one class."""
    dlg = _np_chart_v(np.array([v]), gamma)[3]
    return float(1.0 / dlg[0])


def _warm_start(logp, mult, gamma):
    """Double-precision solve of sum_x mult_x g^-1(exp(ell - log P_x)) = 1 for ell.

    Safeguarded Newton on Phi(ell) = log(sum_x mult_x q_x(ell)), which is
    nearly linear in ell; bracket from q_x <= 1/n <= q_y at the two ends.
    Returns (ell, is_v, w) or None if the doubles fail.
    """
    n = float(mult.sum())
    lg_n = (gamma - 1.0) * math.log1p(-1.0 / n) + math.log((n - 1.0) + gamma * math.log(n))
    lo, hi = logp.min() + lg_n, logp.max() + lg_n
    ell = 0.5 * (lo + hi) if hi > lo else lo
    w = chart = None
    for _ in range(200):
        is_v, w, q, c, dq = _np_solve_charts(ell - logp, gamma, w, chart)
        chart = is_v
        phi, dphi = _np_phi(is_v, w, q, c, dq, mult, gamma)
        if not (np.isfinite(phi) and np.isfinite(dphi)):
            return None
        if phi > 0:
            lo = ell
        elif phi < 0:
            hi = ell
        else:
            break
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            new = ell - phi / dphi
        if not np.isfinite(new) or new <= lo or new >= hi:
            new = 0.5 * (lo + hi)
        if abs(new - ell) <= 1e-14 * max(1.0, abs(ell)):
            ell = new
            break
        ell = new
    is_v, w, q, c, dq = _np_solve_charts(ell - logp, gamma, w, chart)
    if not np.all(np.isfinite(w)):
        return None
    return ell, is_v, w
