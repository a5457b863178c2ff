"""The closed-form inverse of the focal minimizer map P -> Q*."""

import numpy as np

from ._fpstate import _fp_isolated
from . import _dd, _xp
from ._xp import _forms as _xpf
from ._constants import _EXACT_GAMMA  # above it, gamma log(1 - q) is formed exactly
from ._validation import _as_real_array, _broadcast_gamma, _check_finite, _class_weights, _gamma, _normalize_axis

__all__ = ["inverse_minimizer"]


def _exact_gamma_log_ratio(Q, G, r, is_r, big, keep, as_log=False):
    """exp(gamma log((1 - q_r) / (1 - q_x))), with the logs and the product exact.

    1 - q_x is exact as a double-double for every class but the largest (each
    is at most 1/2); 1 - q_r is the sum of the others, summed exactly, where
    q_r is above 1/2, and 1 - q_r otherwise.  exp(hi + lo) = exp(hi) (1 + lo).
    Entries outside ``keep`` (the largest class, zeros) get 1.  With
    ``as_log`` the exponent hi + lo is returned instead (0 outside ``keep``).
    """
    oh, ol = _dd.two_sum(1.0, -Q)
    sh, sl = _dd.rowsum_dd(np.where(is_r, 0.0, Q), np.zeros_like(Q))
    rh = np.where(big[..., 0], sh, np.take_along_axis(oh, r, axis=-1)[..., 0])
    rl = np.where(big[..., 0], sl, np.take_along_axis(ol, r, axis=-1)[..., 0])
    lxh, lxl = _dd.log_dd(np.where(keep, oh, 1.0), np.where(keep, ol, 0.0))
    pos_r = rh > 0  # 1 - q_r = 0: a point mass, whose other classes get weight 0 anyway
    lrh, lrl = _dd.log_dd(np.where(pos_r, rh, 1.0), np.where(pos_r, rl, 0.0))
    Lh, Ll = _dd.dd_add(lrh[..., None], lrl[..., None], -lxh, -lxl)
    with np.errstate(over="ignore", invalid="ignore"):  # gamma L below -realmax: the weight is 0
        Eh, El = _dd.dd_mul_d(Lh, Ll, np.broadcast_to(G, Q.shape))
        if as_log:
            return np.where(keep, Eh, 0.0), np.where(keep, El, 0.0)
        E = np.exp(Eh)
        # exp(hi + lo) = exp(hi) (1 + lo) holds wherever exp(hi) > 0 (|hi| < 746, so
        # |lo| < 1e-13); where it underflows the weight is an exact +0 (1 + lo, about
        # 1e-16 |hi| there, would give it a sign, or NaN where gamma L overflowed)
        return np.where(keep, np.where(E > 0, E * (1.0 + El), 0.0), 1.0)


# log 2 in two parts (Cody and Waite), the high part with 21 trailing zero bits
_LN2_HI = 6.93147180369123816490e-01
_LN2_LO = 1.90821492927058770002e-10
# below this exponent (a weight under 2**-3500 before alpha divides it) the
# entry is 0 whatever alpha does: alpha spans at most 2**2098 in ratio
_MIN_EXP = -3500.0


