"""The solver kernels: log g and d log g / dz in the log-odds z, as sympy expressions.

The stable pieces of ``log g(sigmoid(z))`` in terms of ``e = exp(-|z|)``
(``fmin1`` guards the 0/0 limit at ``e = 0``), the composites the proofs
compare with the derived ``log g``, and :func:`kernel_forms`, the specs of
the generated replacements of the hand-written kernels of
``focaltheory/_kernels.py`` (same names and signatures).
"""

import sympy as sp
from sympy.codegen.cfunctions import log1p

from ._derivations import g_expr, gamma, q

# ----------------------------------------------------------------------------
# Solver kernels: log g and d log g / dz in the log-odds z (focaltheory/_kernels.py)
# ----------------------------------------------------------------------------
_z = sp.Symbol("z", real=True)  # log-odds of q
_e = sp.Symbol("e", nonnegative=True)  # exp(-|z|) <= 1
_lp1 = sp.Symbol("lp1", nonnegative=True)  # log1p(e)
_k = sp.Symbol("k", nonnegative=True)  # q (-log q) / (1 - q)
_neg = sp.Symbol("neg")  # z < 0, a boolean array
_omq = sp.Symbol("omq", nonnegative=True)  # 1 - q


class fmin1(sp.Function):
    """min(x, 1) with NaN taken to 1, printed as numpy.fmin(x, 1.0).

    It guards k = log1p(e)/e, which is below 1 for every e > 0 (so the guard
    is the identity there, and proofs rewrite it away) and is 0/0 at e = 0
    (z > 745), where its limit is 1.
    """

    nargs = 1

    def _eval_rewrite_as_log(self, x, **kwargs):
        return x

    def _numpycode(self, printer):
        return "numpy.fmin({}, 1.0)".format(printer._print(self.args[0]))


def _kernel_pieces():
    """The stable pieces of log g(sigmoid(z)) used by the solver, in terms of e = exp(-|z|).

    With q = sigmoid(z), g = (1-q)**gamma / q * (1 + gamma k), k = q (-log q)/(1-q):

    * z < 0:  e = exp(z),  q = e/(1+e), 1-q = 1/(1+e), k = (log1p(e) - z) e,
      log g = -z + log1p(gamma k) - (gamma - 1) log1p(e);
    * z >= 0: e = exp(-z), q = 1/(1+e), 1-q = e/(1+e), k = log1p(e)/e (below 1; at e = 0,
      z > 745, the quotient is 0/0 and fmin1 gives its limit 1),
      log g = -gamma z + log1p(gamma k) - (gamma - 1) log1p(e).
    """
    qv = sp.Piecewise((_e / (1 + _e), _neg), (1 / (1 + _e), True))
    omq = sp.Piecewise((1 / (1 + _e), _neg), (_e / (1 + _e), True))
    kk = sp.Piecewise(((_lp1 - _z) * _e, _neg), (fmin1(_lp1 / _e), True))
    z_eff = sp.Piecewise((_z, _neg), (gamma * _z, True))
    small = log1p(gamma * _k) - (gamma - 1) * _lp1
    # -(1 + gamma q)/(1 + gamma k) - (gamma - 1) q over one denominator: with 0 <= k <= 1 every
    # term of the numerator is >= 0, so nothing cancels (the two-term form loses 1 - q at gamma = 0)
    dlog = -(_omq + gamma * q * (2 + (gamma - 1) * _k)) / (1 + gamma * _k)
    return dict(q=qv, omq=omq, k=kk, z_eff=z_eff, small=small, dlog=dlog)


def _kernel_composites():
    """(stable, derived) pairs for log g and d log g / dz as functions of z, for the proofs."""
    P = _kernel_pieces()
    derived = sp.log(g_expr().subs(q, 1 / (1 + sp.exp(-_z))))
    full = {_k: P["k"], q: P["q"], _omq: P["omq"]}
    log_g = (-P["z_eff"] + P["small"]).subs(full).subs(_lp1, log1p(_e))
    dlog = P["dlog"].subs(full).subs(_lp1, log1p(_e))
    return {
        "log_g_from_logit": (log_g, derived),
        "_dlog_g": (dlog, sp.diff(derived, _z)),
    }


def kernel_forms():
    """Generated replacements of the solver kernels, with the names and signatures of _kernels.py.

    Returns ``name -> spec``; a spec is a dict with ``args`` (list of
    ``(symbol, kind, default)``, kind 'f' for float64 or 'b' for bool),
    ``out`` (list of ``(expression, kind)``) and ``doc``.
    """
    P = _kernel_pieces()
    neg_z = _z < 0
    on_z = {_neg: neg_z}
    F, B = "f", "b"
    return {
        "_logit_parts": dict(
            args=[(_z, F, None), (_e, F, sp.exp(-sp.Abs(_z)))],
            out=[(_e, F), (log1p(_e), F), (P["q"].subs(on_z), F), (P["omq"].subs(on_z), F), (neg_z, B)],
            doc="Return (e, log1p(e), q, 1 - q, z < 0) for log-odds z; e = exp(-|z|) unless supplied.",
        ),
        "_k_term": dict(
            args=[(_z, F, None), (_e, F, None), (_lp1, F, None), (_neg, B, None)],
            out=[(P["k"], F)],
            doc="k = q (-log q) / (1 - q) from the logit parts (k -> 1 as e -> 0).",
        ),
        "_z_eff": dict(
            args=[(_z, F, None), (gamma, F, None), (_neg, B, None)],
            out=[(P["z_eff"], F)],
            doc="The large term of -log g: z for z < 0, gamma z for z >= 0.",
        ),
        "_log_g_small": dict(
            args=[(gamma, F, None), (_k, F, None), (_lp1, F, None)],
            out=[(P["small"], F)],
            doc="The small terms of log g: log1p(gamma k) - (gamma - 1) log1p(e).",
        ),
        "_dlog_g": dict(
            args=[(gamma, F, None), (_k, F, None), (q, F, None), (_omq, F, 1 - q)],
            out=[(P["dlog"], F)],
            doc="d log g / dz, negative everywhere; pass omq = 1 - q (from _logit_parts) for full accuracy near q = 1.",
        ),
        "log_g_from_logit": dict(
            args=[(_z, F, None), (gamma, F, None)],
            out=[
                (
                    (-P["z_eff"] + P["small"])
                    .subs({_k: P["k"]})
                    .subs({_lp1: log1p(_e)})
                    .subs({_e: sp.exp(-sp.Abs(_z))})
                    .subs(on_z),
                    F,
                )
            ],
            doc="log g(q) for q = sigmoid(z), accurate for q near 0 and near 1; gamma broadcasts.",
        ),
    }
