r"""Calibration metrics for probabilistic classifiers: ``focaltheory.metrics``.

Multiclass predictions are (N, K) arrays of probability rows with integer
labels in ``[0, K)``; binary predictions are (N,) scores of the positive
class with 0/1 labels.  Every function validates its inputs at the top
(ValueError or TypeError naming the argument) and computes in float64.

* :func:`expected_calibration_error` -- top-label or classwise ECE, with
  equal-width or equal-mass bins and the l1, l2 or max norm;
* :func:`reliability_diagram` -- the binned statistics behind it, a
  :class:`ReliabilityDiagram`, and :func:`plot_reliability_diagram` to draw
  them (matplotlib: ``pip install "focaltheory[plot]"``);
* :func:`negative_log_likelihood` and :func:`brier_score` -- proper scoring
  rules, through scikit-learn (``pip install "focaltheory[sklearn]"``).

Definitions, bins and examples: the metrics page of the documentation
(docs/metrics.md).  A focal-trained model's probabilities are
under-confident; :class:`focaltheory.FocalCalibrator` maps them back, and
these metrics measure the result.
"""

from ._plot import plot_reliability_diagram
from ._reliability import ReliabilityDiagram, expected_calibration_error, reliability_diagram
from ._scores import brier_score, negative_log_likelihood

__all__ = [
    "expected_calibration_error", "reliability_diagram", "ReliabilityDiagram",
    "plot_reliability_diagram", "negative_log_likelihood", "brier_score",
]