def _scaled_weights(Q, qr, Cg, E_hi, E_lo, Br, B, A, keep):
    """(Q / q_r) Cg (B_r / B) / alpha as mantissa times 2**exponent: (m, e) with m normal.

    The weights relative to the largest class before alpha divides them back
    can lie below the double range (subnormal or 0) where the result is an
    ordinary probability, e.g. alpha_x P_x / (alpha_r P_r) = 1e-313 with
    alpha_x = 1e-313.  Each factor is taken apart instead: Q / q_r as the
    ratio of mantissas times a power of two, Cg = exp(E) (E = gamma L, or its
    exact hi + lo above gamma = 300) as exp(E - n log 2) 2**n where Cg leaves
    the normal range (n log 2 formed exactly: TwoProduct with the high part),
    and alpha by its mantissa; B_r / B is normal (B in [1, 1 + 745 gamma]).
    Each factor keeps its relative accuracy, so the weight does: the same
    rounding as the plain product wherever that is normal.  Entries outside
    ``keep``, or below 2**-3500, get m = 0.
    """
    tiny = np.finfo(np.float64).tiny
    mq, eq = np.frexp(Q)
    mr, er = np.frexp(qr)
    under = Cg < tiny
    mc, ec = np.frexp(np.where(under, 1.0, Cg))
    n = np.floor(np.where(under, np.maximum(E_hi, _MIN_EXP * _LN2_HI), 0.0) / _LN2_HI)
    ph, pl = _dd.two_prod(n, _LN2_HI)
    red = np.exp((((E_hi - ph) - pl) - n * _LN2_LO) + E_lo)
    mc = np.where(under, red, mc)
    ec = np.where(under, n, ec).astype(np.int64)
    mA, eA = np.frexp(np.where(A > 0, A, 1.0))
    m = (mq / mr) * mc * (Br / B) / mA
    e = (eq - er) + ec - eA
    dead = ~keep | (E_hi < _MIN_EXP * _LN2_HI)
    return np.where(dead, 0.0, m), np.where(dead, 0, e)


