"""focaltheory: the theory of the focal loss, made computable.

The focal loss l(q) = -(1-q)**gamma * log(q) is not minimized by the data
distribution.  This package computes the focal-entropy H_g(P, Q), its unique
minimizer Q* over the simplex (exactly, for batches of millions of
distributions), the closed-form inverse map Q* -> P, and tools to check the
theory around them.
"""

__version__ = "0.1.0"

from .design import alpha_for_rare_score, gamma_for_rare_score
from .inverse import inverse_minimizer
from .logits import focal_loss_grad_logits, focal_loss_hvp_logits
from .loss import focal_entropy, focal_loss
from .regimes import gamma_for_threshold, over_suppression, regimes, threshold
from .sigmoid import (
    SigmoidMinimizerResult,
    sigmoid_focal_risk,
    sigmoid_minimizer,
    sigmoid_posterior,
    sigmoid_posterior_from_logits,
)
from .solver import MinimizerResult, minimizer

__all__ = [
    # the focal-entropy and its minimizer (core)
    "focal_loss", "focal_entropy", "minimizer", "MinimizerResult", "inverse_minimizer",
    # regimes: amplify / suppress / over-suppress
    "threshold", "gamma_for_threshold", "regimes", "over_suppression",
    # training with the focal loss: logits, sigmoid one-vs-rest
    "focal_loss_grad_logits", "focal_loss_hvp_logits",
    "sigmoid_focal_risk", "sigmoid_minimizer", "SigmoidMinimizerResult", "sigmoid_posterior",
    "sigmoid_posterior_from_logits",
    # undoing the focal loss on model outputs, and choosing gamma / alpha
    "FocalCalibrator", "gamma_for_rare_score", "alpha_for_rare_score",
]

# Loaded on first use: focaltheory.calibration imports scikit-learn (when installed), which
# ``import focaltheory`` does not.  (calibration_report is also focaltheory.calibration.calibration_report.)
_LAZY = {"FocalCalibrator": "focaltheory.calibration", "calibration_report": "focaltheory.calibration"}


def __getattr__(name):
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'focaltheory' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_LAZY))
