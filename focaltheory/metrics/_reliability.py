"""Binned calibration: the reliability diagram and the expected calibration error."""

from dataclasses import dataclass

import numpy as np

from ._inputs import KINDS, NORMS, STRATEGIES, _as_two_columns, _choice, _inputs, _n_bins

__all__ = ["ReliabilityDiagram", "reliability_diagram", "expected_calibration_error"]


def _readonly(a):
    a = np.ascontiguousarray(a)
    a.setflags(write=False)
    return a


@dataclass(frozen=True)
class ReliabilityDiagram:
    r"""The binned statistics behind a reliability diagram (read-only arrays).

    Returned by :func:`reliability_diagram`.  For ``kind="top-label"`` every
    array has one row (shape ``(n_bins,)``, edges ``(n_bins + 1,)``); for
    ``kind="classwise"`` one row per class (shape ``(K, n_bins)``, edges
    ``(K, n_bins + 1)``), row ``k`` binning the probabilities of class ``k``.

    Attributes
    ----------
    kind : str
        ``"top-label"`` or ``"classwise"``.
    strategy : str
        ``"uniform"`` or ``"quantile"``.
    edges : ndarray
        Bin edges, nondecreasing, first 0 and last 1.  Bin ``b`` is
        ``(edges[b], edges[b + 1]]``, the first one ``[0, edges[1]]``.
    centers : ndarray
        Midpoints of the bins, ``(edges[b] + edges[b + 1]) / 2``.
    confidence : ndarray
        Mean predicted probability in each bin (top-label: the mean
        confidence); NaN in an empty bin.
    frequency : ndarray
        Observed frequency in each bin (top-label: the accuracy, the fraction
        of samples whose predicted class is the label; classwise: the fraction
        whose label is the class); NaN in an empty bin.
    counts : ndarray of int64
        Number of samples in each bin; each row sums to the number of samples.
    """

    kind: str
    strategy: str
    edges: np.ndarray
    centers: np.ndarray
    confidence: np.ndarray
    frequency: np.ndarray
    counts: np.ndarray

    def calibration_error(self, norm="l1"):
        r"""The calibration error of these bins (see :func:`expected_calibration_error`).

        Parameters
        ----------
        norm : {"l1", "l2", "max"}, optional
            ``"l1"``: :math:`\sum_b w_b |f_b - c_b|`, ``"l2"``:
            :math:`(\sum_b w_b (f_b - c_b)^2)^{1/2}`, ``"max"``: :math:`\max_b
            |f_b - c_b|` over the nonempty bins, with :math:`w_b` the fraction
            of samples in bin :math:`b`.  Classwise: the mean over classes.

        Returns
        -------
        float
        """
        _choice(norm, "norm", NORMS)
        counts = self.counts
        full = counts > 0
        w = counts / counts.sum(axis=-1, keepdims=True)
        gap = np.abs(np.where(full, self.frequency - self.confidence, 0.0))  # 0 in empty bins
        if norm == "l1":
            per = np.sum(w * gap, axis=-1)
        elif norm == "l2":
            per = np.sqrt(np.sum(w * gap * gap, axis=-1))
        else:
            per = np.max(gap, axis=-1)
        return float(np.mean(per))


def _bins(s, n_bins, strategy):
    """Edges over [0, 1] and the bin index of every score (right-closed bins)."""
    if strategy == "uniform":
        edges = np.linspace(0.0, 1.0, n_bins + 1)
    else:  # equal mass: the scores' quantiles, as sklearn.calibration.calibration_curve
        edges = np.percentile(s, np.linspace(0.0, 1.0, n_bins + 1) * 100)
        edges[0], edges[-1] = 0.0, 1.0
    return edges, np.searchsorted(edges[1:-1], s, side="left")


def _binned(s, hit, n_bins, strategy):
    edges, ids = _bins(s, n_bins, strategy)
    counts = np.bincount(ids, minlength=n_bins)
    sums = np.bincount(ids, weights=s, minlength=n_bins)
    hits = np.bincount(ids, weights=hit, minlength=n_bins)
    return edges, counts, sums, hits


