"""Numerical constants shared by the solver and the inverse map."""

# Above this gamma an exact Newton step ends the minimizer's solve (see
# focaltheory.solver._finish), and the inverse map forms gamma log(1 - q)
# exactly: the plain rounding of gamma log(1 - q) and of the constraint,
# ~gamma eps |log(1 - q)|, would approach the 1e-13 target (worst measured
# without it: 4.0e-14 at gamma = 300, 6.2e-14 at 500, 1.8e-13 at 1000).
# Below, the exact step (about one more Newton evaluation) is not spent.
_EXACT_GAMMA = 300.0

# The largest gamma accepted by the functions that solve for the minimizer or
# use gamma**2 (focaltheory.minimizer and what is built on it, the logit
# Hessian-vector product): d log g / dz carries gamma (gamma - 1) q, which
# overflows near gamma = 1.34e154; Q* is exact to about an ulp up to here.
# Above it those functions raise ValueError (_validation._gamma(max_gamma=...)).
_MAX_GAMMA = 1e150
