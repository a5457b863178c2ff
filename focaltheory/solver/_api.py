"""The public entry point of the minimizer: validation, batching and the result."""

import functools
from dataclasses import dataclass

import numpy as np

from .._constants import _MAX_GAMMA
from .. import _xp
from .._fpstate import _fp_isolated
from .._validation import _broadcast_gamma, _class_weights, _distribution, _gamma, _is_law
from ._order import _exact_product_key, _preserve_order
from ._scaling import _reweight
from ._single import _solve_one
from ._solve import _solve_rows

# Rows are solved in chunks of about this many entries, which bounds the
# solver's working memory whatever the batch size; 2**16 keeps the working
# set of a chunk near the cache (measured 1.4x faster than 2**17 at 1e6 x 10).
_CHUNK_ENTRIES = 1 << 16
# _MAX_GAMMA (1e150, shared with every function that squares gamma): d log g / dz
# carries gamma (gamma - 1) q k, which overflows near gamma = 1e154.  Q* is exact to
# about an ulp up to there (tested at 1e150); Q* is uniform on the support to double
# precision long before (1/n + O(log P / gamma)).


def _broadcast(x, shape):
    """``np.broadcast_to(x, shape)``, skipped where x has that shape already (a call on one row pays for each)."""
    return x if np.shape(x) == shape else np.broadcast_to(x, shape)


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
        Its relative accuracy is about gamma ``|log(1 - q)|`` eps for the largest
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
        level of rounding, or small enough that its second-order term (the
        residual it leaves) is below rounding.
    residual : ndarray
        A bound on the KKT residual, batch shape: on the larger of
        max_x ``|log(P(x) g(Q(x))) - log(lambda)|`` over the support and
        ``|log(sum_{x != m} Q(x) / (1 - Q(m)))|`` (m the largest class), at
        the point the last Newton step reaches (in the log-odds of the
        classes and log lambda), of which q and log_lam are the rounding.
        It is not the residual evaluated there (that would cost one more
        evaluation of the system): it adds what the step leaves of the
        linearized system, the rounding of the evaluation before the step
        and the step's second-order term, from bounds on the system's second
        derivatives (see Notes).  Above gamma = 300 the last step is the
        exact one, taken from the iterate whose plain step proved
        convergence, and the bound is the same sum at the point it reaches:
        the rounding of the exact evaluation (a few ulp of 1, and of
        ``log1p(gamma)``), what the step leaves of the linearized system and
        its second-order term.  Rows not converged report the residual at
        their last iterate.
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


_FIELDS = ("q", "log_lam", "value", "iterations", "converged", "residual")


def _single_first(func):
    """Decorator of :func:`minimizer`: one short distribution tried on _single first, then ``func`` isolated.

    _single's arithmetic is Python floats, and its NumPy calls raise no
    floating-point flag on the arguments it lets reach them (it declines the
    row otherwise, see its module docstring): its result does not depend on
    the caller's NumPy error state, so it runs before the isolation of
    _fpstate._fp_isolated is entered (which costs about a microsecond).
    Every other call runs ``func`` under that isolation.  The path takes p
    only as an ndarray, list or tuple and gamma as a real scalar, never a
    law or a foreign array, and no alpha.  The wrapper has minimizer's
    signature (and keeps its name, docstring and ``__wrapped__``).
    """
    isolated = _fp_isolated(func)

    @functools.wraps(func)
    def wrapper(p, gamma, axis=-1, *, alpha=None, maxiter=50):
        if alpha is None:
            one = _solve_one(p, gamma, axis, maxiter)  # bitwise the general path's result, or None
            if one is not None:  # (read-only arrays already: the dataclass's own checks skipped)
                res = object.__new__(MinimizerResult)
                res.__dict__.update(zip(_FIELDS, one))
                return res
        return isolated(p, gamma, axis, alpha=alpha, maxiter=maxiter)

    return wrapper


