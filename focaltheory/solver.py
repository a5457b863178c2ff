"""The unique minimizer of the focal-entropy over the simplex, for batches."""

import functools
from dataclasses import dataclass

import numpy as np

from . import _dd
from . import _kernels as _k
from ._validation import _broadcast_gamma, _class_weights, _distribution, _gamma

__all__ = ["minimizer", "MinimizerResult"]

_EPS = np.finfo(np.float64).eps
# Rows are solved in chunks of about this many entries, which bounds the
# solver's working memory whatever the batch size; 2**16 keeps the working
# set of a chunk near the cache (measured 1.4x faster than 2**17 at 1e6 x 10).
_CHUNK_ENTRIES = 1 << 16
# A class whose log-odds falls below this is carried relative to its
# probability (w = z - log P), so that q = P exp(w) / (1 + P exp(w)) keeps
# full relative accuracy even where log P itself is large (P ~ 1e-300).
_TINY_LOGIT = -30.0
# Newton stops when its correction is within this many ulp of the iterate.
_ULPS = 8
# Newton iterations of the fast path before a row falls back to the bracketed search.
_FAST_ITERS = 10
# Above this gamma an exact Newton step ends the solve (see _polish): the
# plain rounding of gamma log(1 - q) and of the constraint, ~gamma eps
# |log(1 - q)|, would approach the 1e-13 target (worst measured without it:
# 4.0e-14 at gamma = 300, 6.2e-14 at 500, 1.8e-13 at 1000).  Below, the
# exact step (about one more Newton evaluation) is not spent.
_EXACT_GAMMA = 300.0
# d log g / dz carries gamma (gamma - 1) q k, which overflows near gamma = 1e154.
# Q* is exact to about an ulp up to here (tested at 1e150); Q* is uniform on
# the support to double precision long before (1/n + O(log P / gamma)).
_MAX_GAMMA = 1e150


@dataclass(frozen=True)
class MinimizerResult:
    """Result of :func:`minimizer`.  All arrays are read-only.

    Attributes
    ----------
    q : ndarray
        The minimizer Q*, same shape as the (broadcast) input ``p``.
    log_lam : ndarray
        log(lambda*), batch shape.  lambda* is the Lagrange multiplier of the
        constraint sum(Q) = 1, i.e. the common value of P(x) g(Q*(x)) on the
        support.  It is returned as a logarithm because lambda* underflows
        double precision at large gamma (log_lam is about -3460 at gamma = 5000,
        K = 2).  For a point mass and gamma > 0, lambda* = g(1) = 0 exactly and
        log_lam is -inf: the only non-finite output.
    value : ndarray
        The minimal focal-entropy H_g(P) = H_g(P, Q*) in nats, batch shape.
        Its relative accuracy is about gamma |log(1 - q)| eps for the largest
        q (gamma multiplies the rounding of log(1 - q)): up to ~5e-13 just
        below gamma = 300, and ~1e-14 above, where it is taken at the exact
        last step.
    iterations : ndarray
        Newton iterations used, batch shape (0 for gamma = 0 and point masses),
        counting the exact last step taken above gamma = 300 (see Notes).  A
        row that the first 10 Newton iterations do not settle restarts from a
        bracketed 1-D search, whose steps are counted too: the count can then
        exceed ``maxiter``, which bounds the Newton iterations alone.
    converged : ndarray
        Bool, batch shape: True where the last Newton correction was at the
        level of rounding.
    residual : ndarray
        The KKT residual achieved, batch shape: the larger of
        max_x |log(P(x) g(Q(x))) - log(lambda)| over the support and
        |log(sum_{x != m} Q(x) / (1 - Q(m)))| (m the largest class), at the
        last point where the system was evaluated; q and log_lam include
        the Newton correction from there.  Above gamma = 300 that evaluation
        is exact, at the converged iterate: the residual then also shows the
        iterate's own distance from the answer, |d log g / dz| times a few
        ulp (up to ~1e-11 at gamma = 5000 with q near 1).
    """

    q: np.ndarray
    log_lam: np.ndarray
    value: np.ndarray
    iterations: np.ndarray
    converged: np.ndarray
    residual: np.ndarray

    def __post_init__(self):
        for name in ("q", "log_lam", "value", "iterations", "converged", "residual"):
            arr = np.asarray(getattr(self, name))  # arrays the solver made itself
            arr.flags.writeable = False
            object.__setattr__(self, name, arr)


