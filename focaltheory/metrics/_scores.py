"""Proper scoring rules: the negative log-likelihood and the Brier score (via scikit-learn)."""

import inspect

import numpy as np

from ._inputs import _inputs

__all__ = ["negative_log_likelihood", "brier_score"]


def _sklearn_metrics():
    try:
        import sklearn.metrics
    except ImportError:
        raise ImportError('this metric uses scikit-learn, which is not installed: '
                          'pip install "focaltheory[sklearn]"') from None
    return sklearn.metrics


def _sklearn_multiclass_brier():
    """True when sklearn.metrics.brier_score_loss takes (N, K) input (scikit-learn >= 1.7)."""
    return "scale_by_half" in inspect.signature(_sklearn_metrics().brier_score_loss).parameters


def _brier_multiclass(p, labels):
    """Mean over samples of sum_k (p_k - 1[y = k])**2, in numpy."""
    d = p.copy()
    d[np.arange(p.shape[0]), labels] -= 1.0
    return float(np.mean(np.sum(d * d, axis=1)))


def negative_log_likelihood(probs, y, *, atol=None):
    r"""Mean negative log-likelihood (log loss) of the labels, in nats.

    .. math::

        \mathrm{NLL} = -\frac{1}{N} \sum_{i=1}^N \log p_{i, y_i},

    computed by ``sklearn.metrics.log_loss`` with ``labels=range(K)`` (so a
    class absent from `y` is still a column): probabilities are clipped to
    ``[eps, 1 - eps]``, eps = 2.2e-16 (the computation is in float64), so a
    zero probability on the label costs ``-log(eps) = 36.04`` instead of inf.

    Parameters
    ----------
    probs : array_like, shape (N, K) or (N,)
        Probability rows (nonnegative, summing to 1 within `atol`; divided by
        their sums, so that every scikit-learn version computes the same value
        and none warns), or binary scores of the positive class in [0, 1].
    y : array_like of int, shape (N,)
        Class labels in ``[0, K)`` (binary: 0 or 1).
    atol : float or None, optional
        Tolerance on the row sums (see :func:`reliability_diagram`).

    Returns
    -------
    float

    Raises
    ------
    ImportError
        If scikit-learn is not installed (``pip install "focaltheory[sklearn]"``).

    Examples
    --------
    >>> from focaltheory.metrics import negative_log_likelihood
    >>> round(negative_log_likelihood([[0.5, 0.5], [0.2, 0.8]], [0, 1]), 6)   # -(log .5 + log .8)/2
    0.458145
    """
    p, labels, binary = _inputs(probs, y, atol, normalize=True)
    metrics = _sklearn_metrics()
    k = 2 if binary else p.shape[1]
    return float(metrics.log_loss(labels, p, labels=np.arange(k)))


def brier_score(probs, y, *, atol=None):
    r"""Brier score: mean squared distance between the predictions and the one-hot labels.

    For probability rows (2-D `probs`), Brier's original multiclass score

    .. math::

        \mathrm{BS} = \frac{1}{N} \sum_{i=1}^N \sum_{k=1}^K (p_{ik} - 1[y_i = k])^2
        \in [0, 2],

    summed over classes, not averaged and not halved.  For binary scores
    (1-D `probs`), the mean squared error of the positive-class score,
    :math:`\frac{1}{N}\sum_i (p_i - y_i)^2 \in [0, 1]`, as
    ``sklearn.metrics.brier_score_loss`` defines it; that is half the 2-D
    score of the rows ``[1 - p, p]``.

    Computed by ``sklearn.metrics.brier_score_loss`` (with ``labels=range(K)``
    and, for 2-D input, ``scale_by_half=False``).  scikit-learn before 1.7
    has no multiclass Brier score; with it, the 2-D score is computed here
    from the formula above.

    Parameters
    ----------
    probs : array_like, shape (N, K) or (N,)
        Probability rows (nonnegative, summing to 1 within `atol`; divided by
        their sums, so that every scikit-learn version computes the same value
        and none warns), or binary scores of the positive class in [0, 1].
    y : array_like of int, shape (N,)
        Class labels in ``[0, K)`` (binary: 0 or 1).
    atol : float or None, optional
        Tolerance on the row sums (see :func:`reliability_diagram`).

    Returns
    -------
    float

    Raises
    ------
    ImportError
        If scikit-learn is not installed (``pip install "focaltheory[sklearn]"``).

    References
    ----------
    .. [1] G. W. Brier, "Verification of forecasts expressed in terms of
           probability", Monthly Weather Review 78(1), 1950.

    Examples
    --------
    >>> from focaltheory.metrics import brier_score
    >>> round(brier_score([[0.5, 0.5], [0.2, 0.8]], [0, 1]), 12)   # (0.5 + 0.08) / 2
    0.29
    >>> round(brier_score([0.5, 0.8], [0, 1]), 12)                 # (0.25 + 0.04) / 2
    0.145
    """
    p, labels, binary = _inputs(probs, y, atol, normalize=True)
    metrics = _sklearn_metrics()
    if binary:
        return float(metrics.brier_score_loss(labels, p, pos_label=1))
    if not _sklearn_multiclass_brier():
        return _brier_multiclass(p, labels)
    return float(metrics.brier_score_loss(labels, p, labels=np.arange(p.shape[1]),
                                          scale_by_half=False))
