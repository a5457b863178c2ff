"""The numbers stated in the theory document (docs/theory.md), checked to the digits given.

Each value is a decimal string (or a tuple of them): a check recomputes the
quantity at 50 digits and requires it to agree with the string to half a
unit of its last digit.  The section of the theory document that states each
number is given next to it.
"""

from __future__ import annotations

__all__ = ["STATED_NUMBERS"]

#: Specific numbers stated in the theory document, checked to the digits given there.
STATED_NUMBERS = {
    # theory-regimes: thresholds p_gamma (phi(p_gamma) = 1) and the gamma = 1 peak of phi
    "p_threshold": {2.0: "0.2976", 5.0: "0.1968"},
    "peak_gamma1": "1 + e^-2 at p = e^-2",
    # theory-regimes: the Lambert-W inverse of the threshold at p = 0.2
    "gamma_for_p02": "4.8506",
    # theory-regimes, FLSD-53 (Mukhoti et al.'s released code): (bucket upper edge p0, gamma of the bucket)
    "flsd53_buckets": [(0.2, 5), (0.5, 3)],
    # theory-regimes, FLSD-53: (p0, rounded schedule gamma, gamma(p0) to the digits given) and p_3
    "flsd53_threshold_gammas": [(0.2, 5, "4.8506"), (0.25, 3, "3.070")],
    "p_threshold_3": "0.2526",
    # theory-regimes: the over-suppression example (99 classes of 1/99 and one of 1e-8, gamma = 2)
    "lambda_example": "1.0718",
    "shrink_example": "0.067",
    # theory-properness: (gamma, K, small value, repeated value); K - 1 copies of the latter
    "fixed_points": [(1.0, 4, "0.0099165153", "0.3300278282"), (2.0, 5, "0.01348139", "0.24662965")],
    # theory-asymptotics: gamma (Q*(x) - Q*(y)) for P = (0.7, 0.2, 0.09, 0.01), x = 0.7, y = 0.2
    "gap_P": ("0.7", "0.2", "0.09", "0.01"),
    "gap": {10: "0.760", 50: "0.896", 1000: "0.937"},
    "gap_limit": "0.9396",
    "log_lam_1000": "-282.40",
    # theory-variants: the sigmoid posterior of a score 0.5 at alpha = 0.25, gamma = 2
    "sigmoid_half": "0.75",
    # theory-countable: the over-suppression boundaries lambda* = 1 of geom(p) (p below) and poisson(mu) (mu above)
    "countable_geom_boundary": {0.5: "0.53564", 1.0: "0.50266", 2.0: "0.44985", 5.0: "0.34893"},
    "countable_poisson_boundary": {0.5: "0.67403", 1.0: "0.80784", 2.0: "1.0899", 5.0: "2.0453"},
    "countable_zipf_boundary_2": "1.6277",
    # theory-countable: C = sum_{k >= 2} 1/(k log^2 k)
    "klog2_constant": "2.1097428012",
}
