"""The calibration maps and their fit by maximum likelihood (numpy; scipy.optimize lazily).

Every fitted map has the form "temperature, then the inverse focal map":

* softmax: ``P = inverse_minimizer(softmax(z / T), gamma, alpha)``; with
  ``T = 1`` the plain inverse map, with ``gamma = 0`` plain temperature
  scaling (the inverse map at gamma = 0 is the identity);
* sigmoid: ``eta = sigmoid_posterior(z / T, gamma, alpha, logits=True)``;
  with ``gamma = 0`` and no alpha, plain temperature scaling.

Arrays here are already validated: softmax outputs are 2-D (n, K) with the
classes on the last axis, labels are integer column indices; sigmoid
outputs have any shape and 0/1 labels of the same shape.
"""

import numpy as np
from scipy.special import expit

from ..inverse import inverse_minimizer
from ..sigmoid import sigmoid_posterior

__all__ = []  # private module

_TINY = np.finfo(np.float64).tiny
# the parameters each method fits (before the options fit_gamma / fit_alpha remove some)
_METHOD_PARAMS = {"inverse": ("gamma", "alpha"), "temperature": ("log_t",),
                  "focal-temperature": ("log_t", "gamma", "alpha")}
_ALPHA_BOUNDS = (0.01, 0.99)


def _softmax(z, axis=-1, temperature=1.0):
    """softmax(z / T) along ``axis``, finite for logits of any size (+-1e308 included)."""
    m = np.max(z, axis=axis, keepdims=True)
    # z - m <= 0 overflows to -inf only where it is below -1.8e308: exp gives 0 there,
    # the exact softmax in double precision; likewise for the division by T < 1
    with np.errstate(over="ignore", invalid="ignore"):
        d = z - m
        if temperature != 1.0:
            d = d / temperature
        d = np.where(np.isnan(d), -np.inf, d)  # -inf - (-inf): a zero probability stays zero
        e = np.exp(d)
    return e / e.sum(axis=axis, keepdims=True)


def _log(p):
    """log p with log 0 = -inf, silently (log-probabilities as logits)."""
    with np.errstate(divide="ignore"):
        return np.log(p)


def _logit(s):
    with np.errstate(divide="ignore"):
        return np.log(s) - np.log1p(-s)


class _Outputs:
    """Model outputs prepared once for repeated evaluation of the maps.

    ``x``: the outputs as given (probabilities or logits); ``z``: logits
    (for probabilities, log p (softmax) or logit(s) (sigmoid)), computed
    only when a temperature is applied; ``sum_tol``: the tolerance of the
    sum check of the inverse map (None: its default), the one the softmax
    probabilities were checked with.
    """

    def __init__(self, x, is_logits, loss, sum_tol=None):
        self.x, self.is_logits, self.loss, self.sum_tol = x, is_logits, loss, sum_tol
        self._z = None

    @property
    def z(self):
        if self._z is None:
            self._z = self.x if self.is_logits else (_log(self.x) if self.loss == "softmax" else _logit(self.x))
        return self._z

    def take(self, idx):
        """The outputs of the samples (rows) ``idx``."""
        return _Outputs(self.x[idx], self.is_logits, self.loss, self.sum_tol)


def _apply(out, temperature, gamma, alpha, complement=False):
    """The calibrated probabilities (and, for the sigmoid loss with ``complement``, 1 - them)."""
    if out.loss == "sigmoid":
        if temperature == 1.0:
            return sigmoid_posterior(out.x, gamma, alpha, logits=out.is_logits, return_complement=complement)
        with np.errstate(over="ignore"):
            z = out.z / temperature
        if gamma == 0.0 and alpha is None:
            p = expit(z)
            return (p, expit(-z)) if complement else p
        return sigmoid_posterior(z, gamma, alpha, logits=True, return_complement=complement)
    if temperature == 1.0:
        q = _softmax(out.x) if out.is_logits else out.x
    else:
        q = _softmax(out.z, temperature=temperature)
    if gamma == 0.0 and alpha is None:
        return q
    return inverse_minimizer(q, gamma, -1, alpha=alpha, sum_tol=out.sum_tol)


