"""The focal-entropy minimizer on a countable alphabet at arbitrary precision.

A law of a supported family (:mod:`._laws`, the pmf rewritten in mpmath from
the frozen law's parameters) is split into a head, solved point by point by
the one-class inversion (:mod:`._ginv`), and a tail that is either cut off
where a rigorous bound puts its mass below ``10**-(dps + guard)`` or summed by
Euler-Maclaurin (:mod:`._em`).  Each public call computes in its own mpmath
context (``mpmath.mp`` and its ``dps`` are never changed) under a lock
(mpmath's caches of constants are shared by all contexts).
"""

import numbers
import threading
from dataclasses import dataclass, field
from fractions import Fraction

import mpmath

from ._em import _em_tail, _terms_needed
from ._ginv import _ginv, _log_g_half
from ._laws import _law_spec, _make_law
from ._parse import _GUARD, _dps
from ._series import _div, _exp, _log, _mul, _q_series

try:  # one lock for the whole reference package where it defines one
    from ._context import _LOCK
except ImportError:  # pragma: no cover - depends on the package layout
    _LOCK = threading.RLock()

__all__ = ["CountableReferenceResult", "countable_minimizer_mp", "countable_pmf_mp"]

_N_DIRECT = 4000  # at most this many head points for a cut-off (light) tail
_M_EM = 20  # Euler-Maclaurin terms
_STAGE1_DPS = 20  # digits of the first Newton stage


def _context(dps):
    ctx = mpmath.MPContext()
    ctx.dps = dps
    return ctx


def _out(x):
    """An mpf of a private context as an ``mpmath.mpf`` with the same bits."""
    return mpmath.mp.make_mpf(x._mpf_)


def _real(ctx, x, name):
    if isinstance(x, bool) or not (isinstance(x, (numbers.Real, str)) or hasattr(x, "_mpf_")):
        raise TypeError(f"{name} must be a real number or decimal string, got {type(x).__name__}")
    if isinstance(x, Fraction):
        v = ctx.mpf(x.numerator) / x.denominator
    elif hasattr(x, "_mpf_"):
        v = ctx.make_mpf(x._mpf_)
    elif isinstance(x, str):
        try:
            v = ctx.mpf(x.strip())
        except (ValueError, TypeError):
            raise ValueError(f"{name} must be a decimal number, got the string {x!r}") from None
    elif isinstance(x, numbers.Integral):
        v = ctx.mpf(int(x))
    else:
        v = ctx.mpf(float(x))
    if not ctx.isfinite(v):
        raise ValueError(f"{name} must be finite, got {x!r}")
    return +v


def _gamma(ctx, gamma):
    g = _real(ctx, gamma, "gamma")
    if g < 0:
        raise ValueError(f"gamma must be nonnegative, got {gamma!r}")
    return g


# --------------------------------------------------------------------------
# the plan: head points, and how the tail is handled
# --------------------------------------------------------------------------


@dataclass
class _Plan:
    head: list  # support indices t >= start (|k - loc| for a two-sided law), each with multiplicity `mult`
    mult: list
    K: object = None  # Euler-Maclaurin from K (None: the tail is cut off)
    kind: str = "power"
    rate: object = None
    skip_mass: object = 0  # bound on the P-mass of the points cut off
    skip_ent: object = 0  # bound on sum P (-log P) over them
    skip_edge: object = None  # the largest P among them
    series: dict = field(default_factory=dict)  # Taylor coefficients of log P at K, by precision


def _ratio_tail(law, k, side):
    """Bounds (mass, sum P(-log P), P of the first point) on the points beyond k (right) or before k (left)."""
    ctx = law.ctx
    if side == "right":
        rho, first = law.ratio_bound(k + 1), k + 1
    else:
        rho, first = law.left_ratio_bound(k - 1), k - 1
    if rho is None or (side == "left" and first < law.start):
        return None
    Pb = ctx.exp(law.logpmf(first))
    if Pb > 1 / ctx.e:
        return None
    mass = Pb / (1 - rho)
    ent = Pb * (-ctx.log(Pb) / (1 - rho) - ctx.log(rho) * rho / (1 - rho) ** 2) if rho > 0 else -Pb * ctx.log(Pb)
    return mass, ent, Pb


