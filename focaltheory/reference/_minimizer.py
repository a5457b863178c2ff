"""The focal-entropy minimizer at arbitrary precision.

On the support the minimizer solves log P(x) + log g(q_x) = ell
(ell = log lambda*) and sum q_x = 1: a double-precision warm start in the
log charts (focaltheory._charts), then Newton's method on the whole system
in mpmath, with a slow safeguarded fallback.  The private helpers work at
the working precision of the reference's own mpmath context, set by
:func:`minimizer_mp` from its ``dps``.
"""

from dataclasses import dataclass

import mpmath
import numpy as np

from ._context import _out, _serialized, mp

from .._charts import _warm_start
from ._ginv import _ginv
from ._inverse import _certificate
from ._parse import _GUARD, _dps, _gamma_mp, _weights
from ._scalar import _chart_u, _chart_v, _focal_loss_qc


def _newton_joint(logp, mult, gamma, ell, is_v, w, tol, maxiter=60):
    """Newton on the whole system  log P_x + log g(q_x) = ell,  sum mult_x q_x = 1.

    Unknowns: ell and one chart variable w_x per distinct class.  Eliminating
    the w-steps gives a scalar equation for the ell-step (bordered system).
    Returns (ell, w, iterations) or None when it does not converge.
    """
    k = len(logp)
    n_v_minus_1 = sum(m for m, v in zip(mult, is_v) if v) - 1
    for it in range(1, maxiter + 1):
        S = mp.mpf(n_v_minus_1)
        num = mp.mpf(0)
        den = mp.mpf(0)
        res = [None] * k
        dl = [None] * k
        qs = [None] * k
        for i in range(k):
            if is_v[i]:
                q, c, lg, dlg, dq = _chart_v(mp, w[i], gamma)
                S -= mult[i] * c
                qs[i] = (q, c, -c)
            else:
                q, c, lg, dlg, dq = _chart_u(mp, w[i], gamma)
                S += mult[i] * q
                qs[i] = (q, c, q)
            r = logp[i] + lg - ell
            res[i] = r
            dl[i] = dlg
            t = mult[i] * dq / dlg
            num += t * r
            den += t
        d_ell = (num - S) / den
        big = abs(d_ell) / max(1, abs(ell))
        for i in range(k):
            dw = (d_ell - res[i]) / dl[i]
            w[i] += dw
            q, c, dq = qs[i]
            qs[i] = (q, c, dq, dw)
            big = max(big, abs(dw) / max(1, abs(w[i])))
            if is_v[i] and w[i] >= 0:
                return None
            if (not is_v[i]) and w[i] >= 0:
                return None
        ell += d_ell
        if not mp.isfinite(big):
            return None
        # quadratic convergence: the error left after a step of relative size
        # `big` is O(big**2) with a constant of order 1 in these charts (at most
        # of order 1 + gamma); stop when that is below tol
        if big <= tol or big * big * 100 * (1 + gamma) <= tol:
            # the last step is below tol: first-order update of q and 1 - q is exact
            # to O(tol^2); the chart variable w is returned updated as well
            qc = []
            for i in range(k):
                q, c, dq, dw = qs[i]
                if is_v[i]:  # c = exp(v): dc = c dv
                    dc = c * mp.expm1(dw)
                    qc.append((q - dc, c + dc))
                else:  # q = exp(u)
                    dqq = q * mp.expm1(dw)
                    qc.append((q + dqq, c - dqq))
            return ell, w, it, qc
    return None


def _nested_mp(logp, mult, gamma, tol):
    """Slow, safeguarded fallback: Newton/bisection on ell, per-class inner solves.

    Returns ell and the roots (:class:`._ginv._Root`) of the distinct classes.
    """
    n = sum(mult)
    lg_n = (gamma - 1) * mp.log1p(-mp.mpf(1) / n) + mp.log((n - 1) + gamma * mp.log(n))
    lo, hi = min(logp) + lg_n, max(logp) + lg_n
    ell = (lo + hi) / 2
    roots = [None] * len(logp)
    for _ in range(20 * mp.prec):
        roots = [_ginv(mp, ell - lp, gamma, r, tol) for lp, r in zip(logp, roots)]
        F = mp.mpf(sum(m for m, r in zip(mult, roots) if r.is_v) - 1)
        dF = mp.mpf(0)
        for m, r in zip(mult, roots):
            F += -m * r.c if r.is_v else m * r.q
            dF += m * r.dq
        phi = mp.log1p(F)
        if phi > 0:
            lo = ell
        elif phi < 0:
            hi = ell
        else:
            break
        new = ell - phi * (1 + F) / dF
        if new != ell and not (lo < new < hi):  # a step that rounds to nothing is convergence (see _ginv)
            new = (lo + hi) / 2
        if abs(new - ell) <= tol * max(1, abs(ell)) or new == ell:
            ell = new
            break
        ell = new
    return ell, [_ginv(mp, ell - lp, gamma, r, tol) for lp, r in zip(logp, roots)]


@_serialized
def _lam(log_lam, dps):
    with mp.workdps(dps):
        return _out(mp.exp(log_lam))


