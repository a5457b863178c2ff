r"""Inverse design: choose gamma (or alpha) to put a probability where you want it.

* :func:`crossover_gamma` -- the gamma at which a probability p is the
  amplify/suppress crossover of the softmax focal loss (``phi_gamma(p) = 1``),
  in closed form with the Lambert W function.
* :func:`gamma_for_rare_score` -- the smallest gamma that lifts the population
  score of a rare class (prior ``prior``) to ``target``, for the sigmoid
  (detector) or the softmax focal loss.
* :func:`alpha_for_rare_score` -- the same with the class weight alpha at a
  fixed gamma (closed form for the sigmoid loss).

References
----------
.. [1] J. Mukhoti et al., "Calibrating Deep Neural Networks using Focal
       Loss", NeurIPS 2020 (the Lambert-W rule for gamma).
.. [2] T.-Y. Lin et al., "Focal Loss for Dense Object Detection", ICCV 2017.
.. [3] J. Shah, M. Cardone, A. Dytso, "Functional Properties of the
       Focal-Entropy", AISTATS 2026, arXiv:2603.02533.
.. [4] D.-B. Wang, L. Feng, M.-L. Zhang, "Rethinking Calibration of Deep
       Neural Networks: Do Not Be Afraid of Overconfidence", NeurIPS 2021
       (the "inverse focal loss", weight ``(1+q)^gamma``: a different loss
       from the negative-gamma branch of :func:`crossover_gamma`).
"""

import numbers

import numpy as np
from scipy.special import lambertw

from ._fpstate import _fp_isolated
from ._threshold import _threshold_newton_step
from ._constants import _MAX_GAMMA
from ._validation import _as_real_array, _check_finite, _gamma, _sigmoid_alpha
from .regimes import gamma_for_threshold
from .sigmoid import sigmoid_minimizer, sigmoid_posterior
from .solver import minimizer

__all__ = ["crossover_gamma", "gamma_for_rare_score", "alpha_for_rare_score"]


def _negative_branch(p):
    """The root gamma < 0 of phi_gamma(p) = 1 for 1/2 < p < 1 (principal branch W_0)."""
    beta = p * np.log(p) / (1.0 - p)  # < 0
    kappa = -np.log1p(-p) / beta  # < -1 for p > 1/2
    with np.errstate(invalid="ignore", over="ignore"):
        w = lambertw(kappa * np.exp(kappa), k=0).real
        gam = (1.0 - w / kappa) / beta
    near = ~np.isfinite(gam) | (np.abs(p - 0.5) < 1e-3)
    # small-gamma start from log phi / gamma ~ f(p) - gamma beta^2 / 2
    gam = np.where(near, 2.0 * ((np.log1p(-p) - beta) / beta) / beta, gam)
    lo = 1.0 / beta  # phi needs 1 - gamma beta > 0
    for _ in range(6):
        gam = np.clip(_threshold_newton_step(gam, p, beta), lo * (1 - 1e-15), 0.0)
    return gam


