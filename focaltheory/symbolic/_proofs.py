"""Proofs that each stable form equals the form derived from the focal loss.

Every branch of every Piecewise (Taylor-series branches aside) is rewritten
into a canonical parameterization and simplified against the derived
expression by sympy, with a 60-digit numeric check as the fallback where the
simplifier cannot close an identity (:func:`verify_stable_forms`); the
closed-form softmax gradient and Hessian are checked against sympy's direct
derivatives (:func:`verify_softmax_closed_form`).
"""

import mpmath
import sympy as sp
from sympy.codegen.cfunctions import log1p

from ._derivations import c, gamma, q, softmax_focal_loss_expr, softmax_gradient_closed_form, softmax_hessian_closed_form, u
from ._solver_kernels import _e, _kernel_composites, _neg, _z
from ._stable import _rho_series, _u_atoms, stable_forms

# ----------------------------------------------------------------------------
# Proofs
# ----------------------------------------------------------------------------
def _branches(expr):
    """All (expression, substitutions) obtained by picking one branch of every Piecewise.

    A branch guarded by ``Eq(symbol, value)`` carries that substitution, so it is
    proved only where it applies.
    """
    pw = sorted(expr.atoms(sp.Piecewise), key=sp.default_sort_key)
    if not pw:
        return [(expr, {})]
    p = pw[0]
    out = []
    for e, cond in p.args:
        sub = {cond.lhs: cond.rhs} if isinstance(cond, sp.Eq) else {}
        for br, s2 in _branches(expr.xreplace({p: e})):
            out.append((br, {**sub, **s2}))
    return out


def _to_canonical(e):
    """log1p(x) -> log(1+x), xlogy(x, y) -> x log(y); q = t/(1+t), c = 1/(1+t), u = log(t), t > 0."""
    e = e.replace(lambda x: isinstance(x, log1p), lambda x: sp.log(1 + x.args[0]))
    e = e.rewrite(sp.log)
    return e.subs({c: 1 / (1 + _T), q: _T / (1 + _T), u: sp.log(_T), _z: sp.log(_T)})


_T = sp.Symbol("t", positive=True)


def _exact_branch_zero(branch, derived):
    """Prove branch == derived with sympy (a few canonical rewrites); True if proved."""
    a, b = _to_canonical(branch), _to_canonical(derived)
    candidates = [a - b]
    if isinstance(b, sp.log):  # compare the exponentials: exp(a) == argument of the log
        candidates.append(sp.exp(a) - b.args[0])
    candidates.append(1 / a - 1 / b)
    for e in candidates:
        for attempt in (
            lambda x: sp.simplify(x),
            lambda x: sp.simplify(sp.expand_log(sp.expand(x), force=True)),
            lambda x: sp.simplify(sp.powsimp(sp.expand_power_base(sp.expand(x), force=True), force=True)),
        ):
            try:
                if attempt(e) == 0:
                    return True
            except Exception:  # pragma: no cover - sympy internals
                pass
    return False


def _numeric_branch_check(branch, derived, args, points=12, dps=60):
    """Fallback: |branch - derived| <= 1e-45 (1 + |derived|) at random points, 60 digits."""
    import random

    rnd = random.Random(20260402)
    f = sp.lambdify(args, branch.replace(lambda x: isinstance(x, log1p), lambda x: sp.log(1 + x.args[0])).rewrite(sp.log), modules="mpmath")
    fr = sp.lambdify(args, derived, modules="mpmath")
    with mpmath.workdps(dps):
        for _ in range(points):
            gv = mpmath.mpf(rnd.choice([0.25, 0.5, 1, 2, 5]) + rnd.random())
            if args[0] == q:
                qv = mpmath.mpf(rnd.uniform(0.01, 0.99))
                vals = (qv, 1 - qv, gv)
            else:
                vals = (mpmath.mpf(rnd.uniform(-30, 30)), gv)
            ref = fr(*vals)
            if abs(f(*vals) - ref) > mpmath.mpf(10) ** (-45) * (1 + abs(ref)):
                return False
    return True


def _series_parts():
    return [_rho_series(), _u_atoms()["r"].args[0][0]]


def verify_stable_forms(names=None):
    """Prove each stable form equals its derived expression.

    Returns ``{name: 'symbolic' | 'numeric' | 'FAIL'}``.  Every branch of every
    Piecewise, other than Taylor-series branches (whose truncation error is
    bounded in the tests), is rewritten with c = 1 - q, log1p(x) = log(1 + x),
    u = log(t), and its difference with the derived expression (from
    :func:`focal_loss_expr` by sympy differentiation) simplified to zero by
    sympy: 'symbolic'.  Where sympy's simplifier cannot close an identity the
    difference is evaluated at 60 digits at random points: 'numeric'.

    Examples
    --------
    >>> verify_stable_forms(["phi", "g"])
    {'phi': 'symbolic', 'g': 'symbolic'}
    """
    out = {}
    forms = stable_forms()
    series = _series_parts()
    for name in [n for n in (names or list(forms)) if n in forms]:
        args, stable, derived, _ = forms[name]
        how = "symbolic"
        for br, sub in _branches(stable):
            if any(br.has(s) for s in series):
                continue
            d = derived.subs(sub)
            if not _exact_branch_zero(br.subs(sub), d):
                if sub or not _numeric_branch_check(br, d, args):
                    how = "FAIL"
                    break
                how = "numeric"
        out[name] = how
    if names is None or any(n in names for n in ("log_g_from_logit", "_dlog_g")):
        for name, (stable, derived) in _kernel_composites().items():
            if names is not None and name not in names:
                continue
            how = "symbolic"
            for neg, e_val in ((True, sp.exp(_z)), (False, sp.exp(-_z))):
                br = stable.subs(_neg, neg)
                for b2, sub in _branches(br):
                    if not _exact_branch_zero(b2.subs(_e, e_val), derived):
                        how = "FAIL"
            out[name] = how
    return out


def verify_softmax_closed_form(K, y=0):
    """Check the closed-form softmax gradient and Hessian against sympy's direct derivatives.

    Returns the largest absolute difference at 50 digits over a few random logit
    vectors (exact symbolic simplification of K-variate expressions is slow).

    Examples
    --------
    >>> verify_softmax_closed_form(3) < 1e-40
    True
    """
    import random

    L, z = softmax_focal_loss_expr(K, y)
    grad_direct = sp.Matrix([sp.diff(L, zj) for zj in z])
    hess_direct = sp.hessian(L, z)
    grad_cf = softmax_gradient_closed_form(z, y)
    hess_cf = softmax_hessian_closed_form(z, y)
    rnd = random.Random(K * 1000 + y)
    worst = mpmath.mpf(0)
    with mpmath.workdps(50):
        for gv in (0, sp.Rational(1, 2), 2, 5):
            sub = {zj: sp.Float(rnd.uniform(-3, 3), 50) for zj in z}
            sub[gamma] = gv
            for A, B in ((grad_direct, grad_cf), (hess_direct, hess_cf)):
                D = (A - B).subs(sub).evalf(50)
                worst = max(worst, max(abs(mpmath.mpf(str(x))) for x in D))
    return float(worst)