@dataclass(frozen=True)
class ReferenceResult:
    """Arbitrary-precision focal-entropy minimizer (output of :func:`minimizer_mp`).

    Attributes
    ----------
    q : tuple of mpf
        The minimizer Q*, one entry per class (exactly 0 off the support),
        rounded to ``dps`` digits.
    log_lam : mpf
        log lambda*, where ``P(x) g(Q*(x)) = lambda*`` on the support.  For a
        point mass and gamma > 0 it is ``-inf`` (lambda* = g(1) = 0); for
        gamma = 0 it is 0.  Accurate to about ``10**-dps * max(1, |log_lam|)``
        in absolute terms, i.e. lambda* to ``dps`` significant digits (a tiny
        log_lam, e.g. ~1e-300 at gamma = 1e-300, is not resolved relatively).
    value : mpf
        The minimal focal-entropy H_g(P) = H_g(P, Q*) in nats.
    dps : int
        Decimal digits requested.
    certificate : mpf
        max over the support of ``|Phat(x)/P(x) - 1|``, where ``Phat`` is the
        inverse map ``Phat ∝ 1/g(q)`` applied to the returned ``q`` (with its
        complements) and ``P`` the normalized input, or ``|sum q - 1|``
        if larger.  Of order ``10**-dps`` when the solve is right at moderate
        gamma; the inverse map magnifies the rounding of q by the problem's
        sensitivity, so a correctly rounded answer shows up to about
        ``gamma 10**-dps`` at large gamma, and beyond gamma ~ ``10**(dps/2)``
        it carries no information.  :func:`minimizer_mp` raises rather than
        return an answer whose certificate exceeds ``(1 + gamma) 10**(-dps/2)``
        where that bound is below 1.
    complement : tuple of mpf
        ``1 - q`` for every class, computed without cancellation (for a class
        with q near 1, ``q`` itself rounds to 1 but this stays exact).
    p : tuple of mpf
        The normalized input distribution.
    """

    q: tuple
    log_lam: mpmath.mpf
    value: mpmath.mpf
    dps: int
    certificate: mpmath.mpf
    complement: tuple = ()
    p: tuple = ()

    @property
    def lam(self):
        """lambda* = exp(log_lam) to ``dps`` digits (may underflow only in display: mpf has no exponent limit)."""
        return _lam(self.log_lam, self.dps)


