r"""FocalCalibrator: the estimator (scikit-learn's protocol; scikit-learn optional)."""

import numpy as np

from .._fpstate import _fp_isolated
from ._compat import BASES, CLASS_KW, HAVE_SKLEARN, OUTPUTS, UNUSED, NotFittedError, wrap_output
from .._xp import _host
from ._inputs import check_params, foreign_input, n_features, outputs, sigmoid_labels, softmax_labels, xp_outputs
from ._maps import _apply, _fit_params, _nll, _Outputs, _sample_losses
from ._select import CANDIDATES, choose, make_specs
from ._xpmaps import apply_xp

__all__ = ["FocalCalibrator"]


class FocalCalibrator(*BASES, **CLASS_KW):
    r"""Calibrated probabilities from the outputs of a model trained with the focal loss.

    A scikit-learn estimator (a classifier and a transformer; scikit-learn is
    optional) whose input ``X`` is the output of a model: probabilities
    (``input_type="probs"``, the default) or logits.  Every fitted map is
    "temperature, then the inverse focal map": softmax :math:`P =
    Q^{*-1}_{\gamma}(\mathrm{softmax}(z / T))`, sigmoid :math:`\eta =
    s^{*-1}_{\gamma,\alpha}(\sigma(z / T))`.  ``method`` says which of
    :math:`T`, :math:`\gamma` (and, for the sigmoid loss, :math:`\alpha`) are
    estimated, by minimizing the negative log-likelihood (NLL) of held-out
    labels:

    * ``"inverse"`` (default): :math:`T = 1`; the closed-form inverse at the
      training `gamma` (``fit_gamma=False``) or at the maximum-likelihood
      gamma (``fit_gamma=True``).  Needs no fit: :meth:`transform` works
      before :meth:`fit` with the constructor's `gamma`.
    * ``"temperature"``: temperature scaling (Guo et al., 2017),
      :math:`\gamma = 0`; on logits, or on log-probabilities when given
      probabilities.
    * ``"focal-temperature"``: softmax(z / T), then the inverse map at
      `gamma` (fitted too with ``fit_gamma=True``): the focal temperature
      scaling of Komisarenko and Kull (ECAI 2024).
    * ``"auto"``: the three above, compared by `cv`-fold cross-validated NLL
      on the data given to :meth:`fit`; the simplest one within one standard
      error of the lowest is refitted on all of it (``method_``,
      ``selection_``).

    Parameters
    ----------
    loss : {"softmax", "sigmoid"}, optional
        The training loss.  ``"softmax"``: multiclass focal loss; ``X`` holds
        one row of class outputs per sample (the class axis is `axis`).
        ``"sigmoid"``: one-vs-rest sigmoid focal loss (RetinaNet,
        torchvision), elementwise; ``y`` is 0/1 with the shape of ``X``.
    gamma : float, optional
        The training focusing parameter, >= 0 (default 2).
    alpha : float, array_like or None, optional
        Softmax: class weights of the alpha-balanced loss (nonnegative, one
        per class), or None.  Sigmoid: torchvision's alpha, 0 < alpha < 1
        (0.25 is the torchvision/RetinaNet default), or None / -1 if the
        weighting was off.
    method : {"inverse", "temperature", "focal-temperature", "auto"}, optional
        What :meth:`fit` estimates (see above).
    input_type : {"probs", "logits"}, optional
        What ``X`` holds (default probabilities); the keyword ``logits=`` of
        the methods overrides it for one call.
    fit_gamma : bool, optional
        Estimate gamma too (methods "inverse" and "focal-temperature"; default
        True, as in earlier versions of :meth:`fit`).
    fit_alpha : bool, optional
        Sigmoid loss: estimate alpha too, in [0.01, 0.99] (default False).
    classes : array_like or None, optional
        Softmax: the label of each column of ``X``.  By default, labels that
        are integers in [0, K) are column indices, other labels must be K
        distinct values, column k being the k-th in sorted order.
    axis : int, optional
        Class axis of softmax outputs (default -1).
    gamma_bounds : tuple of float, optional
        Search interval of gamma (default (0, 20)).
    temperature_bounds : tuple of float, optional
        Search interval of the temperature (default (0.05, 20)).
    cv : int, optional
        Folds of ``method="auto"`` (default 5; fewer if there are fewer samples).
    random_state : int, numpy.random.Generator or None, optional
        Shuffling of the folds (default 0: reproducible).
    sum_tol : float or None, optional
        Tolerance on ``|sum - 1|`` of softmax probability rows, also passed
        to :func:`focaltheory.inverse_minimizer`.  By default (None) it is
        derived from the floating dtype of ``X`` as there:
        ``max(1e-6, 8 eps)``, i.e. 1e-6 for float64, float32 and
        non-floating input, 7.8e-3 for float16 (whose softmax rows are off
        by up to ~2e-4) and 6.3e-2 for bfloat16.

    Attributes
    ----------
    classes_ : ndarray
        The label of each column (softmax) or the column indices (sigmoid;
        [0, 1] for 1-D binary scores).
    n_features_in_ : int
        The number of columns (classes) of ``X`` seen by :meth:`fit` (1 for
        1-D sigmoid scores, whose fitted map then applies to scores of any
        shape).
    feature_names_in_ : ndarray of str
        Column names, when ``X`` had string column names (a DataFrame).
    method_ : str
        The method used (the one chosen, for ``method="auto"``).
    temperature_, gamma_ : float
        The fitted map's temperature and gamma (``temperature_ = 1`` for
        "inverse", ``gamma_ = 0`` for "temperature").
    alpha_ : float, ndarray or None
        The alpha the map uses (fitted with ``fit_alpha``).
    nll_ : float
        Mean NLL of the fit labels under the fitted map (in-sample).
    nll_at_init_ : float
        The same for the plain inverse map at the constructor's `gamma`.
    selection_ : CalibrationSelection or None
        ``method="auto"``: each candidate's cross-validated NLL, and why
        ``method_`` was chosen; None for the other methods.

    Notes
    -----
    scikit-learn semantics: the constructor stores its arguments as given;
    they are validated by :meth:`fit` and :meth:`transform`; fitted
    attributes exist only after :meth:`fit`.  With ``method="inverse"``
    nothing needs fitting, so the estimator declares ``requires_fit=False``
    in its tags: ``sklearn.utils.validation.check_is_fitted`` passes and a
    :class:`~sklearn.pipeline.Pipeline` may transform without fit; before
    fit, the constructor's `gamma` and `classes` (or column indices) are
    used.  The other methods raise ``NotFittedError`` before :meth:`fit`.

    Arrays of other array-API libraries (torch tensors, array-api-strict
    arrays, ...; through array-api-compat): :meth:`transform`,
    :meth:`predict_proba` and :meth:`fit_transform` compute the fitted map
    in that library, on the input's device, in float64 where it has it, and
    return the input's array type in its floating dtype (float32, float16
    and bfloat16 results are the float64 values rounded once); torch
    autograd differentiates them with respect to the input.  :meth:`fit`,
    :meth:`predict` and :meth:`score` copy such input to the host (detached)
    and compute in NumPy; the fitted parameters are Python floats.

    Softmax: the population minimizer of the focal-entropy satisfies
    :math:`\alpha_x P(x) g(Q(x)) = \lambda`, so
    :math:`P(x) \propto 1/(\alpha_x g(Q(x)))`
    (:func:`focaltheory.inverse_minimizer`).  Sigmoid:
    :math:`\eta = (1-\alpha) g(1-s) / (\alpha g(s) + (1-\alpha) g(1-s))`
    (:func:`focaltheory.sigmoid_posterior`).  Both maps keep the order of the
    scores (with equal class weights), so argmax and AUC are unchanged; so
    does the temperature.  Calibration is recovered only where the model
    reached the population optimum: the inverse undoes the loss, not a
    misspecified or overfitted model; the temperature absorbs a global
    over- or under-confidence.  See the calibration page of the
    documentation for the choice of ``method="auto"``.

    The NLL is minimized with :func:`scipy.optimize.minimize_scalar`
    (bounded, endpoints included) for one parameter, and from the best
    point of a coarse grid by L-BFGS-B for several.

    References
    ----------
    .. [1] N. Charoenphakdee et al., "On Focal Loss for Class-Posterior
           Probability Estimation: A Theoretical Perspective", CVPR 2021.
    .. [2] C. Guo, G. Pleiss, Y. Sun, K. Q. Weinberger, "On Calibration of
           Modern Neural Networks", ICML 2017.
    .. [3] V. Komisarenko, M. Kull, "Improving Calibration by Relating Focal
           Loss, Temperature Scaling, and Properness", ECAI 2024.

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

    # ``logits=`` is an alternative to X, not metadata to route: no set_{method}_request methods
    __metadata_request__fit = {"logits": UNUSED}
    __metadata_request__transform = {"logits": UNUSED}
    __metadata_request__predict = {"logits": UNUSED}
    __metadata_request__predict_proba = {"logits": UNUSED}
    __metadata_request__score = {"logits": UNUSED}

    def __init__(self, loss="softmax", gamma=2.0, alpha=None, *, method="inverse", input_type="probs",
                 fit_gamma=True, fit_alpha=False, classes=None, axis=-1, gamma_bounds=(0.0, 20.0),
                 temperature_bounds=(0.05, 20.0), cv=5, random_state=0, sum_tol=None):
        self.loss = loss
        self.gamma = gamma
        self.alpha = alpha
        self.method = method
        self.input_type = input_type
        self.fit_gamma = fit_gamma
        self.fit_alpha = fit_alpha
        self.classes = classes
        self.axis = axis
        self.gamma_bounds = gamma_bounds
        self.temperature_bounds = temperature_bounds
        self.cv = cv
        self.random_state = random_state
        self.sum_tol = sum_tol

    # -- state -----------------------------------------------------------------------------

    def _fitted(self):
        return hasattr(self, "method_")

    def _map(self, x_shape):
        """(temperature, gamma, alpha) of the map to apply, checking fit and the number of columns."""
        alpha = check_params(self)
        if self._fitted():
            k = n_features(x_shape, self.loss, self.axis)
            # sigmoid scores fitted as a flat vector (one class): the map is elementwise, any shape goes
            elementwise = self.loss == "sigmoid" and (self._fit_flat or len(x_shape) < 2)
            if k != self.n_features_in_ and not elementwise:
                raise ValueError(f"X has {k} features, but {type(self).__name__} is expecting "
                                 f"{self.n_features_in_} features as input.")
            return self.temperature_, self.gamma_, self.alpha_
        if self.method != "inverse":
            raise NotFittedError(f"This {type(self).__name__} instance with method={self.method!r} is not fitted "
                                 "yet: call 'fit' with held-out outputs and labels first (only method='inverse' "
                                 "works without fit)")
        return 1.0, float(self.gamma), alpha

    def _classes(self, K):
        if self._fitted():
            return self.classes_
        if self.classes is not None and self.loss == "softmax":
            return np.asarray(self.classes)
        return np.arange(K) if self.loss == "softmax" or K > 1 else np.arange(2)

    def _calibrated(self, X, logits, native=True):
        """(P, restore, shape).  With ``native``, an array of another library is mapped in that library."""
        check_params(self)
        if native and foreign_input(X, logits):
            x, is_logits, restore, shape, tol, ctx = xp_outputs(self, X, logits, self.loss, self.axis)
            t, g, a = self._map(shape)
            return apply_xp(ctx, x, is_logits, self.loss, t, g, a, tol), restore, shape
        x, is_logits, restore, _, shape, tol = outputs(self, X, logits, self.loss, self.axis)
        t, g, a = self._map(shape)
        return _apply(_Outputs(x, is_logits, self.loss, tol), t, g, a), restore, shape

    def _encode(self, x, batch, y, classes):
        if self.loss == "sigmoid":
            return sigmoid_labels(y, batch), None
        return softmax_labels(y, batch, x.shape[1], classes)

    # -- fit ---------------------------------------------------------------------------------

    @_fp_isolated
    def fit(self, X=None, y=None, *, logits=None):
        """Fit the calibration map on held-out outputs and labels by maximum likelihood.

        Parameters
        ----------
        X : array_like or array-API array, optional
            Model outputs on held-out data: probabilities (softmax rows along
            `axis`, summing to 1 within `sum_tol`; sigmoid scores in [0, 1])
            or, with ``input_type="logits"``, logits.  Arrays of other
            libraries (torch, ...) are copied to the host and the fit runs
            in NumPy float64 (the fitted parameters are Python floats).
        y : array_like
            Labels: one per row (softmax; see `classes`), or 0/1 with the
            shape of ``X`` (sigmoid).
        logits : array_like or array-API array, optional
            Logits instead of ``X`` (keyword only).  Masked arrays with masked
            entries (outputs or labels) raise TypeError.

        Returns
        -------
        self
            The fitted calibrator (see the attributes).
        """
        if y is None:
            raise ValueError(f"{type(self).__name__} requires y to be passed, but the target y is None: fit needs "
                             "held-out labels to fit the map (without them use transform)")
        alpha = check_params(self)
        x, is_logits, _, batch, shape, tol = outputs(self, X, logits, self.loss, self.axis)
        y = _host(y)
        if self.loss == "softmax" and x.shape[1] < 2:
            raise ValueError(f"the outputs have n_features = {x.shape[1]} column: calibrating softmax outputs "
                             "needs one column per class and at least 2 classes")
        if self.loss == "sigmoid" and x.ndim == 0:
            x, batch, y = x.reshape(1), (1,), np.reshape(y, 1)
        codes, classes = self._encode(x, batch, y, self.classes)
        if self.loss == "softmax" and np.unique(codes).size < 2:
            raise ValueError("y holds one class only: calibration needs held-out labels of at least two classes")
        out = _Outputs(x, is_logits, self.loss, tol)
        if self.method == "auto":
            specs = make_specs(self, alpha)
            chosen, selection = choose(out, codes, specs, int(self.cv), self.random_state)
            spec = specs[CANDIDATES.index(chosen)]
        else:
            spec, selection = make_specs(self, alpha, (self.method,))[0], None
        t, g, a, nll = _fit_params(out, codes, spec)
        src = X if logits is None else logits
        self.n_features_in_ = n_features(shape, self.loss, self.axis) if len(shape) else 1
        cols = getattr(src, "columns", None)
        if cols is not None and all(isinstance(c, str) for c in cols):
            self.feature_names_in_ = np.asarray(cols, dtype=object)
        if self.loss == "softmax":
            self.classes_ = classes
        elif self.classes is not None and x.ndim >= 2:
            self.classes_ = np.asarray(self.classes)
        else:
            self.classes_ = np.arange(self.n_features_in_) if x.ndim >= 2 else np.arange(2)
        self._fit_flat = x.ndim < 2
        self.method_, self.temperature_, self.gamma_, self.alpha_ = spec.method, t, g, a
        self.nll_ = nll
        self.nll_at_init_ = _nll(out, codes, 1.0, float(self.gamma), alpha)
        self.selection_ = selection
        return self

    # -- outputs -----------------------------------------------------------------------------

    @_fp_isolated
    def transform(self, X=None, *, logits=None):
        """Calibrated probabilities, with the shape of the input.

        Parameters
        ----------
        X : array_like or array-API array, optional
            Model outputs, as in :meth:`fit` (any batch shape; a 1-D softmax
            input is one distribution).  A torch tensor (or another
            array-API array) is mapped in its library: see the Notes.
        logits : array_like or array-API array, optional
            Logits instead (keyword only); preferred for the sigmoid loss,
            where float32 scores saturate.

        Returns
        -------
        ndarray, DataFrame or array-API array
            Posterior estimates; a DataFrame after ``set_output(transform=
            "pandas")`` (or "polars") for 2-D NumPy-side input.  For an
            array of another library: an array of that library, on its
            device, in its floating dtype (``set_output`` does not apply),
            differentiable with respect to the input.
        """
        P, restore, _ = self._calibrated(X, logits)
        out = restore(P)
        if foreign_input(X, logits):
            return out
        names = None
        if np.ndim(out) == 2:
            try:
                names = self.get_feature_names_out()
            except (NotFittedError, AttributeError):
                names = getattr(X, "columns", None)
        return wrap_output(self, out, X, names) if np.ndim(out) == 2 else out

    @_fp_isolated
    def fit_transform(self, X=None, y=None, *, logits=None):
        """:meth:`fit` (only when labels are given) then :meth:`transform`.

        Parameters
        ----------
        X : array_like or array-API array, optional
            Model outputs.
        y : array_like, optional
            Labels; without them only :meth:`transform` runs.
        logits : array_like or array-API array, optional
            Logits instead of ``X`` (keyword only).

        Returns
        -------
        ndarray, DataFrame or array-API array
            As :meth:`transform` (the fit runs in NumPy, the transform in the
            input's library).
        """
        if y is not None:
            self.fit(X, y, logits=logits)
        return self.transform(X, logits=logits)

    @_fp_isolated
    def predict_proba(self, X=None, *, logits=None):
        """Calibrated probabilities (softmax: (n, K) rows in the order of ``classes_``).

        Parameters
        ----------
        X : array_like or array-API array, optional
            Model outputs, as in :meth:`transform`.
        logits : array_like or array-API array, optional
            Logits instead of ``X`` (keyword only).

        Returns
        -------
        ndarray or array-API array
            The calibrated probabilities (never a DataFrame): an array of
            the input's library, device and floating dtype for an array of
            another library, as :meth:`transform`.
        """
        P, restore, _ = self._calibrated(X, logits)
        return restore(P)

    @_fp_isolated
    def predict(self, X=None, *, logits=None):
        """Predicted labels: the most probable class (softmax) or probability > 1/2 per class (sigmoid).

        Parameters
        ----------
        X : array_like, optional
            Model outputs, as in :meth:`fit`.
        logits : array_like, optional
            Logits instead of ``X`` (keyword only).

        Returns
        -------
        ndarray
            Softmax: one label of ``classes_`` per row.  Sigmoid: 0/1 with
            the shape of ``X``.
        """
        P, restore, shape = self._calibrated(X, logits, native=False)
        if self.loss == "sigmoid":
            return (restore(P) > 0.5).astype(np.int64)
        labels = self._classes(P.shape[1])[np.argmax(P, axis=1)]
        shape = list(shape)
        if shape:
            del shape[self.axis % len(shape)]
        return labels.reshape(shape)

    @_fp_isolated
    def score(self, X=None, y=None, *, logits=None):
        """Mean log-likelihood of the labels under the calibrated probabilities (higher is better).

        The negative of the mean negative log-likelihood in nats (sigmoid: of
        each 0/1 entry), as scikit-learn's ``neg_log_loss`` scorer, without
        its clipping (probabilities are floored at the smallest double).

        Parameters
        ----------
        X : array_like, optional
            Model outputs, as in :meth:`fit`.
        y : array_like
            Labels, as in :meth:`fit`.
        logits : array_like, optional
            Logits instead of ``X`` (keyword only).

        Returns
        -------
        float
        """
        if y is None:
            raise ValueError("score needs labels y")
        check_params(self)
        x, is_logits, _, batch, shape, tol = outputs(self, X, logits, self.loss, self.axis)
        t, g, a = self._map(shape)
        y = _host(y)
        if self.loss == "sigmoid" and x.ndim == 0:
            x, batch, y = x.reshape(1), (1,), np.reshape(y, 1)
        classes = self.classes_ if self._fitted() and self.loss == "softmax" else self.classes
        codes, _ = self._encode(x, batch, y, classes)
        return -float(_sample_losses(_Outputs(x, is_logits, self.loss, tol), codes, t, g, a).mean())

    # -- scikit-learn protocol ---------------------------------------------------------------

    @_fp_isolated
    def set_output(self, *, transform=None):
        """Set the container :meth:`transform` returns for 2-D input.

        Parameters
        ----------
        transform : {"default", "pandas", "polars"} or None, optional
            "default": ndarray (or scikit-learn's global ``transform_output``);
            "pandas" / "polars": a DataFrame whose columns are
            :meth:`get_feature_names_out`; None: unchanged.

        Returns
        -------
        self
        """
        if transform is None:
            return self
        if transform not in OUTPUTS:
            raise ValueError(f"transform must be one of {OUTPUTS} or None, got {transform!r}")
        self._sklearn_output_config = {**getattr(self, "_sklearn_output_config", {}), "transform": transform}
        return self

    @_fp_isolated
    def get_feature_names_out(self, input_features=None):
        """Names of the output columns: those of the input (one calibrated column per input column).

        Parameters
        ----------
        input_features : array_like of str or None, optional
            Input column names; by default ``feature_names_in_`` or
            ``x0, x1, ...``.

        Returns
        -------
        ndarray of str
        """
        if input_features is not None:
            names = np.asarray(input_features, dtype=object)
            if self._fitted() and names.size != self.n_features_in_:
                raise ValueError(f"input_features should have length {self.n_features_in_}, got {names.size}")
            return names
        if not self._fitted():
            raise NotFittedError("the output names are known after fit, or pass input_features")
        if hasattr(self, "feature_names_in_"):
            return self.feature_names_in_.copy()
        return np.asarray([f"x{i}" for i in range(self.n_features_in_)], dtype=object)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.requires_fit = self.method != "inverse"
        sigmoid = self.loss == "sigmoid"
        tags.target_tags.required = True
        tags.target_tags.multi_output = sigmoid
        tags.target_tags.single_output = not sigmoid
        tags.classifier_tags.multi_label = sigmoid
        tags.input_tags.positive_only = self.input_type == "probs"
        return tags


if not HAVE_SKLEARN:  # pragma: no cover - the protocol's tags need scikit-learn's Tags
    del FocalCalibrator.__sklearn_tags__