@_fp_isolated
def crossover_gamma(p, *, allow_negative=False):
    r"""The gamma at which `p` is the amplify/suppress crossover: ``phi_gamma(p) = 1``.

    Parameters
    ----------
    p : float or array_like
        Probabilities in (0, 1/2] (in (0, 1) with ``allow_negative``).
        A masked array with masked entries raises TypeError (pass
        ``x.filled(value)``).
    allow_negative : bool, optional
        For 1/2 < p < 1 return the (negative) root of the other branch: the
        gamma < 0 at which the same loss ``-(1-q)^gamma log q``, continued to
        negative gamma, has p as its crossover.  Its weight
        ``(1-q)^gamma = (1-q)^-|gamma|`` grows as q -> 1, so it stresses the
        well-classified examples; it is not the "inverse focal loss" of
        Wang, Feng and Zhang (NeurIPS 2021), whose weight is ``(1+q)^gamma``
        with gamma > 0 and which this module does not treat.  Without
        `allow_negative` such p raise ValueError.

    Returns
    -------
    ndarray or float
        gamma(p) >= 0; the inverse function of
        :func:`focaltheory.regimes.threshold` (``threshold(crossover_gamma(p)) == p``).

    Raises
    ------
    ValueError
        p outside (0, 1/2] (or (0, 1) with ``allow_negative``), NaN or inf.

    Notes
    -----
    With ``phi_gamma(p) = p g(p) = (1-p)^{gamma-1} ((1-p) - gamma p log p)``,
    the focal minimizer amplifies a class of probability P(x) when
    ``phi(P(x)) > lambda*`` (see :mod:`focaltheory.regimes`); for the binary
    and the uniform reference ``lambda* = 1`` this is the crossover.
    ``phi_gamma(p) = 1`` reads :math:`(1-p)^\gamma (1 - \gamma\beta) = 1`
    with :math:`\beta = p\log p/(1-p)`.  Putting :math:`z = 1 - \gamma\beta`
    and :math:`\kappa = -\log(1-p)/\beta`, it becomes
    :math:`w e^w = \kappa e^\kappa` with :math:`w = \kappa z`, whose two real
    solutions are the two branches of Lambert W at :math:`\kappa e^\kappa \in (-1/e, 0)`:

    * :math:`w = \kappa` is always a solution: the trivial root gamma = 0
      (``phi_0 = 1`` identically: cross-entropy has no crossover).
    * For 0 < p < 1/2, :math:`-1 < \kappa < 0`: the trivial root is on the
      principal branch and the crossover is
      :math:`\gamma = (1 - W_{-1}(\kappa e^\kappa)/\kappa)/\beta > 0`
      (Mukhoti et al.'s rule: p = 0.2 gives 4.8506, p = 1/e gives exactly 1).
    * For 1/2 < p < 1, :math:`\kappa < -1`: the roles swap, the trivial root is
      on :math:`W_{-1}` and the other root, on :math:`W_0`, is negative:
      no focal loss (gamma >= 0) has a crossover above 1/2; only the
      negative-gamma continuation ``-(1-q)^gamma log q``, gamma < 0, does.
    * Degenerate cases: p = 1/2 (:math:`\kappa = -1`, the branch point) is the
      double root gamma = 0, returned as 0 (the limit of p_gamma as gamma -> 0);
      p -> 0 needs gamma -> infinity (gamma ~ s/p with s growing slowly,
      about 8.7e300 at p = 1e-300; below about 4.9e-308 it is returned as inf);
      p = 0 and p = 1 have no crossover (phi(0+) = 1 for every gamma and
      phi(1) = 0) and raise ValueError.

    Near p = 1/2 the branches meet and the closed form loses accuracy; both
    directions polish it with Newton's method on
    :math:`\log\phi/\gamma = \log(1-p) - \beta \log(1+x)/x`,
    :math:`x = -\gamma\beta`, which stays well conditioned as gamma -> 0.  For
    gamma >= 0 this function is :func:`focaltheory.regimes.gamma_for_threshold`.

    References
    ----------
    .. [1] J. Mukhoti et al., "Calibrating Deep Neural Networks using Focal
           Loss", NeurIPS 2020.
    .. [2] J. Shah, M. Cardone, A. Dytso, "Functional Properties of the
           Focal-Entropy", AISTATS 2026, arXiv:2603.02533.

    Examples
    --------
    >>> import numpy as np
    >>> from focaltheory.design import crossover_gamma
    >>> round(float(crossover_gamma(0.2)), 4)
    4.8506
    >>> round(float(crossover_gamma(np.exp(-1))), 12)
    1.0
    >>> float(crossover_gamma(0.5))
    0.0
    >>> bool(crossover_gamma(0.7, allow_negative=True) < 0)
    True
    """
    if isinstance(p, (str, bytes)):
        raise TypeError(f"p must be a real number or array of them, got a {type(p).__name__}")
    x = _as_real_array(p, "p")
    _check_finite(x, "p")
    upper = 1.0 if allow_negative else 0.5
    if np.any((x <= 0) | (x > upper) | (x >= 1)):
        if not allow_negative and np.any((x > 0.5) & (x < 1)):
            raise ValueError(
                "p must lie in (0, 1/2]: for p > 1/2 the only root of phi_gamma(p) = 1 besides gamma = 0 is "
                "negative (p is suppressed at every gamma > 0); pass allow_negative=True for it"
            )
        raise ValueError("p must lie in (0, 1/2] (or (0, 1) with allow_negative=True)")
    out = np.empty_like(x)
    pos = x <= 0.5
    if np.any(pos):
        out[pos] = gamma_for_threshold(x[pos])
    if np.any(~pos):
        out[~pos] = _negative_branch(x[~pos])
    return out[()] if out.ndim == 0 else out


# ---------------------------------------------------------------------------
# rare classes
# ---------------------------------------------------------------------------

