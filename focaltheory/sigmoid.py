r"""The sigmoid, one-vs-rest focal loss of detectors: risk, minimizer and closed-form inverse.

RetinaNet (Lin et al.) and ``torchvision.ops.sigmoid_focal_loss`` score every
class independently with a sigmoid ``s = sigmoid(z)`` and train each score with
a binary focal loss whose positive term is weighted by ``alpha`` and the
negative term by ``1 - alpha`` (defaults ``alpha = 0.25``, ``gamma = 2``;
``alpha = None`` or ``-1`` disables the weighting).  For a class whose
posterior given the input is ``eta``, the population risk of a score ``s`` is

.. math::

    R(s; \eta) = \alpha\,\eta\,\ell_\gamma(s) + (1-\alpha)(1-\eta)\,\ell_\gamma(1-s),
    \qquad \ell_\gamma(q) = -(1-q)^\gamma \log q,

a separate one-dimensional problem per class.  With ``g = -l'`` its minimizer
``s*`` solves ``alpha eta g(s) = (1-alpha)(1-eta) g(1-s)`` and the map is
inverted in closed form (Charoenphakdee et al.):

.. math::

    \eta = \frac{(1-\alpha)\,g(1-s)}{\alpha\,g(s) + (1-\alpha)\,g(1-s)} .

Everything here is computed from the odds of ``s`` and of ``eta``, so that
probabilities as small as 1e-300 and as close to 1 as ``1 - 1e-15`` (and their
complements) keep full relative accuracy.

References
----------
.. [1] T.-Y. Lin, P. Goyal, R. Girshick, K. He, P. Dollar, "Focal Loss for
       Dense Object Detection", ICCV 2017.
.. [2] N. Charoenphakdee, J. Vongkulbhisal, N. Chairatanakul, M. Sugiyama,
       "On Focal Loss for Class-Posterior Probability Estimation: A
       Theoretical Perspective", CVPR 2021.
.. [3] J. Mukhoti et al., "Calibrating Deep Neural Networks using Focal
       Loss", NeurIPS 2020.
.. [4] J. Shah, M. Cardone, A. Dytso, "Functional Properties of the
       Focal-Entropy", AISTATS 2026, arXiv:2603.02533.
"""

import numbers
from dataclasses import dataclass

import numpy as np

from ._fpstate import _fp_isolated
from . import _kernels as _k, _xp
from ._xp import _forms as _xpf
from ._generated import logit_loss as _logit_loss
from ._validation import _as_real_array, _check_finite, _gamma, _sigmoid_alpha

__all__ = [
    "sigmoid_focal_risk",
    "sigmoid_minimizer",
    "SigmoidMinimizerResult",
    "sigmoid_posterior",
    "sigmoid_posterior_from_logits",
]

_EPS = np.finfo(np.float64).eps


# ---------------------------------------------------------------------------
# validation
# ---------------------------------------------------------------------------

def _unit(x, name, *, open_ok=True):
    arr = _as_real_array(x, name)
    _check_finite(arr, name)
    if np.any((arr < 0) | (arr > 1)):
        bad = float(arr[(arr < 0) | (arr > 1)].flat[0])
        raise ValueError(f"{name} must lie in [0, 1], got {bad!r}")
    return arr


def _broadcast(named):
    """Broadcast arrays together; the error names the arguments."""
    arrays = [a for _, a in named if a is not None]
    try:
        shape = np.broadcast_shapes(*(a.shape for a in arrays))
    except ValueError:
        desc = ", ".join(f"{n} {a.shape}" for n, a in named if a is not None)
        raise ValueError(f"shape mismatch: cannot broadcast {desc} together") from None
    return shape


def _log_c(alpha):
    """log((1 - alpha)/alpha), 0 without weighting."""
    if alpha is None:
        return np.float64(0.0)
    with np.errstate(divide="ignore"):
        return np.log1p(-alpha) - np.log(alpha)


def _scalar_out(x):
    return x[()] if isinstance(x, np.ndarray) and x.ndim == 0 else x


# ---------------------------------------------------------------------------
# kernels in the logit of the score
# ---------------------------------------------------------------------------

