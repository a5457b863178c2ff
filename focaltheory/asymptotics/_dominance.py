"""Expansion 4: extreme dominance, one class of probability 1 - eps with eps -> 0.

:func:`derive_dominance` derives ``lambda* = (1+gamma) s^gamma (1 + delta)``
and ``1 - Q*(dominant)`` in sympy, from expansion 1 applied to every small
class and the series of g at ``q = 1``; :func:`dominance_expansion`
evaluates them in mpmath (returning floats unless ``dps`` is given).
"""

import functools

import mpmath  # noqa: F401 - the doctest of dominance_expansion uses it
import sympy as sp
from mpmath import mp

from ._common import _dps, _g_expr, _gam, _mp_real, _order, _q, _taylor
from .._fpstate import _fp_isolated

# ---------------------------------------------------------------------------
# 4. extreme dominance
# ---------------------------------------------------------------------------

@functools.lru_cache(maxsize=None)
def derive_dominance():
    r"""Derive lambda* and 1 - Q*(dominant) as the dominant class P -> 1 (sympy).

    Setting: ``P = (1 - eps, eps w_1, ..., eps w_k)`` with ``sum w = 1``.

    Returns
    -------
    dict of sympy expressions, in the symbols ``s``, ``L`` (= log s),
    ``epsilon``, ``gamma``, ``W2`` (= sum w^2), ``W2L`` (= sum w^2 log w):
        ``"g_at_one"``: ``g(1-c)/c^gamma`` to O(c);
        ``"lam0"``: leading ``lambda* = (1+gamma) s^gamma`` with
        ``s = (eps/(1+gamma))^(1/(1+gamma))``;
        ``"delta"``: relative correction, ``lambda* = lam0 (1 + delta)``;
        ``"complement"``: ``1 - Q*(dominant)`` to relative O(s log s).

    Notes
    -----
    1. Each small class y has ``P(y) = eps w_y -> 0``, so by expansion 1,
       ``Q*(y) = t_y (1 - gamma t_y (1 + log t_y))``, ``t_y = eps w_y/lambda*``.
    2. ``c = 1 - Q*(dominant) = sum_y Q*(y)``, and near q = 1,
       ``g(1-c) = c^gamma ((1+gamma) + (1 + gamma/2) c + O(c^2))``.
    3. ``(1 - eps) g(1 - c) = lambda*``.  At leading order ``c = eps/lambda``
       and ``lambda = (1+gamma) c^gamma``: ``lambda^(1+gamma) = (1+gamma) eps^gamma``,
       i.e. ``lambda0 = (1+gamma) s^gamma`` with ``s = eps/lambda0``.
    4. Ansatz ``lambda* = lambda0 (1 + delta)``; the logarithm of the equation
       is expanded to first order in (s, delta, eps) jointly (a bookkeeping
       parameter tau multiplies each), with ``L = log s`` kept as a symbol:
       ``delta (1+gamma) = kappa s - gamma^2 s (W2 (1 + L) + W2L) - eps``,
       ``kappa = (2+gamma)/(2(1+gamma))``.

    The remainder is ``O(s^2 log^2 s)`` (eps = (1+gamma) s^(1+gamma) is kept
    exactly at first order, and the cross terms eps s, eps^2 are smaller).
    So the relative error of ``lam0`` is ``O(s log s)``: slope
    ``1/(1+gamma)`` against eps, and ``2/(1+gamma)`` once delta is included.  Every other class is
    amplified: ``Q*(y)/P(y) -> 1/lambda* ~ ((1+gamma) eps^gamma)^(-1/(1+gamma))``,
    and ``lambda* -> 0``, so extreme dominance never over-suppresses, in
    binary or multi-class problems alike.

    Examples
    --------
    >>> from focaltheory.asymptotics import derive_dominance
    >>> d = derive_dominance()
    >>> d["g_at_one"]
    c*gamma/2 + c + gamma + 1
    >>> d["delta"]
    -epsilon/(gamma + 1) - s*(2*L*W2*gamma**3 + 2*L*W2*gamma**2 + 2*W2*gamma**3 + 2*W2*gamma**2 + 2*W2L*gamma**3 + 2*W2L*gamma**2 - gamma - 2)/(2*(gamma + 1)**2)
    """
    s, eps, tau, c, delta = sp.symbols("s epsilon tau c delta", positive=True)
    L, W2, W2L, w = sp.symbols("L W2 W2L w")
    g = _g_expr()
    # g near q = 1, in c = 1 - q, with the power c^gamma factored out
    G = sp.simplify(sp.expand_power_base(g.subs(_q, 1 - c) / c**_gam, force=True))
    G1 = sp.expand(_taylor(G, c, 2))
    # small classes (expansion 1): t_y = eps w_y / lambda = s w / (1 + delta)
    t = tau * s * w / (1 + tau * delta)
    # log t = log s + log w - log(1 + delta); L = log s is carried as its own symbol
    # (tau only marks the order of s and delta, so log(tau s) is written L)
    log_t = L + sp.log(w) - sp.log(1 + tau * delta)
    qy = t * (1 - _gam * t * (1 + log_t))
    # c/s summed over y, to first order in tau: linear in w, w^2, w^2 log w
    cy = sp.expand(_taylor(sp.cancel(qy / (tau * s)), tau, 2))
    cy = sp.expand(cy)
    c_over_s = (
        cy.coeff(w, 1).subs(sp.log(w), 0) * 1  # sum w = 1
        + sp.expand(cy.coeff(w, 2)).coeff(sp.log(w), 0) * W2
        + sp.expand(cy.coeff(w, 2)).coeff(sp.log(w), 1) * W2L
    )
    c_over_s = sp.expand(c_over_s)
    # equation: log(1 - eps) + gamma log(c/s) + log(G(c)/(1+gamma)) - log(1 + delta) = 0
    eq = (
        sp.log(1 - tau * eps)
        + _gam * sp.log(c_over_s)
        + sp.log(G1.subs(c, tau * s * c_over_s) / (1 + _gam))
        - sp.log(1 + tau * delta)
    )
    lin = sp.expand(_taylor(eq, tau, 2).coeff(tau, 1))
    delta_sol = sp.expand(sp.solve(lin, delta)[0])
    parts = sp.collect(delta_sol, [s, eps], evaluate=False)
    delta_sol = sum(sp.factor(sp.simplify(coef)) * key for key, coef in parts.items())
    # 1 - Q*(dominant) = s * (c/s), to relative first order, with delta left as a symbol
    complement = sp.expand(s * c_over_s.subs(tau, 1))
    lam0 = (1 + _gam) * s**_gam
    return {"g_at_one": G1, "lam0": lam0, "delta": delta_sol, "complement": complement, "c_over_s": c_over_s}


