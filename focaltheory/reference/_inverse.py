"""The inverse of the minimizer map at arbitrary precision, P ∝ 1/g(Q), and the certificate it gives."""

import mpmath

from ._context import _out, _serialized, mp

from ._parse import _GUARD, _dps, _gamma_mp, _sequence, _unit_interval
from ._scalar import _log_g_mp


def _inverse_qc(q, c, gamma, mult=None):
    """Inverse map P ∝ 1/g(q) on lists of q and exact complements c (mult: multiplicities)."""
    mult = [1] * len(q) if mult is None else mult
    if gamma == 0:
        s = mp.fsum(m * x for m, x in zip(mult, q))
        return [x / s for x in q]
    ones = [i for i, x in enumerate(c) if x == 0]
    if ones:  # a vertex: 1/g(1) = inf dominates, point mass
        return [mp.one if i == ones[0] else mp.zero for i in range(len(q))]
    neg = [None if x == 0 else -_log_g_mp(x, cx, gamma) for x, cx in zip(q, c)]
    top = max(v for v in neg if v is not None)
    tot = mp.fsum(m * mp.exp(v - top) for m, v in zip(mult, neg) if v is not None)
    lt = top + mp.log(tot)
    return [mp.zero if v is None else mp.exp(v - lt) for v in neg]


def _certificate(p, q, c, gamma, mult=None):
    """max(|Phat/P - 1| over the support, |sum q - 1|): the inverse map of (q, c), and the simplex.

    The inverse map alone cannot see a common factor on q at gamma = 0 (it
    normalizes), hence the constraint, formed with the complement of a class
    above 1/2 (no cancellation against 1).
    """
    mult = [1] * len(q) if mult is None else mult
    big = [i for i, (x, cx) in enumerate(zip(q, c)) if x > cx]
    if big:
        m = big[0]
        rest = mp.fsum(k * x for i, (k, x) in enumerate(zip(mult, q)) if i != m) + (mult[m] - 1) * q[m]
        off = abs(rest - c[m])
    else:
        off = abs(mp.fsum(k * x for k, x in zip(mult, q)) - 1)
    phat = _inverse_qc(q, c, gamma, mult)
    dev = off
    for a, b in zip(p, phat):
        if a == 0:
            if b != 0:
                return mp.inf
            continue
        dev = max(dev, abs(b / a - 1))
    return dev


def _sum_tol_mp(sum_tol):
    if isinstance(sum_tol, bool) or not isinstance(sum_tol, (int, float, str, mpmath.mpf)):
        raise TypeError(f"sum_tol must be a real number or a decimal string, got {type(sum_tol).__name__}")
    try:
        tol = mp.mpf(sum_tol)
    except (ValueError, TypeError):
        raise ValueError(f"sum_tol must be a real number or a decimal string, got {sum_tol!r}") from None
    if not (mp.isfinite(tol) and tol >= 0):
        raise ValueError(f"sum_tol must be a finite nonnegative number, got {sum_tol!r}")
    return tol


@_serialized
def inverse_minimizer_mp(q, gamma, dps=50, *, sum_tol=None):
    """The distribution P whose focal-entropy minimizer is ``q``: ``P(x) ∝ 1/g(q(x))``.

    Parameters
    ----------
    q : sequence of real numbers
        A point of the simplex (entries in [0, 1] summing to 1 within
        ``10**-(dps/2)``).  The complement of the largest entry is taken as
        the sum of the others, so an entry like ``1 - 1e-300`` (which rounds
        to 1) is still inverted exactly when the small entries are given.
    gamma : real number or decimal string, ``gamma >= 0``
    dps : int, optional
    sum_tol : real number or decimal string, optional
        Tolerance on ``|sum(q) - 1|``; default ``10**-(dps/2)``.  Pass a
        larger one for entries rounded to a low precision (float16 rows are
        off by up to ~2e-4).

    Returns
    -------
    tuple of mpf
        P, normalized; ``P(x) = 0`` where ``q(x) = 0``; a vertex maps to itself.

    Notes
    -----
    For Q in the open simplex the stationarity conditions
    ``P(x) g(Q(x)) = lambda`` give ``P(x) = lambda / g(Q(x))``, with
    ``lambda = 1 / sum_x 1/g(Q(x))`` fixed by normalization.

    Examples
    --------
    >>> from focaltheory.reference import inverse_minimizer_mp, minimizer_mp
    >>> r = minimizer_mp(["0.5", "0.3", "0.2"], 3, dps=30)
    >>> [mpmath.nstr(x, 20) for x in inverse_minimizer_mp(r.q, 3, dps=30)]
    ['0.5', '0.3', '0.2']
    """
    dps = _dps(dps)
    with mp.workdps(dps + _GUARD):
        g = _gamma_mp(gamma)
        items = _sequence(q, "q")
        qs = [_unit_interval(x, f"q[{i}]") for i, x in enumerate(items)]
        s = mp.fsum(qs)
        tol = mp.mpf(10) ** (-(dps // 2)) if sum_tol is None else _sum_tol_mp(sum_tol)
        if abs(s - 1) > tol:
            raise ValueError(f"q must sum to 1 (a point of the simplex), its sum is {mpmath.nstr(s, 17)}")
        cs = [1 - x for x in qs]
        top = max(range(len(qs)), key=lambda i: qs[i])
        if qs[top] > mp.mpf(1) / 2:
            cs[top] = mp.fsum(qs[i] for i in range(len(qs)) if i != top)
            if cs[top] == 0:
                qs[top] = mp.one
        P = _inverse_qc(qs, cs, g)
    with mp.workdps(dps):
        return tuple(_out(+x) for x in P)
