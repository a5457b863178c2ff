"""The closed forms in any array-API namespace (torch, CuPy, JAX, array-api-strict, ...).

Each function mirrors a public NumPy function and is called by its dispatch
block with the namespace ``xp`` found by :func:`focaltheory._xp._namespace`.
Everything is computed with ``xp`` on the input's device, in float64 where
available (see :class:`focaltheory._xp._Ctx`), so autograd frameworks
differentiate it.  The forms are the stable ones of the NumPy code (log1p,
exact complements, the power of a complement in log space, the inverse map
relative to the largest class) without its double-double steps; every
``where`` has safe arguments in its unselected branch, so that no NaN leaks
into a gradient from a branch that is not taken.
"""

import functools

import numpy as np

from .._validation import _class_weights, _normalize_axis, _sigmoid_alpha
from . import _Ctx, _foreign, _host, _np_eps, _num, _sum_tol, _to_numpy

__all__ = []  # private module


def _quiet(func):
    """Run under ``np.errstate(all="ignore")``: libraries built on NumPy (array-api-strict,
    Dask) would otherwise warn of the infinities the forms expect, which torch does not."""
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with np.errstate(all="ignore"):
            return func(*args, **kwargs)

    return wrapper


def _shape(x):
    return tuple(int(n) for n in x.shape)


def _first(xp, x, mask):
    """The first entry of ``x`` where ``mask`` holds, as a float (host copy, error path only)."""
    flat = np.asarray(_to_numpy(xp.reshape(mask, (-1,))))
    vals = np.asarray(_to_numpy(xp.reshape(x, (-1,))))
    return float(vals[np.flatnonzero(flat)[0]])


def _pow1m(xp, q, g):
    """(1 - q)**g for q in [0, 1]: the power of the exact complement where q >= 1/2,
    exp(g log1p(-q)) below (no rounding of 1 - q for gamma to multiply)."""
    hi = q >= 0.5
    ph = xp.pow(1.0 - xp.where(hi, q, 0.5), g)
    pl = xp.exp(g * xp.log1p(-xp.where(hi, 0.0, q)))
    return xp.where(hi, ph, pl)


def _loss(xp, q, g):
    """l(q) = -(1 - q)**g log q; at q = 1 an exact 0 for g > 0, whose gradient is then the
    limit 0 (the power's own, g 0**(g - 1) times log 1, would be inf * 0 for g < 1)."""
    one = (q == 1) & (g > 0)
    qs = xp.where(one, 0.5, q)
    return xp.where(one, 0.0, -_pow1m(xp, qs, g) * xp.log(qs))


@_quiet
def focal_loss(xp, q, gamma):
    c = _Ctx(xp, (q,), (gamma,))
    Q = c.real(q, "q")
    G = c.gamma(gamma)
    c.check_finite(Q, "q")
    if bool(xp.any((Q < 0) | (Q > 1))):
        raise ValueError("q must lie in [0, 1]")
    try:
        np.broadcast_shapes(_shape(Q), _shape(G))
    except ValueError:
        raise ValueError(f"gamma with shape {_shape(G)} is not broadcastable against q with shape {_shape(Q)}") from None
    return c.out(_loss(xp, Q, G))


def _distribution(c, x, name, axis):
    """As focaltheory._validation._distribution (normalized, class axis last), in ``c.xp``."""
    xp = c.xp
    A = c.real(x, name)
    ax = _normalize_axis(axis, A.ndim)
    A = xp.moveaxis(A, ax, -1)
    if A.shape[-1] == 0:
        raise ValueError(f"{name} has an empty class axis (axis={axis})")
    c.check_finite(A, name)
    if bool(xp.any(A < 0)):
        raise ValueError(f"{name} must be nonnegative, found {_num(xp.min(A))!r}")
    total = xp.sum(A, axis=-1, keepdims=True)
    if bool(xp.any(total <= 0)):
        where = np.argwhere(np.asarray(_to_numpy(total[..., 0] <= 0)))
        loc = "" if A.ndim == 1 else f" (first at batch index {tuple(int(i) for i in where[0])})"
        raise ValueError(f"{name} has an all-zero distribution{loc}: weights must have a positive sum")
    if not bool(xp.all(xp.isfinite(total))):
        fin = xp.isfinite(total)
        A = xp.where(fin, A, A / xp.max(A, axis=-1, keepdims=True))
        total = xp.sum(A, axis=-1, keepdims=True)
    return A / total, ax


