"""Functions of one probability at arbitrary precision: l, g, phi, the threshold p_gamma.

log g is written in the two charts u = log q (q <= 1/2) and v = log(1 - q)
(q > 1/2), exact rewrites of g that never form 1 - q from a rounded q
(1 - q is -expm1(u) in chart u, exp(v) in chart v; q is exp(u), -expm1(v)):

* chart u:  log g = (gamma - 1) log1p(-q) - u + log(1 - q - gamma q u),
  d log g / du = -N / ((1 - q)(1 - q - gamma q u)),
  N = (1 - q)^2 + 2 gamma q (1 - q) + gamma (1 - gamma) q^2 u;
* chart v:  c = 1 - q, r = -log1p(-c) / c,  log g = gamma v + log(1/q + gamma r),
  d log g / dv = (c/q^2 + 2 gamma/q - gamma (1 - gamma) r) / (1/q + gamma r).

The charts take their mpmath context ``ctx`` explicitly (the reference's own
context :data:`._context.mp` for the finite minimizer, a private context per
call for the countable one) and work at the precision it carries; the other
private helpers work at the working precision of the reference's own mpmath
context (the public functions set it from their ``dps``).
"""

from ._context import _out, _serialized, mp

from ._parse import _GUARD, _dps, _gamma_mp, _unit_and_complement


def _chart_u(ctx, u, gamma):
    """Return (q, c, log g, d log g/du, d q/du) at u = log q, in the mpmath context ``ctx``."""
    q = ctx.exp(u)
    c = -ctx.expm1(u)
    core = c - gamma * q * u
    lg = (gamma - 1) * ctx.log1p(-q) - u + ctx.log(core)
    num = c * c + 2 * gamma * q * c + gamma * (1 - gamma) * q * q * u
    return q, c, lg, -num / (c * core), q


def _chart_v(ctx, v, gamma):
    """Return (q, c, log g, d log g/dv, d q/dv) at v = log(1 - q), in the mpmath context ``ctx``."""
    c = ctx.exp(v)
    q = -ctx.expm1(v)
    r = -ctx.log1p(-c) / c
    den = 1 / q + gamma * r
    lg = gamma * v + ctx.log(den)
    dlg = (c / (q * q) + 2 * gamma / q - gamma * (1 - gamma) * r) / den
    return q, c, lg, dlg, -c


def _log_g_mp(q, c, gamma):
    """log g(q) for 0 < q < 1, given q and its exact complement c = 1 - q."""
    if q <= c:
        return (gamma - 1) * mp.log1p(-q) + mp.log(c / q - gamma * mp.log(q))
    return gamma * mp.log(c) + mp.log(1 / q - gamma * mp.log1p(-c) / c)


def _focal_loss_qc(q, c, gamma):
    """l(q) from q and its exact complement c."""
    if q == 0:
        return mp.inf
    if c == 0:
        return mp.zero if gamma > 0 else -mp.log(q)
    if gamma == 0:
        return -mp.log(q) if q <= c else -mp.log1p(-c)
    if q <= c:
        return -mp.exp(gamma * mp.log1p(-q)) * mp.log(q)
    return -mp.exp(gamma * mp.log(c)) * mp.log1p(-c)


@_serialized
def focal_loss_mp(q, gamma, dps=50):
    """Focal loss ``l(q) = -(1-q)**gamma * log(q)`` to ``dps`` digits.

    Parameters
    ----------
    q : real number or decimal string in [0, 1]
    gamma : real number or decimal string, ``gamma >= 0``
    dps : int, optional

    Returns
    -------
    mpf
        ``+inf`` at q = 0; 0 at q = 1.

    Examples
    --------
    >>> import mpmath
    >>> from focaltheory.reference import focal_loss_mp
    >>> mpmath.nstr(focal_loss_mp("0.5", 2, dps=20), 15)
    '0.173286795139986'
    """
    dps = _dps(dps)
    with mp.workdps(dps + _GUARD):
        g = _gamma_mp(gamma)
        x, c = _unit_and_complement(q, "q")
        val = _focal_loss_qc(x, c, g)
    with mp.workdps(dps):
        return _out(+val)


@_serialized
def g_mp(q, gamma, dps=50):
    """``g(q) = -l'(q) = (1-q)**(gamma-1) * ((1-q)/q - gamma*log(q))`` to ``dps`` digits.

    ``g(0) = +inf``; ``g(1) = 0`` for gamma > 0 (the limit, also for
    0 < gamma < 1) and ``g(1) = 1`` for gamma = 0.

    Examples
    --------
    >>> import mpmath
    >>> from focaltheory.reference import g_mp
    >>> mpmath.nstr(g_mp("0.5", 1, dps=20), 15)   # 1 + log 2
    '1.69314718055995'
    """
    dps = _dps(dps)
    with mp.workdps(dps + _GUARD):
        g = _gamma_mp(gamma)
        x, c = _unit_and_complement(q, "q")
        if x == 0:
            val = mp.inf
        elif c == 0:
            val = mp.zero if g > 0 else mp.one
        else:
            val = mp.exp(_log_g_mp(x, c, g))
    with mp.workdps(dps):
        return _out(+val)