def reliability_diagram(probs, y, n_bins=15, *, strategy="uniform", kind="top-label", atol=None):
    r"""Bin predictions by probability and compare with observed frequencies.

    Parameters
    ----------
    probs : array_like, shape (N, K) or (N,)
        Predicted probabilities, one distribution per row (nonnegative,
        summing to 1 within `atol`; binned as given, not renormalized), or,
        1-D, binary scores of the positive class in [0, 1], read as the rows
        ``[1 - p, p]``.
    y : array_like of int, shape (N,)
        Class labels in ``[0, K)`` (binary: 0 or 1).  Integral floats are
        accepted.
    n_bins : int, optional
        Number of bins (default 15), at least 1.
    strategy : {"uniform", "quantile"}, optional
        ``"uniform"``: equal-width bins, edges ``numpy.linspace(0, 1, n_bins +
        1)``.  ``"quantile"``: equal-mass bins, interior edges the
        ``numpy.percentile`` (linear interpolation) of the binned scores at
        ``100 b / n_bins``, outer edges 0 and 1.
    kind : {"top-label", "classwise"}, optional
        ``"top-label"``: bin the confidence :math:`\max_k p_k` of each sample
        and compare it with the accuracy (the predicted class ``argmax``, the
        first one on ties, equals the label).  ``"classwise"``: for each class
        ``k``, bin :math:`p_k` of every sample and compare it with the
        frequency of label ``k``.
    atol : float or None, optional
        Tolerance on the row sums of a 2-D `probs`: ``abs(sum - 1) <= atol``.
        None (default): ``max(1e-6, 4 * K * eps)``, with ``eps`` the machine
        epsilon of `probs`' dtype (float64's for integer input): a softmax
        computed in that precision sums to 1 within about ``K * eps``; 4 is a
        safety factor, 1e-6 a floor for double data computed in single
        precision (1e-6 for float64 and for float32 up to K = 2, 3.9e-2 for
        float16 with K = 10).

    Returns
    -------
    ReliabilityDiagram
        Edges, centers, mean confidence, frequency and counts of every bin.

    Notes
    -----
    Bins are right-closed, ``(e_b, e_{b+1}]``, the first one ``[0, e_1]``
    (Guo et al., 2017), so a score equal to an interior edge falls in the bin
    to its left; this is the assignment of
    ``sklearn.calibration.calibration_curve``, whose (nonempty) bins these
    are for the positive class of binary scores (``kind="classwise"``, row 1).
    Quantile edges of tied scores coincide; the bins between them are empty
    and every tied score lies in the bin to the left of the coincident edges,
    so fewer than `n_bins` bins may be occupied.  With distinct scores the
    quantile counts are equal when `n_bins` divides N, and differ by at most
    one when N - 1 and `n_bins` are coprime; otherwise an interior edge may
    fall exactly on a score, and the rounding of ``numpy.percentile`` decides
    its side.  Empty bins have count 0 and NaN means.

    Examples
    --------
    >>> import numpy as np
    >>> from focaltheory.metrics import reliability_diagram
    >>> probs = np.array([[0.9, 0.1], [0.8, 0.2], [0.3, 0.7], [0.6, 0.4]])
    >>> d = reliability_diagram(probs, [0, 1, 1, 0], n_bins=2)
    >>> d.edges
    array([0. , 0.5, 1. ])
    >>> d.counts, d.confidence, d.frequency
    (array([0, 4]), array([ nan, 0.75]), array([ nan, 0.75]))
    """
    p, labels, binary = _inputs(probs, y, atol, normalize=False)
    n_bins = _n_bins(n_bins)
    _choice(strategy, "strategy", STRATEGIES)
    _choice(kind, "kind", KINDS)
    p = _as_two_columns(p, binary)
    if kind == "top-label":
        rows = [(p.max(axis=1), (p.argmax(axis=1) == labels).astype(np.float64))]
    else:
        rows = [(p[:, k], (labels == k).astype(np.float64)) for k in range(p.shape[1])]
    binned = [_binned(s, hit, n_bins, strategy) for s, hit in rows]
    edges, counts, sums, hits = (np.array([b[i] for b in binned]) for i in range(4))
    full = counts > 0
    confidence = np.divide(sums, counts, out=np.full(sums.shape, np.nan), where=full)
    frequency = np.divide(hits, counts, out=np.full(hits.shape, np.nan), where=full)
    centers = 0.5 * (edges[:, 1:] + edges[:, :-1])
    if kind == "top-label":
        edges, centers, confidence, frequency, counts = (
            a[0] for a in (edges, centers, confidence, frequency, counts))
    return ReliabilityDiagram(kind, strategy, _readonly(edges), _readonly(centers),
                              _readonly(confidence), _readonly(frequency),
                              _readonly(counts.astype(np.int64)))