def minimizer(p, gamma, axis=-1, *, alpha=None, maxiter=50):
    r"""Minimizer of the focal-entropy H_g(P, .) over the probability simplex.

    Parameters
    ----------
    p : array_like
        Nonnegative weights; normalized along `axis` (as `scipy.stats.entropy`
        does).  Any leading (batch) shape.  Integer and float32 input is
        accepted and computed in float64.
    gamma : float or array_like
        Focusing parameter, >= 0 and at most 1e150.  An array broadcasts
        against the batch shape (the shape of `p` without `axis`), so one
        call can sweep gamma.
    axis : int, optional
        The class axis.  Default -1.
    alpha : array_like, optional
        Class weights of the alpha-balanced focal loss, nonnegative,
        broadcastable to the shape of `p` (e.g. shape (K,) for the last
        axis).  The weighted risk sum_x alpha_x P(x) l(Q(x)) is minimized;
        this is the plain problem for the reweighted distribution
        alpha P / sum(alpha P), so Q* = g^-1(lambda* / (alpha P)).  ``value``
        and ``log_lam`` refer to the weighted risk.
    maxiter : int, optional
        Newton iterations allowed per distribution (above gamma = 300, one
        exact step may follow; the steps of the bracketed restart, see
        ``iterations``, are not limited by it).  Default 50; typical use
        needs 3 to 8.

    Returns
    -------
    MinimizerResult
        Frozen result with ``q`` (same shape as the broadcast `p`),
        ``log_lam``, ``value``, ``iterations``, ``converged``, ``residual``.

    Raises
    ------
    ValueError
        NaN, inf or negative weights, an all-zero distribution, an empty class
        axis, gamma negative, above 1e150, not finite or not broadcastable,
        axis out of range; alpha so large that the weighted value overflows.
    TypeError
        Complex, string or object input, a non-integer axis.

    Notes
    -----
    For the focal loss :math:`l(q) = -(1-q)^\gamma \log q` and
    :math:`g = -l'`, the minimizer of
    :math:`H_\gamma(P, Q) = \sum_x P(x)\, l(Q(x))` is unique (l is strictly
    convex), vanishes off the support of P, and on the support satisfies

    .. math:: P(x)\, g(Q^*(x)) = \lambda^*, \qquad \sum_x Q^*(x) = 1 .

    Each distribution is one scalar unknown :math:`\log\lambda^*` plus K
    decoupled monotone equations; all are solved together by Newton's method
    on the joint system, vectorized over the batch.  Each class is carried by
    its log-odds :math:`z = \log(q/(1-q))` (or, for tiny classes, by
    :math:`z - \log P`) so that q, 1 - q and q / P all keep full relative
    accuracy: the information about the small classes of a near-degenerate
    distribution lives in the complement of the big one.  gamma = 0 returns P
    exactly (cross-entropy is minimized by P).

    The result carries its certificate: ``residual`` is the achieved KKT
    residual, and :func:`focaltheory.inverse_minimizer` maps ``q`` back to P.
    Newton is globalized by backtracking, with a bracketed one-dimensional
    search for rows the fast path does not settle; every row's answer is
    independent of the batch it is solved in.  Against a 50-digit reference
    every positive entry is within 1e-13 relative (a few ulp at moderate
    gamma, 4e-14 at worst measured up to gamma = 300).  The terms that gamma
    multiplies carry gamma times their rounding: gamma log(1 - q), and the
    constraint, which pins log lambda* only to gamma times its own rounding
    (1.8e-13 at gamma = 1000 in plain arithmetic).  So above gamma = 300 one more Newton step ends the solve,
    with q (or 1 - q, whichever is below 1/2) as the exact variable, the logs
    and the sums in double-double, and q rounded once: it is then within an
    ulp of the correctly rounded answer, and the round trip through the
    inverse map (condition number ~gamma q / (1 - q)) stays within 1e-12 up to
    gamma = 5000.  Weights whose normalized value is subnormal keep all their
    digits; results below the double range round to 0.

    References
    ----------
    .. [1] J. Shah, M. Cardone, A. Dytso, "Functional Properties of the
           Focal-Entropy", AISTATS 2026, arXiv:2603.02533.
    .. [2] T.-Y. Lin et al., "Focal Loss for Dense Object Detection", ICCV 2017.

    Examples
    --------
    >>> import numpy as np
    >>> from focaltheory import minimizer
    >>> res = minimizer([0.7, 0.2, 0.1], gamma=2)
    >>> np.round(res.q, 6)
    array([0.535169, 0.292693, 0.172139])
    >>> bool(res.converged), bool(res.residual < 1e-14)
    (True, True)

    One call sweeps gamma (the batch shape broadcasts against gamma):

    >>> minimizer([0.7, 0.2, 0.1], gamma=[0.0, 1.0, 5.0]).q.shape
    (3, 3)
    >>> P = np.array([[0.7, 0.2, 0.1], [0.4, 0.4, 0.2]])
    >>> minimizer(P, gamma=[[1.0], [2.0], [5.0], [9.0]]).q.shape  # gamma x batch x K
    (4, 2, 3)
    """
    W, ax = _distribution(p, "p", axis, normalize=False)
    # rows contiguous, so that each row's sums (and so its result) are the
    # same bits whatever the input's memory layout or class axis
    W = np.ascontiguousarray(W)
    g = _gamma(gamma)
    if g.size and float(g.max()) > _MAX_GAMMA:
        raise ValueError(f"gamma must be at most {_MAX_GAMMA:g} for the minimizer (the solver squares it), "
                         f"got {float(g.max())!r}")
    scale = Pexp = None
    if alpha is not None:
        A = _class_weights(alpha, np.moveaxis(W, -1, ax).shape, ax)
        P, Pexp, scale = _reweight(W, A)
    else:
        total = W.sum(axis=-1, keepdims=True)
        P = W / total
        tiny = np.finfo(np.float64).tiny
        # (a cheap bound first: no entry can be subnormal when the smallest
        # weight over the largest total is normal)
        sub = None if W.size == 0 or W.min() > tiny * total.max() else (P < tiny) & (W > 0)
        if sub is not None and np.any(sub):
            # normalized entries below the normal range would lose digits:
            # W / total = (mW / mt) 2**(eW - et), kept as stand-in and exponent
            mW, eW = np.frexp(W)
            mt, et = np.frexp(total)
            Pexp = np.where(sub, eW - et, 0)
            P = np.where(sub, mW / mt, P)
    if isinstance(maxiter, (bool, np.bool_)) or not isinstance(maxiter, (int, np.integer)):
        raise TypeError(f"maxiter must be an integer, got {type(maxiter).__name__}")
    if maxiter < 1:
        raise ValueError(f"maxiter must be at least 1, got {maxiter}")
    K = P.shape[-1]
    ax_out = ax - P.ndim  # the class axis keeps its place counted from the end
    batch = _broadcast_gamma(g, P.shape[:-1])
    P = np.broadcast_to(P, batch + (K,))
    N = int(np.prod(batch, dtype=np.int64))
    rows = P.reshape(N, K)
    if Pexp is not None:
        Pexp = np.broadcast_to(Pexp, batch + (K,)).reshape(N, K)
    # With alpha the value is written times 2**E (Z = Zs 2**E): the terms of the
    # normalized problem can lie below the double range where Z H does not
    Vexp = None if scale is None else Pexp + np.broadcast_to(scale[1], batch).reshape(N)[:, None]
    gam = np.broadcast_to(g, batch).reshape(N)

    q = np.empty((N, K))
    log_lam = np.empty(N)
    value = np.empty(N)
    iterations = np.zeros(N, dtype=np.int64)
    converged = np.zeros(N, dtype=bool)
    residual = np.empty(N)
    step = max(1, _CHUNK_ENTRIES // K)
    # Newton iterates far from the answer can under- or overflow on the way
    # (the backtracking and the bracketed fallback recover from them); the
    # results are checked below, so the floating-point flags are not news
    with np.errstate(all="ignore"):
        for start in range(0, N, step):
            sl = slice(start, min(N, start + step))
            _solve_rows(rows[sl], gam[sl], int(maxiter), q[sl], log_lam[sl], value[sl],
                        iterations[sl], converged[sl], residual[sl], None if Pexp is None else Pexp[sl],
                        None if Vexp is None else Vexp[sl])
    if scale is not None:
        # the weighted risk is Z times the reweighted one, lambda* likewise;
        # Z = Zs 2**E is applied as such (exp(log Z) would cost |log Z| ulp),
        # 2**E already inside the value (see Vexp)
        Zs, E = (np.broadcast_to(x, batch).reshape(N) for x in scale)
        log_lam += np.log(Zs) + E * np.log(2.0)
        with np.errstate(over="ignore", under="ignore"):
            value *= Zs
        if not np.isfinite(value.sum()) and np.isfinite(q.sum()):
            raise ValueError("alpha is so large that the weighted minimal focal-entropy overflows double precision")
    # (q is in [0, 1] and value, residual >= 0: their sums are finite exactly when they are)
    if not (np.isfinite(q.sum()) and np.isfinite(value.sum()) and np.isfinite(residual.sum())):
        raise FloatingPointError("minimizer produced a non-finite result: please report this input")  # pragma: no cover

    q = np.moveaxis(q.reshape(batch + (K,)), -1, ax_out)
    log_lam = log_lam.reshape(batch)
    value = value.reshape(batch)
    return MinimizerResult(
        q=q,
        log_lam=log_lam,
        value=value,
        iterations=iterations.reshape(batch),
        converged=converged.reshape(batch),
        residual=residual.reshape(batch),
    )


def _reweight(W, A):
    """alpha * P normalized, without underflow: (stand-in, exponent, (Zs, E)).

    P = W / sum(W) (W: nonnegative weights with a finite, positive sum).  The
    value of each entry is stand-in * 2**exponent.  The exponent is 0 except
    where the value falls below the normal range (e.g. 1e-300 * 1e-30), and
    there the stand-in keeps all its digits.  The normalizer sum(alpha * P)
    is Z = Zs * 2**E (Zs in [1/4, K]), which may lie outside the double range.
    """
    mW, eW = np.frexp(W)
    mt, et = np.frexp(W.sum(axis=-1, keepdims=True))
    mP, eP = mW / mt, eW - et  # P = mP 2**eP, each entry rounded once (as W / sum(W))
    mA, eA = np.frexp(A)
    m, e = mP * mA, eP + eA
    pos = m > 0
    if not np.all(np.any(pos, axis=-1)):
        raise ValueError("alpha * p has an all-zero distribution: alpha must be positive somewhere on the support of p")
    emax = np.max(np.where(pos, e, np.iinfo(e.dtype).min), axis=-1, keepdims=True)
    e = np.where(pos, e - emax, 0)
    Zs = np.ldexp(m, e).sum(axis=-1, keepdims=True)  # in [1/4, K]: the largest term is >= 1/4
    m = m / Zs
    val = np.ldexp(m, e)
    normal = (val >= np.finfo(np.float64).tiny) | ~pos
    return np.where(normal, val, m), np.where(normal, 0, e), (Zs[..., 0], emax[..., 0])


def _initial_guess(sys):
    """Starting log-odds z0 and log-multiplier u0 for Newton's method.

    Q0 is proportional to P**beta with beta = 1 / (1 + gamma / (n - 1)): exact
    at gamma = 0 and of the right log-linear shape as gamma -> inf, where
    Q*(x) ~ 1/n + (1 - 1/n) (log P(x) - mean log P) / gamma.  Its log-odds
    are log(s_x) - log(sum of the other s) with s = P**beta scaled by the
    largest, so the largest class gets its complement from the others.  u0
    makes the largest class stationary at Q0.
    """
    beta = 1.0 / (1.0 + sys.gam / np.maximum(sys.n - 1, 1))
    flat = sys.flat
    la = beta[:, None] * sys.logP
    la -= _at(la, flat)[:, None]
    if not sys.full:
        la[~sys.support] = -np.inf
    s = np.exp(la)
    others = _rowsum(s)[:, None] - s
    np.put(others, flat, np.maximum(_at(others, flat), np.finfo(np.float64).tiny))
    z0 = la - np.log(others)
    if not sys.full:
        z0[~sys.support] = -1.0
    u0 = _at(sys.logP, flat) + _k.log_g_from_logit(_at(z0, flat), sys.gam)
    return z0, u0


# log 2 split so that an integer (|n| < 2**11) times _LN2_HI is exact (Cody and Waite)
_LN2_HI = 6.93147180369123816490e-01
_LN2_LO = 1.90821492927058770002e-10


def _log_hi_lo(P, Pexp=None, P_lo=None):
    """log(P * 2**Pexp) (or log(P + P_lo)) as a sum hi + lo, accurate to about one ulp of 1.

    hi = log(P) rounds to a relative error of one ulp, which is an absolute
    error of 7e-14 at P = 1e-300; lo = (P - exp(hi)) / exp(hi) recovers it
    (P - exp(hi) is exact, the two being within an ulp of each other).
    A low part P_lo of the argument adds P_lo / P.  Zeros give (0, 0): they
    are never used.
    """
    support = P > 0
    Ps = np.where(support, P, 1.0)
    hi = np.log(Ps)
    E = np.exp(hi)
    lo = (Ps - E) / E
    if P_lo is not None:
        lo += P_lo / Ps
    if Pexp is not None:
        hi, err = _dd.two_sum(hi, Pexp * _LN2_HI)
        lo = err + (lo + Pexp * _LN2_LO)
    # renormalized, so that hi alone is log P to half an ulp (and the same
    # bits whether or not a batch carries exponents)
    return _dd.two_sum(hi, lo)


def _rowdot(x, y):
    """sum_j x_ij y_ij along the class axis, without forming the product."""
    return np.einsum("ij,ij->i", x, y)


def _rowsum(x):
    """Sum along the (short) class axis.

    einsum is about twice as fast as ``x.sum(axis=1)`` for short rows and,
    unlike a BLAS matrix-vector product, gives each row the same bits
    whatever the batch it sits in.
    """
    return np.einsum("ij->i", x)


# Below this many classes, reductions along the class axis run as elementwise
# operations over the columns: numpy reduces a short inner axis slowly (at
# K = 10 a row maximum costs as much as four exponentials).
_SHORT_ROWS = 32


def _rowmax(x):
    """Maximum along the (short) class axis."""
    return functools.reduce(np.maximum, x.T) if x.shape[1] <= _SHORT_ROWS else x.max(axis=1)


def _rowall(b):
    """Logical and along the (short) class axis."""
    return functools.reduce(np.logical_and, b.T) if b.shape[1] <= _SHORT_ROWS else b.all(axis=1)


def _at(x, flat):
    """The entries x[i, m_i] given their flat indices i K + m_i (cheaper than x[r, m])."""
    return x.ravel().take(flat)


# exp(c) of a tiny class's carrier overflows above this; q / P = e^c can exceed it
# when P lies below the double range (alpha-weighted stand-ins, see _reweight)
_MAX_EXP_ARG = 700.0


def _scaled_odds(P, Pexp, tiny, arg, z):
    """The odds e = exp(-|z|), for tiny classes P 2**Pexp exp(c) (c = arg), when exp(c) would overflow.

    exp(c) is taken as exp(c - k log 2) 2**k with k a whole number (log 2 split
    as in Cody and Waite, so the reduction is exact to an ulp of c), and 2**k
    joins P's exponent: no overflow, and no digit lost.
    """
    k = np.where(tiny & (arg > _MAX_EXP_ARG), np.floor(arg / _LN2_HI) - 900.0, 0.0)
    ex = np.exp((arg - k * _LN2_HI) - k * _LN2_LO)
    k = k.astype(np.int64)
    return np.where(tiny, np.ldexp(P * ex, k if Pexp is None else Pexp + k), ex)


# Below this the other classes' total (and so 1 - q of the largest) is near or
# below the double range: see _scaled_others
_UNDER_OTHERS = 1e-280


def _scaled_others(sys, z, qo, others, omq_m):
    """The constraint's q (the largest class zeroed), their sum and 1 - q_m, times 2**s per row.

    Where every other class lies below the double range (possible through alpha,
    see _reweight), q and 1 - q_m underflow and log(others / (1 - q_m)) is 0/0.
    Those rows take q_x = exp(z_x) (they are tiny: z << 0) and 1 - q_m =
    exp(-z_m) / (1 + exp(-z_m)), all divided by the largest other q: the
    constraint and the Newton weights q_x (1 - q_x) / others only see ratios.
    """
    rows = others < _UNDER_OTHERS
    zr, sup = z[rows], sys.support[rows]
    flat = sys.flat_of(rows)
    zo = np.where(sup, zr, -np.inf)
    np.put(zo, flat, -np.inf)
    zmax = zo.max(axis=1)
    qs = np.exp(zo - zmax[:, None])
    zm = _at(zr, flat)
    qo, others, omq_m = qo.copy(), others.copy(), omq_m.copy()
    qo[rows], others[rows] = qs, _rowsum(qs)
    omq_m[rows] = np.exp(-zm - zmax) / (1.0 + np.exp(-np.abs(zm)))
    return qo, others, omq_m


def _newton_parts(sys, tiny, c, u, precise):
    """Evaluate the KKT system at the iterate (c, u) and its Newton step.

    In the rows where ``precise`` (bool per row) holds, the large terms of F
    are summed without rounding error (see below); in the others (far from
    the answer, where F is large anyway) plainly.

    Returns a dict with the class quantities (z, log1p(e), q, 1 - q), the
    residuals (F: stationarity in log form, R: the constraint in log form),
    the merit (sum of squared residuals), the Newton correction (dc, du) and
    the rounding level of dc ("noise", in units of the carrier c).
    """
    P, logP, logP_lo, support, G = sys.P, sys.logP, sys.logP_lo, sys.support, sys.G
    any_tiny = tiny.any()
    if any_tiny:
        z = np.where(tiny, c + logP, c)
        arg = np.where(tiny, c, -np.abs(z))
        if float(arg.max()) <= _MAX_EXP_ARG:
            ex = np.exp(arg)
            e = np.where(tiny, _value(P * ex, sys.Pexp), ex)
        else:
            e = _scaled_odds(P, sys.Pexp, tiny, arg, z)
    else:
        z, e = c, None
    e, lp1, qv, omq, neg = _k._logit_parts(z, e)
    kk = _k._k_term(z, e, lp1, neg)
    # F = log P + log g(q) - u = a + b - u + small, with the large terms
    # a = log P and b = -z_eff (each up to ~1e3; for a tiny class a = 0 and
    # b = -c, log P - z_eff exactly).  Once u has settled (``precise``), a - u
    # is summed exactly (TwoSum) and its high part then meets b without
    # rounding: near the answer the two nearly cancel (Sterbenz's lemma), or
    # else both are at the scale of the small terms anyway.
    mz = -_k._z_eff(z, G, neg)
    a, b, lo = (np.where(tiny, 0.0, logP), np.where(tiny, -c, mz), np.where(tiny, 0.0, logP_lo)) if any_tiny \
        else (logP, mz, logP_lo)
    mu = np.repeat(-u, c.shape[1]).reshape(c.shape)
    small = lo + _k._log_g_small(G, kk, lp1)
    if precise.any():
        A, A_lo = _dd.two_sum(a, mu)
        F = (A + b) + (A_lo + small)
        if not precise.all():
            F = np.where(precise[:, None], F, (a + b + mu) + small)
    else:
        F = (a + b + mu) + small
    if not sys.full:
        F = np.where(support, F, 0.0)
    h = _k._dlog_g(G, kk, qv, omq)
    # The constraint in log form, log(sum_{x != m} q_x) = log(1 - q_m) for the
    # dominant class m: linear in the log-odds where q is tiny or near 1, so
    # Newton takes full steps where sum(q) - 1 = 0 would crawl.
    qo = qv.copy()
    np.put(qo, sys.flat, 0.0)
    others = _rowsum(qo)
    omq_m = _at(omq, sys.flat)
    if any_tiny and float(others.min()) < _UNDER_OTHERS:
        qo, others, omq_m = _scaled_others(sys, z, qo, others, omq_m)
    R = np.log(others / omq_m)
    dc, du, wsum = _newton_step(qv, omq, qo, others, h, F, R, sys.flat, None if sys.full else support)
    # Newton's direction is a descent direction for the plain sum of squares
    merit = _rowdot(F, F) + R * R
    out = dict(z=z, lp1=lp1, q=qv, omq=omq, F=F, R=R, dc=dc, du=du, merit=merit,
               a=a, b=b, kk=kk, h=h, u=u, u_noise=sys.n / np.abs(wsum))
    if sys.exact:
        out["tiny"] = tiny
    return out


def _newton_step(q, omq, qo, others, h, F, R, flat, support=None):
    """The Newton correction (dc, du) of the joint system, and sum w.

    Stationarity F + h dc - du = 0 gives dc = (du - F) / h; the linearized
    constraint R + sum_x a_x dc_x = 0 with a_x = q_x (1 - q_x) / others
    (x != m, the dominant class) and a_m = q_m then gives
    du = (sum w F - R) / sum w with w = a / h.  ``qo`` is q with the dominant
    class zeroed, ``others`` its row sums; ``flat`` the flat index of the
    dominant class of each row (see _at).
    """
    w = qo * omq
    w /= h  # zero at m: the largest class is added per row below
    inv_o = 1.0 / others
    w_m = _at(q, flat) / _at(h, flat)
    wsum = _rowsum(w) * inv_o + w_m
    du = (_rowdot(w, F) * inv_o + w_m * _at(F, flat) - R) / wsum
    dc = (np.repeat(du, F.shape[1]).reshape(F.shape) - F) / h
    if support is not None:
        dc = np.where(support, dc, 0.0)
    return dc, du, wsum


def _noise(s, G, u):
    """Rounding level of the Newton correction dc, in units of the carrier.

    The large terms of F are summed exactly; its small terms carry relative
    rounding (bounded by |gamma - 1| log1p(e) + gamma k), and u enters with
    its own rounding and that of du (``u_noise``, see _newton); dividing by
    |d log g / dz| turns that into log-odds.
    """
    un = np.abs(u) + s["u_noise"]
    return (np.abs(G - 1.0) * s["lp1"] + G * s["kk"] + un[:, None]) / np.abs(s["h"])


def _merit_floor(s, G, u, support):
    """Below this the merit is rounding: every term of F at a few ulp."""
    mag = 1.0 + np.abs(G - 1.0) * s["lp1"] + G * s["kk"] + np.abs(s["a"] + s["b"]) + np.abs(u)[:, None]
    return _rowsum(np.where(support, mag, 0.0) ** 2) * (64 * _EPS) ** 2


def _solve_rows(P, gam, maxiter, q_out, loglam_out, value_out, it_out, conv_out, res_out, Pexp=None, Vexp=None):
    """Solve a chunk of rows, writing into the *_out arrays (views of the result).

    The distribution is P * 2**Pexp (Pexp None: P itself), see _reweight; the
    value is written as the sum of the terms with P * 2**Vexp (Vexp None: Pexp).
    """
    out = (q_out, loglam_out, value_out, it_out, conv_out, res_out)
    support = P > 0
    n = P.shape[1] if support.all() else support.sum(axis=1)
    trivial = (gam == 0) | (n == 1)
    if np.any(trivial):
        t = np.flatnonzero(trivial)
        Pt, gt = _value(P[t], None if Pexp is None else Pexp[t]), gam[t][:, None]
        q_out[t] = Pt
        # H = -sum P (1 - P)^gamma log P, the largest class through its
        # complement (the sum of the others): log P_m = log1p(-that)
        dom = np.argmax(Pt, axis=1)
        r = np.arange(t.size)
        others = Pt.copy()
        others[r, dom] = 0.0
        others = others.sum(axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            lq = np.log(np.where(Pt > 0, Pt, 1.0))
            lq[r, dom] = np.log1p(-others)
            omp = 1.0 - Pt
            omp[r, dom] = others
            Pv = Pt
            if Vexp is not None:
                # terms times 2**E (see minimizer): log P from the stand-ins (P itself may lie
                # below the range)
                Pv = _value(P[t], Vexp[t])
                lq = np.where(Pt > 0, lq, np.where(P[t] > 0, _log_hi_lo(P[t], Pexp[t])[0], 0.0))
            prod = Pv * lq * np.power(omp, gt)
            if Vexp is not None:
                # the largest class's -P log1p(-others) ~ P others, taken as P times the
                # others' scaled terms where others underflows
                ov = Pv.copy()
                ov[r, dom] = 0.0
                ov = ov.sum(axis=1)
                under = others < 1e-150  # log1p(-others) = -others to double precision
                prod[r, dom] = np.where(under, -P[t][r, dom] * ov * np.power(others, gam[t]), prod[r, dom])
            value_out[t] = 0.0 - prod.sum(axis=1)
        # gamma = 0: lambda = 1; point mass with gamma > 0: lambda = g(1) = 0
        loglam_out[t] = np.where(gam[t] == 0, 0.0, -np.inf)
        it_out[t] = 0
        conv_out[t] = True
        # Q = P is stationary exactly; what is left is the constraint's rounding
        res_out[t] = np.abs(Pt.sum(axis=1) - 1.0)
    act = np.flatnonzero(~trivial)
    if act.size == 0:
        return
    sl = _as_slice(act, P.shape[0])  # usually every row: no copies
    sys = _System(P[sl], gam[sl], Pexp=None if Pexp is None else Pexp[sl], support=support[sl],
                  Vexp=None if Vexp is None else Vexp[sl])
    z0, u0 = _initial_guess(sys)
    fast = min(maxiter, _FAST_ITERS)
    left = _newton(sys, act, z0, u0, fast, final=fast == maxiter, it0=0, out=out)
    if left.size:
        # The fast path did not settle these rows: bracket log(lambda) and
        # solve the reduced one-dimensional problem, then polish with Newton.
        sub = sys.take(left)
        z1, u1, spent = _bracketed_start(sub)
        _newton(sub, act[left], z1, u1, maxiter - fast, final=True, it0=fast + spent, out=out)


def _value(P, Pexp):
    """The probabilities P * 2**Pexp (entries below the double range round to 0 or subnormals)."""
    return P if Pexp is None else np.ldexp(P, Pexp)


class _System:
    """The per-row data of the KKT system for a set of rows (class axis last).

    P is the distribution, or with Pexp a stand-in: the distribution is
    P * 2**Pexp (see _reweight), which only tiny classes' odds and the value
    ever need.  ``support`` (P > 0) is taken from the caller when it has it.
    """

    def __init__(self, P, gam, logP=None, logP_lo=None, Pexp=None, _derived=None, support=None, Vexp=None):
        self.P, self.Pexp = P, Pexp
        self.Vexp = Pexp if Vexp is None else Vexp  # the exponents the value's terms take (see _solve_rows)
        if logP is None:
            logP, logP_lo = _log_hi_lo(P, Pexp)
        self.logP, self.logP_lo = logP, logP_lo
        self.gam = gam
        # gamma as a plain float when the rows share it (the usual case: numpy
        # broadcasts a scalar several times faster than an (N, 1) column)
        self.G = float(gam[0]) if gam.size and np.all(gam == gam[0]) else gam[:, None]
        self.exact = bool(gam.size) and float(np.max(gam)) > _EXACT_GAMMA  # polish the answer (_polish)
        if _derived is None:
            support = P > 0 if support is None else support
            if support.all():
                _derived = (support, np.argmax(logP, axis=1), np.full(P.shape[0], P.shape[1]))
            else:
                _derived = (support, np.argmax(np.where(support, logP, -np.inf), axis=1), support.sum(axis=1))
        self.support, self.dom, self.n = _derived  # support, the largest class, support sizes
        self.full = bool(self.support.all())
        self.flat = np.arange(P.shape[0]) * P.shape[1] + self.dom  # flat indices of the largest classes (see _at)

    def flat_of(self, idx):
        """The flat indices (see _at) of the largest classes of the rows ``idx``, within those rows alone."""
        if isinstance(idx, slice) and idx == slice(None):
            return self.flat
        dom = self.dom[idx]
        return np.arange(dom.size) * self.P.shape[1] + dom

    def G_at(self, idx):
        """gamma for some rows, broadcastable against their classes."""
        return self.G if isinstance(self.G, float) else self.G[idx]

    def take(self, idx):
        """The system restricted to some rows (index array or boolean mask)."""
        return _System(self.P[idx], self.gam[idx], self.logP[idx], self.logP_lo[idx],
                       None if self.Pexp is None else self.Pexp[idx],
                       (self.support[idx], self.dom[idx], self.n[idx]),
                       Vexp=None if self.Vexp is None else self.Vexp[idx])


def _newton(sys, rows, z0, u, maxiter, final, it0, out):
    """Globalized Newton on the joint system from (z0, u); write settled rows.

    Rows that converge are written to ``out``; with ``final`` every row is
    written (converged or not).  Returns the positions (into ``rows``) of
    the rows left unsettled otherwise.
    """
    q_out, loglam_out, value_out, it_out, conv_out, res_out = out
    tiny = z0 < _TINY_LOGIT
    if not sys.full:
        tiny |= ~sys.support
    c = np.where(tiny, np.where(sys.support, z0 - sys.logP, -1.0), z0) if tiny.any() else z0
    W = rows.size
    it0 = np.broadcast_to(it0, W)  # iterations spent before, per row
    pos = np.arange(W)  # positions (into rows) of the rows still iterating
    left = []
    # the last accepted point, its merit, the step taken from it, its length
    c_acc, u_acc, tiny_acc = c, u, tiny
    m_acc = np.full(W, np.inf)
    dc_acc, du_acc = np.zeros_like(c), np.zeros(W)
    t = np.ones(W)
    # F is summed exactly once the multiplier has settled to ~1e-6 (before
    # that its rounding is far below its size); only precise steps converge
    precise = np.zeros(W, dtype=bool)
    # rows already written; they keep iterating (unread) until enough of them
    # are done to be worth dropping from the working set
    alive = np.ones(W, dtype=bool)
    saved = []  # (destination, values) of the rows written before the last write
    for k in range(maxiter + 1):
        s = _newton_parts(sys, tiny, c, u, precise)
        dc, du, merit = s["dc"], s["du"], s["merit"]
        # converged: the correction is at the level of the iterate's own
        # rounding (a few ulp of c and of u); the per-class test runs only on
        # rows whose multiplier has settled
        # du carries the rounding of the constraint's sum over the n classes
        # (a relative n eps), divided by |sum w|: s["u_noise"]
        ok = np.abs(du) <= _ULPS * _EPS * (np.maximum(1.0, np.abs(u)) + s["u_noise"])
        ok &= precise
        cand = np.flatnonzero(ok)
        if cand.size:
            cand = _as_slice(cand, ok.size)  # usually every row: views, no copies
            tol = _ULPS * _EPS * (np.maximum(1.0, np.abs(c[cand])) + _noise(
                {key: s[key][cand] for key in ("lp1", "kk", "h", "u_noise")}, sys.G_at(cand), u[cand]))
            ok[cand] = _rowall(np.abs(dc[cand]) <= tol)
        last = k == maxiter
        done = (ok | last) & alive
        if np.any(done):
            if last or not (alive & ~done).any():
                # the last write of this working set: every row at once (no
                # gathers), then the rows written earlier get their values back
                everyone = np.arange(pos.size)
                _write(sys, s, everyone, ok, rows[pos], it0[pos] + k, out)
                for dst, vals in saved:
                    for arr, v in zip(out, vals):
                        arr[dst] = v
                if last and not final:
                    left.append(pos[alive & ~ok])
                break
            wr = np.flatnonzero(ok & alive)
            if wr.size:
                dst = rows[pos[wr]]
                _write(sys, s, wr, ok, dst, it0[pos[wr]] + k, out)
                saved.append((dst, tuple(arr[dst].copy() for arr in out)))
            alive &= ~done
        if 4 * np.count_nonzero(~alive) >= alive.size:
            keep = alive
            alive = alive[keep]
            saved = []  # those rows leave the working set: nothing to restore
            sys = sys.take(keep)
            pos, tiny, c, u, dc, du, merit = pos[keep], tiny[keep], c[keep], u[keep], dc[keep], du[keep], merit[keep]
            precise = precise[keep]
            s = {key: s[key][keep] for key in ("lp1", "kk", "a", "b")}
            c_acc, u_acc, tiny_acc, m_acc = c_acc[keep], u_acc[keep], tiny_acc[keep], m_acc[keep]
            dc_acc, du_acc, t = dc_acc[keep], du_acc[keep], t[keep]
        # Globalization: a full Newton step is kept when it lowers the merit
        # (or the merit is at rounding level); otherwise the step from the last
        # accepted point is halved.
        back = ~(merit <= (1.0 - 1e-4 * t) * m_acc) & (t > 1.0 / 1024)
        if back.any():
            b = np.flatnonzero(back)
            floor = _merit_floor({key: s[key][b] for key in ("lp1", "kk", "a", "b")}, sys.G_at(b), u[b], sys.support[b])
            back[b] = merit[b] > floor
        if back.any():
            fwd = ~back
            t = np.where(back, 0.5 * t, 1.0)
            c_acc = np.where(fwd[:, None], c, c_acc)
            u_acc = np.where(fwd, u, u_acc)
            tiny_acc = np.where(fwd[:, None], tiny, tiny_acc)
            m_acc = np.where(fwd, merit, m_acc)
            dc_acc = np.where(fwd[:, None], dc, dc_acc)
            du_acc = np.where(fwd, du, du_acc)
            c = c_acc + t[:, None] * dc_acc
            u = u_acc + t * du_acc
            tiny = tiny_acc
        else:  # the common case: every row takes its full Newton step
            t[:] = 1.0
            c_acc, u_acc, tiny_acc, m_acc, dc_acc, du_acc = c, u, tiny, merit, dc, du
            c = c + dc
            u = u + du
        precise |= np.abs(du) < 1e-6 * (1.0 + np.abs(u))
        # re-choose each class's carrier as its log-odds moves (nothing to do
        # in the common case: full support, no tiny class, none becoming one)
        if not sys.full or tiny.any() or c.min() < _TINY_LOGIT:
            z = np.where(tiny, c + sys.logP, c)
            new_tiny = z < _TINY_LOGIT
            if not sys.full:
                new_tiny |= ~sys.support
            c = np.where(new_tiny == tiny, c, np.where(new_tiny, z - sys.logP, z))
            tiny = new_tiny
    return np.concatenate(left) if left else np.empty(0, dtype=np.intp)


def _as_slice(idx, n):
    """``idx`` as a slice when it is all of range(n) in order (no gather/scatter copies)."""
    return slice(None) if idx.size == n and (n == 0 or (idx[0] == 0 and idx[-1] == n - 1)) else idx


def _write(sys, s, wr, ok, dst, iterations, out):
    """Write the rows ``wr`` of the working set into the result arrays at ``dst``."""
    q_out, loglam_out, value_out, it_out, conv_out, res_out = out
    wr = _as_slice(wr, sys.P.shape[0])
    dst = _as_slice(dst, q_out.shape[0])
    support, okw = sys.support[wr], ok[wr]
    qd, omqd = s["q"][wr], s["omq"][wr]
    # the last, sub-ulp correction is applied in linear form, so that q keeps
    # the accuracy that the carrier c cannot represent
    corr = omqd * s["dc"][wr]
    if not okw.all():
        corr = np.where(okw[:, None], corr, 0.0)
    qd = qd + qd * corr
    log_lam = s["u"][wr] + np.where(okw, s["du"][wr], 0.0)
    residual = np.maximum(_rowmax(np.abs(s["F"][wr])), np.abs(s["R"][wr]))
    z, lp1 = s["z"][wr], s["lp1"][wr]
    # -log q = log1p(e) - min(z, 0) and log(1 - q) = -log1p(e) - max(z, 0)
    mlq = lp1 - np.minimum(z, 0.0)
    L1 = np.maximum(z, 0.0)
    L1 += lp1
    L1 = -L1
    if sys.exact and okw.any():
        qx, lx, rx, mlq_x, L1_x, done = _polish(sys, s, wr)
        # per row: whether a row is polished depends on its own gamma only
        done &= okw & (sys.gam[wr] > _EXACT_GAMMA)
        qd = np.where(done[:, None], qx, qd)
        log_lam = np.where(done, lx, log_lam)
        residual = np.where(done, rx, residual)
        iterations = iterations + done  # the exact step is one more Newton step
        # the value at the polished q (gamma multiplies the rounding of log(1 - q))
        pol = done[:, None] & ~s["tiny"][wr]
        mlq = np.where(pol, mlq_x, mlq)
        L1 = np.where(pol, L1_x, L1)
    q_out[dst] = qd if sys.full else np.where(support, qd, 0.0)
    loglam_out[dst] = log_lam
    # P (1 - q)^gamma (-log q); the two small factors are joined in the
    # exponent where their product would leave the normal range
    GL1 = L1 * sys.G_at(wr)  # gamma log(1 - q)
    mag = np.exp(GL1)
    mag *= mlq
    low = None
    if not sys.full or mag.min() < 1e-290:  # (off the support mag is unused, maybe NaN)
        low = mag < 1e-290
        with np.errstate(divide="ignore"):
            # -log q = log1p(e) underflows to 0 for z > 745 (1 - q below the range): its log is -z
            lmag = GL1 + np.where((mlq == 0) & (z > 0), -z, np.log(mlq))
            mag = np.where(low, np.exp(lmag), mag)
    # one summation for every row (einsum's dot product rounds differently
    # from its sum of the products), so that the value does not depend on
    # the batch
    if sys.Vexp is None:
        terms = sys.P[wr] * mag
    else:
        V = sys.Vexp[wr]
        terms = np.ldexp(sys.P[wr] * mag, V)
        if low is not None and low.any():
            # mag below the range where its product with 2**V is not: 2**V joins the exponent
            # (log 2 split as in Cody and Waite)
            terms = np.where(low, sys.P[wr] * np.exp((lmag + V * _LN2_HI) + V * _LN2_LO), terms)
    value_out[dst] = _rowsum(terms if sys.full else np.where(support, terms, 0.0))
    it_out[dst] = iterations
    conv_out[dst] = okw
    res_out[dst] = residual


def _polish(sys, s, wr):
    """The last Newton step at large gamma, exact: q, log_lam, residual, -log q, log(1 - q), done.

    At the converged iterate, each class's smaller side (q where z < 0,
    1 - q otherwise) is taken as an exact double and the other side as its
    exact complement, a double-double.  The KKT system is evaluated there with
    log(1 - q) in double-double, gamma log(1 - q) formed exactly and log q to
    about an ulp of 1, F = log P + gamma log(1 - q) - log q + log1p(gamma q rho) - u
    (rho = -log q / (1 - q), the form of focaltheory.symbolic), and the
    constraint's sums exactly; tiny classes keep the iterate's F (their terms
    are not multiplied by gamma).  The Newton correction from there, applied
    in linear form and rounded once, gives q within about an ulp: the plain
    evaluation carries gamma times the rounding of its logs and sums.
    Returns q, log_lam, the residual there, -log q and log(1 - q) at the new
    q (from its exact side), and which rows could be polished.
    """
    G = sys.G_at(wr)
    q, omq, z, h, u = s["q"][wr], s["omq"][wr], s["z"][wr], s["h"][wr], s["u"][wr]
    support = sys.support[wr]
    tiny = s["tiny"][wr]  # includes the classes off the support
    neg = z < 0
    x = np.where(tiny, 0.5, np.where(neg, q, omq))  # the exact side, <= 1/2
    # a dominant class within 1e-300 of 1 (every other class tiny): its
    # complement is below the range of double-double logs; nothing to polish
    done = _rowall(x >= 1e-300)
    x = np.where(x >= 1e-300, x, 0.5)
    yh, yl = _dd.two_sum(1.0, -x)  # the other side, exactly
    qq, cc = np.where(neg, x, yh), np.where(neg, yh, x)  # q and 1 - q, rounded
    # log(1 - q), which gamma multiplies, in double-double; log q (not
    # multiplied) to about an ulp of 1 is enough
    lc_h, lc_l = _dd.log_dd(cc, np.where(neg, yl, 0.0))
    lq_h, lq_l = _log_hi_lo(qq, None, np.where(neg, 0.0, yl))
    T_h, T_l = _dd.dd_mul_d(lc_h, lc_l, G)  # gamma log(1 - q)
    logP = sys.logP[wr]
    s1, e1 = _dd.two_sum(logP, T_h)
    s2, e2 = _dd.two_sum(s1, -lq_h)
    s3, e3 = _dd.two_sum(s2, np.repeat(-u, s2.shape[1]).reshape(s2.shape))
    rest = (sys.logP_lo[wr] + T_l) - lq_l + np.log1p(G * qq * (-lq_h / cc))
    F = np.where(tiny, s["F"][wr], s3 + ((e1 + e2 + e3) + rest))
    # the constraint: sum of the other classes against 1 - q_m, in double-double
    flat = sys.flat_of(wr)
    oh, ol = _at(np.where(neg, yh, x), flat), _at(np.where(neg, yl, 0.0), flat)
    qh, ql = np.where(tiny, 0.0, qq), np.where(tiny, q, np.where(neg, 0.0, yl))
    np.put(qh, flat, 0.0)
    np.put(ql, flat, 0.0)
    Sh, Sl = _dd.rowsum_dd(qh, ql)
    d, de = _dd.two_sum(Sh, -oh)
    R = np.log1p((d + (de + (Sl - ol))) / oh)
    qo = np.where(tiny, q, qq)
    np.put(qo, flat, 0.0)
    dc, du, _ = _newton_step(np.where(tiny, q, qq), np.where(tiny, omq, cc), qo, Sh, h, F, R, flat,
                             None if support.all() else support)
    # q + q (1 - q) dc, from the exact side; tiny classes as in _write
    q_new = np.where(neg, x + x * yh * dc, yh + (yl + yh * x * dc))
    q_new = np.where(tiny, q + q * omq * dc, q_new)
    # -log q and log(1 - q) there, from the exact side moved by the same step
    # (tiny classes: unused, the caller keeps its own)
    x_new = np.where(neg, x + x * yh * dc, x - x * yh * dc)
    with np.errstate(divide="ignore", invalid="ignore"):
        small, big = np.log(x_new), np.log1p(-x_new)
    mlq = -np.where(neg, small, big)
    L1 = np.where(neg, big, small)
    return q_new, u + du, np.maximum(_rowmax(np.abs(F)), np.abs(R)), mlq, L1, done


def _inner_logits(sys, u, z, iters=100):
    """Solve log g(q_x) = u - log P(x) for the log-odds of every class, u fixed.

    Newton's method per class (each equation is one monotone function of z),
    with steps clipped to 20 in log-odds; a class stops moving once its step
    is below 1e-12, so every class's answer depends on that class alone.
    Returns z, q, 1 - q and d log g / dz.
    """
    y = u[:, None] - sys.logP
    done = ~sys.support
    z = np.where(done, -1.0, z)
    for _ in range(iters):
        e, lp1, q, omq, neg = _k._logit_parts(z)
        kk = _k._k_term(z, e, lp1, neg)
        f = -_k._z_eff(z, sys.G, neg) + _k._log_g_small(sys.G, kk, lp1) - y
        dz = np.clip(-f / _k._dlog_g(sys.G, kk, q, omq), -20.0, 20.0)
        done |= np.abs(dz) <= 1e-12 * (1.0 + np.abs(z))
        z = np.where(done, z, z + dz)
        if done.all():
            break
    e, lp1, q, omq, neg = _k._logit_parts(z)
    kk = _k._k_term(z, e, lp1, neg)
    return z, q, omq, _k._dlog_g(sys.G, kk, q, omq)


def _bracketed_start(sys, iters=200):
    """A starting point near the solution, found by a bracketed 1-D search.

    With log(lambda) = u fixed, each class solves its own monotone equation,
    and S(u) = sum_x q_x(u) decreases in u.  Every class has q <= 1/n when
    u >= log P_max + log g(1/n), and q >= 1/n when u <= log P_min + log g(1/n)
    (n the support size), which brackets the root of S(u) = 1; Newton steps on
    log S(u) are taken inside the bracket, bisection otherwise.  A row stops
    once settled, so its answer does not depend on the rest of the batch.
    Returns (z, u, iterations spent per row).
    """
    n = sys.support.sum(axis=1)
    z_n = -np.log(n - 1.0)  # logit(1/n)
    log_g_n = _k.log_g_from_logit(z_n, sys.gam)
    lp = np.where(sys.support, sys.logP, np.nan)
    u_lo = np.nanmin(lp, axis=1) + log_g_n
    u_hi = np.nanmax(lp, axis=1) + log_g_n
    u = 0.5 * (u_lo + u_hi)
    z = np.where(sys.support, z_n[:, None], -1.0)
    active = np.ones(u.size, dtype=bool)
    spent = np.zeros(u.size, dtype=np.int64)
    for _ in range(iters):
        z, q, omq, h = _inner_logits(sys, u, z)
        S = np.where(sys.support, q, 0.0).sum(axis=1)
        dS = np.where(sys.support, q * omq / h, 0.0).sum(axis=1)
        logS = np.log(S)
        u_lo = np.where(logS > 0, u, u_lo)
        u_hi = np.where(logS <= 0, u, u_hi)
        cand = u - logS * S / dS
        inside = (cand > u_lo) & (cand < u_hi)
        settled = (np.abs(logS) < 1e-10) | (u_hi - u_lo <= 1e-14 * (1.0 + np.abs(u)))
        active &= ~settled
        spent += active
        u = np.where(active, np.where(inside, cand, 0.5 * (u_lo + u_hi)), u)
        if not active.any():
            break
    return z, u, spent