@_serialized
def phi_mp(p, gamma, dps=50):
    """``phi(p) = p g(p) = (1-p)**(gamma-1) * ((1-p) - gamma p log p)`` to ``dps`` digits.

    ``phi(0) = 1`` (the limit) and ``phi(1) = 0`` for gamma > 0; ``phi = 1``
    identically for gamma = 0.  ``Q*(x) > P(x)`` exactly when
    ``phi(P(x)) > lambda*``.

    Examples
    --------
    >>> import mpmath
    >>> from focaltheory.reference import phi_mp
    >>> mpmath.nstr(phi_mp(mpmath.exp(-2), 1, dps=20), 15)   # the peak 1 + e^-2
    '1.13533528323661'
    """
    dps = _dps(dps)
    with mp.workdps(dps + _GUARD):
        g = _gamma_mp(gamma)
        x, c = _unit_and_complement(p, "p")
        if x == 0 or g == 0:
            val = mp.one
        elif c == 0:
            val = mp.zero
        else:
            val = mp.exp(mp.log(x) + _log_g_mp(x, c, g))
    with mp.workdps(dps):
        return _out(+val)


def _threshold_F(p, gamma):
    """log phi(p) = gamma log1p(-p) + log1p(-gamma beta),  beta = p log p / (1-p).

    Divided by gamma (a form that stays accurate as gamma -> 0):
    F/gamma = log1p(-p) - beta * [log1p(x)/x]_{x = -gamma beta}.
    """
    beta = p * mp.log(p) / (1 - p)
    x = -gamma * beta
    ratio = mp.log1p(x) / x if x != 0 else mp.one
    return mp.log1p(-p) - beta * ratio


@_serialized
def threshold_mp(gamma, dps=50):
    """The threshold p_gamma, the root in (0, 1) of ``phi(p) = 1``, to ``dps`` digits.

    Parameters
    ----------
    gamma : real number or decimal string, ``gamma >= 0``
    dps : int, optional

    Returns
    -------
    mpf
        p_gamma; at gamma = 0 (where phi = 1 identically) the limit 1/2.

    Notes
    -----
    ``log phi(p) = gamma log(1-p) + log(1 - gamma beta(p))`` with
    ``beta(p) = p log p / (1-p)``; it is positive on ``(0, p_gamma)`` and
    negative on ``(p_gamma, 1)``, so bisection on ``log p`` followed by
    Newton converges.  See :func:`focaltheory.regimes.threshold` for the
    closed forms (gamma = 1: 1/e).

    Examples
    --------
    >>> import mpmath
    >>> from focaltheory.reference import threshold_mp
    >>> print(mpmath.nstr(threshold_mp(1, dps=30), 25))   # 1/e
    0.3678794411714423215955238
    >>> print(mpmath.nstr(threshold_mp(2, dps=30), 25))
    0.2976365549817047264605685
    """
    dps = _dps(dps)
    with mp.workdps(dps + _GUARD):
        g = _gamma_mp(gamma)
        if g == 0:
            return _out(mp.mpf(1) / 2)
        F = lambda t: _threshold_F(mp.exp(t), g)  # in t = log p
        # bracket in t: F > 0 left of the root, < 0 right of it
        hi = mp.mpf(0)
        lo = mp.mpf(-1)
        while F(lo) <= 0:
            hi = lo
            lo *= 2
        tol = mp.mpf(10) ** (-(dps + 5))
        with mp.workdps(20):
            for _ in range(60):
                mid = (lo + hi) / 2
                if F(mid) > 0:
                    lo = mid
                else:
                    hi = mid
        t = (lo + hi) / 2
        for _ in range(100):
            f = F(t)
            # derivative of F in t, analytically: dF/dt = p dF/dp
            p = mp.exp(t)
            beta = p * mp.log(p) / (1 - p)
            dbeta = (mp.log(p) + 1 - p) / (1 - p) ** 2
            dlogphi_dp = -g / (1 - p) - g * dbeta / (1 - g * beta)
            d = p * dlogphi_dp / g
            new = t - f / d
            if abs(new - t) <= tol * max(1, abs(t)):
                t = new
                break
            t = new
        val = mp.exp(t)
    with mp.workdps(dps):
        return _out(+val)