def _two_sided(z, gamma, e=None):
    """k and q at the logit z and at -z (score s and its complement 1 - s)."""
    e, lp1, q, omq, neg = _k._logit_parts(z, e)
    k_s = _k._k_term(z, e, lp1, neg)
    k_c = _k._k_term(-z, e, lp1, ~neg & (z != 0))
    return k_s, k_c, q, omq


def _log_b_ratio(z, gamma, e=None):
    """log B(1-s) - log B(s), B(q) = 1 + gamma q (-log q)/(1 - q); odd in z, |.| < log(1+gamma)."""
    k_s, k_c, q, omq = _two_sided(z, gamma, e)
    return np.log1p(gamma * k_c) - np.log1p(gamma * k_s), k_s, k_c, q, omq


# ---------------------------------------------------------------------------
# risk
# ---------------------------------------------------------------------------

@_fp_isolated
def sigmoid_focal_risk(s, eta, gamma=2.0, alpha=0.25, *, logits=False):
    r"""Population risk of the sigmoid (one-vs-rest) focal loss for one class.

    Parameters
    ----------
    s : array_like
        Scores in [0, 1] (or logits, with ``logits=True``).
        A masked array with masked entries raises TypeError (pass
        ``x.filled(value)``).
    eta : array_like
        Posterior probability of the class, in [0, 1]; broadcasts with `s`.
    gamma : float or array_like, optional
        Focusing parameter >= 0 (default 2); broadcasts.
    alpha : float, array_like or None, optional
        Weight of the positive term, in [0, 1] (default 0.25); the negative
        term gets ``1 - alpha``.  ``None`` or ``-1`` disables the weighting
        (both terms weight 1), as in ``torchvision.ops.sigmoid_focal_loss``.
    logits : bool, optional
        Interpret `s` as logits ``z`` (``s = sigmoid(z)``), so saturated
        scores keep their information.

    Returns
    -------
    ndarray or float
        :math:`R(s;\eta) = \alpha\eta\,\ell_\gamma(s) + (1-\alpha)(1-\eta)\,\ell_\gamma(1-s)`
        with the convention 0 * inf = 0.

    Notes
    -----
    This is the expectation over the label ``y ~ Bernoulli(eta)`` of
    torchvision's elementwise loss ``alpha_t (1 - p_t)**gamma * BCE``.  The
    losses are evaluated from the logit, ``l(sigmoid(z)) =
    exp(-gamma softplus(z)) softplus(-z)``.

    References
    ----------
    .. [1] T.-Y. Lin et al., "Focal Loss for Dense Object Detection", ICCV 2017.

    Examples
    --------
    >>> import numpy as np
    >>> from focaltheory.sigmoid import sigmoid_focal_risk
    >>> r = sigmoid_focal_risk(0.5, 0.75)     # 0.25*0.75*l(0.5) + 0.75*0.25*l(0.5)
    >>> bool(np.isclose(r, 2 * 0.1875 * 0.25 * np.log(2), rtol=1e-15))
    True
    """
    S = _as_real_array(s, "s")
    _check_finite(S, "s")
    E = _unit(eta, "eta")
    G = _gamma(gamma)
    A = _sigmoid_alpha(alpha, strict=False)
    _broadcast([("s", S), ("eta", E), ("gamma", G), ("alpha", A)])
    if logits:
        z = S
    else:
        if np.any((S < 0) | (S > 1)):
            raise ValueError("s must lie in [0, 1] (pass logits=True for logits)")
        with np.errstate(divide="ignore"):
            z = np.where(S <= 0.5, np.log(S) - np.log1p(-S), np.log1p(-(1.0 - S)) - np.log(1.0 - S))
    wp, wn = (E, 1.0 - E) if A is None else (A * E, (1.0 - A) * (1.0 - E))
    with np.errstate(all="ignore"):
        lp = _logit_loss(z, G)  # l(s)
        ln = _logit_loss(-z, G)  # l(1 - s)
        # l(1) = 0 for every gamma (the stable form meets 0 * exp(-gamma inf), NaN at gamma = 0)
        lp = np.where(z == np.inf, 0.0, lp)
        ln = np.where(z == -np.inf, 0.0, ln)
        out = np.where(wp > 0, wp * lp, 0.0) + np.where(wn > 0, wn * ln, 0.0)
    return _scalar_out(np.asarray(out + 0.0))


