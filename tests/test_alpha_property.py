"""Property test of the class weights over their whole range: alpha from 1e-300 to
1e300 (and subnormal), with alpha P subnormal or huge, exact ties and 1-ulp near-ties.

Asserted for minimizer and inverse_minimizer: no exception and no warning; the
round trip inverse_minimizer(minimizer(P, gamma, alpha=A).q, gamma, alpha=A)
returns P within 1e-12 relative on every class where P is normal, in the rows
where q carries the information (every class of the support has a normal q:
a class whose q underflows, e.g. alpha P ~ 1e-600 against 1, or has alpha = 0, is
indistinguishable from one off the support); the order of the exact products alpha_x P(x) is kept
by q exactly (ties give equal q).
"""

import warnings
from fractions import Fraction

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from focaltheory import inverse_minimizer, minimizer

TINY = np.finfo(np.float64).tiny

_p = st.one_of(
    st.floats(1e-300, 1.0),
    st.sampled_from([0.0, 5e-324, 1e-310, 1e-300, 1e-200, 1e-100, 1e-15, 0.5, 1.0]),
)
_alpha = st.one_of(
    st.floats(-300.0, 300.0).map(lambda x: 10.0**x),
    st.sampled_from([0.0, 5e-324, 1e-320, 1e-310, 1e-300, 1.0, 1e300]),
)
_gamma = st.one_of(
    st.sampled_from([0.0, 0.01, 0.5, 1.0, 2.0, 5.0, 50.0, 350.0, 1000.0, 5000.0]),
    st.floats(1e-3, 100.0),
)
# (i, j, kind): make class i an exact tie of class j in alpha P, a 1-ulp
# near-tie (P moved one ulp up or down), or a tie through P x 2, alpha / 2
_ties = st.lists(st.tuples(st.integers(0, 7), st.integers(0, 7), st.sampled_from(["tie", "up", "down", "x2"])),
                 max_size=4)


@st.composite
def _problems(draw):
    K = draw(st.integers(2, 8))
    W = np.array(draw(st.lists(_p, min_size=K, max_size=K)))
    A = np.array(draw(st.lists(_alpha, min_size=K, max_size=K)))
    for i, j, kind in draw(_ties):
        i, j = i % K, j % K
        if kind == "tie":
            W[i], A[i] = W[j], A[j]
        elif kind == "up":
            W[i], A[i] = min(np.nextafter(W[j], np.inf), 1.0), A[j]
        elif kind == "down":
            W[i], A[i] = np.nextafter(W[j], 0.0), A[j]
        elif W[j] <= 0.5:
            W[i], A[i] = 2.0 * W[j], A[j] / 2.0
    if not np.any((W > 0) & (A > 0)):
        W[0], A[0] = 1.0, 1.0
    return W, A, draw(_gamma)


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_problems())
def test_alpha_over_the_whole_range(problem):
    W, A, gam = problem
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = minimizer(W, gam, alpha=A)
        q = res.q
        assert np.all(np.isfinite(q)) and not np.isnan(res.log_lam)  # (-inf: a point mass, gamma > 0)
        assert np.isfinite(res.value) and np.isfinite(res.residual)
        support = (W > 0) & (A > 0)
        assert np.all(q[~support] == 0.0)
        # the order of the exact products alpha_x W_x (the normalizer is common)
        prod = [Fraction(a) * Fraction(w) for a, w in zip(A, W)]
        for x in range(len(W)):
            for y in range(len(W)):
                if prod[x] <= prod[y]:
                    assert q[x] <= q[y], (x, y, q[x], q[y])
        if np.all(q[W > 0] >= TINY):  # (so alpha > 0 there too)
            back = inverse_minimizer(q, gam, alpha=A)
            P = [w / sum(map(Fraction, W)) for w in map(Fraction, W)]
            for b, p in zip(back, P):
                if p >= TINY:
                    assert abs(Fraction(b) - p) <= Fraction(1, 10**12) * p, (b, float(p))
