"""Writing settled rows into the result: the last correction, the value, and above gamma 300 the exact last step."""

import numpy as np

from .. import _constants, _dd, _dd_short
from ._rows import _as_slice, _at, _rowall, _rowdot, _rowmax, _rowmin, _rowsum, _take
from ._scaling import _LN2_HI, _LN2_LO
from ._system import _EPS, _newton_step


def _write(sys, s, wr, ok, dst, iterations, out):
    """Write the rows ``wr`` of the working set into the result arrays at ``dst``."""
    q_out, loglam_out, value_out, it_out, conv_out, res_out = out
    wr = _as_slice(wr, sys.P.shape[0])
    dst = _as_slice(dst, q_out.shape[0])
    support, okw = _take(sys.support, wr), _take(ok, wr)
    z = _take(s.z, wr)
    # (first, so that its temporaries are gone before the write-out's own, see
    # minimizer on memory; unless every row may take the exact step, which has its own)
    polish_all = sys.exact and bool(np.all(_take(sys.gam, wr) > _constants._EXACT_GAMMA))
    pol = q_dst = None
    if polish_all and okw.any() and not _take(s.tiny, wr).any():
        # the usual case above gamma 300: every settled row takes the exact
        # step and every class its value there; the plain last correction is
        # formed only for the rows that have not settled (written again later)
        pol = _polish(sys, s, wr)
        if not (pol[-1] | ~okw).all():
            pol = None
    if pol is not None:
        qd, log_lam, residual, mlq, L1, _ = pol
        iterations = iterations + okw  # the exact step is one more Newton step
        if not okw.all():
            rest = np.flatnonzero(~okw)
            wrest = rest if isinstance(wr, slice) else wr[rest]
            plain = _write_plain(sys, s, wrest, okw[rest], z[rest], iterations[rest], False, None)
            for arr, v in zip((qd, log_lam, mlq, L1, iterations, residual), plain):
                arr[rest] = v
    else:
        # q formed straight into the result where nothing replaces it later (no copy)
        q_dst = q_out[dst] if isinstance(dst, slice) and sys.full and not sys.exact else None
        qd, log_lam, mlq, L1, iterations, residual = _write_plain(sys, s, wr, okw, z, iterations, polish_all, pol,
                                                                  q_dst)
    if residual is None:
        residual = _residual(sys, s, wr, okw)
    if q_dst is None:
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
        terms = np.multiply(_take(sys.P, wr), mag, out=mag)
    else:
        V = _take(sys.Vexp, wr)
        terms = np.ldexp(_take(sys.P, wr) * mag, V)
        if low is not None and low.any():
            # mag below the range where its product with 2**V is not: 2**V joins the exponent
            # (log 2 split as in Cody and Waite)
            terms = np.where(low, _take(sys.P, wr) * np.exp((lmag + V * _LN2_HI) + V * _LN2_LO), terms)
    value_out[dst] = _rowsum(terms if sys.full else np.where(support, terms, 0.0))
    it_out[dst] = iterations
    conv_out[dst] = okw
    res_out[dst] = residual