# ---------------------------------------------------------------------------
# minimizer
# ---------------------------------------------------------------------------

@dataclass(frozen=True)
class SigmoidMinimizerResult:
    """Result of :func:`sigmoid_minimizer`.  All arrays are read-only.

    Attributes
    ----------
    s : ndarray
        The minimizing score s*, broadcast shape of the inputs.
    complement : ndarray
        1 - s*, with full relative accuracy (s* near 1 keeps its information here).
    logit : ndarray
        log(s*/(1 - s*)); -inf where eta = 0 and +inf where eta = 1.  Near
        s* = 1/2 it is accurate to about 1e-16 absolute, not relative (its
        equation balances two O(1) logarithms there): ``s`` and
        ``complement`` keep full relative accuracy.
    value : ndarray
        The minimal risk R(s*; eta).
    iterations : ndarray
        Newton iterations used (0 where the answer is exact: eta in {0, 1}, gamma = 0).
    converged : ndarray
        Bool: True where the last correction was at the level of rounding.
    residual : ndarray
        ``|log(alpha eta g(s*)) - log((1-alpha)(1-eta) g(1-s*))|``, the
        stationarity residual in log units (0 where eta is 0 or 1).
    """

    s: np.ndarray
    complement: np.ndarray
    logit: np.ndarray
    value: np.ndarray
    iterations: np.ndarray
    converged: np.ndarray
    residual: np.ndarray

    def __post_init__(self):
        for name in ("s", "complement", "logit", "value", "iterations", "converged", "residual"):
            arr = np.array(getattr(self, name))
            arr.flags.writeable = False
            object.__setattr__(self, name, arr)


def _check_maxiter(maxiter):
    if isinstance(maxiter, (bool, np.bool_)) or not isinstance(maxiter, numbers.Integral):
        raise TypeError(f"maxiter must be an integer, got {type(maxiter).__name__}")
    if maxiter < 1:
        raise ValueError(f"maxiter must be at least 1, got {maxiter}")
    return int(maxiter)


