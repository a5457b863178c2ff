"""Numerical constants shared by the solver and the inverse map."""

# Above this gamma an exact Newton step ends the minimizer's solve (see
# focaltheory.solver._finish), and the inverse map forms gamma log(1 - q)
# exactly: the plain rounding of gamma log(1 - q) and of the constraint,
# ~gamma eps |log(1 - q)|, would approach the 1e-13 target (worst measured
# without it: 4.0e-14 at gamma = 300, 6.2e-14 at 500, 1.8e-13 at 1000).
# Below, the exact step (about one more Newton evaluation) is not spent.
_EXACT_GAMMA = 300.0
