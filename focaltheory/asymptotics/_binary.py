"""The proof, with each step checked by sympy, that a binary problem has lambda* < 1.

:func:`binary_lambda_below_one` verifies the exact inverse form of the two
weights ``1/g``, the factorization identity and the sign lemma for
``t log t - (1-t) log(1-t)`` that together give ``1/g(u) + 1/g(v) > 1``.
"""

import functools

import sympy as sp

from ._common import _g_expr, _q

# ---------------------------------------------------------------------------
# binary problems
# ---------------------------------------------------------------------------

@functools.lru_cache(maxsize=None)
def binary_lambda_below_one():
    r"""Prove (sympy-checked steps) that a binary problem always has lambda* < 1.

    Returns
    -------
    dict
        ``"inverse_form"``, ``"identity"``, ``"lemma_second_derivative"``:
        each True when sympy verifies that step; ``"proved"``: all of them.

    Notes
    -----
    Let K = 2, gamma > 0, ``Q* = (u, v)``, ``u + v = 1``, both in (0, 1).
    By the inverse map, ``lambda* = 1/(A(u) + A(v))`` with ``A = 1/g``, so
    ``lambda* < 1`` iff ``A(u) + A(v) > 1``.  Put ``a = -log v``,
    ``a' = -log u``, ``X = 1 + gamma a``, ``Y = 1 + gamma a'``,
    ``D1 = v + gamma u a'``, ``D2 = u + gamma v a`` (all positive).

    1. (``inverse_form``) ``A(u) = u v e^(gamma a)/D1`` and
       ``A(v) = u v e^(gamma a')/D2`` exactly.  Since ``e^x > 1 + x`` for
       ``x > 0``: ``A(u) + A(v) > u v (X/D1 + Y/D2)``.
    2. (``identity``) With ``D1 = v - u + u Y`` and ``D2 = u - v + v X``:
       ``u v (X D2 + Y D1) - D1 D2 = (u - v + v X - u Y) (u v (X - Y) + u - v)``,
       and ``u - v + v X - u Y = gamma (u log u - v log v)``,
       ``u v (X - Y) + u - v = gamma u v log(u/v) + (u - v)``.
    3. (``lemma``) ``k(t) = t log t - (1-t) log(1-t)`` has ``k'' = 1/t - 1/(1-t) > 0``
       on (0, 1/2) and ``k(0+) = k(1/2) = 0``, so ``k < 0`` on (0, 1/2); by
       symmetry ``k > 0`` on (1/2, 1).  Hence both factors in 2 have the sign
       of ``u - v``: the product is ``>= 0``, so ``u v (X/D1 + Y/D2) >= 1``.

    Together: ``A(u) + A(v) > 1``, i.e. ``lambda* < 1``: a binary problem is
    never in the over-suppression regime, and its rare class is always
    amplified (the binary case in the theory document (Regimes); its
    ``e^x >= 1 + x`` argument is step 1).  Equality in
    step 3 at ``u = v`` recovers ``phi(1/2) < 1``.

    Examples
    --------
    >>> from focaltheory.asymptotics import binary_lambda_below_one
    >>> binary_lambda_below_one()["proved"]
    True
    """
    u = sp.Symbol("u", positive=True)
    gm = sp.Symbol("gamma", positive=True)
    v = 1 - u
    a, ap = -sp.log(v), -sp.log(u)
    X, Y = 1 + gm * a, 1 + gm * ap
    D1, D2 = v + gm * u * ap, u + gm * v * a
    g = _g_expr(_q, gm)
    A_u = 1 / g.subs(_q, u)
    A_v = 1 / g.subs(_q, v)
    # e^(gamma a) = v^-gamma and e^(gamma a') = u^-gamma
    inverse_ok = (
        sp.simplify(A_u * D1 / (u * v) * v**gm) == 1
        and sp.simplify(A_v * D2 / (u * v) * u**gm) == 1
    )
    Xs, Ys, us = sp.symbols("X Y u_")
    vs = 1 - us
    E1, E2 = vs - us + us * Ys, us - vs + vs * Xs
    identity_ok = sp.expand(us * vs * (Xs * E2 + Ys * E1) - E1 * E2 - (us - vs + vs * Xs - us * Ys) * (us * vs * (Xs - Ys) + us - vs)) == 0
    factors_ok = (
        sp.simplify(sp.expand((u - v + v * X - u * Y) - gm * (u * sp.log(u) - v * sp.log(v)))) == 0
        and sp.simplify(sp.expand(u * v * (X - Y) + u - v - (gm * u * v * (sp.log(u) - sp.log(v)) + u - v))) == 0
        and sp.simplify(D1 - (v - u + u * Y)) == 0
        and sp.simplify(D2 - (u - v + v * X)) == 0
    )
    t = sp.Symbol("t", positive=True)
    k = t * sp.log(t) - (1 - t) * sp.log(1 - t)
    lemma_ok = (
        sp.simplify(sp.diff(k, t, 2) - (1 / t - 1 / (1 - t))) == 0
        and sp.limit(k, t, 0, "+") == 0
        and sp.simplify(k.subs(t, sp.Rational(1, 2))) == 0
    )
    out = {
        "inverse_form": bool(inverse_ok),
        "identity": bool(identity_ok and factors_ok),
        "lemma_second_derivative": bool(lemma_ok),
    }
    out["proved"] = all(out.values())
    return out
