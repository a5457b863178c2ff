"""The numerically stable rewrites of the derived quantities, built inside sympy.

The ``xlogy`` function (printed as ``scipy.special.xlogy``), the stable
building blocks in the q-domain (``log q``, ``gamma log c``, ``c**gamma``,
``gamma c**(gamma-1)``, the bounded ratio ``rho = -log(q)/c`` with its Taylor
branch) and in the logit domain (softplus, ``q rho`` with its series branch),
and :func:`stable_forms`, the table of generated q- and logit-domain
functions, each paired with the derived expression it must equal.
"""

import sympy as sp
from sympy.codegen.cfunctions import log1p

from ._derivations import c, dg_expr, dphi_expr, focal_loss_expr, g_expr, gamma, inverse_weight_expr, logit_loss_expr, phi_expr, q, u

# ----------------------------------------------------------------------------
# xlogy: x*log(y) with 0*log(0) = 0, printable as scipy.special.xlogy
# ----------------------------------------------------------------------------
class xlogy(sp.Function):
    """x * log(y), with xlogy(0, y) = 0 for every y >= 0 (scipy.special.xlogy)."""

    nargs = 2

    def fdiff(self, argindex=1):
        x, y = self.args
        if argindex == 1:
            return sp.log(y)
        return x / y

    def _eval_rewrite_as_log(self, x, y, **kwargs):
        return x * sp.log(y)

    def _numpycode(self, printer):
        return "scipy.special.xlogy({}, {})".format(printer._print(self.args[0]), printer._print(self.args[1]))


# ----------------------------------------------------------------------------
# Stable forms (what gets printed)
# ----------------------------------------------------------------------------
_HALF = sp.Rational(1, 2)
_RHO_SERIES_BELOW = sp.Rational(1, 2**20)  # c below this: rho by its Taylor series
_R_SERIES_ABOVE = 20  # u above this: q*rho by its series in w = exp(-u)


def _rho_series(order=4):
    """Taylor series of rho(c) = -log(1-c)/c, derived by sympy (truncation < c**order)."""
    return sp.series(-sp.log(1 - c) / c, c, 0, order).removeO()


def _softplus(x):
    return sp.Piecewise((x + log1p(sp.exp(-x)), x > 0), (log1p(sp.exp(x)), True))


def _q_atoms():
    """Stable building blocks in the q-domain, as functions of (q, c, gamma)."""
    Lq = sp.Piecewise((log1p(-c), c < _HALF), (sp.log(q), True))  # log q
    gLc = sp.Piecewise((gamma * log1p(-q), q < _HALF), (xlogy(gamma, c), True))  # gamma log c
    Cg = sp.Piecewise((sp.exp(gamma * log1p(-q)), q < _HALF), (c**gamma, True))  # c**gamma
    gCg1 = sp.Piecewise(  # gamma c**(gamma-1), 0 at gamma = 0 even at c = 0
        (0, sp.Eq(gamma, 0)),
        (gamma * sp.exp((gamma - 1) * log1p(-q)), q < _HALF),
        (gamma * c ** (gamma - 1), True),
    )
    rho = sp.Piecewise((_rho_series(), c < _RHO_SERIES_BELOW), (-Lq / c, True))  # -log(q)/c
    return dict(Lq=Lq, gLc=gLc, Cg=Cg, gCg1=gCg1, rho=rho)


def _u_atoms():
    """Stable building blocks in the logit domain, as functions of (u, gamma)."""
    S1 = _softplus(-u)  # -log q
    S2 = _softplus(u)  # -log c
    w = sp.Symbol("w", positive=True)
    # r = q*rho = exp(u) * softplus(-u) = (1+w) log1p(w)/w ... times 1/(1+w): = log1p(w)/w, w = exp(-u)
    r_ser = sp.series(sp.log(1 + w) / w, w, 0, 4).removeO().subs(w, sp.exp(-u))
    r = sp.Piecewise((r_ser, u > _R_SERIES_ABOVE), (sp.exp(u) * S1, True))
    return dict(S1=S1, S2=S2, r=r)


