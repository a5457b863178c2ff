"""The KKT system of a set of rows, its evaluation at an iterate and its Newton step."""

from dataclasses import dataclass

import numpy as np

from .. import _constants
from .. import _kernels as _k
from . import _lean
from ._rows import _at, _rowdot, _rowsum, _spread, _take
from ._scaling import _MAX_EXP_ARG, _UNDER_OTHERS, _log_hi_lo, _scaled_odds, _scaled_others, _value

_EPS = np.finfo(np.float64).eps
# Up to this gamma a plain step may be taken as proof of convergence (see
# _newton); above it the plain iteration carries gamma times its rounding.
# Above _constants._EXACT_GAMMA (the same 300) a step may prove it too: the
# exact last step (_polish) is then taken from its iterate instead, and the
# residual is bounded where that step lands (_polish_bound).
_PROVE_MAX_GAMMA = 300.0


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
            if _derived is None and support is None:
                support = P > 0
            full = (_derived[0] if _derived is not None else support).all()
            logP, logP_lo = _log_hi_lo(P, Pexp, positive=bool(full))
        self.logP, self.logP_lo = logP, logP_lo
        self.gam = gam
        # gamma as a plain float when the rows share it (the usual case: numpy
        # broadcasts a scalar several times faster than an (N, 1) column)
        self.G = float(gam[0]) if gam.size and (gam == gam[0]).all() else gam[:, None]
        self.exact = bool(gam.size) and float(np.max(gam)) > _constants._EXACT_GAMMA  # polish the answer (_polish)
        # bounds on the curvature of the system along a step (see _curvature): per row;
        # a step proves convergence up to gamma = 300, and above where the exact step follows
        self.M_F, self.M_R = _curvature(gam)
        self.provable = (gam <= _PROVE_MAX_GAMMA) | (gam > _constants._EXACT_GAMMA)
        self.all_provable = bool(self.provable.all())
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
        dom = _take(self.dom, idx)
        return np.arange(dom.size) * self.P.shape[1] + dom

    def G_at(self, idx):
        """gamma for some rows, broadcastable against their classes."""
        return self.G if isinstance(self.G, float) else _take(self.G, idx)

    def take(self, idx):
        """The system restricted to some rows (index array, boolean mask or slice: see _rows._take)."""
        P, gam, logP, logP_lo, Pexp, support, dom, n, Vexp = (
            None if x is None else _take(x, idx)
            for x in (self.P, self.gam, self.logP, self.logP_lo, self.Pexp, self.support, self.dom, self.n, self.Vexp))
        return _System(P, gam, logP, logP_lo, Pexp, (support, dom, n), Vexp=Vexp)


@dataclass(slots=True)
class _Evaluation:
    """The KKT system evaluated at an iterate (c, u), and its Newton step.

    Arrays of shape (rows, classes) unless marked per row.
    """

    z: np.ndarray  # log-odds
    lp1: np.ndarray  # log1p(e), e = exp(-|z|)
    q: np.ndarray
    omq: np.ndarray  # 1 - q
    F: np.ndarray  # stationarity in log form (0 off the support)
    R: np.ndarray  # the constraint in log form, per row
    dc: np.ndarray  # Newton correction of the carriers
    du: np.ndarray  # Newton correction of u = log(lambda), per row
    a: np.ndarray  # the large terms of F: log P (0 for tiny classes) ...
    b: np.ndarray  # ... and -z_eff (-c for tiny classes)
    kk: np.ndarray  # the k term of log g (see focaltheory._kernels)
    h: np.ndarray  # d log g / dz
    u: np.ndarray  # the iterate's u, per row
    u_noise: np.ndarray  # the constraint's rounding in du, n / |sum w| in units of eps, per row
    tiny: np.ndarray  # the classes carried relative to P (and those off the support)
    qo: np.ndarray  # q with the dominant class zeroed (scaled where the others underflow, see _scaled_others)
    others: np.ndarray  # its row sums, per row
    dcm: np.ndarray = None  # max |dc| per row, where _newton has formed it (its proof test reads it first)
    pos: np.ndarray = None  # flat indices of the classes with z >= 0 (or NaN) where no class is tiny (None otherwise)