def _sample_losses(out, y, temperature, gamma, alpha):
    """Negative log-likelihood of each sample (softmax: row; sigmoid: mean over a row's entries)."""
    if out.loss == "sigmoid":
        eta, om = _apply(out, temperature, gamma, alpha, complement=True)
        ll = np.where(y == 1, np.log(np.maximum(eta, _TINY)), np.log(np.maximum(om, _TINY)))
        return -ll.reshape(ll.shape[0], -1).mean(axis=1) if ll.ndim > 1 else -ll
    P = _apply(out, temperature, gamma, alpha)
    py = P[np.arange(P.shape[0]), y]
    return -np.log(np.maximum(py, _TINY))


def _nll(out, y, temperature, gamma, alpha):
    return float(_sample_losses(out, y, temperature, gamma, alpha).mean())


class _Spec:
    """What a fit of one method estimates, its start and bounds."""

    def __init__(self, method, loss, gamma, alpha, fit_gamma, fit_alpha, gamma_bounds, temperature_bounds):
        names = [n for n in _METHOD_PARAMS[method]
                 if not (n == "gamma" and not fit_gamma)
                 and not (n == "alpha" and not (fit_alpha and loss == "sigmoid"))]
        self.method, self.names = method, tuple(names)
        self.gamma = 0.0 if method == "temperature" else float(gamma)
        self.alpha = None if method == "temperature" else alpha
        a0 = 0.5 if alpha is None else float(np.asarray(alpha).mean())
        lo_t, hi_t = (np.log(float(v)) for v in temperature_bounds)
        bounds = {"log_t": (lo_t, hi_t), "gamma": tuple(float(v) for v in gamma_bounds),
                  "alpha": _ALPHA_BOUNDS}
        start = {"log_t": 0.0, "gamma": self.gamma, "alpha": a0}
        self.bounds = [bounds[n] for n in self.names]
        self.start = [float(np.clip(start[n], *bounds[n])) for n in self.names]

    def params(self, theta):
        """(temperature, gamma, alpha) from the fitted vector."""
        d = dict(zip(self.names, theta))
        alpha = float(d["alpha"]) if "alpha" in d else self.alpha
        return float(np.exp(d.get("log_t", 0.0))), float(d.get("gamma", self.gamma)), alpha


def _fit_params(out, y, spec):
    """Minimize the mean NLL over the free parameters of ``spec``; returns (T, gamma, alpha, nll)."""
    def f(theta):
        return _nll(out, y, *spec.params(theta))

    k = len(spec.names)
    if k == 0:
        t, g, a = spec.params([])
        return t, g, a, f([])
    from scipy.optimize import minimize, minimize_scalar  # not at import time: slow to load

    if k == 1:
        lo, hi = spec.bounds[0]
        res = minimize_scalar(lambda v: f([v]), bounds=(lo, hi), method="bounded", options={"xatol": 1e-6})
        cands = [(float(res.fun), float(res.x))]
        for v in (lo, hi):  # the bounded method never evaluates the endpoints
            cands.append((f([v]), v))
        best, v = min(cands)
        return (*spec.params([v]), best)
    # several parameters: the best point of a coarse grid, polished by L-BFGS-B (finite differences)
    grids = []
    for name, (lo, hi), s in zip(spec.names, spec.bounds, spec.start):
        if name == "log_t":
            g = np.log([0.5, 1.0, 2.0])
        elif name == "gamma":
            g = np.array([0.0, 1.0, 2.0, 4.0, s])
        else:
            g = np.array([0.25, 0.5, 0.75, s])
        grids.append(np.unique(np.clip(g, lo, hi)))
    mesh = np.stack(np.meshgrid(*grids, indexing="ij"), axis=-1).reshape(-1, k)
    vals = [f(th) for th in mesh]
    x0 = mesh[int(np.argmin(vals))]
    res = minimize(f, x0, method="L-BFGS-B", bounds=spec.bounds,
                   options={"ftol": 1e-12, "gtol": 1e-8, "maxiter": 200})
    theta, best = (res.x, float(res.fun)) if float(res.fun) <= min(vals) else (x0, float(min(vals)))
    return (*spec.params(theta), best)