def _weights(c, alpha, shape, ax, name="alpha"):
    """Class weights validated by the NumPy validator; the array itself (differentiable) if foreign."""
    a = _class_weights(_host(alpha), shape, ax, name)  # (moved last) the same errors as NumPy
    if not _foreign(alpha):
        return c.const(a)
    return c.xp.moveaxis(c.xp.broadcast_to(c.real(alpha, name), shape), ax, -1)


def _gamma_batch(G, batch, name="gamma"):
    try:
        return np.broadcast_shapes(_shape(G), tuple(batch))
    except ValueError:
        raise ValueError(
            f"{name} with shape {_shape(G)} is not broadcastable against the batch shape {tuple(batch)}"
        ) from None


@_quiet
def focal_entropy(xp, p, q, gamma, axis, alpha):
    c = _Ctx(xp, (p, q), (gamma, alpha))
    P, ax = _distribution(c, p, "p", axis)
    Q, _ = _distribution(c, q, "q", axis)
    G = c.gamma(gamma)
    try:
        shape = np.broadcast_shapes(_shape(P), _shape(Q))
    except ValueError:
        raise ValueError(f"p and q are not broadcastable: shapes {_shape(P)} and {_shape(Q)} (class axis last)") from None
    batch = _gamma_batch(G, shape[:-1])
    keep = P > 0
    A = None
    if alpha is not None:
        A = _weights(c, alpha, _shape(xp.moveaxis(P, -1, ax)), ax)
        keep = keep & (A > 0)  # a class of weight 0 does not count, whatever Q puts there
    Qs = xp.where(keep, Q, 1.0)  # 0 * log 0 = 0 where P has no mass
    terms = P * _loss(xp, Qs, xp.expand_dims(G, axis=-1))
    if A is not None:
        terms = terms * A
    terms = xp.where(keep, terms, 0.0)
    out = xp.sum(terms, axis=-1)
    return c.out(xp.broadcast_to(out, batch))


@_quiet
def inverse_minimizer(xp, q, gamma, axis, alpha, sum_tol):
    c = _Ctx(xp, (q,), (gamma, alpha))
    Q = c.real(q, "q")
    G = c.gamma(gamma)
    ax = _normalize_axis(axis, Q.ndim)
    Q = xp.moveaxis(Q, ax, -1)
    if Q.shape[-1] == 0:
        raise ValueError(f"q has an empty class axis (axis={axis})")
    c.check_finite(Q, "q")
    if bool(xp.any((Q < 0) | (Q > 1))):
        raise ValueError("q must lie in [0, 1] (zeros mark classes outside the support)")
    if _foreign(q):
        eps = float(xp.finfo(q.dtype).eps) if xp.isdtype(q.dtype, "real floating") else 0.0
    else:
        eps = _np_eps(q)
    tol = _sum_tol(sum_tol, eps)
    dev = xp.abs(xp.sum(Q, axis=-1) - 1.0)
    if bool(xp.any(dev > tol)):
        raise ValueError(f"q must sum to 1 along axis={axis} (within sum_tol={tol:g}); "
                         f"found a sum off by {_num(xp.max(dev)):.3g}")
    K = Q.shape[-1]
    nd = Q.ndim
    ax_out = ax - nd
    batch = _gamma_batch(G, _shape(Q)[:-1])
    Q = xp.broadcast_to(Q, batch + (K,))
    G = xp.expand_dims(xp.broadcast_to(G, batch), axis=-1)

    idx = xp.arange(K, device=c.device)
    is_r = idx == xp.expand_dims(xp.argmax(Q, axis=-1), axis=-1)
    qr = xp.sum(xp.where(is_r, Q, 0.0), axis=-1, keepdims=True)
    big = qr > 0.5
    # the complement of the largest class: the sum of the others above 1/2
    others = xp.sum(xp.where(is_r, 0.0, Q), axis=-1, keepdims=True)
    omq_r = xp.where(big, others, 1.0 - qr)
    omq = xp.where(is_r, omq_r, 1.0 - Q)
    pos = Q > 0
    hi = Q > 0.5
    mlogq = xp.where(hi, -xp.log1p(-xp.where(hi, omq, 0.0)), -xp.log(xp.where(pos & ~hi, Q, 1.0)))
    posc = omq > 0
    omq_s = xp.where(posc, omq, 1.0)
    ratio = xp.where(posc, Q * mlogq / omq_s, 1.0)  # q (-log q) / (1 - q) -> 1 as q -> 1
    B = 1.0 + G * ratio
    frac = omq_r / omq_s
    Br = xp.sum(xp.where(is_r, B, 0.0), axis=-1, keepdims=True)
    fpos = frac > 0
    L = xp.where(big, xp.log(xp.where(fpos, frac, 1.0)), xp.log1p(xp.where(big, 0.0, (Q - qr) / omq_s)))
    GL = G * xp.where(is_r | ~pos, 0.0, L)
    keep = (pos & fpos) | is_r  # 1 - q_r = 0 only for a point mass: the others get weight 0
    Qk = xp.where(keep, Q, 1.0)
    w = xp.where(keep, (Qk / qr) * xp.exp(GL) * (Br / B), 0.0)
    if alpha is not None:
        lost = keep & (w == 0)
        A = _weights(c, alpha, _shape(xp.moveaxis(Q, -1, ax_out % nd)), ax_out % nd)
        A = xp.broadcast_to(A, _shape(w))
        if bool(xp.any((A == 0) & pos)):
            raise ValueError("alpha is zero on a class where q is positive: no distribution has this minimizer")
        As = xp.where(A > 0, A, 1.0)
        w = xp.where(keep, w / As, 0.0)
        w = w / xp.max(w, axis=-1, keepdims=True)
        rows = xp.any(lost | ~xp.isfinite(w), axis=-1, keepdims=True)
        if bool(xp.any(rows)):
            # weights below the range before alpha divides them back: from logs
            lw = xp.log(Qk / qr) + GL + xp.log(Br / B) - xp.log(As)
            lw = xp.where(keep, lw, -xp.inf)
            lw = lw - xp.max(lw, axis=-1, keepdims=True)
            w = xp.where(rows, xp.exp(lw), w)
    P = w / xp.sum(w, axis=-1, keepdims=True)
    return c.out(xp.moveaxis(P, -1, ax_out))


