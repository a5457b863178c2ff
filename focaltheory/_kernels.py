"""Vectorized numeric kernels for g = -l' in the logit parameterization.

The solver never forms g(q) from q directly: near q = 1 the information
lives in 1 - q, and for tiny q in q / P.  Both are carried through the
log-odds z = log(q / (1 - q)), with e = exp(-|z|) <= 1, so that

    q     = e / (1 + e)        (z < 0)        1 / (1 + e)    (z >= 0)
    1 - q = 1 / (1 + e)        (z < 0)        e / (1 + e)    (z >= 0)

are both computed to a few ulp, whatever the size of q or 1 - q.

Factoring (1-q)^gamma / q out of g = (1-q)^(gamma-1) [(1-q)/q - gamma log q]
gives g = (1-q)^gamma / q * (1 + gamma k) with k = q (-log q) / (1 - q), so

    log g = -z_eff + log1p(gamma k) - (gamma - 1) log1p(e),
    z_eff = z (z < 0),  gamma z (z >= 0),
    k     = (log1p(e) - z) e (z < 0),  log1p(e) / e (z >= 0; k -> 1 as e -> 0),
    d log g / dz = -(1 + gamma q) / (1 + gamma k) - (gamma - 1) q .

The split keeps every large term (z_eff, which the solver sums with log P and
log lambda) apart from the small ones, so nothing large cancels inside.

These kernels are GENERATED: their expressions live in
focaltheory/symbolic/_solver_kernels.py (``kernel_forms``), where each is proved equal to the
log-derivative of l(q) = -(1-q)^gamma log q by sympy, and they are printed into
focaltheory/_generated.py by ``python -m focaltheory.symbolic --write``.  This
module only re-exports them under the names and signatures the solver uses.
"""

from ._generated import _dlog_g, _k_term, _log_g_small, _logit_parts, _z_eff, log_g_from_logit  # noqa: F401

__all__ = []  # private module