@_fp_isolated
def dominance_expansion(eps, gamma, w=(1.0,), order=2, dps=None):
    r"""Extreme dominance: log lambda* and 1 - Q*(dominant) as the dominant P -> 1.

    Parameters
    ----------
    eps : float, str or mpf
        Total probability of the non-dominant classes (``P = (1 - eps, eps w)``).
    gamma : float
        gamma > 0.
    w : sequence of float
        Relative weights of the non-dominant classes (normalized); ``(1,)``
        is the binary problem.
    order : {1, 2}
        1: leading order; 2: with the relative correction delta (default).
    dps : int or None
        None: Python floats (eps >= 1e-308); otherwise mpmath at ``dps`` digits.

    Returns
    -------
    (log_lam, complement)
        Approximations of log lambda* and of ``1 - Q*(dominant)``; a
        non-dominant class y then has ``Q*(y)/P(y) ~ exp(-log_lam)``.

    Notes
    -----
    ``s = (eps/(1+gamma))^(1/(1+gamma))``,
    ``log lambda* = log(1+gamma) + gamma log s + log(1 + delta)``,
    ``delta = [kappa s - gamma^2 s (W2 (1 + log s) + W2L) - eps]/(1+gamma)``,
    ``complement = s (1 - delta) - gamma s^2 (W2 (1 + log s) + W2L)``,
    derived in :func:`derive_dominance`.

    References
    ----------
    .. [1] J. Shah, M. Cardone, A. Dytso, "Functional Properties of the
       Focal-Entropy", AISTATS 2026, arXiv:2603.02533.

    Examples
    --------
    >>> from focaltheory.asymptotics import dominance_expansion
    >>> from focaltheory.reference import minimizer_mp
    >>> ll, c = dominance_expansion("1e-300", 2, dps=40)
    >>> r = minimizer_mp(["1", "1e-300"], 2, dps=40)
    >>> print(mpmath.nstr(ll, 12), mpmath.nstr(r.log_lam, 12))
    -460.150814503 -460.150814503
    """
    order = _order(order, (1, 2))
    dps = _dps(dps)
    ws = list(w)
    if len(ws) == 0:
        raise ValueError("w must contain at least one weight")
    with mp.workdps((dps or 15) + 10):
        e = _mp_real(eps, "eps")
        g = _mp_real(gamma, "gamma")
        if not 0 < e < 1:
            raise ValueError("eps must lie in (0, 1)")
        if g <= 0:
            raise ValueError("gamma must be positive")
        W = [_mp_real(x, f"w[{i}]") for i, x in enumerate(ws)]
        if any(x <= 0 for x in W):
            raise ValueError("w must be positive")
        tw = mp.fsum(W)
        W = [x / tw for x in W]
        W2 = mp.fsum(x * x for x in W)
        W2L = mp.fsum(x * x * mp.log(x) for x in W)
        logs = (mp.log(e) - mp.log1p(g)) / (1 + g)
        s = mp.exp(logs)
        ll = mp.log1p(g) + g * logs
        comp = s
        if order == 2:
            kappa = (2 + g) / (2 * (1 + g))
            corr = g * s * (W2 * (1 + logs) + W2L)
            delta = (kappa * s - g * corr - e) / (1 + g)
            ll += mp.log1p(delta)
            comp = s * (1 - delta) - s * corr
        if dps is None:
            return float(ll), float(comp)
    with mp.workdps(dps):
        return +ll, +comp