@_fp_isolated
def sigmoid_minimizer(eta, gamma=2.0, alpha=0.25, *, maxiter=50):
    r"""The score minimizing the sigmoid focal risk of a class with posterior `eta`.

    Parameters
    ----------
    eta : array_like
        Posterior probabilities in [0, 1], any shape (e.g. a batch of
        per-class posteriors).  eta = 0 gives s* = 0 and eta = 1 gives s* = 1.
        A masked array with masked entries raises TypeError (pass
        ``x.filled(value)``).
    gamma : float or array_like, optional
        Focusing parameter >= 0 (default 2); broadcasts with `eta`.
    alpha : float, array_like or None, optional
        torchvision's weight of the positive term, 0 < alpha < 1 (default
        0.25; broadcasts, so per-class weights are allowed).  ``None`` or
        ``-1`` disables the weighting.
    maxiter : int, optional
        Newton iterations allowed (default 50; 3 to 6 are typical).

    Returns
    -------
    SigmoidMinimizerResult
        ``s``, ``complement`` (1 - s), ``logit``, ``value``, ``iterations``,
        ``converged``, ``residual``.

    Raises
    ------
    ValueError
        eta outside [0, 1] or not finite; alpha outside (0, 1) (other than
        None or -1); gamma negative; shapes that do not broadcast.
    TypeError
        Complex, string or object input; non-integer maxiter.

    Notes
    -----
    Stationarity of :math:`R(s;\eta)` reads
    :math:`\alpha\eta\, g(s) = (1-\alpha)(1-\eta)\, g(1-s)`.  With
    :math:`z = \log(s/(1-s))` and :math:`B(q) = 1 + \gamma q(-\log q)/(1-q)`,
    :math:`g(1-s)/g(s) = e^{(1+\gamma) z} B(1-s)/B(s)`, so the equation is

    .. math:: (1+\gamma) z + D(z) = T, \qquad
              T = \log\frac{\eta}{1-\eta} - \log\frac{1-\alpha}{\alpha},\quad
              D(z) = \log\frac{B(1-s)}{B(s)} .

    D is odd with :math:`0 \le \operatorname{sign}(z) D(z) < \log(1+\gamma)`,
    so the root has the sign of T and lies within
    :math:`\log(1+\gamma)/(1+\gamma)` of :math:`T/(1+\gamma)`: a bracket of
    width at most 1/e.  Newton's method in z, safeguarded by bisection in that
    bracket, converges in a few steps for every entry (vectorized).  The
    solve is carried out on the side ``z <= 0`` (for ``T > 0`` the roles of
    s and 1 - s are exchanged), so both s and 1 - s come with full relative
    accuracy.  The certificate is ``residual`` and the closed-form inverse
    :func:`sigmoid_posterior`, which maps ``s`` back to ``eta``.

    A consequence worth knowing: at the detector defaults (alpha = 0.25) a
    score of 1/2 is the minimizer for a posterior of exactly 3/4, for every
    gamma (at s = 1/2, g(s) = g(1-s)).  Scores "below 0.5" for positives are
    the loss working as designed, not a defect of the model.

    References
    ----------
    .. [1] T.-Y. Lin et al., "Focal Loss for Dense Object Detection", ICCV 2017.
    .. [2] N. Charoenphakdee et al., "On Focal Loss for Class-Posterior
           Probability Estimation: A Theoretical Perspective", CVPR 2021.
    .. [3] J. Shah, M. Cardone, A. Dytso, "Functional Properties of the
           Focal-Entropy", AISTATS 2026, arXiv:2603.02533.

    Examples
    --------
    >>> import numpy as np
    >>> from focaltheory.sigmoid import sigmoid_minimizer, sigmoid_posterior
    >>> res = sigmoid_minimizer([0.01, 0.5, 0.75, 0.99], gamma=2, alpha=0.25)
    >>> np.round(res.s, 6)
    array([0.10838 , 0.398824, 0.5     , 0.786154])
    >>> bool(res.converged.all()), bool(res.residual.max() < 1e-14)
    (True, True)
    >>> bool(np.allclose(sigmoid_posterior(res.s), [0.01, 0.5, 0.75, 0.99], rtol=1e-14))
    True
    """
    Eta = _unit(eta, "eta")
    G = _gamma(gamma)
    A = _sigmoid_alpha(alpha, strict=True)
    maxiter = _check_maxiter(maxiter)
    shape = _broadcast([("eta", Eta), ("gamma", G), ("alpha", A)])
    Eta = np.broadcast_to(Eta, shape)
    G = np.broadcast_to(G, shape)
    logc = np.broadcast_to(_log_c(A), shape)

    zero, one = Eta == 0, Eta == 1
    inner = ~(zero | one)
    et = np.where(inner, Eta, 0.5)
    # logit(eta) with 1 - eta exact (Sterbenz) above 1/2
    omet = 1.0 - et
    le = np.where(et <= 0.5, np.log(et) - np.log1p(-et), np.log(et) - np.log(omet))
    T = le - logc
    flip = T > 0
    Aabs = np.abs(T)
    g1 = 1.0 + G
    y0 = -Aabs / g1
    h = np.log1p(G) / g1
    lo, hi = np.array(y0 - h, dtype=float), np.array(y0, dtype=float)
    y = np.array(y0, dtype=float)
    iters = np.zeros(shape, dtype=np.int64)
    done = np.array(~inner | (G == 0))  # gamma = 0: y0 is the root (D = 0)
    converged = done.copy()
    for _ in range(maxiter):
        act = ~done
        if not act.any():
            break
        ya, ga = y[act], G[act]
        D, k_s, k_c, q, omq = _log_b_ratio(ya, ga)
        F = g1[act] * ya + D + Aabs[act]
        dF = -_k._dlog_g(ga, k_c, omq, q) - _k._dlog_g(ga, k_s, q, omq)
        lo_a = np.where(F < 0, ya, lo[act])
        hi_a = np.where(F > 0, ya, hi[act])
        with np.errstate(divide="ignore", invalid="ignore"):
            yn = ya - F / dF
        bad = ~np.isfinite(yn) | (yn < lo_a) | (yn > hi_a)
        yn = np.where(bad, 0.5 * (lo_a + hi_a), yn)
        step = np.abs(yn - ya)
        fin = (step <= 4.0 * _EPS * np.maximum(np.abs(ya), 1.0)) | (F == 0)
        y[act], lo[act], hi[act] = yn, lo_a, hi_a
        iters[act] += 1
        done[act] = fin
        converged[act] = fin

    # Polish: exp(y) = (X exp(-D(y)))^(1/(1+gamma)) with X = exp(-|T|) formed as a
    # product of odds (no large logarithm), so the small odds keep ~eps relative
    # accuracy instead of ulp(|T|)/(1+gamma) (|T| reaches 690 at eta = 1e-300).
    with np.errstate(over="ignore"):  # a subnormal alpha: c = inf, and the polish falls back below
        c = np.ones(shape) if A is None else np.broadcast_to((1.0 - A) / A, shape)
    with np.errstate(all="ignore"):
        X = np.where(flip, (omet / et) * c, (et / omet) / c)
        D, *_ = _log_b_ratio(y, G)
        base = X * np.exp(-D)
        # base^(1/(1+gamma)), with the rounding of the exponent multiplied by
        # min(1, gamma)/(1+gamma) |log base| <= 345 at most: for gamma < 1 as
        # base * base^(-gamma/(1+gamma)); exact roots where they exist
        lb = np.log(base)
        root = np.where(G < 1, base * np.exp(-(G / g1) * lb), np.power(base, 1.0 / g1))
        root = np.where(G == 0, base, np.where(G == 1, np.sqrt(base), np.where(G == 2, np.cbrt(base), root)))
    good = inner & (base >= np.finfo(np.float64).tiny) & np.isfinite(base) & (root > 0) & (root <= 1)
    e = np.where(good, root, np.exp(y))
    y = np.where(good, np.log(np.where(good, root, 1.0)), y)

    z = np.where(flip, -y, y)
    # score and complement from the solve side y <= 0: e = exp(y) is the small odds
    small = e / (1.0 + e)
    big = 1.0 / (1.0 + e)
    s = np.where(flip, big, small)
    comp = np.where(flip, small, big)
    s = np.where(zero, 0.0, np.where(one, 1.0, s))
    comp = np.where(zero, 1.0, np.where(one, 0.0, comp))
    z = np.where(zero, -np.inf, np.where(one, np.inf, z))

    D, *_ = _log_b_ratio(y, G)
    residual = np.where(inner, np.abs(g1 * y + D + Aabs), 0.0)
    value = sigmoid_focal_risk(np.where(inner, z, 0.0), Eta, G, alpha, logits=True)
    value = np.where(inner, value, 0.0)
    return SigmoidMinimizerResult(
        s=s, complement=comp, logit=z, value=value, iterations=iters, converged=converged, residual=residual
    )


