"""``calibration_report``: raw, inverse, temperature and focal-temperature scaling compared on held-out data."""

import dataclasses

import numpy as np

from .._fpstate import _fp_isolated
from ._select import _readonly, folds, format_table

__all__ = ["CalibrationReport", "calibration_report"]

METRICS = ("ece", "nll", "brier")


@dataclasses.dataclass(frozen=True)
class CalibrationReport:
    """The result of :func:`calibration_report`: a table of methods x metrics and a recommendation.

    Attributes
    ----------
    methods : tuple of str
        The rows: "raw" (the outputs as given), "inverse", "temperature",
        "focal-temperature", "isotonic" (when scikit-learn is installed and
        asked for), "auto" (``FocalCalibrator(method="auto")``, for comparison).
    metrics : tuple of str
        The columns: "ece" (top-label, equal-width bins; for the sigmoid loss
        of all per-class scores), "nll" (nats), "brier".
    values : ndarray
        Read-only, shape (len(methods), len(metrics)).
    nll_se : ndarray
        Standard error of each method's NLL difference to the lowest
        (paired over samples).
    params : tuple of dict
        Per method, the fitted ``temperature`` and ``gamma`` on each half
        (lists of two), empty for "raw" and "isotonic".
    recommended : str
        The method to use.
    reason : str
        Why, in one sentence.
    n_samples : int
        Held-out samples; each is predicted by a map fitted on the other half.
    """

    methods: tuple
    metrics: tuple
    values: np.ndarray
    nll_se: np.ndarray
    params: tuple
    recommended: str
    reason: str
    n_samples: int

    def __getitem__(self, method):
        """The metrics of one method, as a dict."""
        i = self.methods.index(method)
        return {m: float(v) for m, v in zip(self.metrics, self.values[i])}

    def to_dict(self):
        """The report as plain Python values (for JSON)."""
        return {"methods": list(self.methods), "metrics": list(self.metrics),
                "table": {m: self[m] for m in self.methods}, "nll_se": [float(v) for v in self.nll_se],
                "params": [dict(p) for p in self.params], "recommended": self.recommended,
                "reason": self.reason, "n_samples": self.n_samples}

    def __str__(self):
        table = format_table(self.methods, self.metrics, [[float(v) for v in row] for row in self.values])
        return f"{table}\nrecommended: {self.recommended} ({self.reason})"


def _isotonic(train_p, train_y, test_p, loss):
    """One-vs-rest isotonic regression (rows renormalized for the softmax loss)."""
    from sklearn.isotonic import IsotonicRegression

    if loss == "sigmoid":
        tp, ty, sp = train_p.reshape(train_p.shape[0], -1), train_y.reshape(train_y.shape[0], -1), \
            test_p.reshape(test_p.shape[0], -1)
        out = np.column_stack([IsotonicRegression(y_min=0, y_max=1, out_of_bounds="clip")
                               .fit(tp[:, k], ty[:, k]).predict(sp[:, k]) for k in range(tp.shape[1])])
        return out.reshape(test_p.shape)
    K = train_p.shape[1]
    out = np.column_stack([IsotonicRegression(y_min=0, y_max=1, out_of_bounds="clip")
                           .fit(train_p[:, k], (train_y == k).astype(float)).predict(test_p[:, k])
                           for k in range(K)])
    s = out.sum(axis=1, keepdims=True)
    return np.where(s > 0, out / np.where(s > 0, s, 1), 1.0 / K)


def _metrics(P, y, loss, n_bins):
    from ..metrics import brier_score, expected_calibration_error, negative_log_likelihood

    if loss == "sigmoid":
        P, y = P.ravel(), y.ravel()
    else:
        P = P / P.sum(axis=1, keepdims=True)
    return (expected_calibration_error(P, y, n_bins), negative_log_likelihood(P, y), brier_score(P, y))


def _sample_nll(P, y, loss):
    tiny = np.finfo(np.float64).tiny
    if loss == "sigmoid":
        ll = np.where(y == 1, np.log(np.maximum(P, tiny)), np.log(np.maximum(1 - P, tiny)))
        return -ll.reshape(ll.shape[0], -1).mean(axis=1)
    return -np.log(np.maximum(P[np.arange(len(y)), y], tiny))