def stable_forms():
    """The generated functions: name -> (args, stable expression, derived expression, doc).

    The derived expression is the one obtained by differentiating
    :func:`focal_loss_expr`; :func:`verify_stable_forms` proves the two equal.
    Names and order are fixed: they define the generated module.
    """
    A = _q_atoms()
    Lq, gLc, Cg, gCg1, rho = A["Lq"], A["gLc"], A["Cg"], A["gCg1"], A["rho"]
    X = 2 - (1 - gamma) * q * rho  # in [1 + gamma, 2] ... bounded, no cancellation
    B = _u_atoms()
    S1, S2, r = B["S1"], B["S2"], B["r"]
    qa = (q, c, gamma)
    ua = (u, gamma)
    lam = logit_loss_expr()
    forms = {
        "focal_loss": (qa, -Cg * Lq, focal_loss_expr(), "l_gamma(q) = -(1-q)**gamma log q."),
        "g": (qa, Cg * (1 / q + gamma * rho), g_expr(), "g(q) = -l'(q) = c**gamma (1/q + gamma rho)."),
        "log_g": (
            qa,
            gLc - Lq + log1p(gamma * q * rho),
            sp.log(g_expr()),
            "log g(q) = gamma log c - log q + log1p(gamma q rho); finite where g under/overflows.",
        ),
        "dg": (
            qa,
            -Cg / q**2 - gCg1 * (2 / q - (1 - gamma) * rho),
            dg_expr(),
            "g'(q) = -l''(q) < 0; the simplex Hessian of H_g(P, .) is built from P(x) * (-g'(Q(x))).",
        ),
        "log_neg_dg": (
            qa,
            sp.Piecewise(
                (-2 * Lq, sp.Eq(gamma, 0)),
                (xlogy(gamma - 1, c) - 2 * Lq + sp.log(c + gamma * q * X), c < _HALF),
                (gamma * log1p(-q) - 2 * sp.log(q) + log1p(gamma * q * X / c), True),
            ),
            sp.log(-dg_expr()),
            "log(-g'(q)) = (gamma-1) log c - 2 log q + log(c + gamma q (2 - (1-gamma) q rho)); "
            "one large term per branch.",
        ),
        "inverse_weight": (
            qa,
            q / (Cg * (1 + gamma * q * rho)),
            inverse_weight_expr(),
            "1/g(q), the inverse-map weight: P(x) proportional to 1/g(Q*(x)).",
        ),
        "phi": (qa, Cg * (1 + gamma * q * rho), phi_expr(), "phi(p) = p g(p) = c**gamma (1 + gamma p rho)."),
        "dphi": (
            qa,
            -gCg1 * (2 - (1 - gamma * q) * rho),
            dphi_expr(),
            "phi'(p) = -gamma c**(gamma-1) (2 - (1 - gamma p) rho) = -gamma c**(gamma-2) psi(p).",
        ),
        "logit_loss": (ua, S1 * sp.exp(-gamma * S2), lam, "Lambda(u) = l_gamma(sigmoid(u))."),
        "logit_dloss": (
            ua,
            -sp.exp(-(gamma + 1) * S2) * (1 + gamma * r),
            sp.diff(lam, u),
            "Lambda'(u) = -c phi(q) = -c**(gamma+1) (1 + gamma q rho), q = sigmoid(u).",
        ),
        "logit_d2loss": (
            ua,
            # gamma*S1 enters through the exponent: never inf * 0 for huge |u| or gamma
            sp.exp(-S1 - (gamma + 1) * S2) * (1 + 2 * gamma + gamma**2 * r)
            - gamma * sp.exp(sp.log(S1) - S1 - (gamma + 1) * S2),
            sp.diff(lam, u, 2),
            "Lambda''(u) = q c**(gamma+1) (1 + 2 gamma + gamma log q + gamma**2 q rho).",
        ),
    }
    return forms