# ---------------------------------------------------------------------------
# inverse
# ---------------------------------------------------------------------------

def _posterior_core(z, e, G, c, cinv, exact_logit):
    """eta and 1 - eta from the logit z of the score and e = ``exp(-|z|)`` (as exact as known).

    r = eta/(1-eta) = c g(1-s)/g(s) = c e^{+-(1+gamma)} B(1-s)/B(s) is formed
    as a product (no large logarithm is exponentiated); on the side z > 0 its
    reciprocal is formed instead, so that the factor e^(1+gamma) <= 1.
    c = (1-alpha)/alpha and cinv = alpha/(1-alpha) are passed as floats.
    """
    lb, *_ = _log_b_ratio(z, G, e)
    low = z <= 0  # s <= 1/2: rho = eta/(1-eta); else rho = (1-eta)/eta
    with np.errstate(over="ignore", under="ignore", divide="ignore", invalid="ignore"):
        # e^(1+gamma) as e * e^gamma: 1 + gamma is never rounded (its rounding
        # would cost ulp(1+gamma) |log e|, 8e-14 at |z| = 690)
        Eg = np.power(e, G)
        if exact_logit:  # from exact logits exp(-gamma |z|) rounds less where |z| < 1
            Eg = np.where(np.abs(z) < 1, np.exp(-G * np.abs(z)), Eg)
        E = e * Eg
        fac = np.where(low, c * np.exp(lb), cinv * np.exp(-lb))
        rho = fac * E
        # rho overflows only for alpha within ~1e-300 of 0 or 1: take 1/rho from the other factors
        inv = np.where(low, cinv * np.exp(-lb), c * np.exp(lb)) / E
        fin = np.isfinite(rho)
        num = np.where(fin, rho / (1.0 + rho), 1.0 / (1.0 + inv))
        den = np.where(fin, 1.0 / (1.0 + rho), inv / (1.0 + inv))
    eta = np.where(low, num, den)
    om = np.where(low, den, num)
    return eta, om