@_fp_isolated
def calibration_report(outputs=None, y=None, *, logits=None, loss="softmax", gamma=2.0, alpha=None,
                       fit_gamma=False, n_bins=15, isotonic=True, auto=True, random_state=0, sum_tol=None):
    """Compare raw outputs, the inverse map, temperature and focal temperature scaling on held-out data.

    The held-out set is split in two halves (stratified by label); every
    method is fitted on one half and evaluated on the other, and the other
    way round (cross-fitting), so each sample is scored by a map that did
    not see it.  The metrics are computed on these out-of-sample
    probabilities by :mod:`focaltheory.metrics`.

    Parameters
    ----------
    outputs : array_like, optional
        Held-out model outputs: softmax probability rows (n, K) or sigmoid
        scores (any shape, 2-D (n, K) for several classes).
    y : array_like
        Labels: class indices in [0, K) (softmax) or 0/1 with the shape of
        the scores (sigmoid).
    logits : array_like, optional
        Logits instead of `outputs` (keyword only).
    loss : {"softmax", "sigmoid"}, optional
        The training loss.
    gamma : float, optional
        The training gamma (default 2; 0 for cross-entropy).
    alpha : float, array_like or None, optional
        The training alpha, as for :class:`FocalCalibrator`.
    fit_gamma : bool, optional
        Estimate gamma too in "inverse" and "focal-temperature" (default
        False: the training gamma is known).
    n_bins : int, optional
        Bins of the ECE (default 15, equal width).
    isotonic : bool, optional
        Add one-vs-rest isotonic regression (needs scikit-learn; default True).
    auto : bool, optional
        Add ``FocalCalibrator(method="auto")`` as a row (default True).
    random_state : int or None, optional
        The split (default 0).
    sum_tol : float or None, optional
        Tolerance on the row sums of softmax `outputs`, as for
        :class:`FocalCalibrator` (default: ``max(1e-6, 8 eps)`` of the input's
        dtype).

    Returns
    -------
    CalibrationReport
        The table, the recommended method and the reason; ``print(report)``
        prints the table.

    Notes
    -----
    The recommendation is the simplest method (in the order raw, inverse,
    temperature, focal-temperature, isotonic) whose out-of-sample NLL is
    within one standard error of the lowest: the NLL is a proper scoring
    rule, and the ECE, which depends on the bins and is noisy, is reported
    but not used to choose.  The "auto" row shows what
    ``FocalCalibrator(method="auto")`` gives; it is not a candidate.

    Examples
    --------
    >>> import numpy as np
    >>> from focaltheory import minimizer, calibration_report
    >>> rng = np.random.default_rng(0)
    >>> P = rng.dirichlet(np.ones(3), size=2000)
    >>> y = (P.cumsum(axis=1) < rng.uniform(size=(2000, 1))).sum(axis=1).clip(max=2)
    >>> report = calibration_report(minimizer(P, 2.0).q, y, gamma=2.0, auto=False)
    >>> report.recommended
    'inverse'
    >>> report["inverse"]["nll"] < report["raw"]["nll"]
    True
    """
    from ._estimator import FocalCalibrator
    from ._maps import _softmax

    if y is None:
        raise ValueError("calibration_report needs the held-out labels y")
    base = FocalCalibrator(loss, gamma, alpha, fit_gamma=fit_gamma, random_state=random_state, sum_tol=sum_tol)
    # validation of the inputs (messages naming them), on the whole set
    FocalCalibrator(loss, gamma, alpha, fit_gamma=False, sum_tol=sum_tol).fit(outputs, y, logits=logits)
    is_logits = logits is not None
    x = np.asarray(logits if is_logits else outputs, dtype=np.float64)
    if loss == "softmax" and x.ndim != 2:
        raise ValueError(f"calibration_report takes (n, K) softmax outputs, got shape {x.shape}")
    yy = np.asarray(y)
    if loss == "softmax":
        from ._inputs import softmax_labels

        codes, _ = softmax_labels(yy, x.shape[:1], x.shape[1], None)
    else:
        codes = yy.astype(np.int64)
    if is_logits:
        raw = _softmax(x) if loss == "softmax" else 1 / (1 + np.exp(-np.clip(x, -745, 745)))
    else:
        raw = x
    half = folds(x.shape[0], codes if loss == "softmax" else None, 2, random_state) if x.shape[0] >= 4 else None
    methods = ["raw", "inverse", "temperature", "focal-temperature"]
    have_sklearn = True
    try:
        import sklearn  # noqa: F401
    except ImportError:
        have_sklearn = False
    if isotonic and have_sklearn:
        methods.append("isotonic")
    if auto:
        methods.append("auto")
    preds = {m: np.empty_like(raw) for m in methods}
    params = {m: {"temperature": [], "gamma": []} for m in methods if m not in ("raw", "isotonic")}
    if x.shape[0] < 4:
        raise ValueError(f"calibration_report needs at least 4 held-out samples, got n_samples={x.shape[0]}")
    for h in (0, 1):
        fit, ev = half != h, half == h
        kw = {"logits": x[fit]} if is_logits else {"X": x[fit]}
        kw_ev = {"logits": x[ev]} if is_logits else {"X": x[ev]}
        for m in methods:
            if m == "raw":
                preds[m][ev] = raw[ev]
            elif m == "isotonic":
                preds[m][ev] = _isotonic(raw[fit], codes[fit], raw[ev], loss)
            else:
                cal = FocalCalibrator(**{**base.get_params(), "method": m}).fit(y=yy[fit], **kw)
                preds[m][ev] = cal.predict_proba(**kw_ev)
                params[m]["temperature"].append(cal.temperature_)
                params[m]["gamma"].append(cal.gamma_)
                if m == "auto":
                    params[m].setdefault("chosen", []).append(cal.method_)
    values = np.array([_metrics(preds[m], codes, loss, n_bins) for m in methods])
    losses = np.array([_sample_nll(preds[m], codes, loss) for m in methods])
    cands = [i for i, m in enumerate(methods) if m != "auto"]
    nll = losses.mean(axis=1)
    best = min(cands, key=lambda i: nll[i])
    diff = losses - losses[best]
    se = diff.std(axis=1, ddof=1) / np.sqrt(losses.shape[1])
    pick = next(i for i in cands if nll[i] - nll[best] <= se[i])
    ece = values[:, 0]
    if pick == best:
        reason = (f"lowest out-of-sample NLL ({nll[best]:.4f}; ECE {ece[best]:.4f}, raw {ece[0]:.4f}) "
                  f"on {x.shape[0]} held-out samples, cross-fitted on halves")
    else:
        reason = (f"out-of-sample NLL {nll[pick]:.4f} within one standard error ({se[pick]:.2g}) of the lowest, "
                  f"{nll[best]:.4f} ({methods[best]}), and simpler (ECE {ece[pick]:.4f})")
    return CalibrationReport(methods=tuple(methods), metrics=METRICS, values=_readonly(values),
                             nll_se=_readonly(se), params=tuple(params.get(m, {}) for m in methods),
                             recommended=methods[pick], reason=reason, n_samples=int(x.shape[0]))