# ---------------------------------------------------------------------------
# sigmoid (one-vs-rest) inverse
# ---------------------------------------------------------------------------

def _k_term(xp, z, e, lp1, neg):
    """k = q (-log q) / (1 - q) from the logit parts (k -> 1 as e -> 0)."""
    epos = e > 0
    far = xp.where(epos, xp.minimum(lp1 / xp.where(epos, e, 1.0), 1.0), 1.0)
    return xp.where(neg, e * (lp1 - z), far)


def _posterior_core(xp, z, e, G, c, cinv, exact_logit):
    """As focaltheory.sigmoid._posterior_core: eta and 1 - eta from the logit and e = exp(-|z|)."""
    lp1 = xp.log1p(e)
    neg = z < 0
    k_s = _k_term(xp, z, e, lp1, neg)
    k_c = _k_term(xp, -z, e, lp1, ~neg & (z != 0))
    lb = xp.log1p(G * k_c) - xp.log1p(G * k_s)
    low = z <= 0
    Eg = xp.pow(e, G)
    if exact_logit:
        az = xp.abs(z)
        Eg = xp.where(az < 1, xp.exp(-G * xp.where(az < 1, az, 0.0)), Eg)
    E = e * Eg
    ex, exm = xp.exp(lb), xp.exp(-lb)
    rho = xp.where(low, c * ex, cinv * exm) * E
    fin = xp.isfinite(rho)
    inv = xp.where(low, cinv * exm, c * ex) / xp.where(fin | (E == 0), 1.0, E)
    rho_s = xp.where(fin, rho, 0.0)
    inv_s = xp.where(fin, 1.0, inv)
    num = xp.where(fin, rho_s / (1.0 + rho_s), 1.0 / (1.0 + inv_s))
    den = xp.where(fin, 1.0 / (1.0 + rho_s), inv_s / (1.0 + inv_s))
    return xp.where(low, num, den), xp.where(low, den, num)


