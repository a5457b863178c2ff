r"""Asymptotic regimes of the focal-entropy minimizer, derived with sympy.

The focal-entropy and its minimizer are those of [1]_; the function phi = p g(p)
behind the regimes is the gradient ratio of [2]_.

Four expansions, each with

* a ``derive_*`` function that *performs* the derivation in sympy (ansatz,
  Taylor expansion, order-by-order solve, normalization) and returns the
  resulting expressions, and
* a numeric function returning the approximation, in double precision
  (numpy) or, when ``dps`` is given, in mpmath at ``dps`` digits (so that it
  can be evaluated at ``P(x) = 1e-1000``).

The expansions (``n`` the support size, ``m = 1 - 1/n``, ``lambda*`` the
multiplier with ``P(x) g(Q*(x)) = lambda*``):

1. ``P(x) -> 0``, the rest fixed (:func:`small_probability_ratio`):
   ``Q*(x)/P(x) = 1/lambda* + gamma P(x) (log(lambda*/P(x)) - 1)/lambda*^2
   + O(P^2 log^2 P)``.
2. ``gamma -> 0`` (:func:`small_gamma_expansion`):
   ``Q* = P + gamma D1 + O(gamma^2)``, ``D1(x) = P(x) (f(P(x)) - sum_y P(y) f(P(y)))``,
   ``f(p) = log(1-p) - p log p/(1-p)``;
   ``log lambda* = gamma sum_y P(y) f(P(y)) + O(gamma^2)``.
3. ``gamma -> inf`` (:func:`large_gamma_expansion`):
   ``Q*(x) = 1/n + e_x/gamma + d_x/gamma^2 + O(gamma^-3)``,
   ``e_x = m (log P(x) - mean log P)``,
   ``d_x = e_x (1 - (n-1)/log n) - (e_x^2 - mean e^2)/(2m)``;
   ``log lambda* = (gamma-1) log m + log gamma + log log n + mean log P
   + ((n-1)/log n - mean e^2/(2 m^2))/gamma + O(gamma^-2)``.
4. Extreme dominance, ``P = (1 - eps, eps w_1, ..., eps w_k)``, ``sum w = 1``,
   ``eps -> 0`` (:func:`dominance_expansion`): with
   ``s = (eps/(1+gamma))**(1/(1+gamma))``,
   ``lambda* = (1+gamma) s^gamma (1 + delta)``,
   ``delta = [kappa s - gamma^2 s (W2 (1 + log s) + W2L) - eps]/(1+gamma) + O(s^2 log^2 s)``,
   ``kappa = (2+gamma)/(2(1+gamma))``, ``W2 = sum w^2``, ``W2L = sum w^2 log w``;
   ``1 - Q*(dominant) = s (1 - delta) - gamma s^2 (W2 (1 + log s) + W2L)``.
   The other classes are amplified by ``Q*/P -> 1/lambda* ~ eps^(-gamma/(1+gamma))``.

Binary problems are never over-suppressed: :func:`binary_lambda_below_one`.

References
----------
.. [1] J. Shah, M. Cardone, A. Dytso, "Functional Properties of the
   Focal-Entropy", AISTATS 2026, arXiv:2603.02533.
.. [2] J. Mukhoti et al., "Calibrating Deep Neural Networks using Focal
   Loss", NeurIPS 2020.
"""

from ._binary import binary_lambda_below_one
from ._dominance import derive_dominance, dominance_expansion
from ._gamma_inf import derive_large_gamma, large_gamma_expansion
from ._gamma_zero import derive_small_gamma, small_gamma_expansion
from ._slope import loglog_slope
from ._small_p import derive_small_probability, small_probability_ratio

__all__ = [
    "derive_small_probability",
    "small_probability_ratio",
    "derive_small_gamma",
    "small_gamma_expansion",
    "derive_large_gamma",
    "large_gamma_expansion",
    "derive_dominance",
    "dominance_expansion",
    "binary_lambda_below_one",
    "loglog_slope",
]