@_fp_isolated
def sigmoid_posterior(s, gamma=2.0, alpha=0.25, *, logits=False, return_complement=False):
    r"""The posterior eta for which the score `s` minimizes the sigmoid focal risk (closed form).

    Parameters
    ----------
    s : array_like or array-API array
        Scores in [0, 1], any shape (e.g. detector outputs, one column per
        class).  0 maps to 0 and 1 to 1.  With ``logits=True``, logits (-inf
        maps to 0 and +inf to 1).
        A masked array with masked entries raises TypeError (pass
        ``x.filled(value)``).
    gamma : float or array_like, optional
        The focusing parameter used in training, >= 0 (default 2); broadcasts.
    alpha : float, array_like or None, optional
        The alpha used in training, 0 < alpha < 1 (default 0.25); ``None`` or
        ``-1`` if the weighting was disabled.  Broadcasts (per-class alpha).
    logits : bool, optional
        Interpret `s` as logits.  Use this for framework outputs: a float32
        sigmoid saturates at 1 for logits above about 17, the logit does not.
    return_complement : bool, optional
        Also return 1 - eta, accurate even where eta rounds to 1.

    Returns
    -------
    ndarray or float, or a tuple (eta, 1 - eta)

    Raises
    ------
    ValueError
        Scores outside [0, 1] (or NaN/inf), alpha outside (0, 1) (other than
        None or -1), gamma negative, shapes that do not broadcast.

    Notes
    -----
    Inverting :math:`\alpha\eta\, g(s) = (1-\alpha)(1-\eta)\, g(1-s)`:

    .. math::

        \frac{\eta}{1-\eta} = \frac{1-\alpha}{\alpha}\,\frac{g(1-s)}{g(s)}
        = \frac{1-\alpha}{\alpha}\Big(\frac{s}{1-s}\Big)^{1+\gamma}\frac{B(1-s)}{B(s)},
        \qquad B(q) = 1 + \gamma\,\frac{q(-\log q)}{1-q} \in [1, 1+\gamma].

    The odds power is formed from whichever of s/(1-s), (1-s)/s is at most 1
    (from the exact complement of s, or ``exp(-|z|)`` for logits), and eta and
    1 - eta are both taken from the ratio that is at most 1, so no large
    logarithm is ever exponentiated: relative accuracy about 1e-15 for eta
    and for 1 - eta over the whole float range (up to 5e-14 at gamma = 1e5).
    The problem itself is conditioned by 1 + gamma (eta behaves like
    s^(1+gamma) in the tails): a score known to one ulp determines eta to
    about (1 + gamma) ulp, which bounds any round trip through a double
    score.  At s = 1/2 the ratio of g
    values is 1, so the posterior is exactly 1 - alpha: 0.75 at alpha = 0.25,
    for every gamma.  The map is increasing in s, so it preserves rankings
    (AUC) exactly up to ties created by rounding.

    Arrays of other libraries (torch, CuPy, JAX, array-api-strict, through
    array-api-compat) are computed in that library, on their device, in
    float64 where it has it (float32 otherwise), and returned in their
    floating dtype: torch autograd differentiates the result.  The same forms are used there (float64
    results within a few ulp of the NumPy ones; float32, float16 and
    bfloat16 results are the float64 values rounded once).

    References
    ----------
    .. [1] N. Charoenphakdee et al., "On Focal Loss for Class-Posterior
           Probability Estimation: A Theoretical Perspective", CVPR 2021.
    .. [2] T.-Y. Lin et al., "Focal Loss for Dense Object Detection", ICCV 2017.

    Examples
    --------
    >>> from focaltheory.sigmoid import sigmoid_posterior
    >>> [float(sigmoid_posterior(0.5, gamma=g)) for g in (0, 1, 2, 5)]
    [0.75, 0.75, 0.75, 0.75]
    >>> float(sigmoid_posterior(0.3, gamma=0, alpha=None))   # cross-entropy: calibrated already
    0.3
    >>> eta, om = sigmoid_posterior(40.0, logits=True, return_complement=True)
    >>> float(eta), bool(0 < om < 1e-40)
    (1.0, True)
    """
    xp = _xp._namespace(s, gamma, alpha)
    if xp is not None:  # torch, CuPy, JAX, array-api-strict, ...: computed there
        return _xpf.sigmoid_posterior(xp, s, gamma, alpha, logits, return_complement)
    S = _as_real_array(s, "s")
    if logits:
        # logits -inf / +inf are the scores 0 / 1 (sigmoid_minimizer returns them for eta = 0 / 1)
        if np.any(np.isnan(S)):
            raise ValueError("s must not contain NaN")
    else:
        _check_finite(S, "s")
    G = _gamma(gamma)
    A = _sigmoid_alpha(alpha, strict=True)
    shape = _broadcast([("s", S), ("gamma", G), ("alpha", A)])
    # (a subnormal alpha overflows (1 - alpha) / alpha to inf, which the core handles)
    with np.errstate(over="ignore", divide="ignore"):
        c = np.broadcast_to(1.0 if A is None else (1.0 - A) / A, shape)
        cinv = np.broadcast_to(1.0 if A is None else A / (1.0 - A), shape)
    G = np.broadcast_to(G, shape)
    if logits:
        z = np.broadcast_to(S, shape)
        ends = np.isinf(z)
        zs = np.where(ends, 0.0, z)
        eta, om = _posterior_core(zs, np.exp(-np.abs(zs)), G, c, cinv, True)
        eta = np.where(ends, (z > 0).astype(float), eta)
        om = np.where(ends, (z < 0).astype(float), om)
    else:
        if np.any((S < 0) | (S > 1)):
            bad = float(S[(S < 0) | (S > 1)].flat[0])
            raise ValueError(f"s must lie in [0, 1] (scores; pass logits=True for logits), got {bad!r}")
        S = np.broadcast_to(S, shape)
        end0, end1 = S == 0, S == 1
        Ss = np.where(end0 | end1, 0.5, S)
        comp = 1.0 - Ss  # exact above 1/2; correctly rounded below
        low = Ss <= 0.5
        # the odds <= 1, smaller over larger (the other quotient overflows for a subnormal s)
        e = np.where(low, Ss, comp) / np.where(low, comp, Ss)
        z = np.where(low, np.log(Ss) - np.log1p(-Ss), np.log(Ss) - np.log(comp))
        eta, om = _posterior_core(z, e, G, c, cinv, False)
        eta = np.where(end0, 0.0, np.where(end1, 1.0, eta))
        om = np.where(end0, 1.0, np.where(end1, 0.0, om))
    eta, om = _scalar_out(np.asarray(eta)), _scalar_out(np.asarray(om))
    return (eta, om) if return_complement else eta


@_fp_isolated
def sigmoid_posterior_from_logits(z, gamma=2.0, alpha=0.25, *, return_complement=False):
    """:func:`sigmoid_posterior` for logits ``z`` (``s = sigmoid(z)``).

    Equivalent to ``sigmoid_posterior(z, gamma, alpha, logits=True)``,
    for array-API arrays too.

    Examples
    --------
    >>> from focaltheory.sigmoid import sigmoid_posterior_from_logits
    >>> float(sigmoid_posterior_from_logits(0.0, gamma=2, alpha=0.25))
    0.75
    """
    return sigmoid_posterior(z, gamma, alpha, logits=True, return_complement=return_complement)
