"""The reliability diagram drawn with matplotlib (imported only when drawing)."""

import numbers

import numpy as np

from ._reliability import ReliabilityDiagram, reliability_diagram

__all__ = ["plot_reliability_diagram"]


def _pyplot():
    try:
        import matplotlib.pyplot as plt
    except ImportError:
        raise ImportError('plotting uses matplotlib, which is not installed: '
                          'pip install "focaltheory[plot]"') from None
    return plt


def plot_reliability_diagram(data_or_probs, y=None, ax=None, *, n_bins=15, strategy="uniform",
                             kind="top-label", class_index=None, show_gap=True, atol=None):
    """Draw a reliability diagram: observed frequency per bin against the diagonal.

    One bar per nonempty bin, spanning the bin, of height the observed
    frequency (top-label: the accuracy); with `show_gap`, a second bar per
    nonempty bin spans from the frequency to the mean confidence; the dashed
    diagonal is perfect calibration.  The title gives the ECE (l1).

    Parameters
    ----------
    data_or_probs : ReliabilityDiagram or array_like
        Binned statistics from :func:`reliability_diagram`, or probabilities
        (then `y` is required and binned with `n_bins`, `strategy`, `kind`,
        `atol`, as in :func:`reliability_diagram`).
    y : array_like of int, optional
        Class labels, with probabilities only.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure (``matplotlib.pyplot.subplots``) if None.
    n_bins, strategy, kind, atol : optional
        Binning of probabilities (see :func:`reliability_diagram`).
    class_index : int, optional
        The class drawn from classwise statistics; default 1 for two classes
        (the positive class of binary scores), required otherwise.
    show_gap : bool, optional
        Draw the gap bars (default True).

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on; ``ax.containers[0]`` holds the frequency bars,
        ``ax.containers[1]`` the gap bars.

    Raises
    ------
    ImportError
        If matplotlib is not installed (``pip install "focaltheory[plot]"``).
    """
    if isinstance(data_or_probs, ReliabilityDiagram):
        if y is not None:
            raise TypeError("y must be None when data_or_probs is a ReliabilityDiagram")
        d = data_or_probs
    else:
        if y is None:
            raise TypeError("y (the labels) is required when data_or_probs holds probabilities")
        d = reliability_diagram(data_or_probs, y, n_bins, strategy=strategy, kind=kind, atol=atol)
    edges, conf, freq, counts = d.edges, d.confidence, d.frequency, d.counts
    label = "accuracy"
    if d.kind == "classwise":
        n_classes = d.counts.shape[0]
        if class_index is None:
            if n_classes != 2:
                raise ValueError(f"class_index is required for classwise statistics of {n_classes} classes")
            class_index = 1
        if isinstance(class_index, (bool, np.bool_)) or not isinstance(class_index, numbers.Integral):
            raise TypeError(f"class_index must be an integer, got {type(class_index).__name__}")
        if not 0 <= class_index < n_classes:
            raise ValueError(f"class_index must lie in [0, {n_classes - 1}], got {int(class_index)}")
        k = int(class_index)
        edges, conf, freq, counts = edges[k], conf[k], freq[k], counts[k]
        label = f"frequency of class {k}"
    elif class_index is not None:
        raise ValueError("class_index applies to classwise statistics only")
    if not isinstance(show_gap, (bool, np.bool_)):
        raise TypeError(f"show_gap must be a bool, got {type(show_gap).__name__}")

    plt = _pyplot()
    if ax is None:
        _, ax = plt.subplots()
    full = counts > 0
    left, width = edges[:-1][full], np.diff(edges)[full]
    ax.bar(left, freq[full], width=width, align="edge", edgecolor="black", color="tab:blue",
           label=label)
    if show_gap:
        ax.bar(left, conf[full] - freq[full], bottom=freq[full], width=width, align="edge",
               edgecolor="tab:red", color="tab:red", alpha=0.3, hatch="//", label="gap to confidence")
    ax.plot([0, 1], [0, 1], linestyle="--", color="gray", label="perfect calibration")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_xlabel("confidence" if d.kind == "top-label" else f"predicted probability of class {k}")
    ax.set_ylabel(label)
    w = counts / counts.sum()
    ece = float(np.sum(w[full] * np.abs(freq[full] - conf[full])))
    ax.set_title(f"{d.kind} reliability ({d.strategy} bins), ECE = {ece:.4f}")
    ax.legend(loc="upper left")
    return ax