@_serialized
def minimizer_mp(p, gamma, dps=50):
    """Minimize the focal-entropy over the simplex to ``dps`` decimal digits.

    Parameters
    ----------
    p : sequence of real numbers
        Nonnegative class weights (floats, ints, Fractions, mpf or decimal
        strings such as ``"1e-1000"``); normalized by their sum.  Zero
        weights give ``q = 0`` exactly.
    gamma : float, int, str or mpf
        Focusing parameter, ``gamma >= 0``.
    dps : int, optional
        Decimal digits of the answer (default 50, at least 10).  The solve
        carries ``dps + 10`` digits internally.

    Returns
    -------
    ReferenceResult
        ``q``, ``log_lam``, ``value``, ``dps``, ``certificate``, ``complement``, ``p``.

    Raises
    ------
    TypeError
        If ``p`` is not a sequence of real numbers, ``gamma`` is not a real
        number or ``dps`` is not an integer.
    ValueError
        If a weight is negative or not finite, all weights are zero, ``gamma``
        is negative or not finite, or ``dps < 10``.

    Notes
    -----
    On the support S (size n) the minimizer solves
    ``log P(x) + log g(q_x) = ell`` (ell = log lambda*) and ``sum q_x = 1``.
    Each class is carried in one of two charts: ``u = log q`` when
    ``q <= 1/2`` and ``v = log(1 - q)`` otherwise, with ``log g`` rewritten
    exactly in each chart (see the source), so probabilities like
    ``1e-1000`` and complements like ``1 - q = 1e-300`` are carried to full
    relative precision, and lambda* is only ever carried as its logarithm
    (gamma = 5000 gives ell near -3000).  Equal weights are solved once.

    1. A double-precision warm start in the same charts (vectorized numpy,
       safeguarded Newton on ``log sum q(ell)`` with per-class safeguarded
       Newton inner solves; it shares no code with :mod:`focaltheory.solver`).
    2. Newton's method on the full system (``n + 1`` unknowns, bordered
       Jacobian, eliminated in O(n)) at ``dps + 10`` digits until the step
       is below ``10**-(dps + 5)``: quadratic convergence, 4 to 5 sweeps.
    3. If step 1 or 2 fails, a slow pure-mpmath safeguarded fallback
       (Newton with bisection on ell, per-class bracketed Newton).

    Thread-safe: the work is done in the reference's own mpmath context
    (``mpmath.mp.dps`` is never changed, not even temporarily) and calls
    from several threads are serialized by a lock; the results are ordinary
    ``mpmath.mpf`` numbers carrying ``dps`` digits.

    Degenerate cases, by definition: gamma = 0 returns ``q = P``,
    ``log_lam = 0``; a single support point returns the vertex, ``value = 0``
    and ``log_lam = -inf`` (lambda* = g(1) = 0, the limit of lambda* as the
    other weights tend to 0; for gamma = 0 it is 0 since g(1) = 1).

    References
    ----------
    .. [1] J. Shah, M. Cardone, A. Dytso, "Functional Properties of the
       Focal-Entropy", AISTATS 2026, arXiv:2603.02533.

    Examples
    --------
    >>> from focaltheory.reference import minimizer_mp
    >>> r = minimizer_mp(["0.7", "0.2", "0.1"], 2, dps=30)
    >>> [mpmath.nstr(x, 12) for x in r.q]
    ['0.535168594134', '0.292692649312', '0.172138756554']
    >>> r.certificate < mpmath.mpf("1e-29")   # inverse map of q reproduces P
    True
    >>> r = minimizer_mp(["1", "1e-1000"], 2)   # extreme dominance
    >>> print(r.q[0], mpmath.nstr(r.complement[0], 10), mpmath.nstr(r.log_lam, 10))
    1.0 3.218297949e-334 -1534.690525
    """
    dps = _dps(dps)
    with mp.workdps(dps + _GUARD):
        g = _gamma_mp(gamma)
        w = _weights(p, "p")
        total = mp.fsum(w)
        P = [x / total for x in w]
        log_total = mp.log(total)
        support = [i for i, x in enumerate(w) if x != 0]
        K = len(w)
        if g == 0:
            q = list(P)
            c = [1 - x for x in P]
            # the largest class's complement from the other weights (1 - P
            # rounds to 0 when it dominates by more than the working precision)
            m = max(range(K), key=lambda i: w[i])
            c[m] = mp.fsum(w[i] for i in range(K) if i != m) / total
            ell = mp.zero
        elif len(support) == 1:
            q = [mp.zero] * K
            c = [mp.one] * K
            q[support[0]], c[support[0]] = mp.one, mp.zero
            ell = mp.ninf
        else:
            # distinct weights with multiplicities
            groups = {}
            for i in support:
                groups.setdefault(w[i], []).append(i)
            keys = list(groups)
            logp = [mp.log(x) - log_total for x in keys]
            mult = [len(groups[x]) for x in keys]
            tol = mp.mpf(10) ** (-(dps + 5))
            sol = None
            # the double-precision warm start is only a guess, checked by the Newton solve below (and
            # replaced by the fallback when it fails): its overflows (gamma beyond ~1e154 squares to
            # inf in the double charts) are expected, not news
            with np.errstate(all="ignore"):
                warm = _warm_start(np.array([float(x) for x in logp]), np.array(mult, dtype=float), float(g))
            if warm is not None:
                ell0, is_v, w0 = warm
                sol = _newton_joint(logp, mult, g, mp.mpf(ell0), [bool(b) for b in is_v],
                                    [mp.mpf(float(x)) for x in w0], tol)
                if sol is not None:
                    ell, ws, _, qc = sol
            if sol is None:
                ell, roots = _nested_mp(logp, mult, g, tol)
                qc = [(r.q, r.c) for r in roots]
            q = [mp.zero] * K
            c = [mp.one] * K
            for key, (qk, ck) in zip(keys, qc):
                for i in groups[key]:
                    q[i], c[i] = qk, ck
            # A class above 1/2 (at most one) takes its complement from the
            # constraint, as the sum of the others (each known to relative
            # precision in its log-q chart).  Its own equation pins 1 - q only
            # to the absolute precision of ell divided by gamma, which is no
            # precision at all when 1 - q is below 10**-dps and gamma is small.
            m = max(support, key=lambda i: q[i])
            if q[m] > c[m]:
                c[m] = mp.fsum(q[i] for i in support if i != m)
                q[m] = 1 - c[m]
        # value and certificate once per distinct class (ties share q)
        reps = {}
        for i in support:
            reps.setdefault(w[i], [i, 0])[1] += 1
        rep = [i for i, _ in reps.values()]
        mult_r = [m for _, m in reps.values()]
        value = mp.fsum(m * P[i] * _focal_loss_qc(q[i], c[i], g) for i, m in zip(rep, mult_r))
        with mp.workdps(dps):
            q_out = tuple(+x for x in q)
            c_out = tuple(+x for x in c)
            P_out = tuple(+x for x in P)
        cert = _certificate([P[i] for i in rep], [q_out[i] for i in rep], [c_out[i] for i in rep], g, mult_r)
        # a wrong answer is not returned silently; beyond gamma ~ 10**(dps/2) the rounding of q, times
        # gamma in the exponent of the inverse map, leaves the certificate nothing to say
        bound = (1 + g) * mp.mpf(10) ** (-dps / 2)
        if bound < 1 and cert > bound:
            raise ArithmeticError(f"minimizer_mp did not converge (certificate {mp.nstr(cert, 3)} at dps={dps}); "
                                  "please report this input")
        with mp.workdps(dps):
            return ReferenceResult(q=tuple(map(_out, q_out)), log_lam=_out(+ell), value=_out(+value), dps=dps,
                                   certificate=_out(+cert), complement=tuple(map(_out, c_out)),
                                   p=tuple(map(_out, P_out)))