def _merit(s):
    """The merit of an evaluation, per row: the plain sum of squared residuals.

    Newton's direction is a descent direction for it.  Only the backtracking
    reads it, so it is formed only for the rows that go on iterating.
    """
    return _rowdot(s.F, s.F) + s.R * s.R


def _curvature(gam):
    """Bounds (M_F, M_R) on the second derivatives of the system in the log-odds, per row.

    Stationarity F_x = log P_x + log g(q(z_x)) - u depends on its own z_x
    alone, and |d^2 log g / dz^2| = |dh/dq| q (1 - q) (h = d log g / dz)
    is at most gamma / 4 + |gamma - 1| / 4 + 0.2163 gamma: with
    h = -(1 + gamma q) / (1 + gamma k) - (gamma - 1) q, k = q (-log q) / (1 - q)
    >= q and k' = (q - 1 - log q) / (1 - q)^2 >= 0, the three terms of dh/dq
    are bounded by gamma / (1 + gamma k), gamma q (1 - q) k' and |gamma - 1|,
    and max_q q (q - 1 - log q) / (1 - q) = 0.21622 (at q = 0.3162).  The
    constraint R = log(sum_{x != m} q_x) - log(1 - q_m) has second
    derivatives of magnitude at most 2 (the sum: its Hessian is
    diag(q (1 - q) (1 - 2q)) / S - v v^T / S^2 with v = q (1 - q), both
    bounded by max d^2 since sum v <= S) plus 1/4 (-log(1 - q_m)): M_R = 2.25.
    After a Newton step d from a point where the linearized system is
    solved, each residual is at most M / 2 max |d|^2 plus what the
    linearization leaves (Taylor's theorem with the bound holding everywhere).
    """
    return 0.25 * np.abs(gam - 1.0) + 0.4663 * gam, 2.25


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
    K = sys.logP.shape[1]
    la = _spread(beta, K) * sys.logP  # (see _spread)
    la -= _spread(_at(la, flat), K)
    if not sys.full:
        la[~sys.support] = -np.inf
    s = np.exp(la)
    others = _spread(_rowsum(s), K) - s
    others.put(flat, np.maximum(_at(others, flat), np.finfo(np.float64).tiny))
    z0 = la - np.log(others)
    if not sys.full:
        z0[~sys.support] = -1.0
    u0 = _at(sys.logP, flat) + _k.log_g_from_logit(_at(z0, flat), sys.gam)
    return z0, u0