@_fp_isolated
def inverse_minimizer(q, gamma, axis=-1, *, alpha=None, sum_tol=None):
    r"""The distribution P whose focal-entropy minimizer is `q` (closed form).

    Parameters
    ----------
    q : array_like or array-API array
        A distribution (or a batch of them along `axis`), entries in [0, 1]
        summing to 1 within `sum_tol`.  Exact zeros are classes outside the
        support: P is 0 there too (the minimizer vanishes exactly off the
        support of P).
        A masked array with masked entries raises TypeError: exact zeros, not a
        mask, mark classes outside the support (and a nonzero longdouble
        entry below the float64 range, which would become one, raises
        ValueError).
    gamma : float or array_like
        Focusing parameter, finite and >= 0; broadcasts against the batch shape.
    axis : int, optional
        The class axis.  Default -1.
    alpha : array_like, optional
        Class weights of the alpha-balanced focal loss (nonnegative,
        broadcastable to the shape of `q`): P(x) is proportional to
        1 / (alpha_x g(Q(x))).  A zero weight on a class with Q > 0 is an
        error (such a class would get Q = 0).  Weights anywhere in the double
        range, subnormal included, keep the accuracy of the unweighted map:
        where the ratio to the largest class lies below the double range
        before alpha divides it back, it is carried as mantissa and exponent.
    sum_tol : float, optional
        Tolerance on ``|sum(q) - 1|``.  By default ``max(1e-6, 8 eps)`` for
        the machine epsilon of the input's floating dtype: 1e-6 for float64,
        float32 and integer input (loose enough for float32 softmax
        outputs), 7.8e-3 for float16 (whose softmax rows are off by up to
        ~2e-4) and 6.3e-2 for bfloat16.  Within it, `q` is taken as given:
        the complement of the largest class is the sum of the others.

    Returns
    -------
    ndarray
        P, same shape as the broadcast `q`, normalized along `axis`.

    Notes
    -----
    On the support, :math:`P(x)\, g(Q^*(x)) = \lambda^*`, so the unique P with
    minimizer Q is :math:`P(x) \propto 1/g(Q(x))`, and
    :math:`\lambda^* = 1 / \sum_x 1/g(Q(x))`.  With
    :math:`1/g(q) = q (1-q)^{-\gamma} / (1 + \gamma q (-\log q)/(1-q))` the
    weights are formed relative to the largest class r:

    .. math:: \frac{P(x)}{P(r)} = \frac{q_x}{q_r}
              \Big(\frac{1-q_r}{1-q_x}\Big)^{\gamma} \frac{B_r}{B_x},
              \qquad B = 1 + \gamma\, q\, \frac{-\log q}{1-q},

    where :math:`1 - q_r` is computed as the sum of the other entries, so a
    near-degenerate q (the largest class within 1e-15 of 1, or closer) keeps
    the information about the small classes.  Above gamma = 300 the logs of
    the complements, the sum of the others and the product with gamma are
    formed in double-double (their plain rounding, times gamma, would
    dominate).  This map is the certificate of :func:`focaltheory.minimizer`:
    applied to its output it returns the input within rounding (1e-12 up to
    gamma = 5000, where its condition number is ~gamma q / (1 - q)).
    Entries of P below the double range (e.g. 8e-490 for a q within 4e-12 of
    a vertex at gamma = 42) round to 0, as any double result would.

    Arrays of other libraries (torch, CuPy, JAX, array-api-strict, through
    array-api-compat) are computed in that library, on their device, in
    float64 where it has it (float32 otherwise), and returned in their
    floating dtype: torch autograd differentiates the result.  The same form is used there, without the
    double-double step above gamma = 300: each entry of P is within about
    :math:`(3 + \gamma |L|)\,\varepsilon` of the NumPy result, L the log of the ratio of
    complements above (measured on random q: 1.4e-14 at gamma = 300, 5e-14
    at 1000, 2e-13 at 5000); float32, float16 and bfloat16 results are the
    float64 values rounded once (within 0.5 eps of the dtype, measured).

    References
    ----------
    .. [1] N. Charoenphakdee, J. Vongkulbhisal, N. Chairatanakul, M. Sugiyama,
           "On Focal Loss for Class-Posterior Probability Estimation: A
           Theoretical Perspective", CVPR 2021.
    .. [2] J. Shah, M. Cardone, A. Dytso, "Functional Properties of the
           Focal-Entropy", AISTATS 2026, arXiv:2603.02533.

    Examples
    --------
    >>> import numpy as np
    >>> from focaltheory import inverse_minimizer, minimizer
    >>> p = np.array([0.7, 0.2, 0.1])
    >>> q = minimizer(p, 2).q
    >>> bool(np.allclose(inverse_minimizer(q, 2), p, rtol=1e-14, atol=0))
    True
    >>> inverse_minimizer([0.5, 0.5], 3)
    array([0.5, 0.5])
    """
    xp = _xp._namespace(q, gamma, alpha)
    if xp is not None:  # torch, CuPy, JAX, array-api-strict, ...: computed there
        return _xpf.inverse_minimizer(xp, q, gamma, axis, alpha, sum_tol)
    Q = _as_real_array(q, "q")
    g = _gamma(gamma)
    ax = _normalize_axis(axis, Q.ndim)
    Q = np.moveaxis(Q, ax, -1)
    if Q.shape[-1] == 0:
        raise ValueError(f"q has an empty class axis (axis={axis})")
    _check_finite(Q, "q")
    if np.any((Q < 0) | (Q > 1)):
        raise ValueError("q must lie in [0, 1] (zeros mark classes outside the support)")
    sum_tol = _xp._sum_tol(sum_tol, _xp._np_eps(q))
    dev = np.abs(Q.sum(axis=-1) - 1.0)
    if np.any(dev > sum_tol):
        raise ValueError(f"q must sum to 1 along axis={axis} (within sum_tol={sum_tol:g}); found a sum off by {dev.max():.3g}")
    K = Q.shape[-1]
    ax_out = ax - Q.ndim  # the class axis keeps its place counted from the end
    batch = _broadcast_gamma(g, Q.shape[:-1])
    Q = np.broadcast_to(Q, batch + (K,))
    G = np.broadcast_to(g, batch)[..., None]

    r = np.argmax(Q, axis=-1)[..., None]
    is_r = np.arange(K) == r
    qr = np.take_along_axis(Q, r, axis=-1)
    # complements: 1 - q for the others (each at most 1/2: no cancellation);
    # for the largest class too while it is at most 1/2, and above 1/2 the sum
    # of the others, which is exact information where 1 - q_r is not
    big = qr > 0.5
    omq_r = np.where(big, np.where(is_r, 0.0, Q).sum(axis=-1, keepdims=True), 1.0 - qr)
    omq = np.where(is_r, omq_r, 1.0 - Q)
    pos = Q > 0
    # (over: gamma L below -realmax at gamma near the largest double, whose exp is 0)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        mlogq = np.where(Q > 0.5, -np.log1p(-omq), -np.log(np.where(pos, Q, 1.0)))
        # q (-log q) / (1 - q) -> 1 as q -> 1
        ratio = np.where(omq > 0, Q * mlogq / np.where(omq > 0, omq, 1.0), 1.0)
        B = 1.0 + G * ratio
        frac = omq_r / omq
        Br = np.take_along_axis(B, r, axis=-1)
        # ((1 - q_r) / (1 - q_x))^gamma = exp(gamma L).  At large gamma the
        # rounding of L, times gamma, would set the accuracy: L and the product
        # are formed exactly
        # L <= 0, formed consistently with the complement chosen above:
        # log1p((q_x - q_r) / (1 - q_x)) when 1 - q_r is taken as such,
        # the log of the ratio otherwise
        L = np.where(big, np.log(np.where(frac > 0, frac, 1.0)), np.log1p((Q - qr) / omq))
        GL = G * np.where(is_r | ~pos, 0.0, L)
        Cg = np.exp(GL)
        exact = G > _EXACT_GAMMA
        if np.any(exact):
            # per row (a row's result must not depend on its batch)
            Cg = np.where(exact, _exact_gamma_log_ratio(Q, G, r, is_r, big, pos & (frac > 0) & ~is_r), Cg)
        # 1 - q_r = 0 only for a point mass: the other classes get weight 0
        keep = pos & (frac > 0) | is_r
        w = np.where(keep, (Q / qr) * Cg * (Br / B), 0.0)
    if alpha is not None:
        ax_now = ax_out % Q.ndim  # the class axis of the (broadcast) result
        A = np.broadcast_to(_class_weights(alpha, np.moveaxis(Q, -1, ax_now).shape, ax_now), w.shape)
        if np.any((A == 0) & pos):
            raise ValueError("alpha is zero on a class where q is positive: no distribution has this minimizer")
        # w / A scaled by a power of 2 per row (exact), so that tiny weights
        # (subnormal alpha) cannot overflow it: the same bits after normalizing
        # rows with a weight below the normal range before alpha divides it back
        # (alpha_x P_x / (alpha_r P_r) ~ 1e-313 or ~1e-400 while P_x is normal) would
        # keep few digits or none: their weights are formed factor by factor below
        rows = np.any(keep & (w < np.finfo(np.float64).tiny), axis=-1, keepdims=True)
        mw, ew = np.frexp(w)
        mA, eA = np.frexp(np.where(A > 0, A, 1.0))
        live = pos & (w > 0)
        e = np.where(live, ew - eA, 0)
        emax = np.max(np.where(live, e, np.iinfo(e.dtype).min), axis=-1, keepdims=True)
        w = np.where(live, np.ldexp(mw / mA, e - emax), 0.0)
        if np.any(rows):
            with np.errstate(divide="ignore", invalid="ignore", over="ignore", under="ignore"):
                E_hi, E_lo = GL, np.zeros_like(GL)
                if np.any(exact):
                    Xh, Xl = _exact_gamma_log_ratio(Q, G, r, is_r, big, pos & (frac > 0) & ~is_r, as_log=True)
                    E_hi, E_lo = np.where(exact, Xh, E_hi), np.where(exact, Xl, E_lo)
                ms, es = _scaled_weights(Q, qr, Cg, E_hi, E_lo, Br, B, A, keep)
                smax = np.max(np.where(ms > 0, es, np.iinfo(np.int64).min), axis=-1, keepdims=True)
                ws = np.where(ms > 0, np.ldexp(ms, np.maximum(es - smax, -2000)), 0.0)
            w = np.where(rows, ws, w)
    P = w / w.sum(axis=-1, keepdims=True)
    return np.moveaxis(P, -1, ax_out)
