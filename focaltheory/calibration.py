r"""Turn focal-loss-trained scores into probabilities: :class:`FocalCalibrator`.

A model trained with the focal loss does not output the class posterior: at
the population optimum it outputs the focal minimizer of the posterior (the
softmax minimizer Q*(P) or, for the sigmoid loss of detectors, the per-class
score s*(eta)).  Both maps are invertible in closed form, so the posterior is
recovered without any fitting; only if the training gamma is unknown is it
estimated, by maximum likelihood on held-out labels.

References
----------
.. [1] N. Charoenphakdee, J. Vongkulbhisal, N. Chairatanakul, M. Sugiyama,
       "On Focal Loss for Class-Posterior Probability Estimation: A
       Theoretical Perspective", CVPR 2021.
.. [2] J. Mukhoti et al., "Calibrating Deep Neural Networks using Focal
       Loss", NeurIPS 2020.
.. [3] T.-Y. Lin et al., "Focal Loss for Dense Object Detection", ICCV 2017.
.. [4] J. Shah, M. Cardone, A. Dytso, "Functional Properties of the
       Focal-Entropy", AISTATS 2026, arXiv:2603.02533.
"""

import numbers

import numpy as np

from ._validation import _as_real_array, _check_finite, _gamma, _normalize_axis, _reject_masked, _sigmoid_alpha
from .inverse import inverse_minimizer
from .sigmoid import sigmoid_posterior
from ._fpstate import _fp_isolated

__all__ = ["FocalCalibrator"]

_TINY = np.finfo(np.float64).tiny
_PARAMS = ("loss", "gamma", "alpha", "axis", "gamma_bounds")


def _softmax(z, axis):
    m = np.max(z, axis=axis, keepdims=True)
    # z - m <= 0 overflows to -inf only where it is below -1.8e308 (logits of
    # +-1e308): exp gives 0 there, the exact softmax in double precision
    with np.errstate(over="ignore"):
        e = np.exp(z - m)
    return e / e.sum(axis=axis, keepdims=True)