def _newton_parts(sys, tiny, c, u, precise):
    """Evaluate the KKT system at the iterate (c, u) and its Newton step.

    In the rows where ``precise`` (bool per row) holds, the large terms of F
    are summed without rounding error (see below); in the others (far from
    the answer, where F is large anyway) plainly.

    Returns an _Evaluation: the class quantities (z, log1p(e), q, 1 - q),
    the residuals (F: stationarity in log form, R: the constraint in log
    form), the Newton correction
    (dc, du) and the rounding level of du (``u_noise``, see _noise).
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
        arg = ex = None  # (spent: a wide row's working set, see minimizer)
    else:
        z, e = c, None
    e, lp1, qv, omq, pos = _lean._logit_parts_few(z, e)
    kk = _lean._k_term_few(z, e, lp1, pos)
    # F = log P + log g(q) - u = a + b - u + small, with the large terms
    # a = log P and b = -z_eff (each up to ~1e3; for a tiny class a = 0 and
    # b = -c, log P - z_eff exactly).  Once u has settled (``precise``), a - u
    # is summed exactly (TwoSum) and its high part then meets b without
    # rounding: near the answer the two nearly cancel (Sterbenz's lemma), or
    # else both are at the scale of the small terms anyway.
    mz = _lean._neg_z_eff_few(z, G, pos)
    a, b, lo = (np.where(tiny, 0.0, logP), np.where(tiny, -c, mz), np.where(tiny, 0.0, logP_lo)) if any_tiny \
        else (logP, mz, logP_lo)
    mu = _spread(-u, c.shape[1])  # (read twice by TwoSum)
    small, h = _lean._log_g_parts(G, kk, lp1, qv, omq)
    small += lo
    if not precise.any():
        F = _plain_F(a, b, mu, small)
    elif precise.all():
        F = _exact_F(a, b, mu, small)
    else:
        # some rows of each: the form of the many for all, the other form for
        # the few, row by row the same operations (and bits) either way
        few = np.flatnonzero(~precise if 2 * np.count_nonzero(precise) > precise.size else precise)
        one, other = (_exact_F, _plain_F) if precise[few[0]] == False else (_plain_F, _exact_F)  # noqa: E712
        F = one(a, b, mu, small)
        F[few] = other(*(_take(x, few) if np.ndim(x) == 2 else x for x in (a, b, mu, small)))
    mu = small = lo = mz = None  # (spent)
    if not sys.full:
        F = np.where(support, F, 0.0)
    # The constraint in log form, log(sum_{x != m} q_x) = log(1 - q_m) for the
    # dominant class m: linear in the log-odds where q is tiny or near 1, so
    # Newton takes full steps where sum(q) - 1 = 0 would crawl.
    qo = qv.copy()
    qo.put(sys.flat, 0.0)
    others = _rowsum(qo)
    omq_m = _at(omq, sys.flat)
    if any_tiny and float(others.min()) < _UNDER_OTHERS:
        qo, others, R = _scaled_others(sys, z, qo, others, omq_m)
    else:
        R = np.log(others / omq_m)
    dc, du, wsum = _newton_step(qv, omq, qo, others, h, F, R, sys.flat, None if sys.full else support)
    return _Evaluation(z=z, lp1=lp1, q=qv, omq=omq, F=F, R=R, dc=dc, du=du,
                       a=a, b=b, kk=kk, h=h, u=u, u_noise=sys.n / np.abs(wsum), tiny=tiny, qo=qo, others=others,
                       pos=None if any_tiny else pos)


def _exact_F(a, b, mu, small):
    """F with its large terms a - u summed exactly (TwoSum), its high part then meeting b (see _newton_parts)."""
    # TwoSum (focaltheory._dd.two_sum), operation for operation, its temporaries overwritten
    A = a + mu
    bb = A - a
    A_lo = A - bb
    np.subtract(a, A_lo, out=A_lo)
    np.subtract(mu, bb, out=bb)
    A_lo += bb
    A += b
    A_lo += small
    A += A_lo
    return A


def _plain_F(a, b, mu, small):
    """F summed plainly."""
    F = a + b
    F += mu
    F += small
    return F


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
    dc = _spread(du, F.shape[1]) - F
    dc /= h
    if support is not None:
        dc = np.where(support, dc, 0.0)
    return dc, du, wsum


def _noise(lp1, kk, h, u_noise, G, u):
    """Rounding level of the Newton correction dc, in units of the carrier.

    The large terms of F are summed exactly; its small terms carry relative
    rounding (bounded by |gamma - 1| log1p(e) + gamma k), and u enters with
    its own rounding and that of du (``u_noise``, see _newton); dividing by
    |d log g / dz| turns that into log-odds.
    """
    un = np.abs(u) + u_noise
    # (|G - 1| lp1 + G kk + un) / |h|, its temporaries overwritten
    n = np.abs(G - 1.0) * lp1
    t = G * kk
    n += t
    n += un[:, None]
    n /= np.abs(h, out=t)
    return n


def _merit_floor(lp1, kk, a, b, G, u, support):
    """Below this the merit is rounding: every term of F at a few ulp."""
    mag = 1.0 + np.abs(G - 1.0) * lp1 + G * kk + np.abs(a + b) + np.abs(u)[:, None]
    return _rowsum(np.where(support, mag, 0.0) ** 2) * (64 * _EPS) ** 2