@_quiet
def sigmoid_posterior(xp, s, gamma, alpha, logits, return_complement):
    c = _Ctx(xp, (s,), (gamma, alpha))
    S = c.real(s, "s")
    if logits:
        if bool(xp.any(xp.isnan(S))):
            raise ValueError("s must not contain NaN")
    else:
        c.check_finite(S, "s")
    G = c.gamma(gamma)
    A = _sigmoid_alpha(_host(alpha), strict=True)
    named = [("s", _shape(S)), ("gamma", _shape(G)), ("alpha", None if A is None else A.shape)]
    try:
        shape = np.broadcast_shapes(*(sh for _, sh in named if sh is not None))
    except ValueError:
        desc = ", ".join(f"{n} {sh}" for n, sh in named if sh is not None)
        raise ValueError(f"shape mismatch: cannot broadcast {desc} together") from None
    if A is None:
        cc = ci = c.const(1.0)
    else:
        Ax = c.real(alpha, "alpha") if _foreign(alpha) else c.const(A)
        cc, ci = (1.0 - Ax) / Ax, Ax / (1.0 - Ax)
    cc, ci, G = (xp.broadcast_to(x, shape) for x in (cc, ci, G))
    if logits:
        z = xp.broadcast_to(S, shape)
        ends = xp.isinf(z)
        zs = xp.where(ends, 0.0, z)
        eta, om = _posterior_core(xp, zs, xp.exp(-xp.abs(zs)), G, cc, ci, True)
        one, zero = c.const(1.0), c.const(0.0)
        eta = xp.where(ends, xp.where(z > 0, one, zero), eta)
        om = xp.where(ends, xp.where(z < 0, one, zero), om)
    else:
        bad = (S < 0) | (S > 1)
        if bool(xp.any(bad)):
            raise ValueError(f"s must lie in [0, 1] (scores; pass logits=True for logits), got {_first(xp, S, bad)!r}")
        S = xp.broadcast_to(S, shape)
        end0, end1 = S == 0, S == 1
        Ss = xp.where(end0 | end1, 0.5, S)
        comp = 1.0 - Ss  # exact above 1/2; correctly rounded below
        low = Ss <= 0.5
        e = xp.where(low, Ss, comp) / xp.where(low, comp, Ss)
        lo_s, hi_s = xp.where(low, Ss, 0.5), xp.where(low, 0.5, Ss)
        z = xp.where(low, xp.log(lo_s) - xp.log1p(-lo_s), xp.log(hi_s) - xp.log(1.0 - hi_s))
        eta, om = _posterior_core(xp, z, e, G, cc, ci, False)
        eta = xp.where(end0, 0.0, xp.where(end1, 1.0, eta))
        om = xp.where(end0, 1.0, xp.where(end1, 0.0, om))
    eta, om = c.out(eta), c.out(om)
    return (eta, om) if return_complement else eta


# ---------------------------------------------------------------------------
# softmax focal loss on logits
# ---------------------------------------------------------------------------

def _softplus_pair(xp, u):
    """(softplus(u), softplus(-u)) = (-log(1 - s), -log s), s = sigmoid(u), stable and gradient-safe."""
    pos = u > 0
    up, un = xp.where(pos, u, 0.0), xp.where(pos, 0.0, u)
    a = xp.log1p(xp.exp(-up))  # softplus(-u) where u > 0
    b = xp.log1p(xp.exp(un))  # softplus(u) where u <= 0
    return xp.where(pos, up + a, b), xp.where(pos, a, b - un)


def _logit_loss(xp, u, G):
    """Lambda(u) = l_gamma(sigmoid(u)) = softplus(-u) exp(-gamma softplus(u))."""
    sp, sm = _softplus_pair(xp, u)
    return sm * xp.exp(-G * sp)


def _logit_dloss(xp, u, G):
    """Lambda'(u) = -(1 + gamma K(u)) exp(-(gamma + 1) softplus(u)), K = exp(u) softplus(-u)."""
    sp, sm = _softplus_pair(xp, u)
    return -(G * _logit_K(xp, u, sm) + 1.0) * xp.exp(-(G + 1.0) * sp)


def _logit_K(xp, u, sm):
    """K(u) = exp(u) softplus(-u) (``sm``), by its series in exp(-u) for u > 20."""
    far = u > 20
    uf = xp.where(far, u, 21.0)
    en = xp.exp(-uf)
    series = 1.0 + en * (-0.5 + en * (1.0 / 3.0 - en * 0.25))
    return xp.where(far, series, xp.exp(xp.where(far, 0.0, u)) * xp.where(far, 1.0, sm))


def _logit_d2loss(xp, u, G):
    """Lambda''(u) = exp(-softplus(-u) - (gamma + 1) softplus(u)) (gamma**2 K + 2 gamma + 1 - gamma softplus(-u))."""
    sp, sm = _softplus_pair(xp, u)
    K = _logit_K(xp, u, sm)
    return xp.exp(-sm - (G + 1.0) * sp) * ((G * G) * K + 2.0 * G + 1.0 - G * sm)


