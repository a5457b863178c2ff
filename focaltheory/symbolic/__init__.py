r"""Symbolic layer: sympy is the single source of truth for every formula.

This module holds the focal loss [1]_ as a sympy expression, derives from it every
derivative the toolkit uses, rewrites each derived quantity into a
numerically stable form (``log1p``, ``expm1``, ``xlogy``, series branches,
complements carried separately) *inside sympy*, proves that each stable form
equals the derived one, and prints the stable forms as numpy code into
``focaltheory/_generated.py``.  The minimizer's system it feeds is that of the
focal-entropy [2]_.

Command line::

    python -m focaltheory.symbolic --write   # regenerate focaltheory/_generated.py
    python -m focaltheory.symbolic --check   # exit 1, naming functions, if stale
    python -m focaltheory.symbolic --report  # worst error of each generated function vs mpmath
    python -m focaltheory.symbolic --verify  # symbolic proofs: stable form == derived form

Notes
-----
With :math:`c = 1 - q` the focal loss and its derivatives are

.. math::

    \ell_\gamma(q) = -(1-q)^\gamma \log q, \qquad
    g(q) = -\ell_\gamma'(q) = c^{\gamma-1}\Big[\frac{c}{q} - \gamma\log q\Big],
    \qquad \phi(p) = p\,g(p).

The stable forms factor the power of the complement out and carry the bounded
ratio :math:`\rho(q) = -\log(q)/c` (:math:`\rho \to 1` as :math:`q \to 1`,
evaluated by its Taylor series in :math:`c` near 0):

.. math::

    g = c^\gamma\,(1/q + \gamma\rho), \qquad
    g' = -c^\gamma/q^2 - \gamma c^{\gamma-1}\,(2/q - (1-\gamma)\rho), \qquad
    \phi' = -\gamma c^{\gamma-1}\,(2 - (1-\gamma q)\rho).

Each generated q-domain function takes ``(q, c, gamma)`` with ``c = 1 - q``:
pass both; whichever is below 1/2 is taken as exact, so q near 1 is
represented by its complement without loss.

The logit parameterization :math:`q = \sigma(u)` carries
:math:`\log q = -\operatorname{softplus}(-u)` and
:math:`\log c = -\operatorname{softplus}(u)`.  The softmax focal loss
:math:`L(z, y) = \ell_\gamma(\operatorname{softmax}(z)_y)` depends on the logits
only through the margin :math:`u = z_y - \operatorname{logsumexp}_{j \ne y} z_j`
(then :math:`\operatorname{softmax}(z)_y = \sigma(u)`), so for every K, with
:math:`\Lambda(u) = \ell_\gamma(\sigma(u))`, :math:`\tau_j` the softmax of the other
classes (:math:`\tau_y = 0`) and :math:`b = e_y - \tau`:

.. math::

    \nabla_z L = \Lambda'(u)\, b, \qquad
    \nabla_z^2 L = \Lambda''(u)\, b b^\top - \Lambda'(u)\,(\operatorname{diag}\tau - \tau\tau^\top).

This closed form is proved against sympy's direct differentiation of
:math:`\ell_\gamma(\operatorname{softmax}(z)_y)` by :func:`verify_softmax_closed_form`.

References
----------
.. [1] T.-Y. Lin, P. Goyal, R. Girshick, K. He, P. Dollar, "Focal Loss for
   Dense Object Detection", ICCV 2017.
.. [2] J. Shah, M. Cardone, A. Dytso, "Functional Properties of the
   Focal-Entropy", AISTATS 2026, arXiv:2603.02533.

Examples
--------
>>> import sympy as sp
>>> from focaltheory.symbolic import q, gamma, focal_loss_expr, g_expr
>>> focal_loss_expr()
-(1 - q)**gamma*log(q)
>>> sp.simplify(g_expr().subs(gamma, 0))
1/q
>>> g_series_at_one(2)
c**gamma*(c**2*(gamma/3 + 1) + c*(gamma/2 + 1) + gamma + 1)
"""

from ._accuracy import GAMMAS, KAPPA_WELL, TOL_ILL_PER_KAPPA, TOL_WELL, accuracy_report, accuracy_rows, format_report, summarize
from ._cli import main
from ._codegen import generate_source
from ._derivations import (
    c,
    dg_expr,
    dphi_expr,
    focal_loss_expr,
    g_expr,
    g_series_at_one,
    g_series_at_zero,
    gamma,
    inverse_weight_expr,
    logit_loss_expr,
    phi_expr,
    q,
    simplex_hessian_expr,
    softmax_focal_loss_expr,
    softmax_gradient_closed_form,
    softmax_hessian_closed_form,
    u,
)
from ._proofs import verify_softmax_closed_form, verify_stable_forms
from ._solver_kernels import fmin1, kernel_forms
from ._stable import stable_forms, xlogy

__all__ = [
    "q",
    "c",
    "u",
    "gamma",
    "focal_loss_expr",
    "g_expr",
    "dg_expr",
    "inverse_weight_expr",
    "phi_expr",
    "dphi_expr",
    "simplex_hessian_expr",
    "logit_loss_expr",
    "softmax_focal_loss_expr",
    "softmax_gradient_closed_form",
    "softmax_hessian_closed_form",
    "g_series_at_zero",
    "g_series_at_one",
    "stable_forms",
    "verify_stable_forms",
    "verify_softmax_closed_form",
    "kernel_forms",
    "generate_source",
    "main",
]
