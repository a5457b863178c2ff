"""The focal loss as a sympy expression and every quantity derived from it by differentiation.

The symbols ``q``, ``c``, ``u``, ``gamma``; the loss ``l_gamma(q)``, ``g = -l'``,
``g'``, the inverse-map weight ``1/g``, ``phi(p) = p g(p)`` and ``phi'``; the
Hessian on the simplex; the loss of the logit margin and of the softmax with
its closed-form gradient and Hessian; and the series of g at ``q -> 0`` and
``q -> 1``.  Nothing here is rewritten for numerical stability: these are
the derived forms the stable forms of the code generator are proved against.
"""

import sympy as sp

#: probability of the observed class
q = sp.Symbol("q", positive=True)
#: its complement 1 - q, carried as an independent input by the generated code
c = sp.Symbol("c", positive=True)
#: logit of q: q = 1 / (1 + exp(-u))
u = sp.Symbol("u", real=True)
#: focusing parameter
gamma = sp.Symbol("gamma", nonnegative=True)


def focal_loss_expr(qq=q, gg=gamma):
    """The focal loss l_gamma(q) = -(1-q)**gamma * log(q), the source of every other formula.

    Examples
    --------
    >>> from focaltheory.symbolic import focal_loss_expr, q
    >>> focal_loss_expr().diff(q).subs({q: 1, gamma: 2})
    0
    """
    return -((1 - qq) ** gg) * sp.log(qq)


def g_expr():
    """g(q) = -dl/dq, derived by sympy."""
    return -sp.diff(focal_loss_expr(), q)


def dg_expr():
    """g'(q) = -d^2 l/dq^2, derived by sympy."""
    return sp.diff(g_expr(), q)


def inverse_weight_expr():
    """The inverse-map weight 1/g(q): P(x) is proportional to 1/g(Q*(x))."""
    return 1 / g_expr()


def phi_expr():
    """phi(p) = p g(p), whose level lambda* separates amplified from suppressed classes."""
    return q * g_expr()


def dphi_expr():
    """phi'(p), derived by sympy."""
    return sp.diff(phi_expr(), q)


def simplex_hessian_expr(K):
    """Hessian of Q -> H_g(P, Q) on the simplex, in the chart Q_K = 1 - sum_{x<K} Q_x.

    Returns ``(H, P, Q)``: a (K-1)x(K-1) sympy Matrix and the symbols used.
    ``H = diag(P_x l''(Q_x))_{x<K} + P_K l''(Q_K) 1 1^T`` with l'' = -g'.

    Examples
    --------
    >>> H, P, Q = simplex_hessian_expr(2)
    >>> H.shape
    (1, 1)
    """
    P = sp.symbols(f"P1:{K + 1}", positive=True)
    Qs = sp.symbols(f"Q1:{K}", positive=True)
    Q = list(Qs) + [1 - sum(Qs)]
    H_fun = sum(P[i] * focal_loss_expr(Q[i]) for i in range(K))
    H = sp.hessian(H_fun, Qs)
    return H, P, Qs


def logit_loss_expr():
    """Lambda(u) = l_gamma(sigmoid(u)): the focal loss as a function of the logit margin."""
    return focal_loss_expr(1 / (1 + sp.exp(-u)))


def softmax_focal_loss_expr(K, y=0):
    """L(z, y) = l_gamma(softmax(z)_y) for K symbolic logits; returns (L, z)."""
    z = sp.symbols(f"z0:{K}", real=True)
    s = sp.exp(z[y]) / sum(sp.exp(zj) for zj in z)
    return focal_loss_expr(s), z


def _margin_and_tau(z, y):
    others = [zj for j, zj in enumerate(z) if j != y]
    denom = sum(sp.exp(zj) for zj in others)
    u_val = z[y] - sp.log(denom)
    tau = [sp.Integer(0) if j == y else sp.exp(zj) / denom for j, zj in enumerate(z)]
    return u_val, tau


def softmax_gradient_closed_form(z, y=0):
    """Closed-form gradient of l_gamma(softmax(z)_y): Lambda'(u) (e_y - tau), any K."""
    u_val, tau = _margin_and_tau(z, y)
    d1 = sp.diff(logit_loss_expr(), u).subs(u, u_val)
    b = [(1 if j == y else 0) - tau[j] for j in range(len(z))]
    return sp.Matrix([d1 * bj for bj in b])


def softmax_hessian_closed_form(z, y=0):
    """Closed-form Hessian: Lambda''(u) b b^T - Lambda'(u) (diag tau - tau tau^T), any K."""
    u_val, tau = _margin_and_tau(z, y)
    lam = logit_loss_expr()
    d1 = sp.diff(lam, u).subs(u, u_val)
    d2 = sp.diff(lam, u, 2).subs(u, u_val)
    K = len(z)
    b = sp.Matrix([(1 if j == y else 0) - tau[j] for j in range(K)])
    t = sp.Matrix(tau)
    return d2 * b * b.T - d1 * (sp.diag(*tau) - t * t.T)


def g_series_at_zero(order):
    """Series of g at q -> 0 up to (excluding) q**order; contains log(q) terms.

    Examples
    --------
    >>> g_series_at_zero(1)
    -gamma*log(q) - gamma + 1/q
    """
    ser = sp.series(g_expr(), q, 0, order).removeO()
    return sp.collect(sp.expand(ser), q)


def g_series_at_one(order):
    """Series of g at q -> 1 in c = 1 - q: c**gamma * sum_{k<=order} (1 + gamma/(k+1)) c**k."""
    inner = sp.expand(g_expr().subs(q, 1 - c) / c**gamma, power_base=True, power_exp=True)
    inner = sp.powsimp(inner, force=True)
    ser = sp.series(sp.simplify(inner), c, 0, order + 1).removeO()
    return c**gamma * sp.collect(sp.expand(ser), c)