def _write_plain(sys, s, wr, okw, z, iterations, polish_all, pol, q_dst=None):
    """q, log_lam, -log q, log(1 - q), iterations and residual of _write: the last correction in linear form, then the exact step where it is taken.

    ``pol``: the exact step's results when _write has taken it already.
    ``q_dst``: where q is to be formed (None: a new array), when no exact step follows.
    """
    residual = None if polish_all else _residual(sys, s, wr, okw)
    q0, omqd = _take(s.q, wr), _take(s.omq, wr)
    # the last correction (below rounding, or below the square root of it where
    # the step proves convergence, see _newton) is applied in linear form, so
    # that q keeps the accuracy that the carrier c cannot represent; what the
    # linear form leaves, q (1 - q) (1 - 2q) dc^2 / 2, is below an ulp of q
    dcw = _take(s.dc, wr) if okw.all() else np.where(okw[:, None], _take(s.dc, wr), 0.0)
    corr = omqd * dcw
    qd = q0 * corr
    qd = np.add(q0, qd, out=qd if q_dst is None else q_dst)
    log_lam = _take(s.u, wr) + np.where(okw, _take(s.du, wr), 0.0)
    lp1 = _take(s.lp1, wr)
    # -log q = log1p(e) - min(z, 0) and log(1 - q) = -log1p(e) - max(z, 0)
    if s.pos is not None and isinstance(wr, slice):
        # no class tiny, every row: log1p(e) - z and -log1p(e) (that is -(0 + log1p(e))) where
        # z < 0, the two forms at the few classes with z >= 0 (or NaN, see _lean), the same bits
        mlq = lp1 - z
        L1 = np.negative(lp1)
        if s.pos.size:
            zp, lp = z.ravel().take(s.pos), lp1.ravel().take(s.pos)
            mlq.put(s.pos, lp - np.minimum(zp, 0.0))
            L1.put(s.pos, -(np.maximum(zp, 0.0) + lp))
    else:
        mlq = np.minimum(z, 0.0)
        np.subtract(lp1, mlq, out=mlq)
        L1 = np.maximum(z, 0.0)
        L1 += lp1
        np.negative(L1, out=L1)
    # moved to the new point in linear form too (d(-log q)/dz = -(1 - q), d log(1 - q)/dz = -q):
    # the value is taken where q is, not where the system was evaluated
    mlq -= corr
    np.multiply(q0, dcw, out=corr)
    L1 -= corr
    del corr
    if sys.exact and okw.any():
        qx, lx, rx, mlq_x, L1_x, done = _polish(sys, s, wr) if pol is None else pol
        # per row: whether a row is polished depends on its own gamma only
        done &= okw & (_take(sys.gam, wr) > _constants._EXACT_GAMMA)
        qd = np.where(done[:, None], qx, qd)
        log_lam = np.where(done, lx, log_lam)
        if residual is None and done.all():
            residual = rx
        else:
            residual = np.where(done, rx, _residual(sys, s, wr, okw) if residual is None else residual)
        iterations = iterations + done  # the exact step is one more Newton step
        # the value at the polished q (gamma multiplies the rounding of log(1 - q))
        pol = done[:, None] & ~_take(s.tiny, wr)
        mlq = np.where(pol, mlq_x, mlq)
        L1 = np.where(pol, L1_x, L1)
    return qd, log_lam, mlq, L1, iterations, residual


def _residual(sys, s, wr, okw):
    """The residual of the rows ``wr``: the bound where they converged, the value at the iterate elsewhere."""
    if okw.all():
        return _residual_bound(sys, s, wr)
    residual = np.maximum(_rowmax(np.abs(_take(s.F, wr))), np.abs(_take(s.R, wr)))
    return np.where(okw, _residual_bound(sys, s, wr), residual) if okw.any() else residual


