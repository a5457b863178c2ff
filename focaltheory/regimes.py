r"""Where the focal loss amplifies, suppresses and over-suppresses probabilities.

With ``phi(p) = p g(p) = (1-p)**(gamma-1) * ((1-p) - gamma p log p)``, the
stationarity condition ``P(x) g(Q*(x)) = lambda*`` gives

    Q*(x) > P(x)  <=>  g(P(x)) > g(Q*(x))  <=>  phi(P(x)) > lambda*,

because g is strictly decreasing.  For gamma > 0, phi(0+) = 1, phi(1) = 0 and
phi has a single maximum (above 1) in between, so ``phi(p) = 1`` has exactly
one root ``p_gamma`` in (0, 1), the *threshold*: phi > 1 on (0, p_gamma) and
phi < 1 on (p_gamma, 1).  See :func:`threshold`, :func:`regimes` and
:func:`over_suppression`.

References
----------
.. [1] J. Shah, M. Cardone, A. Dytso, "Functional Properties of the
   Focal-Entropy", AISTATS 2026, arXiv:2603.02533.
.. [2] J. Mukhoti, V. Kulharia, A. Sanyal, S. Golodetz, P. Torr, P. Dokania,
   "Calibrating Deep Neural Networks using Focal Loss", NeurIPS 2020.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.special import lambertw

from ._fpstate import _fp_isolated
from ._small_gamma import _pf_small_gamma
from ._threshold import _threshold_G, _threshold_newton_step
from ._constants import _MAX_GAMMA
from ._validation import _as_real_array, _broadcast_gamma, _check_finite, _distribution, _gamma
from ._charts import _np_solve_charts

__all__ = [
    "threshold",
    "gamma_for_threshold",
    "regimes",
    "RegimeMap",
    "over_suppression",
    "OverSuppression",
    "AMPLIFIED",
    "SUPPRESSED",
    "OVER_SUPPRESSED",
    "UNCHANGED",
    "ABSENT",
]

AMPLIFIED = "amplified"
SUPPRESSED = "suppressed"
OVER_SUPPRESSED = "over-suppressed"
UNCHANGED = "unchanged"
ABSENT = "absent"


# ---------------------------------------------------------------------------
# threshold
# ---------------------------------------------------------------------------

@_fp_isolated
def threshold(gamma):
    r"""The threshold p_gamma: the root in (0, 1) of ``phi(p) = 1``.

    Parameters
    ----------
    gamma : float or array_like
        Focusing parameter(s), finite and >= 0, of any size (p_gamma
        decreases to 5.1e-308 at the largest double).
        A masked array with masked entries raises TypeError (pass
        ``x.filled(value)``).

    Returns
    -------
    ndarray or float
        p_gamma, same shape as ``gamma`` (a float for scalar input).  At
        gamma = 0, where ``phi = 1`` identically, the limit 1/2 is returned.

    Raises
    ------
    TypeError, ValueError
        For non-real, non-finite or negative ``gamma``.

    Notes
    -----
    **Definition.** ``phi(p) = (1-p)**(gamma-1) ((1-p) - gamma p log p)``;
    ``log phi(p) = gamma log(1-p) + log(1 - gamma beta(p))`` with
    ``beta(p) = p log p/(1-p)``.  For gamma > 0 it is positive on
    (0, p_gamma) and negative on (p_gamma, 1), so the root is found by
    bisection in ``t = log p`` on [-744, 0] (60 halvings of ``log phi /
    gamma``, a form that stays accurate as gamma -> 0) and two Newton steps.
    Relative accuracy about 1e-15 (tested against
    :func:`focaltheory.reference.threshold_mp` to 1e-14).

    **Closed forms.**

    * gamma = 1: ``phi(p) = 1 - p - p log p``, so ``phi(p) = 1`` iff
      ``p (1 + log p) = 0``, i.e. ``p_1 = 1/e`` exactly.
    * gamma -> 0: ``log phi = gamma f(p) + O(gamma^2)`` with
      ``f(p) = log(1-p) - p log p/(1-p) = -k(p)/(1-p)``,
      ``k(p) = p log p - (1-p) log(1-p)``.  k(0+) = k(1/2) = 0 and
      ``k'' = 1/p - 1/(1-p) > 0`` on (0, 1/2), so k < 0 there, and k is odd
      about 1/2: f vanishes only at 1/2, hence ``p_gamma -> 1/2``.
    * For every gamma > 0, ``p_gamma < 1/2``: ``phi(1/2) = (1 + gamma log 2)
      2**-gamma = (1 + x) e**-x < 1`` with ``x = gamma log 2 > 0``.
    * The inverse function is closed-form for every p (Lambert W, -1
      branch): see :func:`gamma_for_threshold`.  For p_gamma itself no
      other closed form is known to us: for gamma != 1 the equation keeps
      both ``(1-p)**(gamma-1)`` and ``p log p`` (gamma = 2:
      ``log p = (p - 2)/(2 (1 - p))``), which is not of the form
      ``w e**w = const`` in any variable we found.
    * gamma -> inf: with ``s = gamma p``, ``1 + s log(gamma/s) ~ e**s``, so
      ``p_gamma ~ s/gamma`` with s growing like ``log log gamma``.

    Values: p_2 = 0.29763655..., p_5 = 0.19680273... (the 0.2976 and 0.1968
    quoted in the theory document (Regimes)).

    References
    ----------
    .. [1] J. Shah, M. Cardone, A. Dytso, "Functional Properties of the
       Focal-Entropy", AISTATS 2026, arXiv:2603.02533.
    .. [2] J. Mukhoti et al., "Calibrating Deep Neural Networks using Focal
       Loss", NeurIPS 2020.

    Examples
    --------
    >>> import numpy as np
    >>> from focaltheory.regimes import threshold
    >>> print([f"{t:.12f}" for t in threshold([0.0, 1.0, 2.0, 5.0])])
    ['0.500000000000', '0.367879441171', '0.297636554982', '0.196802738937']
    >>> bool(abs(threshold(1.0) - np.exp(-1)) < 1e-16)
    True
    """
    scalar = np.ndim(gamma) == 0
    g = _gamma(gamma)
    lo = np.full(g.shape, -744.0)
    hi = np.zeros(g.shape)
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        G = _threshold_G(mid, g)[0]
        pos = G > 0
        lo = np.where(pos, mid, lo)
        hi = np.where(pos, hi, mid)
    p = np.exp(0.5 * (lo + hi))
    plo, phi_ = np.exp(lo), np.exp(hi)
    for _ in range(2):  # Newton in p itself (t = log p would cap the relative accuracy at ulp(t))
        t = np.log(p)
        G, _p, beta = _threshold_G(t, g, p)
        # d/dp of log phi/gamma = -1/(1-p) - beta'(p)/(1 - gamma beta)
        dbeta = (t + 1.0 - p) / (1.0 - p) ** 2
        dG = -1.0 / (1.0 - p) - dbeta / (1.0 - g * beta)
        step = np.where(dG != 0, G / np.where(dG != 0, dG, 1.0), 0.0)
        p = np.clip(p - step, plo, phi_)
    out = np.where(g == 0, 0.5, p)
    return float(out) if scalar else out


@_fp_isolated
def gamma_for_threshold(p):
    r"""The gamma whose threshold is p: the inverse of :func:`threshold`, in closed form.

    Parameters
    ----------
    p : float or array_like
        Probabilities in (0, 1/2]; ``p = 1/2`` gives gamma = 0.
        A masked array with masked entries raises TypeError (pass
        ``x.filled(value)``).

    Returns
    -------
    ndarray or float
        ``gamma(p) = (1 - W_{-1}(kappa e**kappa)/kappa) / beta`` with
        ``beta = p log p/(1-p)`` and ``kappa = -(1-p) log(1-p)/(p log p)``;
        ``inf`` where it exceeds the double range (p below about 4.9e-308:
        gamma p stays near 10 as p -> 0).

    Notes
    -----
    ``phi(p) = 1`` reads ``(1-p)**gamma (1 - gamma beta) = 1``.  Put
    ``z = 1 - gamma beta`` (so ``gamma = (1-z)/beta``) and
    ``a = log(1-p)``: ``z exp(a (1-z)/beta) = 1``, i.e.
    ``w e**w = kappa e**kappa`` with ``w = kappa z`` and ``kappa = -a/beta``.
    ``w = kappa`` is the trivial root (z = 1, gamma = 0).  For
    ``0 < p < 1/2`` one has ``-1 < kappa < 0`` (``kappa = -1`` exactly at
    ``p = 1/2``, by the lemma in :func:`threshold`), so the trivial root is
    the principal branch and the other is ``w = W_{-1}(kappa e**kappa) < -1``;
    then ``gamma = (1 - w/kappa)/beta > 0``.  This is Mukhoti et al.'s
    Lambert-W rule for choosing gamma per probability bucket.  Near
    p = 1/2 both branches meet at -1/e and the closed form loses accuracy,
    so the result is polished by Newton's method on
    ``h(gamma) = log(phi)/gamma = log(1-p) - beta log(1 - gamma beta)/(-gamma beta)``,
    which has no root at gamma = 0 (started from ``gamma ~ 2 h(0)/beta^2``
    within 1e-3 of 1/2).  Tested: the threshold of the returned gamma is p to
    1e-14 relative for p from 4.9e-308 to 0.4999999.  Near 1/2 gamma itself is
    ill-conditioned (h(0) = log1p(-p) - beta cancels): its relative accuracy
    is about 1e-16 / (1/2 - p), although its threshold is p to an ulp or two.

    References
    ----------
    .. [1] J. Mukhoti et al., "Calibrating Deep Neural Networks using Focal
       Loss", NeurIPS 2020.
    .. [2] R. M. Corless et al., "On the Lambert W function", Adv. Comput.
       Math. 5 (1996).

    Examples
    --------
    >>> from focaltheory.regimes import gamma_for_threshold
    >>> print(round(gamma_for_threshold(0.2), 4))   # Mukhoti et al.: gamma = 5 below p = 0.2
    4.8506
    >>> print(round(gamma_for_threshold(float(np.exp(-1))), 12))
    1.0
    """
    scalar = np.ndim(p) == 0
    if isinstance(p, (str, bytes)):
        raise TypeError(f"p must be a real number or array of them, got a {type(p).__name__}")
    x = _as_real_array(p, "p")
    _check_finite(x, "p")
    if np.any((x <= 0) | (x > 0.5)):
        raise ValueError("p must lie in (0, 1/2]: thresholds p_gamma are below 1/2 for every gamma > 0")
    half = x == 0.5
    xs = np.where(half, 0.25, x)
    beta = xs * np.log(xs) / (1.0 - xs)
    kappa = -np.log1p(-xs) / beta
    with np.errstate(invalid="ignore", over="ignore"):
        w = lambertw(kappa * np.exp(kappa), k=-1).real
        # gamma p = (1 - w/kappa) (1 - p) / log p stays near 10 as p -> 0, so
        # gamma itself leaves the double range below p ~ 4.9e-308: inf there
        gp = (1.0 - w / kappa) * (1.0 - xs) / np.log(xs)
        gam = gp / xs
    beyond = np.isinf(gam) & np.isfinite(gp)
    # near p = 1/2 the two branches meet at -1/e: start from h(gamma) ~ f(p) - gamma beta^2/2
    near = (~np.isfinite(gam) & ~beyond) | (np.abs(xs - 0.5) < 1e-3)
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        gam = np.where(near, 2.0 * ((np.log1p(-xs) - beta) / beta) / beta, gam)
    # (the entries beyond the range are polished as p = 1/4, and dropped)
    gam = np.where(beyond, 4.0, gam)
    xs, beta = np.where(beyond, 0.25, xs), np.where(beyond, 0.25 * np.log(0.25) / 0.75, beta)
    # polish: Newton on h(gamma) = log(phi)/gamma = log1p(-p) - beta log1p(x)/x, x = -gamma beta,
    # which has no root at gamma = 0 and stays well conditioned as p -> 1/2
    for _ in range(3):
        gam = _threshold_newton_step(gam, xs, beta)
    out = np.where(half, 0.0, np.where(beyond, np.inf, gam))
    return float(out) if scalar else out


# ---------------------------------------------------------------------------
# regimes
# ---------------------------------------------------------------------------

@dataclass(frozen=True)
class RegimeMap:
    """Per-class regime of the focal-entropy minimizer (output of :func:`regimes`).

    Attributes
    ----------
    labels : ndarray of str
        Same shape as ``p`` (class axis where it was given): one of
        ``"amplified"``, ``"suppressed"``, ``"over-suppressed"``,
        ``"unchanged"``, ``"absent"`` (see :func:`regimes`).
    q : ndarray
        The minimizer Q*.
    ratio : ndarray
        ``Q*(x)/P(x)`` on the support, 1.0 off it (where Q* = P = 0);
        ``inf`` (the correctly rounded value, without a warning) where the
        ratio exceeds the double range, as for a subnormal P(x) at large
        gamma.
    log_lam : ndarray
        log lambda*, batch shape (``-inf`` for a point mass, gamma > 0).
    lam : ndarray
        lambda* = exp(log_lam) (underflows to 0 for very large gamma; use
        ``log_lam``).
    limit_ratio : ndarray
        ``1/lambda*``, the limit of ``Q*(x)/P(x)`` as ``P(x) -> 0`` with the
        rest fixed; may overflow to ``inf`` (``-log_lam`` is exact).
    threshold : ndarray
        p_gamma, batch shape.
    over_suppressed : ndarray of bool
        ``lambda* > 1``, batch shape.
    """

    labels: np.ndarray
    q: np.ndarray
    ratio: np.ndarray
    log_lam: np.ndarray
    lam: np.ndarray
    limit_ratio: np.ndarray
    threshold: np.ndarray
    over_suppressed: np.ndarray


@_fp_isolated
def regimes(p, gamma, axis=-1, *, rtol=1e-12):
    r"""Classify every class as amplified, suppressed or over-suppressed by the focal loss.

    Parameters
    ----------
    p : array_like
        Nonnegative weights, normalized along ``axis``; any batch shape.
        A masked array with masked entries raises TypeError (pass
        ``x.filled(value)``).
    gamma : float or array_like
        Focusing parameter(s) >= 0 and at most 1e150 (the ceiling of
        :func:`focaltheory.minimizer`, ValueError above), broadcast against
        the batch shape.
    axis : int, optional
        Class axis (default -1).
    rtol : float, optional
        ``|Q*(x)/P(x) - 1| <= rtol`` counts as unchanged (default 1e-12,
        well above the solver's ~1e-15 accuracy).

    Returns
    -------
    RegimeMap

    Notes
    -----
    Exact definitions, with ``Q*`` from :func:`focaltheory.solver.minimizer`
    and ``p_gamma`` from :func:`threshold`, for each class x:

    * ``"absent"``: P(x) = 0 (then Q*(x) = 0).
    * ``"unchanged"``: ``|Q*(x)/P(x) - 1| <= rtol`` (all classes at
      gamma = 0 and for uniform P, the fixed points of the minimizer map:
      see the theory document (Properness)).
    * ``"amplified"``: ``Q*(x) > P(x)``, equivalently
      ``phi(P(x)) > lambda*``.
    * ``"over-suppressed"``: ``Q*(x) < P(x)`` and ``P(x) < p_gamma``.  Then
      ``lambda* > phi(P(x)) > 1``: a probability the loss would amplify at
      ``lambda* = 1`` is shrunk because lambda* > 1.  As ``P(x) -> 0``,
      ``Q*(x)/P(x) -> 1/lambda*``.
    * ``"suppressed"``: ``Q*(x) < P(x)`` and ``P(x) >= p_gamma`` (phi <= 1:
      the ordinary suppression of high-probability classes).

    Below gamma = 1e-8, ``log_lam`` is its first-order expansion
    ``gamma sum_x P(x) f(P(x))`` (:func:`focaltheory.asymptotics.small_gamma_expansion`):
    there the solver's log lambda*, an O(gamma) number with ~1e-16 absolute
    rounding, would decide the sign of ``lambda* - 1`` by rounding, while the
    expansion's relative error is about gamma.

    A distribution is in the over-suppression regime when ``lambda* > 1``;
    every class with ``phi(P(x)) < lambda*`` and ``P(x) < p_gamma``, in
    particular every small enough class, is then over-suppressed.  Binary
    problems never are (see :func:`focaltheory.asymptotics.binary_lambda_below_one`).
    The work is vectorized: one call of the batch solver, then elementwise
    comparisons.

    References
    ----------
    .. [1] J. Shah, M. Cardone, A. Dytso, "Functional Properties of the
       Focal-Entropy", AISTATS 2026, arXiv:2603.02533 (amplification,
       suppression and over-suppression).

    Examples
    --------
    >>> import numpy as np
    >>> from focaltheory.regimes import regimes
    >>> r = regimes([0.7, 0.2, 0.1], 2.0)
    >>> print(r.labels, np.round(r.ratio, 6), bool(r.over_suppressed))
    ['suppressed' 'amplified' 'amplified'] [0.764527 1.463463 1.721388] False
    >>> r = regimes([1.0] * 99 + [1e-8], 2.0)   # 99 mid-range classes and a rare one
    >>> print(r.labels[-1], round(float(r.lam), 4), round(float(r.ratio[-1]), 4))
    over-suppressed 1.0718 0.933
    """
    from .solver import minimizer  # the core double-precision solver

    P, ax = _distribution(p, "p", axis)
    g = _gamma(gamma, max_gamma=_MAX_GAMMA, what="regimes (it solves for the minimizer)")
    if isinstance(rtol, (bool, np.bool_)) or not isinstance(rtol, (int, float, np.floating, np.integer)):
        raise TypeError(f"rtol must be a real number, got {type(rtol).__name__}")
    if not (0 <= rtol < 1) or not math.isfinite(rtol):
        raise ValueError(f"rtol must lie in [0, 1), got {rtol!r}")
    ax_out = ax - P.ndim  # the class axis keeps its place counted from the end (as in minimizer)
    shape = _broadcast_gamma(g, P.shape[:-1])
    P = np.broadcast_to(P, shape + P.shape[-1:])
    g = np.broadcast_to(g, shape)
    res = minimizer(P, g, axis=-1)
    # gamma = 0: Q* = P exactly (cross-entropy is proper)
    q = np.where((g == 0)[..., None], P, np.asarray(res.q))
    log_lam = np.where(g == 0, 0.0, np.asarray(res.log_lam))
    tiny_g = (g > 0) & (g < _SMALL_GAMMA)
    if np.any(tiny_g):
        log_lam = np.where(tiny_g, g * _first_order_coefficient(P), log_lam)
    pg = np.asarray(threshold(g))
    support = P > 0
    # Q*/P exceeds the double range for a subnormal P whose class is amplified enough
    # (gamma = 5000, P = 5e-324): inf is then the correctly rounded ratio, not an accident
    with np.errstate(over="ignore"):
        ratio = np.where(support, q / np.where(support, P, 1.0), 1.0)
    small = P < pg[..., None]
    labels = np.select(
        [~support, np.abs(ratio - 1.0) <= rtol, ratio > 1.0, small],
        [ABSENT, UNCHANGED, AMPLIFIED, OVER_SUPPRESSED],
        default=SUPPRESSED,
    ).astype("<U15")
    with np.errstate(over="ignore"):
        lam = np.exp(log_lam)
        limit = np.exp(-log_lam)
    out = RegimeMap(
        labels=np.moveaxis(labels, -1, ax_out),
        q=np.moveaxis(q, -1, ax_out),
        ratio=np.moveaxis(ratio, -1, ax_out),
        log_lam=log_lam,
        lam=lam,
        limit_ratio=limit,
        threshold=pg,
        over_suppressed=log_lam > 0,
    )
    return out


# ---------------------------------------------------------------------------
# over-suppression criterion
# ---------------------------------------------------------------------------

@dataclass(frozen=True)
class OverSuppression:
    """Output of :func:`over_suppression`; all fields have the batch shape.

    Attributes
    ----------
    over_suppressed : ndarray of bool
        ``criterion > 1``, equivalently lambda* > 1 (below gamma = 1e-8
        decided from the first-order term of log lambda*; see
        :func:`over_suppression`).
    criterion : ndarray
        ``S = sum_x g^-1(1/P(x))`` over the support.
    margin : ndarray
        ``S - 1``, computed with complements (no cancellation against 1).
    lam : ndarray
        lambda* from the minimizer (underflows to 0 for very large gamma).
    log_lam : ndarray
        log lambda*.
    smallest_ratio : ndarray
        ``Q*(x)/P(x)`` for the smallest positive P(x) (``inf`` beyond the
        double range, see :class:`RegimeMap`).
    smallest_shrink : ndarray
        ``1 - smallest_ratio``: the fraction by which the smallest class
        shrinks (negative when it is amplified).
    limit_shrink : ndarray
        ``1 - 1/lambda*``: the shrink of a class as its probability tends to 0.
    n_over_suppressed : ndarray of int
        The number of classes labelled over-suppressed by :func:`regimes`.
    """

    over_suppressed: np.ndarray
    criterion: np.ndarray
    margin: np.ndarray
    lam: np.ndarray
    log_lam: np.ndarray
    smallest_ratio: np.ndarray
    smallest_shrink: np.ndarray
    limit_shrink: np.ndarray
    n_over_suppressed: np.ndarray


# Below this gamma, log lambda* and S - 1 are taken from their first-order
# term gamma sum_x P f(P): computed directly, each is an O(gamma) number with
# ~1e-16 absolute rounding; the expansion's relative error is O(gamma).
_SMALL_GAMMA = 1e-8


def _first_order_coefficient(P):
    """sum_x P f(P), f(p) = log(1-p) - p log p / (1-p): log lambda* and S - 1 are gamma times it, + O(gamma^2)."""
    return _pf_small_gamma(P).sum(axis=-1)


def _criterion(P, g):
    """S - 1 with S = sum_x g^-1(1/P(x)), vectorized; P (..., K), g (...)."""
    support = P > 0
    L = np.where(support, -np.log(np.where(support, P, 1.0)), 0.0)
    gg = np.broadcast_to(g[..., None], P.shape)
    pos = gg > 0
    is_v, w, q, c, _ = _np_solve_charts(L, np.where(pos, gg, 1.0))
    is_v = is_v & support
    q = np.where(support, q, 0.0)
    c = np.where(support, c, 1.0)
    nv = np.sum(is_v, axis=-1)
    margin = np.sum(np.where(is_v, -c, q), axis=-1) + (nv - 1.0)
    return np.where(g > 0, margin, 0.0)  # gamma = 0: g^-1(1/P) = P, S = 1


@_fp_isolated
def over_suppression(p, gamma, axis=-1):
    r"""Whether P is in the over-suppression regime, and how much its smallest classes shrink.

    Parameters
    ----------
    p : array_like
        Nonnegative weights, normalized along ``axis``; any batch shape.
        A masked array with masked entries raises TypeError (pass
        ``x.filled(value)``).
    gamma : float or array_like
        Focusing parameter(s) >= 0 and at most 1e150 (the ceiling of
        :func:`focaltheory.minimizer`, ValueError above), broadcast against
        the batch shape.
    axis : int, optional
        Class axis (default -1).

    Returns
    -------
    OverSuppression

    Notes
    -----
    For gamma > 0 the map ``lambda -> sum_x g^-1(lambda/P(x))`` is strictly
    decreasing and equals 1 at lambda*.  Hence

        lambda* > 1  <=>  S = sum_x g^-1(1/P(x)) > 1,

    a criterion that needs no minimization: one inversion of g per class
    (safeguarded Newton in log charts, vectorized).  ``margin = S - 1`` is
    summed as ``sum_{q <= 1/2} q - sum_{q > 1/2} (1-q) + (#{q > 1/2} - 1)``
    so it keeps absolute accuracy ~1e-16 (near gamma = 0, where S - 1 is
    O(gamma), its relative accuracy is ~1e-16/gamma).  S - 1 and log lambda*
    always have the same sign, so below gamma = 1e-8 ``over_suppressed`` is
    taken from the first-order term of log lambda*, ``gamma sum_x P f(P)``
    (see :func:`regimes`), which rounding cannot flip.  For gamma = 0,
    ``S = 1`` exactly and nothing is over-suppressed.  The shrink figures
    come from :func:`focaltheory.solver.minimizer`.

    Over-suppression needs mass on several classes below p_gamma (e.g. a
    uniform P with ``1/K < p_gamma``); a single dominant class never causes
    it (lambda* -> 0 as its probability -> 1, see
    :func:`focaltheory.asymptotics.dominance_expansion`), nor does any binary
    problem (:func:`focaltheory.asymptotics.binary_lambda_below_one`).

    References
    ----------
    .. [1] J. Shah, M. Cardone, A. Dytso, "Functional Properties of the
       Focal-Entropy", AISTATS 2026, arXiv:2603.02533.

    Examples
    --------
    >>> import numpy as np
    >>> from focaltheory.regimes import over_suppression
    >>> o = over_suppression([1.0] * 99 + [1e-8], 2.0)
    >>> print(bool(o.over_suppressed), round(float(o.smallest_shrink), 4), round(float(o.limit_shrink), 4))
    True 0.067 0.067
    >>> bool(over_suppression([0.999, 0.001], 2.0).over_suppressed)   # binary: never
    False
    >>> print(over_suppression(np.full((2, 10), 0.1), [1.0, 2.0]).over_suppressed)   # uniform: phi(1/K) > 1 iff 1/K < p_gamma
    [ True  True]
    """
    P, ax = _distribution(p, "p", axis)
    g = _gamma(gamma, max_gamma=_MAX_GAMMA, what="over_suppression (it solves for the minimizer)")
    shape = _broadcast_gamma(g, P.shape[:-1])
    P = np.broadcast_to(P, shape + P.shape[-1:])
    g = np.broadcast_to(g, shape)
    rm = regimes(P, g, axis=-1)  # first: it refuses a gamma beyond the minimizer's range before any work
    margin = _criterion(P, g)
    # S - 1 and log lambda* have the same sign (S(lambda) decreases and S(lambda*) = 1); below
    # _SMALL_GAMMA the sign is taken from log lambda*'s first-order term (see regimes), since S - 1,
    # an O(gamma) number, carries ~1e-16 absolute rounding
    tiny_g = (g > 0) & (g < _SMALL_GAMMA)
    over = np.where(tiny_g, rm.over_suppressed, margin > 0)
    support = P > 0
    Pm = np.where(support, P, np.inf)
    idx = np.argmin(Pm, axis=-1)[..., None]
    smallest = np.take_along_axis(rm.ratio, idx, axis=-1)[..., 0]
    with np.errstate(over="ignore"):
        limit_shrink = -np.expm1(-rm.log_lam)
    return OverSuppression(
        over_suppressed=over,
        criterion=1.0 + margin,
        margin=margin,
        lam=rm.lam,
        log_lam=rm.log_lam,
        smallest_ratio=smallest,
        smallest_shrink=1.0 - smallest,
        limit_shrink=limit_shrink,
        n_over_suppressed=np.sum(rm.labels == OVER_SUPPRESSED, axis=-1),
    )