def _logits_prepare(c, z, y, gamma, axis, labels):
    """As focaltheory.logits._prepare: (z with the class axis last, labels, gamma, axis, K)."""
    xp = c.xp
    zz = c.real(z, "z")
    c.check_finite(zz, "z")
    ax = _normalize_axis(axis, zz.ndim)
    zt = xp.moveaxis(zz, ax, -1)
    K = zt.shape[-1]
    if K == 0:
        raise ValueError(f"z has an empty class axis (axis={axis})")
    batch = _shape(zt)[:-1]
    yy = labels(_host(y), batch, K)
    G = c.gamma(gamma)
    try:
        gshape = np.broadcast_shapes(_shape(G), batch)
    except ValueError:
        gshape = None
    if gshape != tuple(batch):
        raise ValueError(f"gamma with shape {_shape(G)} does not broadcast to the batch shape {tuple(batch)}")
    Y = xp.asarray(np.array(yy, dtype=np.int64), device=c.device)
    return zt, Y, xp.broadcast_to(G, batch), ax, K


def _margin(c, zt, Y, K):
    """(u, tau, onehot): the margin z_y - logsumexp_{j != y} z_j and the softmax of the others."""
    xp = c.xp
    onehot = xp.arange(K, device=c.device) == xp.expand_dims(Y, axis=-1)
    zy = xp.sum(xp.where(onehot, zt, 0.0), axis=-1)
    zo = xp.where(onehot, -xp.inf, zt)
    m = xp.max(zo, axis=-1, keepdims=True)
    ex = xp.exp(zo - m)
    S = xp.sum(ex, axis=-1, keepdims=True)
    tau = ex / S
    realmax = float(xp.finfo(c.cdtype).max)
    u = xp.clip((zy - m[..., 0]) - xp.log(S[..., 0]), -realmax, realmax)
    return u, tau, onehot


@_quiet
def loss_grad_logits(xp, z, y, gamma, axis, labels):
    """focal_loss_grad_logits in ``xp``; ``labels`` is the NumPy label validator of focaltheory.logits."""
    c = _Ctx(xp, (z,), (gamma,))
    zt, Y, G, ax, K = _logits_prepare(c, z, y, gamma, axis, labels)
    if K == 1:  # softmax is 1: zero loss, zero gradient
        zero = zt * 0.0
        return c.out(xp.sum(zero, axis=-1)), c.out(xp.moveaxis(zero, -1, ax))
    u, tau, onehot = _margin(c, zt, Y, K)
    d1 = _logit_dloss(xp, u, G)
    grad = xp.expand_dims(d1, axis=-1) * (xp.astype(onehot, c.cdtype) - tau)
    return c.out(_logit_loss(xp, u, G)), c.out(xp.moveaxis(grad, -1, ax))


@_quiet
def hvp_logits(xp, z, y, gamma, v, axis, labels, max_gamma):
    """focal_loss_hvp_logits in ``xp`` (``max_gamma``: the NumPy function's ceiling)."""
    c = _Ctx(xp, (z, v), (gamma,))
    zt, Y, G, ax, K = _logits_prepare(c, z, y, gamma, axis, labels)
    if int(np.prod(_shape(G))) > 0:
        gmax = _num(xp.max(G))
        if gmax > max_gamma:
            raise ValueError(f"gamma must be at most {max_gamma:g} for the Hessian-vector product "
                             f"(its second derivative squares gamma), got {gmax!r}")
    vv = c.real(v, "v")
    c.check_finite(vv, "v")
    zshape = _shape(xp.moveaxis(zt, -1, ax))
    if _shape(vv) != zshape:
        raise ValueError(f"v with shape {_shape(vv)} must have the shape of z, {zshape}")
    vt = xp.moveaxis(vv, ax, -1)
    if K == 1:
        return c.out(xp.moveaxis(zt * 0.0 + vt * 0.0, -1, ax))
    u, tau, onehot = _margin(c, zt, Y, K)
    d1 = xp.expand_dims(_logit_dloss(xp, u, G), axis=-1)
    d2 = xp.expand_dims(_logit_d2loss(xp, u, G), axis=-1)
    # v_i - tau.v relative to v_k, k the largest tau (see focaltheory.logits); rows with
    # |v| >= 2**1023 halved first
    big = xp.max(xp.abs(vt), axis=-1, keepdims=True) >= 2.0**1023
    vs = xp.where(big, 0.5 * vt, vt)
    is_k = xp.arange(K, device=c.device) == xp.expand_dims(xp.argmax(tau, axis=-1), axis=-1)
    w = vs - xp.sum(xp.where(is_k, vs, 0.0), axis=-1, keepdims=True)
    cc = w - xp.sum(tau * w, axis=-1, keepdims=True)
    cy = xp.sum(xp.where(onehot, cc, 0.0), axis=-1, keepdims=True)
    hv = (d2 * cy) * (xp.astype(onehot, c.cdtype) - tau) - d1 * (tau * cc)
    hv = xp.where(big, 2.0 * hv, hv)
    return c.out(xp.moveaxis(hv, -1, ax))