def _residual_bound(sys, s, wr):
    """A bound on the KKT residual at the point the last step reaches, per row (see minimizer, ``residual``).

    At the evaluated point the computed F and R carry the rounding of their
    terms; the step (dc, du) solves the linearized system up to the rounding
    of its own arithmetic; and from there to the new point the residuals
    change by at most M / 2 max |dc|^2 (see _curvature).  Each part is
    bounded, per row, by maxima over the classes (in units of eps):

    * the linearization: dc = (du - F) / h rounded twice, so that
      |F + h dc - du| <= 1.01 |du - F|, plus h's own rounding (12 ulp) times
      |h dc| <= 1.01 |du - F|: at most 13.2 (|du| + |F|);
    * F's rounding, its large terms summed exactly: gamma z rounded once
      (z >= 0, where b = -gamma z; -z and a tiny class's -c are exact),
      under max(0, -min b) / 2; log1p(e), k and log1p(gamma k) to a few ulp
      each, times the factors they carry: the row maximum of
      6 |gamma - 1| log1p(e) + 12 gamma k (at most the sum of the two
      maxima); the sums, |F| + 2;
    * |F| itself through the step: |du - F| <= |h dc| (1 + 3 eps) with
      |h| = |(1 + gamma q) / (1 + gamma k) + (gamma - 1) q| <= 2 gamma + 2
      (k >= 0, q <= 1), so that max |F| <= |du| + 1.01 (2 gamma + 2) max |dc|;
    * the constraint's n-term sum and its two logs, (n + 8) + |R|, and the
      rounding of its gradient, 12 max |dc|; what its linearization leaves
      is computed.
    """
    eps = _EPS
    G = sys.G_at(wr)
    dc = _take(s.dc, wr)
    du = np.abs(_take(s.du, wr))
    # (max |dc| formed by _newton's proof test at this evaluation where it ran: the same maxima)
    dcm = _rowmax(np.abs(dc)) if s.dcm is None else _take(s.dcm, wr)
    if s.pos is not None and isinstance(wr, slice):
        # no class tiny: b = -z > 0 wherever z < 0, so only the classes with z >= 0
        # (or NaN, which propagates as in the row minimum) can make -min b positive:
        # the same maxima from the few (the sign of a zero is lost in rnd's sums)
        neg_b = np.zeros(dc.shape[0])
        np.maximum.at(neg_b, s.pos // dc.shape[1], -s.b.ravel().take(s.pos))
    else:
        neg_b = np.maximum(0.0, -_rowmin(_take(s.b, wr)))
    per_class = np.multiply(_take(s.lp1, wr), 6.0 * np.abs(G - 1.0))
    per_class += np.multiply(_take(s.kk, wr), 12.0 * G)
    G = G if isinstance(G, float) else G[:, 0]
    Fm = du + (1.01 * (2.0 * G + 2.0)) * dcm
    rnd = (0.5 * neg_b + _rowmax(per_class) + 2.0) + (14.2 * Fm + 13.2 * du)
    quad = dcm * dcm
    res_F = eps * rnd + (0.5 * _take(sys.M_F, wr)) * quad
    # the constraint: R + sum_x a_x dc_x, a_x = q_x (1 - q_x) / others (x != m), a_m = q_m
    R = _take(s.R, wr)
    R_lin, qm_dcm = _R_linearized(R, *(_take(x, wr) for x in (s.qo, s.omq, s.others, s.q)), dc, sys.flat_of(wr))
    res_R = R_lin + eps * ((_take(sys.n, wr) + 8.0) + np.abs(R) + 12.0 * (dcm + np.abs(qm_dcm))) + (0.5 * sys.M_R) * quad
    return np.maximum(res_F, res_R)


def _R_linearized(R, qo, omq, others, q, dc, flat):
    """|R + sum_x a_x dc_x| (a_x = q_x (1 - q_x) / others, x != m; a_m = q_m), and q_m dc_m, per row.

    What the step leaves of the constraint's linearization (``qo``: q with
    the dominant class m zeroed, ``others`` its row sums, ``flat`` the flat
    indices of m), as the residual bounds read it.
    """
    a = qo * omq
    adc = _rowdot(a, dc) / others
    del a
    qm_dcm = _at(q, flat) * _at(dc, flat)
    return np.abs((R + adc) + qm_dcm), qm_dcm


def _polish(sys, s, wr):
    """The last Newton step at large gamma, exact: q, log_lam, residual, -log q, log(1 - q), done.

    At the iterate (converged, or whose plain step proves convergence, see
    _newton), each class's smaller side x (q where z < 0, 1 - q otherwise)
    is taken as an exact double and the other side as its exact complement,
    a double-double (1 - x by FastTwoSum, x <= 1/2).  The KKT system is
    evaluated there with log(1 - q) in double-double, gamma log(1 - q)
    formed exactly (Dekker's product, gamma split once) and log q to about
    an ulp of 1, F = log P + gamma log(1 - q) - log q + log1p(gamma q rho) - u
    (rho = -log q / (1 - q), the form of focaltheory.symbolic), and the
    constraint's sum exactly to double-double level (_sum_dd); tiny classes
    keep the iterate's F (their terms are not multiplied by gamma).  The
    Newton correction from there, applied in linear form and rounded once,
    gives q within about an ulp: the plain evaluation carries gamma times
    the rounding of its logs and sums.  Returns q, log_lam, a bound on the
    residual where the step lands (_polish_bound), -log q and log(1 - q)
    at the new q (from its exact side), and which rows could be polished.

    At large gamma the minimizer is flat: usually every class lies below
    1/2 and none is tiny, and then no selection between the two sides is
    formed (the same operations on the same operands as in the general
    case, so that a row's bits do not depend on its batch).
    """
    G = sys.G_at(wr)
    q, z, h, u = _take(s.q, wr), _take(s.z, wr), _take(s.h, wr), _take(s.u, wr)
    tiny = _take(s.tiny, wr)  # includes the classes off the support
    flat = sys.flat_of(wr)
    simple = not tiny.any() and bool(z.max() < 0) and bool(q.min() >= 1e-300)
    if simple:
        x = q  # the exact side of every class
        done = np.ones(q.shape[0], dtype=bool)
    else:
        omq, support = _take(s.omq, wr), _take(sys.support, wr)
        neg = z < 0
        x = np.where(tiny, 0.5, np.where(neg, q, omq))  # the exact side, <= 1/2
        # a dominant class within 1e-300 of 1 (every other class tiny): its
        # complement is below the range of double-double logs; nothing to polish
        big_x = x >= 1e-300
        done = _rowall(big_x)
        x = np.where(big_x, x, 0.5)
        del big_x
    # the other side, exactly (FastTwoSum: 1 >= x)
    yh = 1.0 - x
    yl = np.subtract(1.0, yh)  # (exact: Sterbenz) then -((yh - 1) + x), the bits of (-x) - (yh - 1)
    yl -= x
    if simple:
        qq, cc, cl = x, yh, yl  # q and 1 - q, rounded; the low part of 1 - q
    else:
        qq, cc, cl = np.where(neg, x, yh), np.where(neg, yh, x), np.where(neg, yl, 0.0)
    # log(1 - q), which gamma multiplies, in double-double (cc >= 1/2: normal);
    # log q (not multiplied) to about an ulp of 1 is enough
    lc_h, lc_l = _log_1mq(G, cc, cl, None if simple else neg)
    del cl
    lq_h = np.log(qq)
    lq_l = np.exp(lq_h)  # (qq - exp(hi)) / exp(hi), see _log_hi_lo
    lq_l = np.divide(qq - lq_l, lq_l, out=lq_l)
    if not simple:
        np.add(lq_l, yl / qq, out=lq_l, where=~neg)  # 1 - q's low part, where q is the complement
    # (for the residual bound: both logs are <= 0; every class below 1/2 bounds them)
    if simple:
        lcm, lqm = _LN2_UP, _LN2_DOWN
    else:
        # (per row as in the simple case where every class of the row lies below 1/2)
        below = _rowall(neg & ~tiny & (q >= 1e-300))
        lcm = np.where(below, _LN2_UP, -_rowmin(lc_h))
        lqm = np.where(below, _LN2_DOWN, -_rowmax(lq_h))
    F = _polish_F(sys, wr, G, u, qq, cc, lc_h, lc_l, lq_h, lq_l)
    del lc_h, lc_l, lq_h, lq_l
    if not simple:
        F = np.where(tiny, _take(s.F, wr), F)
    # the constraint: sum of the other classes against 1 - q_m, in double-double
    if simple:
        oh, ol = _at(yh, flat), _at(yl, flat)
        qo = x.copy()
        qo.put(flat, 0.0)
        Sh, Sl = _sum_dd(qo)
    else:
        oh, ol = _at(np.where(neg, yh, x), flat), _at(np.where(neg, yl, 0.0), flat)
        qh, ql = np.where(tiny, 0.0, qq), np.where(tiny, q, np.where(neg, 0.0, yl))
        qh.put(flat, 0.0)
        ql.put(flat, 0.0)
        Sh, Sl = _sum_dd(qh, ql)
        del qh, ql
    d, de = _dd.two_sum(Sh, -oh)
    R = np.log1p((d + (de + (Sl - ol))) / oh)
    del Sl, d, de
    if simple:
        qb, ob = x, yh  # q and 1 - q at the exact point
        dc, du, _ = _newton_step(qb, ob, qo, Sh, h, F, R, flat, None)
    else:
        qb, ob = np.where(tiny, q, qq), np.where(tiny, omq, cc)
        qo = qb.copy()
        qo.put(flat, 0.0)
        dc, du, _ = _newton_step(qb, ob, qo, Sh, h, F, R, flat, None if support.all() else support)
    # q + q (1 - q) dc, from the exact side; tiny classes as in _write
    step = x * yh
    step *= dc
    if simple:
        q_new = step
        q_new += x
        # -log q and log(1 - q) there, from the exact side moved by the same step
        with np.errstate(divide="ignore", invalid="ignore"):
            mlq = np.log(q_new)
            np.negative(mlq, out=mlq)
            L1 = np.log1p(-q_new)
    else:
        q_new = np.where(neg, x + step, yh + (yl + yh * x * dc))
        q_new = np.where(tiny, q + q * omq * dc, q_new)
        # (tiny classes: unused, the caller keeps its own)
        x_new = np.where(neg, x + step, x - step)
        with np.errstate(divide="ignore", invalid="ignore"):
            small, big = np.log(x_new), np.log1p(-x_new)
        mlq = -np.where(neg, small, big)
        L1 = np.where(neg, big, small)
        del small, big, x_new
    del step
    residual = _polish_bound(sys, s, wr, F, R, dc, du, qb, ob, qo, Sh, flat, lcm, lqm)
    return q_new, u + du, residual, mlq, L1, done


def _log_1mq(G, cc, cl, neg):
    """log(1 - q) = log(cc + cl) in double-double: to 2**-76 for the rows with gamma <= _SHORT_LOG_GAMMA, by log_dd above.

    gamma multiplies it: the absolute 2**-76 of log_dd_half (classes with
    1 - q in [1/2, 1], ``neg``; None: every class) and log_dd_short (the
    others) is at most 2**-56 there (see _polish_bound).  Per class and
    row, so that a row's bits depend on its own classes and gamma only.
    """
    def short():
        if neg is None:
            return _dd_short.log_dd_half(cc, cl)
        hh, hl = _dd_short.log_dd_half(np.where(neg, cc, 1.0), np.where(neg, cl, 0.0))
        sh, sl = _dd_short.log_dd_short(np.where(neg, 1.0, cc), np.where(neg, 0.0, cl))
        return np.where(neg, hh, sh), np.where(neg, hl, sl)

    if isinstance(G, float):
        return short() if G <= _SHORT_LOG_GAMMA else _dd.log_dd(cc, cl)
    rows = G[:, 0] <= _SHORT_LOG_GAMMA
    if rows.all():
        return short()
    if not rows.any():
        return _dd.log_dd(cc, cl)
    sh, sl = short()
    fh, fl = _dd.log_dd(cc, cl)
    return np.where(rows[:, None], sh, fh), np.where(rows[:, None], sl, fl)


_SHORT_LOG_GAMMA = 2.0**20  # log_dd_short at and below this gamma (G 2**-76 <= 2**-56)
_LN2_UP, _LN2_DOWN = 0.6932, 0.6931  # above and below log 2: |log(1 - q)|, |log q| with q <= 1/2


def _polish_F(sys, wr, G, u, qq, cc, lc_h, lc_l, lq_h, lq_l):
    """F at the exact point of _polish: its large terms log P, gamma log(1 - q) (exact), -log q and -u summed exactly."""
    # gamma log(1 - q) = p + e exactly (Dekker's product, gamma split once by
    # Veltkamp, log(1 - q) by clearing its low 27 bits: 26 and 27 bits, as in
    # focaltheory._dd._split), and lc_l gamma.  Where gamma has at most 26
    # significant bits (gl = 0: 301, 1000, 5000, ...) the two products with gl
    # are zeros whose sums leave e's bits as they are (the partial sums are
    # exact, and a zero among them is +0), and are not formed
    p = lc_h * G
    gh, gl = _split_gamma(G)
    ah = np.bitwise_and(lc_h.view(np.int64), _dd._LOW27_CLEAR).view(np.float64)
    al = np.subtract(lc_h, ah)
    e = ah * gh
    e -= p
    with_gl = not np.all(gl == 0.0)
    if with_gl:
        ah *= gl
        e += ah
    np.multiply(al, gh, out=ah)
    e += ah
    if with_gl:
        al *= gl
        e += al
    t = al
    del ah
    T_l = np.multiply(lc_l, G, out=t)
    T_l += e
    # the three exact sums (TwoSum), log P + p - log q - u; their errors add into e1
    logP = _take(sys.logP, wr)
    e1, e2 = np.empty_like(p), np.empty_like(p)
    s = _two_sum_into(logP, p, True, e, e1)
    s = _two_sum_into(s, lq_h, False, e, e2)
    e1 += e2
    s = _two_sum_into(s, np.repeat(u, s.shape[1]).reshape(s.shape), False, e, e2)  # (a column broadcast costs more)
    e1 += e2
    del e2
    # the low parts, and log1p(gamma q rho), rho = -log q / (1 - q)
    rest = np.divide(lq_h, cc, out=e)
    rest *= qq
    rest *= -G
    np.log1p(rest, out=rest)
    T_l += _take(sys.logP_lo, wr)
    T_l -= lq_l
    rest += T_l
    e1 += rest
    s += e1
    return s


def _two_sum_into(a, b, add, t, err):
    """Knuth's TwoSum of a + b (``add``) or a - b, its error written into ``err``; ``t``: scratch.

    The bits of _dd.two_sum(a, b) or _dd.two_sum(a, -b), with fewer
    temporaries: the subtraction folds the negation of b exactly,
    (-b) - bb = -(b + bb).  Returns the rounded sum.
    """
    s = a + b if add else a - b
    np.subtract(s, a, out=t)        # bb
    np.subtract(s, t, out=err)
    np.subtract(a, err, out=err)    # a - (s - bb)
    if add:
        np.subtract(b, t, out=t)    # b - bb
        err += t
    else:
        np.add(b, t, out=t)         # b + bb
        err -= t
    return s


def _split_gamma(G):
    """Veltkamp's split of gamma (a float, or a column of per-row values): see focaltheory._dd._split."""
    gh, gl = _dd._split(np.asarray(G, dtype=np.float64))
    return (float(gh), float(gl)) if isinstance(G, float) else (gh, gl)


def _sum_dd(hi, lo=None):
    """Row sums of hi (+ lo) as double-double numbers, for nonnegative hi.

    Up to _SUM_COLUMNS classes: Sum2 of Ogita, Rump and Oishi (SIAM J. Sci.
    Comput. 26, 2005) over the columns, in their order (TwoSum, the rounding
    errors summed plainly, then lo's row sums): the error is below
    gamma_{K-1}^2 sum hi (about (K - 1)^2 u^2 sum hi, u = 2**-53) plus the
    plain sum's rounding of lo.  Wider rows: focaltheory._dd.rowsum_dd.
    A row's bits do not depend on the rows beside it.
    """
    K = hi.shape[1]
    if K > _SUM_COLUMNS or K < 2:
        return _dd.rowsum_dd(hi, np.zeros_like(hi) if lo is None else lo)
    acc = hi[:, 0] + hi[:, 1]
    t = acc - hi[:, 0]
    err = acc - t
    np.subtract(hi[:, 0], err, out=err)
    b = hi[:, 1] - t
    err += b
    for j in range(2, K):
        col = hi[:, j]
        s = acc + col
        np.subtract(s, acc, out=t)
        np.subtract(s, t, out=b)
        np.subtract(acc, b, out=b)
        np.subtract(col, t, out=t)
        t += b
        err += t
        acc = s
    if lo is not None:
        err += _rowsum(lo)
    return _dd.two_sum(acc, err)


_LOGP_MAX = 1e4  # above every |log P| (for the residual bound: 2 eps of it is 2e-12 eps)
_SUM_COLUMNS = 32  # (column by column: one numpy call per class)


def _polish_bound(sys, s, wr, F, R, dc, du, q, omq, qo, others, flat, lcm, lqm):
    """A bound on the KKT residual at the point the exact step reaches, per row (see minimizer, ``residual``).

    The step starts at the point z0 whose classes have the exact sides x of
    _polish (a tiny class: the iterate itself) and the iterate's u, and
    reaches z0 + dc, u + du.  As in _residual_bound, the residual there is at
    most the rounding of F and R at z0, plus what the step leaves of the
    linearized system, plus M / 2 max |dc|^2 (see _curvature).  In units of
    eps, with L = log1p(gamma k) <= log1p(gamma) (k <= 1):

    * F at z0 (classes not tiny): log P and log q to 0.6 each (log q as in
      _log_hi_lo, its low part not renormalized); the argument of L to a
      relative 4.5 + 0.6 / |log q|, so L to that plus L / 2 + 1; the sums of
      the low parts and the last two roundings, L + |F| / 2 + 2; the low
      parts of the exact sums, 2 eps (|log P| + gamma |log(1 - q)| + 745 +
      |u|) with |log P| < _LOGP_MAX = 1e4 (P is a double times 2**e, e >
      -4300, see _scaling._reweight), which also cover the rounding of the product's low part
      e + gamma lo (3 u**2 gamma |log(1 - q)|, as dd_mul_d); and
      gamma log(1 - q) to 1e-30 gamma max(1, |log(1 - q)|) (log_dd),
      4.6e-15 gamma max(1, |log(1 - q)|) eps, and at gamma <=
      _SHORT_LOG_GAMMA (log_dd_half, log_dd_short) another 2**-76 gamma, which is
      2**-23 gamma eps (its 2**-104 |log(1 - q)| lies within the former);
      the second for every row as 2**-23 min(gamma, _SHORT_LOG_GAMMA), at
      most eps / 8 for the rows that take log_dd.  Where every class lies
      below 1/2 (no class tiny) |log(1 - q)| and |log q| are taken as
      their bounds 0.6932 and 0.6931 (log 2) instead of row extremes: at
      the sizes of these terms the difference is a few percent at most.
      Tiny classes keep the iterate's F and its rounding (_residual_bound);
    * the linearization: as in _residual_bound, 13.2 (|du| + |F|), plus h
      taken at the iterate, whose log-odds are within 8 eps of z0's:
      8 M_F + 12 (2 gamma + 2) (|h| <= 2 gamma + 2) times max |dc|;
    * R at z0: its sums are exact to dd level (_sum_dd: a relative
      (K - 1)**2 u**2, and 4 eps in the tiny classes' q), the ratio and log1p to 3 |R| + 6; the rounding of its
      linearization, computed, (n + 12) (max |dc| + |q_m dc_m|) + 2 |R|.
    """
    eps = _EPS
    G = sys.G_at(wr)
    G = G if isinstance(G, float) else G[:, 0]
    t = np.abs(F)
    Fm = _rowmax(t)
    np.abs(dc, out=t)
    dcm = _rowmax(t)
    del t
    au = np.abs(_take(s.u, wr))
    L = np.log1p(G)
    rnd = (Fm + 2.0 * L + 10.0 + 1.0 / lqm) + 2.0 * eps * (_LOGP_MAX + G * lcm + 745.0 + au) \
        + 4.6e-15 * G * np.maximum(1.0, lcm) + 2.0**-23 * np.minimum(G, _SHORT_LOG_GAMMA)
    tiny = _take(s.tiny, wr) & _take(sys.support, wr)
    if tiny.any():
        b, lp1, kk = (np.where(tiny, _take(x, wr), 0.0) for x in (s.b, s.lp1, s.kk))
        Gc = G if isinstance(G, float) else G[:, None]
        rnd_t = 0.5 * np.maximum(0.0, -b) + 6.0 * np.abs(Gc - 1.0) * lp1 + 12.0 * Gc * kk
        rnd = np.maximum(rnd, _rowmax(rnd_t) + 2.0 + Fm)
    M_F = _take(sys.M_F, wr)
    adu = np.abs(du)
    res_F = eps * (rnd + 13.2 * (adu + Fm) + dcm * (8.0 * M_F + 24.0 * G + 24.0)) + (0.5 * M_F) * (dcm * dcm)
    R_lin, qm_dcm = _R_linearized(R, qo, omq, others, q, dc, flat)
    aR = np.abs(R)
    res_R = R_lin + eps * ((5.0 * aR + 6.0) + (_take(sys.n, wr) + 12.0) * (dcm + np.abs(qm_dcm))) \
        + (0.5 * sys.M_R) * (dcm * dcm)
    return np.maximum(res_F, res_R)
