r"""Turn focal-loss-trained scores into probabilities: :class:`FocalCalibrator`, :func:`calibration_report`.

A model trained with the focal loss does not output the class posterior: at
the population optimum it outputs the focal minimizer of the posterior (the
softmax minimizer Q*(P) or, for the sigmoid loss of detectors, the per-class
score s*(eta)).  Both maps are invertible in closed form, so the posterior is
recovered without any fitting.  A real model is also over- or
under-confident for other reasons; :class:`FocalCalibrator` then fits a
temperature (and, if unknown, gamma) on held-out labels, and
:func:`calibration_report` compares the options on held-out data.

scikit-learn is optional: with it, :class:`FocalCalibrator` is a
scikit-learn estimator (imported with this module, never by
``import focaltheory``); the report's metrics need it.  Torch tensors and
other array-API arrays are calibrated in their own library (on their
device, in their dtype, differentiably); the fit runs in NumPy on the host.

References
----------
.. [1] N. Charoenphakdee, J. Vongkulbhisal, N. Chairatanakul, M. Sugiyama,
       "On Focal Loss for Class-Posterior Probability Estimation: A
       Theoretical Perspective", CVPR 2021.
.. [2] J. Mukhoti et al., "Calibrating Deep Neural Networks using Focal
       Loss", NeurIPS 2020.
.. [3] T.-Y. Lin et al., "Focal Loss for Dense Object Detection", ICCV 2017.
.. [4] V. Komisarenko, M. Kull, "Improving Calibration by Relating Focal
       Loss, Temperature Scaling, and Properness", ECAI 2024.
.. [5] J. Shah, M. Cardone, A. Dytso, "Functional Properties of the
       Focal-Entropy", AISTATS 2026, arXiv:2603.02533.
"""

from ._estimator import FocalCalibrator
from ._report import CalibrationReport, calibration_report
from ._select import CalibrationSelection

__all__ = ["FocalCalibrator", "calibration_report", "CalibrationReport", "CalibrationSelection"]