def expected_calibration_error(probs, y, n_bins=15, *, strategy="uniform", kind="top-label",
                               norm="l1", atol=None):
    r"""Expected calibration error (ECE) of predicted probabilities.

    The samples are binned by a predicted probability (see
    :func:`reliability_diagram` for the bins, the inputs and `atol`); with
    :math:`n_b` samples in bin :math:`b` out of :math:`N`, mean predicted
    probability :math:`c_b` and observed frequency :math:`f_b`,

    .. math::

        \mathrm{ECE}_1 = \sum_b \frac{n_b}{N} |f_b - c_b|, \qquad
        \mathrm{ECE}_2 = \Big(\sum_b \frac{n_b}{N} (f_b - c_b)^2\Big)^{1/2}, \qquad
        \mathrm{MCE} = \max_{b:\, n_b > 0} |f_b - c_b|.

    Empty bins have weight 0 (and are left out of the maximum).

    Parameters
    ----------
    probs : array_like, shape (N, K) or (N,)
        Probability rows, or binary scores of the positive class.
    y : array_like of int, shape (N,)
        Class labels in ``[0, K)``.
    n_bins : int, optional
        Number of bins (default 15).
    strategy : {"uniform", "quantile"}, optional
        Equal-width (default) or equal-mass bins.
    kind : {"top-label", "classwise"}, optional
        ``"top-label"`` (default; Guo et al., 2017): :math:`c_b` is the mean
        confidence :math:`\max_k p_k`, :math:`f_b` the accuracy.
        ``"classwise"`` (Kull et al., 2019): the mean over the K classes
        (absent ones included) of the calibration error of class ``k``, whose
        bins hold :math:`p_k` of all N samples and :math:`f_b` the frequency
        of label ``k``.
    norm : {"l1", "l2", "max"}, optional
        ``"l1"`` (default): the ECE; ``"l2"``: the root-mean-square
        calibration error; ``"max"``: the maximum calibration error (MCE,
        Naeini et al., 2015).  Classwise, the norm is taken per class, then
        averaged.
    atol : float or None, optional
        Tolerance on the row sums (see :func:`reliability_diagram`).

    Returns
    -------
    float
        In [0, 1]; 0 for perfectly calibrated bins.

    See Also
    --------
    reliability_diagram : the binned statistics, per bin.

    References
    ----------
    .. [1] C. Guo, G. Pleiss, Y. Sun, K. Q. Weinberger, "On Calibration of
           Modern Neural Networks", ICML 2017.
    .. [2] M. Kull, M. Perello-Nieto, M. Kängsepp, T. Silva Filho, H. Song,
           P. Flach, "Beyond temperature scaling: Obtaining well-calibrated
           multiclass probabilities with Dirichlet calibration", NeurIPS 2019.
    .. [3] M. P. Naeini, G. F. Cooper, M. Hauskrecht, "Obtaining Well
           Calibrated Probabilities Using Bayesian Binning", AAAI 2015.

    Examples
    --------
    >>> import numpy as np
    >>> from focaltheory.metrics import expected_calibration_error
    >>> probs = np.array([[0.9, 0.1], [0.8, 0.2], [0.3, 0.7], [0.6, 0.4]])
    >>> y = [0, 1, 1, 0]
    >>> # bins (0.4, 0.6], (0.6, 0.8], (0.8, 1]: 1/4 |1 - 0.6| + 2/4 |0.5 - 0.75| + 1/4 |1 - 0.9|
    >>> round(expected_calibration_error(probs, y, n_bins=5), 12)
    0.25
    >>> round(expected_calibration_error(probs, y, n_bins=5, kind="classwise"), 12)
    0.375
    """
    _choice(norm, "norm", NORMS)
    d = reliability_diagram(probs, y, n_bins, strategy=strategy, kind=kind, atol=atol)
    return d.calibration_error(norm)