@_single_first
def minimizer(p, gamma, axis=-1, *, alpha=None, maxiter=50):
    r"""Minimizer of the focal-entropy H_g(P, .) over the probability simplex.

    Parameters
    ----------
    p : array_like or array-API array
        Nonnegative weights; normalized along `axis` (as `scipy.stats.entropy`
        does).  Any leading (batch) shape.  Integer and float32 input is
        accepted and computed in float64.  Arrays of other libraries (torch,
        CuPy, JAX, array-api-strict, through array-api-compat) are copied to
        the host and solved in NumPy; the result's arrays are returned in
        that library, on the input's device, ``q``, ``log_lam``, ``value`` and
        ``residual`` in the input's floating dtype (float64 for integer
        input, float32 without float64), ``iterations`` as int64 and
        ``converged`` as bool.  They are not differentiable (torch tensors
        come back detached).
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

    The result carries its certificate: ``residual`` bounds the achieved
    KKT residual, and :func:`focaltheory.inverse_minimizer` maps ``q`` back
    to P.  Newton stops once its correction is at the level of rounding, or
    once the correction d is so small that its second-order term is: with
    :math:`|d^2 \log g / dz^2| \le \gamma/4 + |\gamma - 1|/4 + 0.2163\,\gamma`
    and the constraint's second derivatives at most 2.25 in magnitude, the
    residuals at the step's end are within :math:`M \max|d|^2 / 2` of their
    linearization, so one evaluation of the system is saved where the
    convergence is quadratic (three steps instead of four at gamma = 2).
    Newton is globalized by backtracking, with a bracketed one-dimensional
    search for rows the fast path does not settle; every row's answer is
    independent of the batch it is solved in.  Against a 50-digit reference
    every positive entry is within 1e-13 relative (a few ulp at moderate
    gamma, 4e-14 at worst measured up to gamma = 300).  The terms that gamma
    multiplies carry gamma times their rounding: gamma log(1 - q), and the
    constraint, which pins log lambda* only to gamma times its own rounding
    (1.8e-13 at gamma = 1000 in plain arithmetic).  So above gamma = 300 the
    step that proves convergence is replaced by an exact Newton step from the
    same iterate, with q (or 1 - q, whichever is below 1/2) as the exact variable, the logs
    and the sums in double-double, and q rounded once: it is then within an
    ulp of the correctly rounded answer, and the round trip through the
    inverse map (condition number ~gamma q / (1 - q)) stays within 1e-12 up to
    gamma = 5000.  Weights whose normalized value is subnormal keep all their
    digits; results below the double range round to 0.

    Order is preserved exactly in the returned doubles: P(x) <= P(y) gives
    q(x) <= q(y), and equal P give equal q (with alpha: the exact products
    alpha_x P(x)).  Each q is computed from its own class's last iterate, and
    two classes within an ulp or three of each other can round apart in the
    wrong direction; a last pass per row replaces each q by the largest q of
    the classes at or below it in the order of P.  Since Q* is nondecreasing
    in P, that cannot move any q outside the error bound the entries already
    meet (if each is within a relative delta of Q*, so is the maximum); it
    changes only rows out of order, by the size of the break.

    A single distribution of at most 32 classes is solved in Python floats
    with the batched path's operations, bitwise equal to its result in any
    batch (the summation order this relies on is checked at first use;
    otherwise, and off the common case, the batched path solves it).

    Rows are solved in chunks of about 65536 entries, so a batch's working
    memory does not grow with the batch; a single row is never split along
    the class axis, and takes at most about 28 times its own size while it is
    solved (35 with alpha, 46 above gamma = 300, where the exact last step
    works in double-double), measured at K = 1e6.

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
    # (one short distribution was tried in Python floats first: see _single_first)
    if _is_law(p):
        from .. import countable  # a law object: the countable path (or its finite support)
        pts = countable.finite_points(p)
        if pts is None:
            if alpha is not None:  # not silently dropped
                raise ValueError("alpha: class weights are not supported for a law on a countable alphabet")
            return countable.minimizer(p, gamma)
        p = pts[1]
    xp = _xp._namespace(p, gamma, alpha)
    if xp is not None:  # solved in NumPy on the host; the arrays go back to the input's namespace and device
        res = minimizer(_xp._host(p), _xp._host(gamma), axis, alpha=_xp._host(alpha), maxiter=maxiter)
        return _xp._result_to(xp, res, (p,), (gamma, alpha))
    W0, ax, tot = _distribution(p, "p", axis, normalize=False, with_total=True)
    # rows contiguous, so that each row's sums (and so its result) are the
    # same bits whatever the input's memory layout or class axis (the sums
    # of the validation are those sums where W is contiguous already)
    W = np.ascontiguousarray(W0)
    if W is not W0:
        tot = None
    g = _gamma(gamma)
    if g.size and float(g.max()) > _MAX_GAMMA:
        raise ValueError(f"gamma must be at most {_MAX_GAMMA:g} for the minimizer (the solver squares it), "
                         f"got {float(g.max())!r}")
    scale = Pexp = total = None
    if alpha is not None:
        A = _class_weights(alpha, np.moveaxis(W, -1, ax).shape, ax)
        P, Pexp, scale = _reweight(W, A)
        order_keys = _exact_product_key(W, A)  # the order q must keep (see _order)
    else:
        order_keys = [W]
        if tot is None:
            tot = W.sum(axis=-1, keepdims=True)
        tiny = np.finfo(np.float64).tiny
        # (a cheap bound first: no entry can be subnormal when the smallest
        # weight over the largest total is normal); in that usual case P =
        # W / total is formed chunk by chunk below, where it stays in cache
        if W.size == 0 or W.min() > tiny * tot.max():
            P, total, sub = W, tot, None
        else:
            P = W / tot
            sub = (P < tiny) & (W > 0)
        if sub is not None and np.any(sub):
            # normalized entries below the normal range would lose digits:
            # W / total = (mW / mt) 2**(eW - et), kept as stand-in and exponent
            mW, eW = np.frexp(W)
            mt, et = np.frexp(tot)
            Pexp = np.where(sub, eW - et, 0)
            P = np.where(sub, mW / mt, P)
    if isinstance(maxiter, (bool, np.bool_)) or not isinstance(maxiter, (int, np.integer)):
        raise TypeError(f"maxiter must be an integer, got {type(maxiter).__name__}")
    if maxiter < 1:
        raise ValueError(f"maxiter must be at least 1, got {maxiter}")
    K = P.shape[-1]
    ax_out = ax - P.ndim  # the class axis keeps its place counted from the end
    batch = _broadcast_gamma(g, P.shape[:-1])
    P = _broadcast(P, batch + (K,))
    N = int(np.prod(batch, dtype=np.int64))
    rows = P.reshape(N, K)  # the weights W where ``total`` is kept: P = W / total per chunk
    if total is not None:
        total = _broadcast(total, batch + (1,)).reshape(N, 1)
    if Pexp is not None:
        Pexp = np.broadcast_to(Pexp, batch + (K,)).reshape(N, K)
    # With alpha the value is written times 2**E (Z = Zs 2**E): the terms of the
    # normalized problem can lie below the double range where Z H does not
    Vexp = None if scale is None else Pexp + np.broadcast_to(scale[1], batch).reshape(N)[:, None]
    gam = _broadcast(g, batch).reshape(N)
    order_keys = [_broadcast(k, batch + (K,)).reshape(N, K) for k in order_keys]

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
    q_finite = True
    with np.errstate(all="ignore"):
        for start in range(0, N, step):
            sl = slice(start, min(N, start + step))
            _solve_rows(rows[sl] if total is None else rows[sl] / total[sl], gam[sl], int(maxiter), q[sl], log_lam[sl], value[sl],
                        iterations[sl], converged[sl], residual[sl], None if Pexp is None else Pexp[sl],
                        None if Vexp is None else Vexp[sl])
            # (checked below; the order pass has the chunk's q sorted, in cache)
            q_finite &= _preserve_order(q[sl], [k[sl] for k in order_keys])
    if scale is not None:
        # the weighted risk is Z times the reweighted one, lambda* likewise;
        # Z = Zs 2**E is applied as such (exp(log Z) would cost |log Z| ulp),
        # 2**E already inside the value (see Vexp)
        Zs, E = (np.broadcast_to(x, batch).reshape(N) for x in scale)
        log_lam += np.log(Zs) + E * np.log(2.0)
        with np.errstate(over="ignore", under="ignore"):
            value *= Zs
        if not np.isfinite(value.sum()) and q_finite:
            raise ValueError("alpha is so large that the weighted minimal focal-entropy overflows double precision")
    # (q is in [0, 1] and value, residual >= 0: their sums are finite exactly when they are)
    if not (q_finite and np.isfinite(value.sum()) and np.isfinite(residual.sum())):
        raise FloatingPointError("minimizer produced a non-finite result: please report this input")  # pragma: no cover

    q = q.reshape(batch + (K,))
    if ax_out != -1:
        q = np.moveaxis(q, -1, ax_out)
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