def _plan(law, digits, min_head=0):
    ctx = law.ctx
    eps = ctx.mpf(10) ** (-digits)
    m = max(law.mode(), law.start)
    mirror = 2 if law.two_sided else 1
    if law.tail == "light":
        # the right cut: the first K beyond the mode whose tail mass bound is below eps
        step, K = 1, m
        while True:
            b = _ratio_tail(law, K, "right")
            if b is not None and b[0] <= eps:
                break
            if K - m > 2 * _N_DIRECT:
                K = None
                break
            K += step
            step *= 2
        if K is not None:  # bisect back to the first point that meets the bound
            lo = max(m, K - step // 2)
            while lo < K:
                mid = (lo + K) // 2
                b = _ratio_tail(law, mid, "right")
                if b is not None and b[0] <= eps:
                    K = mid
                else:
                    lo = mid + 1
        left = law.start
        if law.left_ratio_bound(m) is not None:
            lo, hi = law.start, m  # the last left cut whose bound holds
            while lo < hi:
                mid = (lo + hi + 1) // 2
                b = _ratio_tail(law, mid, "left")
                if b is not None and b[0] <= eps:
                    lo = mid
                else:
                    hi = mid - 1
            left = lo
        if K is not None and min_head:
            K = max(K, law.start + min_head - 1)
            left = law.start
        if K is not None and K - left < _N_DIRECT:
            pieces = [_ratio_tail(law, K, "right")]
            if left > law.start:
                pieces.append(_ratio_tail(law, left, "left"))
            head = list(range(left, K + 1))
            return _Plan(head, [1 if (t == 0 or not law.two_sided) else 2 for t in head],
                         skip_mass=mirror * sum(p[0] for p in pieces), skip_ent=mirror * sum(p[1] for p in pieces),
                         skip_edge=max(p[2] for p in pieces))
    # Euler-Maclaurin: K beyond the mode, large enough for _M_EM terms to reach the digits
    K = max(m + 32, law.start + min_head)
    while _terms_needed(K, digits + 2, _M_EM) is None:
        K = int(K * 1.25) + 1
    head = list(range(law.start, K))
    kind, rate = "power", None
    if law.tail == "light":
        kind, rate = "geometric", -ctx.log(law.ratio_bound(K))
    return _Plan(head, [1 if (t == 0 or not law.two_sided) else 2 for t in head], K=K, kind=kind, rate=rate)


# --------------------------------------------------------------------------
# the mass S(ell) = sum_k g^-1(exp(ell)/P(k)), its derivative, the value
# --------------------------------------------------------------------------


def _evaluate(law, plan, gamma, ell, warm, logp, want_derivative=True, want_value=False):
    """S(ell), dS/dell, the head roots, the tail-error bound on S; the value H_g(P, Q_ell) and its bound."""
    ctx = law.ctx
    roots = [_ginv(ctx, ell - lp, gamma, w) for lp, w in zip(logp, warm)]
    S = ctx.fsum(m * r.q for m, r in zip(plan.mult, roots))
    dS = ctx.fsum(m * r.dq for m, r in zip(plan.mult, roots))
    value = value_err = None
    if want_value:
        value = ctx.fsum(m * ctx.exp(lp) * r.loss(ctx, gamma) for m, lp, r in zip(plan.mult, logp, roots))
    mirror = 2 if law.two_sided else 1
    if plan.K is None:
        # points cut off: q = phi(q)/L <= (1 + gamma)/L when q <= 1/2 (phi <= 1 + 2 gamma/e there), and
        # -log q <= log(2 lambda / P) when gamma q <= 1/2 (phi >= (1 - q)^gamma >= 1/2)
        L_edge = ell - ctx.log(plan.skip_edge)
        if L_edge < _log_g_half(ctx, gamma) or (1 + gamma) * ctx.exp(-L_edge) > ctx.mpf(1) / 2 / max(1, gamma):
            raise ArithmeticError("countable_minimizer_mp: the cut-off tail is not in the small-q regime; "
                                  "please report this input")
        err = (1 + gamma) * plan.skip_mass * ctx.exp(-ell)
        if want_value:
            value_err = max(0, ctx.log(2) + ell) * plan.skip_mass + plan.skip_ent
        return S, dS, roots, err, value, value_err
    memo = {}

    def root(t):
        if t not in memo:
            lp = law.logpmf(t)
            memo[t] = (_ginv(ctx, ell - lp, gamma), lp)
        return memo[t]

    # Taylor coefficients at K of q, dq/dell and P l(q), from the series solution of log g(q) = ell - log P
    n = 2 * _M_EM + 2
    key = (plan.K, ctx.prec)
    if key not in plan.series:
        plan.series[key] = law.logpmf_series(ctx.mpf(plan.K), n)
    LP = plan.series[key]
    rK = root(plan.K)[0]
    if rK.is_v:
        raise ArithmeticError("countable_minimizer_mp: the tail start is not in the small-q regime; "
                              "please report this input")
    U, Q, _, dF = _q_series(ctx, [ell - LP[0]] + [-c for c in LP[1:]], gamma, rK.w)
    funcs, coeffs = [lambda t: root(t)[0].q], [Q]
    if want_derivative:
        funcs.append(lambda t: root(t)[0].dq)
        coeffs.append(_div(ctx, Q, dF))
    if want_value:
        funcs.append(lambda t: ctx.exp(root(t)[1]) * root(t)[0].loss(ctx, gamma))
        C = [-ctx.expm1(U[0])] + [-x for x in Q[1:]]
        E = _exp(ctx, [a + gamma * b for a, b in zip(LP, _log(ctx, C, ctx.log1p(-Q[0])))])
        coeffs.append([-x for x in _mul(ctx, E, U)])
    sums, errs = _em_tail(ctx, funcs, coeffs, plan.K, _M_EM, plan.kind, plan.rate)
    S += mirror * sums[0]
    err = mirror * errs[0]
    if want_derivative:
        dS += mirror * sums[1]
    if want_value:
        value += mirror * sums[-1]
        value_err = mirror * errs[-1]
    return S, dS, roots, err, value, value_err


def _newton(law, plan, gamma, ell, digits, logp, maxiter=200):
    """Newton's method on log S(ell) = 0 (S decreases in ell), safeguarded by a bracket; returns (ell, roots)."""
    ctx = law.ctx
    lo, hi = -ctx.inf, ctx.inf
    warm = [None] * len(plan.head)
    tol = ctx.mpf(10) ** (-digits)
    for _ in range(maxiter):
        S, dS, warm, _, _, _ = _evaluate(law, plan, gamma, ell, warm, logp)
        F = ctx.log(S)
        if F > 0:
            lo = ell
        elif F < 0:
            hi = ell
        else:
            return ell, warm
        step = -F * S / dS
        new = ell + step
        if new != ell and not (lo < new < hi):  # a step that rounds to nothing is convergence (see _ginv)
            new = (lo + hi) / 2 if ctx.isfinite(lo) and ctx.isfinite(hi) else ell + 8 * ctx.sign(step)
        if abs(new - ell) <= tol * max(1, abs(ell)):
            return new, warm
        ell = new
    raise ArithmeticError("countable_minimizer_mp: Newton's method did not converge; please report this input")


# --------------------------------------------------------------------------
# results and the public functions
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class CountableReferenceResult:
    """The focal-entropy minimizer of a law on a countable alphabet (output of :func:`countable_minimizer_mp`).

    Attributes
    ----------
    log_lam : mpf
        log lambda*, where ``P(k) g(Q*(k)) = lambda*`` on the support.
    value : mpf
        The minimal focal-entropy H_g(P) = sum_k P(k) l(Q*(k)) in nats
        (finite for every supported family: their Shannon entropies are).
    value_bound : mpf
        A bound on the error of ``value`` from the tail (the cut-off bound,
        or the Euler-Maclaurin and quadrature error estimates).
    head : tuple of int
        The support points solved one by one.
    q_head : tuple of mpf
        Q*(k) on ``head``.
    tail_ratio : mpf
        1/lambda*, the limit of Q*(k)/P(k) as P(k) -> 0.
    certificate : mpf
        The mass balance: ``|sum_head Q* + tail - 1|`` plus the bound on the
        tail's error, a bound on ``|sum_k Q*(k) - 1|`` (of order
        ``10**-dps`` for a right solve).
    method : str
        ``"cut-off"`` (tail below ``10**-(dps + 10)`` by a ratio bound) or
        ``"euler-maclaurin"`` (tail summed from ``tail_start``).
    tail_start : int or None
        First point of the Euler-Maclaurin tail.
    gamma : mpf
    dps : int
    """

    log_lam: mpmath.mpf
    value: mpmath.mpf
    value_bound: mpmath.mpf
    head: tuple
    q_head: tuple
    tail_ratio: mpmath.mpf
    certificate: mpmath.mpf
    method: str
    tail_start: object
    gamma: mpmath.mpf
    dps: int
    _spec: tuple = ()

    @property
    def lam(self):
        """lambda* = exp(log_lam)."""
        with _LOCK:
            ctx = _context(self.dps)
            return _out(ctx.exp(ctx.make_mpf(self.log_lam._mpf_)))

    def pmf(self, k):
        """Q*(k) to ``dps`` digits at an integer k (anywhere, far in the tail too); 0 off the support.

        A sequence of integers gives a tuple.
        """
        if not isinstance(k, (numbers.Integral,)) and not hasattr(k, "__iter__"):
            raise TypeError(f"k must be an integer or a sequence of integers, got {type(k).__name__}")
        ks = list(k) if hasattr(k, "__iter__") else [k]
        with _LOCK:
            ctx = _context(self.dps + _GUARD)
            law = _make_law(ctx, self._spec)
            gamma = ctx.make_mpf(self.gamma._mpf_)
            ell = ctx.make_mpf(self.log_lam._mpf_)
            out = []
            for x in ks:
                if isinstance(x, bool) or not isinstance(x, numbers.Integral):
                    raise TypeError(f"k must be integers, got {x!r}")
                t = _index(law, int(x))
                if t is None:
                    out.append(ctx.zero)
                elif gamma == 0:
                    out.append(ctx.exp(law.logpmf(t)))
                else:
                    out.append(_ginv(ctx, ell - law.logpmf(t), gamma).q)
            ctx.dps = self.dps
            out = tuple(_out(+x) for x in out)
        return out if hasattr(k, "__iter__") else out[0]


def _index(law, k):
    """The support index of the integer point k (None off the support)."""
    t = k - law.loc
    if law.two_sided:
        return abs(t)
    return t if t >= law.start else None


def countable_minimizer_mp(law, gamma, dps=50, head=None):
    """Minimize the focal-entropy over the laws on a countable alphabet, to ``dps`` digits.

    Parameters
    ----------
    law : frozen scipy.stats discrete distribution
        One of geom, poisson, nbinom, logser, zipf, yulesimon, planck,
        dlaplace, betanbinom, with an integer ``loc``.  Only its parameters
        are read; the pmf is rewritten in mpmath (the parameters are taken
        as the exact binary values of the floats given).
    gamma : float, int, str or mpf
        Focusing parameter, ``gamma >= 0``.
    dps : int, optional
        Decimal digits of the answer (default 50, at least 10); the solve
        carries 10 more.
    head : int, optional
        At least this many support points (counted from the first, by
        ``|k - loc|`` for a two-sided law) solved one by one and returned in
        ``q_head``; by default as many as the tail method needs.

    Returns
    -------
    CountableReferenceResult
        ``log_lam``, ``value``, ``value_bound``, ``head``, ``q_head``,
        ``tail_ratio``, ``certificate``, ``pmf(k)`` (Q* at any integer),
        ``method``, ``tail_start``.

    Raises
    ------
    TypeError
        If ``law`` is not a frozen scipy.stats discrete law, a parameter is
        not a real number, or ``dps`` is not an integer.
    ValueError
        If the family is not supported, a parameter lies outside its
        domain (including the finite-support edge cases such as p = 1),
        ``gamma`` is negative or not finite, or ``dps < 10``.

    Notes
    -----
    On the support the minimizer is ``Q*(k) = g^-1(lambda*/P(k))``, with
    lambda* the root of the mass

    .. math:: S(\\lambda) = \\sum_k g^{-1}(\\lambda / P(k)) = 1,

    finite, continuous and strictly decreasing from infinity to 0 (each term
    decreases in lambda, and ``g^-1(L) <= (1 + gamma)/L`` once ``L >= g(1/2)``
    makes the series converge by comparison with ``sum P(k)/lambda``).  It
    is solved by Newton's method on ``log S(ell)``, ``ell = log lambda``,
    first at 20 digits, then at ``dps + 10``.  The head is summed point by
    point, each ``g^-1`` by the reference's safeguarded Newton inversion in
    the log charts.  The tail is handled in one of two ways:

    * light tails (geometric-type or faster) with a ratio bound
      ``P(j+1)/P(j) <= rho < 1``: cut off at the first K whose bound
      ``P(K+1)/(1 - rho)`` on the remaining P-mass is below
      ``10**-(dps + 10)`` (a far left tail likewise, for Poisson and
      negative binomial laws); the cut-off points add at most
      ``(1 + gamma) sum P / lambda*`` to S, which enters the certificate;
    * power tails (zipf, yulesimon, betanbinom) and slow light tails: the
      Euler-Maclaurin formula from K on the continuous extension of the pmf
      (log-gamma), with the integral by tanh-sinh quadrature and 20
      correction terms, K chosen so that ``(40)!/(2 pi K)**40`` is below the
      target.  The derivatives at K are exact Taylor coefficients: the
      series of ``log P(K + h)`` (polygamma values, Hurwitz zeta) and the
      series solution of ``log g(q) = ell - log P`` by Newton's method on
      power series.  The error estimate (first omitted term plus the
      quadrature's estimate) enters the certificate.

    In the tail, ``g(q) = 1/q - gamma (1 + log q) + O(q log q)`` gives, with
    ``L = lambda*/P(k)``,

    .. math:: \\frac{Q^*(k)}{P(k)} = \\frac{1}{\\lambda^*}\\Bigl(1 + \\gamma
              \\frac{P(k)}{\\lambda^*}\\bigl(\\log\\frac{\\lambda^*}{P(k)} - 1\\bigr)
              + O(P^2 \\log^2 P)\\Bigr),

    so ``tail_ratio = 1/lambda*``.  At gamma = 0, ``Q* = P`` and
    ``lambda* = 1`` exactly.  The value is ``sum_k P(k) l(Q*(k))`` with the
    same head/tail split.  Each call computes in its own mpmath context
    (``mpmath.mp.dps`` is never changed) under the reference's lock.

    Examples
    --------
    >>> import mpmath
    >>> from scipy import stats
    >>> from focaltheory.reference import countable_minimizer_mp
    >>> r = countable_minimizer_mp(stats.geom(0.5), 2, dps=20)
    >>> print(mpmath.nstr(r.log_lam, 15), mpmath.nstr(r.pmf(1), 15))
    -0.0569865137015179 0.411241587471831
    >>> r.certificate < mpmath.mpf("1e-20")
    True
    """
    dps = _dps(dps)
    spec = _law_spec(law)
    if head is None:
        head = 0
    elif isinstance(head, bool) or not isinstance(head, numbers.Integral):
        raise TypeError(f"head must be an integer number of points, got {type(head).__name__}")
    elif not 0 <= head <= 10 ** 6:
        raise ValueError(f"head must lie in [0, 1e6], got {head}")
    with _LOCK:
        work = dps + _GUARD
        ctx = _context(work)
        g = _gamma(ctx, gamma)
        law_mp = _make_law(ctx, spec)
        plan = _plan(law_mp, work, int(head))
        if g == 0:
            ell = ctx.zero
        else:
            ctx.dps = _STAGE1_DPS + 5
            logp = [law_mp.logpmf(t) for t in plan.head]
            ell, _ = _newton(law_mp, plan, g, ctx.zero, _STAGE1_DPS, logp)
            ctx.dps = work
            law_mp = _make_law(ctx, spec)
            # a cut-off point adds up to (1 + gamma) P / lambda* to S: cut where that is below 10**-work
            extra = max(0, int(ctx.ceil((ctx.log(1 + g) - ell) / ctx.log(10))))
            plan = _plan(law_mp, work + extra, int(head))
            logp = [law_mp.logpmf(t) for t in plan.head]
            ell, _ = _newton(law_mp, plan, g, +ell, work - 3, logp)
        logp = [law_mp.logpmf(t) for t in plan.head]
        S, _, roots, err, value, value_err = _evaluate(law_mp, plan, g, ell, [None] * len(plan.head), logp,
                                                      want_derivative=False, want_value=True)
        cert = abs(S - 1) + err
        head, qh = [], []
        for t, r in zip(plan.head, roots):
            for k in ([t] if t == 0 or not law_mp.two_sided else [-t, t]):
                head.append(k + law_mp.loc)
                qh.append(ctx.exp(logp[plan.head.index(t)]) if g == 0 else r.q)
        order = sorted(range(len(head)), key=head.__getitem__)
        ctx.dps = dps
        return CountableReferenceResult(
            log_lam=_out(+ell), value=_out(+value), value_bound=_out(+value_err),
            head=tuple(head[i] for i in order), q_head=tuple(_out(+qh[i]) for i in order),
            tail_ratio=_out(ctx.exp(-ell)), certificate=_out(+cert),
            method="cut-off" if plan.K is None else "euler-maclaurin",
            tail_start=None if plan.K is None else plan.K + law_mp.loc, gamma=_out(+g), dps=dps, _spec=spec)


def countable_pmf_mp(law, k, dps=50):
    """The pmf P(k) of a supported frozen scipy.stats law, rewritten in mpmath, to ``dps`` digits.

    Parameters
    ----------
    law : frozen scipy.stats discrete distribution
        As for :func:`countable_minimizer_mp`.
    k : int or sequence of int
    dps : int, optional

    Returns
    -------
    mpf or tuple of mpf
        0 off the support.

    Examples
    --------
    >>> import mpmath
    >>> from scipy import stats
    >>> from focaltheory.reference import countable_pmf_mp
    >>> print(mpmath.nstr(countable_pmf_mp(stats.zipf(2), 3, dps=30), 20))   # 6/(9 pi^2)
    0.067547455761558514296
    """
    dps = _dps(dps)
    spec = _law_spec(law)
    ks = list(k) if hasattr(k, "__iter__") else [k]
    for x in ks:
        if isinstance(x, bool) or not isinstance(x, numbers.Integral):
            raise TypeError(f"k must be an integer or a sequence of integers, got {x!r}")
    with _LOCK:
        ctx = _context(dps + _GUARD)
        law_mp = _make_law(ctx, spec)
        vals = []
        for x in ks:
            t = _index(law_mp, int(x))
            vals.append(ctx.zero if t is None else ctx.exp(law_mp.logpmf(t)))
        ctx.dps = dps
        out = tuple(_out(+v) for v in vals)
    return out if hasattr(k, "__iter__") else out[0]