class FocalCalibrator:
    r"""Recover class posteriors from the outputs of a focal-loss-trained model.

    A transformer in the style of scikit-learn (``fit``, ``transform``,
    ``fit_transform``, ``get_params``, ``set_params``), with no scikit-learn
    dependency.  No fitting is needed when the training gamma is known: the
    map is closed form.

    Parameters
    ----------
    loss : {"softmax", "sigmoid"}, optional
        The loss the model was trained with.  ``"softmax"``: multiclass focal
        loss on softmax outputs (the class axis is `axis`).  ``"sigmoid"``:
        one-vs-rest sigmoid focal loss (RetinaNet, torchvision), elementwise.
    gamma : float, optional
        The training focusing parameter, >= 0 (default 2).  Replaced by the
        maximum-likelihood estimate after :meth:`fit`.
    alpha : float, array_like or None, optional
        Softmax: class weights of the alpha-balanced loss (nonnegative,
        broadcastable to the outputs), or None.  Sigmoid: torchvision's alpha,
        0 < alpha < 1 (pass 0.25 for the torchvision/RetinaNet default), or
        None / -1 if the weighting was off.
    axis : int, optional
        Class axis of softmax outputs (default -1).
    gamma_bounds : tuple of float, optional
        Search interval of :meth:`fit` (default (0, 20)).

    Attributes
    ----------
    gamma_ : float
        The gamma :meth:`transform` uses: `gamma` until :meth:`fit` runs, then
        the maximum-likelihood estimate.
    nll_ : float
        Mean negative log-likelihood of the labels at ``gamma_`` (after fit).
    nll_at_init_ : float
        The same at the constructor's `gamma` (after fit), for comparison.

    Notes
    -----
    Softmax: the population minimizer of the focal-entropy satisfies
    :math:`\alpha_x P(x) g(Q(x)) = \lambda`, so
    :math:`P(x) \propto 1/(\alpha_x g(Q(x)))`
    (:func:`focaltheory.inverse_minimizer`).  Sigmoid:
    :math:`\eta = (1-\alpha) g(1-s) / (\alpha g(s) + (1-\alpha) g(1-s))`
    (:func:`focaltheory.sigmoid.sigmoid_posterior`), with the logit path for
    saturated scores.  The sigmoid map is strictly increasing, so rankings
    and AUC are unchanged (up to ties created by rounding); the softmax map
    keeps the order of the classes within each row (with equal class
    weights), so argmax is unchanged.
    Calibration is recovered only where the model reached the population
    optimum: the transform undoes the loss, not a misspecified model.

    :meth:`fit` estimates gamma by minimizing the mean negative
    log-likelihood of the labels under the recovered probabilities with
    :func:`scipy.optimize.minimize_scalar` (bounded method) on
    `gamma_bounds`; alpha is kept as given.

    References
    ----------
    .. [1] N. Charoenphakdee et al., "On Focal Loss for Class-Posterior
           Probability Estimation: A Theoretical Perspective", CVPR 2021.
    .. [2] J. Mukhoti et al., "Calibrating Deep Neural Networks using Focal
           Loss", NeurIPS 2020.

    Examples
    --------
    >>> import numpy as np
    >>> from focaltheory import minimizer
    >>> from focaltheory.calibration import FocalCalibrator
    >>> q = minimizer([0.7, 0.2, 0.1], 2).q          # what a gamma = 2 model outputs
    >>> FocalCalibrator("softmax", gamma=2).transform(q).round(12)
    array([0.7, 0.2, 0.1])
    >>> cal = FocalCalibrator("sigmoid", gamma=2, alpha=0.25)
    >>> cal.transform(np.array([0.1, 0.5, 0.9])).round(6)
    array([0.007823, 0.75    , 0.999125])
    >>> cal.transform(logits=np.array([0.0]))
    array([0.75])
    """

    @_fp_isolated
    def __init__(self, loss="softmax", gamma=2.0, alpha=None, *, axis=-1, gamma_bounds=(0.0, 20.0)):
        self.loss = loss
        self.gamma = gamma
        self.alpha = alpha
        self.axis = axis
        self.gamma_bounds = gamma_bounds
        self._check_params()
        self.gamma_ = float(gamma)

    # -- scikit-learn protocol -------------------------------------------------

    @_fp_isolated
    def get_params(self, deep=True):
        """The constructor parameters, as a dict."""
        return {name: getattr(self, name) for name in _PARAMS}

    @_fp_isolated
    def set_params(self, **params):
        """Set constructor parameters (validated); resets a fitted gamma."""
        for name in params:
            if name not in _PARAMS:
                raise ValueError(f"unknown parameter {name!r}; valid: {', '.join(_PARAMS)}")
        old = self.get_params()
        for name, value in params.items():
            setattr(self, name, value)
        try:
            self._check_params()
        except (TypeError, ValueError):
            for name, value in old.items():
                setattr(self, name, value)
            raise
        self.gamma_ = float(self.gamma)
        for attr in ("nll_", "nll_at_init_"):
            self.__dict__.pop(attr, None)
        return self

    def __repr__(self):
        args = ", ".join(f"{k}={getattr(self, k)!r}" for k in _PARAMS)
        return f"FocalCalibrator({args})"

    # -- validation ------------------------------------------------------------

    def _check_params(self):
        if self.loss not in ("softmax", "sigmoid"):
            raise ValueError(f"loss must be 'softmax' or 'sigmoid', got {self.loss!r}")
        g = _gamma(self.gamma)
        if g.ndim != 0:
            raise ValueError("gamma must be a scalar")
        if self.loss == "sigmoid":
            _sigmoid_alpha(self.alpha, strict=True)
        elif self.alpha is not None:
            a = _as_real_array(self.alpha, "alpha")
            _check_finite(a, "alpha")
            if np.any(a < 0):
                raise ValueError(f"alpha (class weights) must be nonnegative, found {float(a.min())!r}")
        if isinstance(self.axis, (bool, np.bool_)) or not isinstance(self.axis, numbers.Integral):
            raise TypeError(f"axis must be an integer, got {type(self.axis).__name__}")
        b = self.gamma_bounds
        try:
            lo, hi = (float(v) for v in b)
        except (TypeError, ValueError):
            raise TypeError(f"gamma_bounds must be a pair of numbers, got {b!r}") from None
        if not (np.isfinite(lo) and np.isfinite(hi) and 0 <= lo < hi):
            raise ValueError(f"gamma_bounds must satisfy 0 <= low < high (finite), got {b!r}")

    def _input(self, probs, logits):
        if (probs is None) == (logits is None):
            raise ValueError("give exactly one of probs or logits")
        if logits is not None:
            z = _as_real_array(logits, "logits")
            _check_finite(z, "logits")
            return z, True
        p = _as_real_array(probs, "probs")
        _check_finite(p, "probs")
        if np.any((p < 0) | (p > 1)):
            bad = float(p[(p < 0) | (p > 1)].flat[0])
            raise ValueError(f"probs must lie in [0, 1] (logits go in logits=, or --logits on the command line), got {bad!r}")
        return p, False

    def _recover(self, x, is_logits, gamma, complement=False):
        if self.loss == "sigmoid":
            return sigmoid_posterior(x, gamma, self.alpha, logits=is_logits, return_complement=complement)
        ax = _normalize_axis(self.axis, x.ndim)
        q = _softmax(x, ax) if is_logits else x
        return inverse_minimizer(q, gamma, ax, alpha=self.alpha)

    # -- API --------------------------------------------------------------------

    @_fp_isolated
    def transform(self, probs=None, *, logits=None):
        """Recovered probabilities from model outputs (scores or logits).

        Parameters
        ----------
        probs : array_like, optional
            Softmax: rows of class probabilities along `axis` (summing to 1
            within 1e-6).  Sigmoid: per-class scores in [0, 1], any shape.
        logits : array_like, optional
            The logits instead (keyword only); preferred for the sigmoid loss,
            where float32 scores saturate.
            Masked arrays with masked entries (outputs or labels) raise
            TypeError.

        Returns
        -------
        ndarray
            Same shape as the input: posterior estimates.
        """
        x, is_logits = self._input(probs, logits)
        return self._recover(x, is_logits, self.gamma_)

    def _labels(self, y, x):
        _reject_masked(y, "y")
        yy = np.asarray(y)
        if yy.dtype.kind == "b":
            yy = yy.astype(np.int64)
        if yy.dtype.kind not in "iuf":
            raise TypeError(f"y must hold integer class labels, got dtype {yy.dtype}")
        if yy.dtype.kind == "f":
            if not np.all(np.isfinite(yy)) or np.any(yy != np.round(yy)):
                raise ValueError("y must hold integer class labels")
            # (cast to integers only once in range below: 1e300 has no int64)
        if self.loss == "sigmoid":
            if yy.shape != x.shape:
                raise ValueError(f"y must have the shape of the scores {x.shape} (0/1 per class), got {yy.shape}")
            if np.any((yy != 0) & (yy != 1)):
                raise ValueError("y must be 0 or 1 for the sigmoid loss")
            return yy.astype(np.int64) if yy.dtype.kind == "f" else yy
        ax = _normalize_axis(self.axis, x.ndim)
        batch = x.shape[:ax] + x.shape[ax + 1:]
        if yy.shape != batch:
            raise ValueError(f"y must have the batch shape {batch} (one class index per row), got {yy.shape}")
        K = x.shape[ax]
        if np.any((yy < 0) | (yy >= K)):
            raise ValueError(f"y must hold class indices in [0, {K})")
        return yy.astype(np.int64) if yy.dtype.kind == "f" else yy

    def _nll(self, x, is_logits, y, gamma):
        if self.loss == "sigmoid":
            eta, om = self._recover(x, is_logits, gamma, complement=True)
            ll = np.where(y == 1, np.log(np.maximum(eta, _TINY)), np.log(np.maximum(om, _TINY)))
            return float(-ll.mean())
        ax = _normalize_axis(self.axis, x.ndim)
        P = self._recover(x, is_logits, gamma)
        py = np.take_along_axis(P, np.expand_dims(y, ax), axis=ax)
        return float(-np.log(np.maximum(py, _TINY)).mean())

    @_fp_isolated
    def fit(self, probs=None, y=None, *, logits=None):
        """Estimate the training gamma by maximum likelihood on labelled outputs.

        Parameters
        ----------
        probs : array_like, optional
            Model outputs (as in :meth:`transform`).
        y : array_like
            Labels: class indices with the batch shape (softmax), or 0/1 with
            the shape of the scores (sigmoid).
        logits : array_like, optional
            Logits instead of `probs` (keyword only).
            Masked arrays with masked entries (outputs or labels) raise
            TypeError.

        Returns
        -------
        self
            With ``gamma_`` (the estimate), ``nll_`` and ``nll_at_init_``.
        """
        if y is None:
            raise ValueError("fit needs labels y (to estimate gamma); without them use transform")
        x, is_logits = self._input(probs, logits)
        yy = self._labels(y, x)
        if yy.size == 0:
            raise ValueError("fit needs at least one labelled output")
        from scipy.optimize import minimize_scalar  # not at import time: scipy.optimize is slow to load

        lo, hi = (float(v) for v in self.gamma_bounds)
        res = minimize_scalar(lambda g: self._nll(x, is_logits, yy, g), bounds=(lo, hi), method="bounded",
                              options={"xatol": 1e-6})
        cands = [(float(res.fun), float(res.x))]
        for g in (lo, hi):  # the bounded method never evaluates the endpoints
            cands.append((self._nll(x, is_logits, yy, g), g))
        self.nll_, self.gamma_ = min(cands)
        self.nll_at_init_ = self._nll(x, is_logits, yy, float(self.gamma))
        return self

    @_fp_isolated
    def fit_transform(self, probs=None, y=None, *, logits=None):
        """``fit`` (only when labels are given) then ``transform``."""
        if y is not None:
            self.fit(probs, y, logits=logits)
        return self.transform(probs, logits=logits)