def _prob(x, name):
    if isinstance(x, (bool, np.bool_)) or not isinstance(x, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {type(x).__name__}")
    x = float(x)
    if not (0.0 < x < 1.0):
        raise ValueError(f"{name} must lie in (0, 1), got {x!r}")
    return x


def _loss_kind(loss):
    if loss not in ("sigmoid", "softmax"):
        raise ValueError(f"loss must be 'sigmoid' or 'softmax', got {loss!r}")
    return loss


def _rare_distribution(prior, others):
    """P = (prior, (1 - prior) * others normalized)."""
    if others is None:
        return np.array([prior, 1.0 - prior])
    o = _as_real_array(others, "others")
    _check_finite(o, "others")
    if o.ndim != 1 or o.size == 0 or np.any(o < 0) or o.sum() <= 0:
        raise ValueError("others must be a nonempty 1-D array of nonnegative weights with a positive sum")
    return np.concatenate([[prior], (1.0 - prior) * o / o.sum()])


def _rare_score(prior, gammas, loss, alpha, P):
    if loss == "sigmoid":
        return sigmoid_minimizer(prior, gammas, alpha).s
    return minimizer(P, np.asarray(gammas)[..., None] if np.ndim(gammas) else gammas, alpha=alpha).q[..., 0]


@_fp_isolated
def gamma_for_rare_score(prior, target, *, loss="sigmoid", alpha=0.25, others=None, gamma_max=100.0):
    r"""The smallest gamma whose population score for a rare class reaches `target`.

    Parameters
    ----------
    prior : float
        The class's probability: its posterior eta (sigmoid loss) or its
        mass P(x) in the data distribution (softmax loss), in (0, 1).
    target : float
        The score the class should reach, in (0, 1).
    loss : {"sigmoid", "softmax"}, optional
        Sigmoid one-vs-rest focal loss (default) or softmax focal loss.
    alpha : float, array_like or None, optional
        Sigmoid: torchvision's alpha (default 0.25; None disables it).
        Softmax: class weights, one per class of ``P = (prior, others...)``,
        or None.
    others : array_like, optional
        Softmax only: weights of the other classes (normalized to 1 - prior).
        Default: one other class (a binary problem).
    gamma_max : float, optional
        Search range [0, gamma_max] (default 100); with the softmax loss at
        most 1e150, the ceiling of :func:`focaltheory.minimizer`.

    Returns
    -------
    float
        gamma >= 0: 0 if the score already reaches `target` at gamma = 0;
        otherwise the first gamma in [0, gamma_max] at which it crosses
        `target` upward (to ~1e-12 relative).

    Raises
    ------
    ValueError
        If no gamma in [0, gamma_max] reaches `target` (the message gives the
        best score found), or bad arguments.

    Notes
    -----
    Sigmoid loss: the population score is the minimizer s*(eta) of
    :math:`\alpha\eta\ell(s) + (1-\alpha)(1-\eta)\ell(1-s)`
    (:func:`focaltheory.sigmoid.sigmoid_minimizer`); it tends to 1/2 as
    gamma -> infinity for every 0 < eta < 1, so targets at or above 1/2 are
    out of reach for a class with posterior below 1 - alpha.  Softmax loss:
    the score is Q*(x) of the focal-entropy minimizer; as gamma -> infinity it
    tends to 1/n, n the support size, and it need not be monotone in gamma
    (over-suppression: see the theory document (Regimes)), hence the scan:
    the score is evaluated on a grid of gamma (one vectorized call) and the
    first crossing is refined with Brent's method.

    Examples
    --------
    >>> from focaltheory.design import gamma_for_rare_score
    >>> from focaltheory.sigmoid import sigmoid_minimizer
    >>> g = gamma_for_rare_score(0.01, 0.1, loss="sigmoid", alpha=0.25)
    >>> round(g, 6), round(float(sigmoid_minimizer(0.01, g, 0.25).s), 12)
    (1.878246, 0.1)
    >>> round(gamma_for_rare_score(0.01, 0.05, loss="softmax", alpha=None), 6)
    0.701988
    """
    loss = _loss_kind(loss)
    prior = _prob(prior, "prior")
    target = _prob(target, "target")
    # the softmax score solves for the minimizer: its ceiling on gamma
    cap = _MAX_GAMMA if loss == "softmax" else None
    gmax = float(_gamma(gamma_max, "gamma_max", max_gamma=cap, what="the softmax loss (its score solves for the minimizer)"))
    if not gmax > 0:
        raise ValueError("gamma_max must be positive")
    if loss == "sigmoid":
        alpha = None if _sigmoid_alpha(alpha, strict=True) is None else alpha
        P = None
    else:
        P = _rare_distribution(prior, others)
    s0 = float(_rare_score(prior, 0.0, loss, alpha, P))
    if s0 >= target:
        return 0.0
    grid = np.concatenate([[0.0], np.geomspace(1e-3, gmax, 400)])
    scores = np.asarray(_rare_score(prior, grid, loss, alpha, P)).ravel()
    above = np.flatnonzero(scores >= target)
    if above.size == 0:
        best = int(np.argmax(scores))
        raise ValueError(
            f"no gamma in [0, {gmax:g}] lifts the score of a class with prior {prior:g} to {target:g}: "
            f"the best is {scores[best]:.6g} at gamma = {grid[best]:.4g}"
        )
    from scipy.optimize import brentq  # scipy.optimize is slow to import: only where a root is refined

    i = int(above[0])
    f = lambda g: float(_rare_score(prior, g, loss, alpha, P)) - target  # noqa: E731
    return float(brentq(f, grid[i - 1], grid[i], xtol=1e-14, rtol=1e-13))


@_fp_isolated
def alpha_for_rare_score(prior, target, gamma=2.0, *, loss="sigmoid", others=None):
    r"""The smallest class weight alpha whose population score for a rare class reaches `target`.

    Parameters
    ----------
    prior : float
        The class's posterior (sigmoid) or data probability (softmax), in (0, 1).
    target : float
        The score to reach, in (0, 1).
    gamma : float, optional
        The focusing parameter (default 2); with the softmax loss at most
        1e150, the ceiling of :func:`focaltheory.minimizer`.
    loss : {"sigmoid", "softmax"}, optional
    others : array_like, optional
        Softmax only: weights of the other classes (default: one other class).

    Returns
    -------
    float
        Sigmoid: torchvision's alpha in (0, 1), in closed form (ValueError
        when it rounds to 0 or 1).  Softmax: the weight of the rare class
        relative to weight 1 on every other class, between e^-700 and e^700.

    Notes
    -----
    Sigmoid: s*(eta) solves :math:`\alpha\eta g(s) = (1-\alpha)(1-\eta) g(1-s)`
    and increases with alpha, so the answer is the alpha at which s* = target:

    .. math:: \alpha = \frac{1}{1 + \frac{\eta}{1-\eta}\frac{g(t)}{g(1-t)}}
              = \frac{o_0}{o_0 + o_\eta},

    with :math:`o_\eta = \eta/(1-\eta)` and :math:`o_0 = g(1-t)/g(t)` the odds
    of the unweighted posterior of the score t
    (:func:`focaltheory.sigmoid.sigmoid_posterior` with alpha=None).
    Softmax: class weights reweight P, and Q*(rare) increases with the rare
    class's weight; the weight is found by Brent's method on its logarithm
    (relative accuracy about 1e-13).

    Examples
    --------
    >>> from focaltheory.design import alpha_for_rare_score
    >>> from focaltheory.sigmoid import sigmoid_minimizer
    >>> a = alpha_for_rare_score(0.01, 0.1, gamma=2.0)
    >>> round(a, 6), round(float(sigmoid_minimizer(0.01, 2.0, a).s), 12)
    (0.206479, 0.1)
    """
    loss = _loss_kind(loss)
    prior = _prob(prior, "prior")
    target = _prob(target, "target")
    cap = _MAX_GAMMA if loss == "softmax" else None  # the softmax score solves for the minimizer
    gam = _gamma(gamma, max_gamma=cap, what="the softmax loss (its score solves for the minimizer)")
    if gam.ndim != 0:
        raise ValueError("gamma must be a scalar here")
    gam = float(gam)
    if loss == "sigmoid":
        e0, o0c = sigmoid_posterior(target, gam, None, return_complement=True)
        odds0 = e0 / o0c
        odds_eta = prior / (1.0 - prior)
        a = float(odds0 / (odds0 + odds_eta))
        if not 0.0 < a < 1.0:
            raise ValueError(f"the alpha that gives a score of {target:g} at prior {prior:g} is within rounding "
                             f"of {a:g}: no weight in (0, 1) that a double can hold reaches it")
        return a
    from scipy.optimize import brentq  # scipy.optimize is slow to import: only where a root is refined

    P = _rare_distribution(prior, others)
    K = P.size

    def score(logw):
        a = np.ones(K)
        a[0] = np.exp(logw)
        return float(minimizer(P, gam, alpha=a).q[0]) - target

    # bracket log w: widened from [-50, 50] to at most [-700, 700] (the range of exp)
    lo, hi = -50.0, 50.0
    while score(lo) > 0 and lo > -700.0:
        lo = max(2.0 * lo, -700.0)
    while score(hi) < 0 and hi < 700.0:
        hi = min(2.0 * hi, 700.0)
    if score(lo) > 0 or score(hi) < 0:
        raise ValueError(f"no class weight in [e^-700, e^700] gives the rare class a score of {target:g}")
    return float(np.exp(brentq(score, lo, hi, xtol=1e-13, rtol=1e-14)))
