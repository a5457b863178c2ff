"""Array-API inputs: torch tensors and array-api-strict arrays go through the closed forms.

Every closed-form function returns the input's array type, on its device, in
its floating dtype, computed in that library (so torch autograd
differentiates it).  The values are checked against the NumPy float64 result
on the same (rounded) input values:

* float64: relative 1e-13 (about 450 eps; measured up to ~70 eps at gamma = 10,
  where the libraries' 1-ulp differences in exp and log are multiplied by the
  condition number of the forms, gamma times a log);
* float32, float16, bfloat16: computed in float64 and rounded once, so within
  one eps of the dtype (measured: at most 0.5 eps, correctly rounded) for
  every result in the dtype's normal range; absolute ``tiny`` below it.

array-api-strict (the reference implementation, which refuses non-standard
calls) has float32 and float64; torch runs on the CPU.
"""

import subprocess
import sys
import warnings

import numpy as np
import pytest

import focaltheory as ft
from focaltheory.logits import focal_loss_grad_logits, focal_loss_hvp_logits
from focaltheory.sigmoid import sigmoid_posterior, sigmoid_posterior_from_logits

from _lowprec import softmax_rows

xps = pytest.importorskip("array_api_strict", reason="array-api-strict (test extra) is needed for these tests")
pytest.importorskip("array_api_compat", reason="array-api-compat (test extra) is needed for these tests")

pytestmark = pytest.mark.filterwarnings("error")

RNG = np.random.default_rng(20261201)
K = 4
Q = RNG.dirichlet(np.full(K, 0.7), size=60)
Q[0] = [1.0 - 3e-9, 1e-9, 1e-9, 1e-9]  # the largest class near 1: its complement is the sum of the others
Q[1] = [0.5, 0.5, 0.0, 0.0]  # classes outside the support
S = np.concatenate([RNG.uniform(0, 1, 50), [0.0, 1.0, 0.5, 1e-6, 1.0 - 1e-6]])
Z = np.concatenate([RNG.normal(0, 6, 50), [0.0, 40.0, -40.0, np.inf, -np.inf]])
ZL = RNG.normal(0, 4, (30, K))
YL = RNG.integers(0, K, 30)
ALPHA = [0.5, 1.0, 2.0, 0.25]


def _torch():
    return pytest.importorskip("torch", reason="torch is optional: pip install torch (CPU wheel) to run these tests")


CASES = [("strict", "float64", False), ("strict", "float32", False)] + [
    ("torch", dt, rg) for dt in ("float64", "float32", "float16", "bfloat16") for rg in (False, True)
]
IDS = [f"{lib}-{dt}{'-grad' if rg else ''}" for lib, dt, rg in CASES]


class Lib:
    """Build inputs of one (library, dtype, requires_grad) case and read results back."""

    def __init__(self, lib, dtype, rg):
        self.name, self.rg = lib, rg
        if lib == "torch":
            torch = _torch()
            self.mod, self.dtype = torch, getattr(torch, dtype)
            self.eps, self.tiny = torch.finfo(self.dtype).eps, torch.finfo(self.dtype).tiny
            self.type = torch.Tensor
        else:
            self.mod, self.dtype = xps, getattr(xps, dtype)
            self.eps, self.tiny = float(np.finfo(dtype).eps), float(np.finfo(dtype).tiny)
            self.type = type(xps.asarray(0.0))

    def __call__(self, a):
        if self.name == "torch":
            t = self.mod.tensor(np.array(a, dtype=np.float64)).to(self.dtype)
            return t.requires_grad_(True) if self.rg else t
        return xps.asarray(np.asarray(a, dtype=np.float64), dtype=self.dtype)

    def back(self, x):
        """The exact float64 values of an array of this library."""
        if self.name == "torch":
            return x.detach().to(self.mod.float64).numpy()
        return np.asarray(xps.astype(x, xps.float64))

    def device(self, x):
        return x.device

    def check(self, out, ref, x, rtol=None):
        """Type, dtype, device and values of ``out`` against the float64 NumPy ``ref``."""
        assert isinstance(out, self.type)
        assert out.dtype == self.dtype
        assert self.device(out) == self.device(x)
        got = self.back(out)
        ref = np.asarray(ref, dtype=np.float64)
        assert got.shape == ref.shape
        assert np.array_equal(np.isfinite(got), np.isfinite(ref))
        assert np.array_equal(got[~np.isfinite(got)], ref[~np.isfinite(ref)])
        if rtol is None:
            rtol = 1e-13 if self.eps < 1e-15 else self.eps
        f = np.isfinite(ref)
        np.testing.assert_allclose(got[f], ref[f], rtol=rtol, atol=self.tiny)


@pytest.fixture(params=CASES, ids=IDS)
def lib(request):
    return Lib(*request.param)


def test_focal_loss(lib):
    x = lib(Q)
    lib.check(ft.focal_loss(x, 2.0), ft.focal_loss(lib.back(x), 2.0), x)
    lib.check(ft.focal_loss(x, 0.0), ft.focal_loss(lib.back(x), 0.0), x)


def test_focal_loss_gamma_array(lib):
    x, g = lib(Q[:, :1]), lib([0.0, 0.5, 2.0, 7.0])
    lib.check(ft.focal_loss(x, g), ft.focal_loss(lib.back(x), lib.back(g)), x)


def test_focal_entropy(lib):
    p, q = lib(Q[::-1].copy()), lib(Q)
    ref = ft.focal_entropy(lib.back(p), lib.back(q), 1.5)
    lib.check(ft.focal_entropy(p, q, 1.5), ref, q)
    ref = ft.focal_entropy(lib.back(p), lib.back(q), 1.5, alpha=ALPHA)
    lib.check(ft.focal_entropy(p, q, 1.5, alpha=ALPHA), ref, q)
    ref = ft.focal_entropy(lib.back(p).T, lib.back(q).T, 1.5, axis=0)
    lib.check(ft.focal_entropy(lib(Q[::-1].T), lib(Q.T), 1.5, axis=0), ref, q)


def test_inverse_minimizer(lib):
    q = lib(Q)
    qn = lib.back(q)  # float16 / bfloat16 rows are not normalized to 1e-6
    ref = ft.inverse_minimizer(qn, 2.0, sum_tol=0.1)
    lib.check(ft.inverse_minimizer(q, 2.0), ref, q)
    ref = ft.inverse_minimizer(qn, 2.0, alpha=ALPHA, sum_tol=0.1)
    lib.check(ft.inverse_minimizer(q, 2.0, alpha=ALPHA), ref, q)
    ref = ft.inverse_minimizer(qn.T, [[0.5], [3.0]], axis=0, sum_tol=0.1)
    lib.check(ft.inverse_minimizer(lib(Q.T), [[0.5], [3.0]], axis=0), ref, q)


def test_sigmoid_posterior(lib):
    s = lib(S)
    lib.check(sigmoid_posterior(s, 2.0, 0.25), sigmoid_posterior(lib.back(s), 2.0, 0.25), s)
    eta, om = sigmoid_posterior(s, 0.5, None, return_complement=True)
    eta0, om0 = sigmoid_posterior(lib.back(s), 0.5, None, return_complement=True)
    lib.check(eta, eta0, s)
    lib.check(om, om0, s)
    z = lib(Z)
    lib.check(sigmoid_posterior_from_logits(z, 2.0), sigmoid_posterior_from_logits(lib.back(z), 2.0), z)
    lib.check(sigmoid_posterior(z, 3.0, [0.25], logits=True), sigmoid_posterior(lib.back(z), 3.0, [0.25], logits=True), z)


def test_focal_loss_grad_logits(lib):
    z = lib(ZL)
    loss, grad = focal_loss_grad_logits(z, YL, 2.0)
    loss0, grad0 = focal_loss_grad_logits(lib.back(z), YL, 2.0)
    lib.check(loss, loss0, z)
    lib.check(grad, grad0, z)
    loss, grad = focal_loss_grad_logits(lib(ZL.T), YL, 0.0, axis=0)
    loss0, grad0 = focal_loss_grad_logits(lib.back(z).T, YL, 0.0, axis=0)
    lib.check(loss, loss0, z)
    lib.check(grad, grad0, z)


def test_focal_loss_hvp_logits(lib):
    z, v = lib(ZL), lib(RNG.normal(0, 1, ZL.shape))
    lib.check(focal_loss_hvp_logits(z, YL, 2.0, v), focal_loss_hvp_logits(lib.back(z), YL, 2.0, lib.back(v)), z)
    ref = focal_loss_hvp_logits(lib.back(z).T, YL, 0.5, lib.back(v).T, axis=0)
    lib.check(focal_loss_hvp_logits(lib(ZL.T), YL, 0.5, lib(lib.back(v).T), axis=0), ref, z)


def test_minimizer(lib):
    p = lib(Q)
    res = ft.minimizer(p, 2.0)
    ref = ft.minimizer(lib.back(p), 2.0)
    # solved in float64 NumPy, rounded once to the dtype
    lib.check(res.q, ref.q, p, rtol=0 if lib.eps < 1e-15 else lib.eps)
    lib.check(res.value, ref.value, p, rtol=0 if lib.eps < 1e-15 else lib.eps)
    assert isinstance(res.iterations, lib.type) and isinstance(res.converged, lib.type)
    assert np.array_equal(np.asarray(lib.back(res.converged) if lib.name == "torch" else res.converged), ref.converged)
    if lib.name == "torch":
        assert not res.q.requires_grad  # solved in NumPy: not differentiable
        assert res.iterations.dtype == lib.mod.int64


def test_scalar_input_gives_a_0d_array(lib):
    out = ft.focal_loss(lib(0.5), 2)
    assert isinstance(out, lib.type) and out.shape == ()
    lib.check(out, ft.focal_loss(0.5, 2), out)


def test_caller_error_state_is_irrelevant(lib):
    x = lib(Q)
    with np.errstate(all="raise"):
        out = ft.inverse_minimizer(x, 2.0)
        lib.check(ft.focal_loss(x, 2.0), ft.focal_loss(lib.back(x), 2.0), x)
    lib.check(out, ft.inverse_minimizer(lib.back(x), 2.0, sum_tol=0.1), x)


# ---------------------------------------------------------------------------
# gradients (torch)
# ---------------------------------------------------------------------------

def _t64(a, grad=True):
    torch = _torch()
    return torch.tensor(np.asarray(a, dtype=np.float64), requires_grad=grad)


def test_gradcheck_focal_loss():
    torch = _torch()
    q = _t64(RNG.uniform(0.05, 0.95, 12))
    g = _t64(RNG.uniform(0.1, 4.0, 12))
    assert torch.autograd.gradcheck(lambda q, g: ft.focal_loss(q, g), (q, g))


def test_gradcheck_focal_entropy():
    torch = _torch()
    p, q = _t64(Q[2:8]), _t64(Q[8:14])
    assert torch.autograd.gradcheck(lambda p, q: ft.focal_entropy(p, q, 2.0), (p, q))
    assert torch.autograd.gradcheck(lambda p, q: ft.focal_entropy(p, q, 2.0, alpha=ALPHA), (p, q))


def test_gradcheck_inverse_minimizer():
    torch = _torch()
    q = Q[2:10].copy()
    q[0] = [0.85, 0.1, 0.03, 0.02]  # the largest class above 1/2 (complement as the sum of the others)
    q[1] = [0.3, 0.3, 0.25, 0.15]  # all at most 1/2
    # gradcheck perturbs the entries by 1e-6: off the simplex by that much
    f = lambda q, g: ft.inverse_minimizer(q, g, sum_tol=1e-4)  # noqa: E731
    assert torch.autograd.gradcheck(f, (_t64(q), _t64([[0.5], [1.0], [2.0], [3.0], [5.0], [0.01], [1.5], [8.0]])))
    assert torch.autograd.gradcheck(lambda q: ft.inverse_minimizer(q, 2.0, alpha=ALPHA, sum_tol=1e-4), (_t64(q),))


def test_gradcheck_sigmoid_posterior():
    torch = _torch()
    s = _t64(RNG.uniform(0.02, 0.98, 10))
    assert torch.autograd.gradcheck(lambda s, g: sigmoid_posterior(s, g, 0.25), (s, _t64(np.full(10, 2.0))))
    z = _t64(RNG.normal(0, 5, 10))
    assert torch.autograd.gradcheck(lambda z: sigmoid_posterior_from_logits(z, 2.0, None), (z,))


@pytest.mark.parametrize("gamma", [0.0, 0.5, 1.0, 2.0])
def test_focal_loss_gradient_at_one(gamma):
    # l'(1) = 0 for gamma > 0 (the limit of gamma (1-q)**(gamma-1) log q - (1-q)**gamma / q), -1 at gamma = 0
    torch = _torch()
    q = _t64([1.0, 1.0 - 2.0**-40])
    (g,) = torch.autograd.grad(ft.focal_loss(q, gamma).sum(), q)
    exact = [-1.0 if gamma == 0 else 0.0, -1.0 if gamma == 0 else -(2.0**-40) ** gamma * (1 + gamma)]
    np.testing.assert_allclose(g.numpy(), exact, rtol=1e-9, atol=0)
    (g,) = torch.autograd.grad(ft.focal_entropy(q[:1], q[:1], gamma), q)
    assert torch.isfinite(g).all()


def test_gradcheck_with_respect_to_alpha():
    torch = _torch()
    p, q = _t64(Q[2:6], grad=False), _t64(Q[6:10], grad=False)
    assert torch.autograd.gradcheck(lambda a: ft.focal_entropy(p, q, 2.0, alpha=a), (_t64(ALPHA),))
    assert torch.autograd.gradcheck(lambda a: ft.inverse_minimizer(q, 2.0, alpha=a), (_t64(ALPHA),))
    s = _t64(RNG.uniform(0.05, 0.95, (5, K)), grad=False)
    assert torch.autograd.gradcheck(lambda a: sigmoid_posterior(s, 2.0, a), (_t64([0.1, 0.25, 0.5, 0.8]),))


def test_grad_logits_is_the_autograd_gradient_of_the_loss():
    torch = _torch()
    z = _t64(ZL)
    for g in (0.0, 2.0, 5.0):
        loss, grad = focal_loss_grad_logits(z, torch.tensor(YL), g)
        (auto,) = torch.autograd.grad(loss.sum(), z)
        np.testing.assert_allclose(auto.numpy(), grad.detach().numpy(), rtol=1e-12, atol=1e-15)
    # the gradient itself is differentiable (Hessian-vector products by autograd)
    assert torch.autograd.gradcheck(lambda z: focal_loss_grad_logits(z, YL[:5], 2.0)[1], (_t64(ZL[:5]),))


def test_hvp_is_the_autograd_hessian_vector_product():
    torch = _torch()
    z, v = _t64(ZL), _t64(RNG.normal(0, 1, ZL.shape), grad=False)
    for g in (0.0, 2.0, 5.0):
        _, hv = torch.autograd.functional.hvp(lambda z: focal_loss_grad_logits(z, YL, g)[0].sum(), z, v)
        np.testing.assert_allclose(focal_loss_hvp_logits(z, YL, g, v).detach().numpy(), hv.numpy(),
                                   rtol=1e-11, atol=1e-14)


@pytest.mark.parametrize("dtype", ["float32", "float16", "bfloat16"])
def test_low_precision_gradients(dtype):
    torch = _torch()
    dt = getattr(torch, dtype)
    eps = torch.finfo(dt).eps
    q = torch.tensor(Q[2:20]).to(dt).requires_grad_(True)
    q64 = q.detach().double().requires_grad_(True)
    for f in (lambda q: ft.focal_loss(q, 2.0), lambda q: ft.focal_entropy(q, q, 2.0),
              lambda q: ft.inverse_minimizer(q, 2.0, sum_tol=0.1) * torch.arange(1.0, K + 1.0),
              lambda q: sigmoid_posterior(q, 2.0)):
        (g,) = torch.autograd.grad(f(q).float().sum(), q)
        (g64,) = torch.autograd.grad(f(q64).sum(), q64)
        assert g.dtype == dt and torch.isfinite(g).all()
        # the float64 gradient, rounded to the dtype
        np.testing.assert_allclose(g.double().numpy(), g64.numpy(), rtol=eps, atol=eps * float(g64.abs().max()))


def test_without_float64_the_forms_run_in_float32(monkeypatch):
    # as on a device without float64 (torch on MPS): float32 throughout, within a few eps of float32
    import focaltheory._xp as fxp

    torch = _torch()
    monkeypatch.setattr(fxp, "_has_float64", lambda xp, device: False)
    eps = torch.finfo(torch.float32).eps
    q = torch.tensor(Q[2:], dtype=torch.float32)
    qn = q.double().numpy()
    cases = [
        (ft.focal_loss(q, 2.0), ft.focal_loss(qn, 2.0), 8),
        (ft.focal_entropy(q, q, 2.0), ft.focal_entropy(qn, qn, 2.0), 8),
        (ft.inverse_minimizer(q, 2.0), ft.inverse_minimizer(qn, 2.0, sum_tol=1e-5), 16),
        (sigmoid_posterior(q, 2.0), sigmoid_posterior(qn, 2.0), 16),
        (focal_loss_grad_logits(torch.tensor(ZL, dtype=torch.float32), YL, 2.0)[1],
         focal_loss_grad_logits(np.float32(ZL).astype(np.float64), YL, 2.0)[1], 64),
    ]
    for got, ref, k in cases:
        assert got.dtype == torch.float32
        f = np.isfinite(ref)
        np.testing.assert_allclose(got.double().numpy()[f], ref[f], rtol=k * eps, atol=1e-30)


# ---------------------------------------------------------------------------
# sums of low-precision probabilities
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("k", [3, 10, 100, 1000])
@pytest.mark.parametrize("dtype", ["float16", "bfloat16", "float32"])
def test_low_precision_softmax_rows_pass_the_sum_check(k, dtype):
    torch = _torch()
    _, q = softmax_rows(k, dtype)
    P = ft.inverse_minimizer(q, 2.0)
    assert P.dtype == q.dtype and torch.isfinite(P).all()
    ref = ft.inverse_minimizer(q.double().numpy(), 2.0, sum_tol=0.1)
    np.testing.assert_allclose(P.double().numpy(), ref, rtol=torch.finfo(q.dtype).eps, atol=torch.finfo(q.dtype).tiny)
    # the numpy path derives the same default from a float16 array
    if dtype == "float16":
        np.testing.assert_array_equal(ft.inverse_minimizer(q.numpy(), 2.0), ref)


def test_sum_tol_is_the_callers():
    x = xps.asarray([0.5, 0.5 + 5e-7])
    with pytest.raises(ValueError, match=r"along axis=-1 \(within sum_tol=1e-09\)"):
        ft.inverse_minimizer(x, 1.0, sum_tol=1e-9)
    assert ft.inverse_minimizer(x, 1.0).shape == (2,)
    with pytest.raises(ValueError, match="sum_tol must be a finite nonnegative number"):
        ft.inverse_minimizer(x, 1.0, sum_tol=-1.0)
    with pytest.raises(ValueError, match="sum_tol must be a finite nonnegative number"):
        ft.inverse_minimizer([0.5, 0.5], 1.0, sum_tol=float("nan"))


def test_reference_inverse_takes_a_sum_tol():
    from focaltheory.reference import inverse_minimizer_mp

    with pytest.raises(ValueError, match="q must sum to 1"):
        inverse_minimizer_mp(["0.5", "0.5001"], 2)
    P = inverse_minimizer_mp(["0.5", "0.5001"], 2, sum_tol="1e-3")
    # within the tolerance q is taken as given: P normalized, the larger class the larger weight
    assert abs(sum(P) - 1) < 1e-40 and P[1] > P[0]
    np.testing.assert_allclose([float(x) for x in P], ft.inverse_minimizer([0.5, 0.5001], 2, sum_tol=1e-3), rtol=1e-14)
    with pytest.raises(ValueError, match="sum_tol must be a finite nonnegative number"):
        inverse_minimizer_mp(["0.5", "0.5"], 2, sum_tol=-1)


def test_sum_message_names_the_axis_as_given():
    q = np.array([[0.5, 0.6], [0.5, 0.4]])
    for x in (q, xps.asarray(q)):
        with pytest.raises(ValueError, match=r"along axis=-1 "):
            ft.inverse_minimizer(x, 1.0, axis=-1)
        with pytest.raises(ValueError, match=r"along axis=1 "):
            ft.inverse_minimizer(x, 1.0, axis=1)


# ---------------------------------------------------------------------------
# validation: the NumPy messages
# ---------------------------------------------------------------------------

BAD = [
    ("focal_loss-nan", lambda c: ft.focal_loss(c([0.5, np.nan]), 2.0)),
    ("focal_loss-range", lambda c: ft.focal_loss(c([0.5, 1.5]), 2.0)),
    ("focal_loss-gamma", lambda c: ft.focal_loss(c([0.5]), c([-1.0]))),
    ("focal_loss-gamma-float", lambda c: ft.focal_loss(c([0.5]), -2.0)),
    ("focal_loss-gamma-inf", lambda c: ft.focal_loss(c([0.5]), c([np.inf]))),
    ("focal_loss-shapes", lambda c: ft.focal_loss(c([0.5, 0.2]), c([1.0, 2.0, 3.0]))),
    ("entropy-negative", lambda c: ft.focal_entropy(c([0.5, -0.5]), c([0.5, 0.5]), 1.0)),
    ("entropy-zero-row", lambda c: ft.focal_entropy(c([[0.5, 0.5], [0.0, 0.0]]), c([0.5, 0.5]), 1.0)),
    ("entropy-axis", lambda c: ft.focal_entropy(c([0.5, 0.5]), c([0.5, 0.5]), 1.0, axis=2)),
    ("entropy-empty", lambda c: ft.focal_entropy(c(np.zeros((2, 0))), c(np.zeros((2, 0))), 1.0)),
    ("entropy-shapes", lambda c: ft.focal_entropy(c([[0.5, 0.5]] * 2), c([[0.5, 0.5]] * 3), 1.0)),
    ("entropy-alpha", lambda c: ft.focal_entropy(c([0.5, 0.5]), c([0.5, 0.5]), 1.0, alpha=[1.0, -1.0])),
    ("inverse-sum", lambda c: ft.inverse_minimizer(c([[0.5, 0.6]]), 1.0)),
    ("inverse-range", lambda c: ft.inverse_minimizer(c([1.5, -0.5]), 1.0)),
    ("inverse-alpha", lambda c: ft.inverse_minimizer(c([0.5, 0.5]), 1.0, alpha=[1.0, 0.0])),
    ("inverse-gamma", lambda c: ft.inverse_minimizer(c([[0.5, 0.5]] * 2), c([1.0, 2.0, 3.0]))),
    ("sigmoid-range", lambda c: sigmoid_posterior(c([0.5, 1.25]), 2.0)),
    ("sigmoid-nan-logit", lambda c: sigmoid_posterior_from_logits(c([0.5, np.nan]), 2.0)),
    ("sigmoid-alpha", lambda c: sigmoid_posterior(c([0.5]), 2.0, 0.0)),
    ("sigmoid-shapes", lambda c: sigmoid_posterior(c([0.5, 0.2]), c([1.0, 2.0, 3.0]))),
    ("logits-inf", lambda c: focal_loss_grad_logits(c([[0.0, np.inf]]), [0], 1.0)),
    ("logits-label", lambda c: focal_loss_grad_logits(c([[0.0, 1.0]]), [2], 1.0)),
    ("logits-gamma", lambda c: focal_loss_grad_logits(c([[0.0, 1.0]] * 2), [0, 1], c([1.0, 2.0, 3.0]))),
    ("hvp-gamma", lambda c: focal_loss_hvp_logits(c([[0.0, 1.0]]), [0], c([1e151]), c([[1.0, 0.0]]))),
    ("hvp-shape", lambda c: focal_loss_hvp_logits(c([[0.0, 1.0]]), [0], 1.0, c([1.0, 0.0, 2.0]))),
    ("hvp-v-nan", lambda c: focal_loss_hvp_logits(c([[0.0, 1.0]]), [0], 1.0, c([[np.nan, 0.0]]))),
    ("minimizer-negative", lambda c: ft.minimizer(c([0.5, -0.5]), 1.0)),
]


@pytest.mark.parametrize("call", [b for _, b in BAD], ids=[a for a, _ in BAD])
@pytest.mark.parametrize("libname", ["strict", "torch", "torch-grad"])
def test_errors_are_the_numpy_errors(call, libname):
    if libname.startswith("torch"):
        torch = _torch()
        grad = libname == "torch-grad"
        make = lambda a: torch.tensor(np.asarray(a, dtype=np.float64), requires_grad=grad)  # noqa: E731
    else:
        make = lambda a: xps.asarray(np.asarray(a, dtype=np.float64))  # noqa: E731
    with pytest.raises((ValueError, TypeError)) as expected:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            call(lambda a: np.asarray(a, dtype=np.float64))
    with pytest.raises(expected.type) as got:
        call(make)
    assert str(got.value) == str(expected.value)


def test_complex_input_is_a_type_error():
    torch = _torch()
    with pytest.raises(TypeError, match="q must be real, got complex dtype"):
        ft.focal_loss(torch.tensor([0.5 + 0j]), 2.0)
    with pytest.raises(TypeError, match="q must be real, got complex dtype"):
        ft.inverse_minimizer(xps.asarray([0.5 + 0j, 0.5]), 2.0)


# ---------------------------------------------------------------------------
# the NumPy path is untouched and imports nothing
# ---------------------------------------------------------------------------

def test_numpy_input_imports_no_array_library():
    code = (
        "import sys, numpy as np\n"
        "import focaltheory as ft\n"
        "from focaltheory.sigmoid import sigmoid_posterior\n"
        "from focaltheory.logits import focal_loss_grad_logits\n"
        "q = np.array([0.7, 0.2, 0.1])\n"
        "ft.focal_loss(q, 2.0); ft.focal_loss(0.5, 2); ft.focal_entropy([0.5, 0.5], q[:2] / q[:2].sum(), 1.0)\n"
        "ft.inverse_minimizer(q, 2.0); ft.minimizer(q.tolist(), 2.0); sigmoid_posterior(np.float32(0.3))\n"
        "focal_loss_grad_logits(q, 0, 2.0)\n"
        "print(sorted(m for m in ('torch', 'array_api_compat', 'array_api_strict') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    assert out.strip() == "[]"


def test_numpy_results_stay_numpy():
    q = np.array([0.7, 0.2, 0.1], dtype=np.float32)
    assert type(ft.inverse_minimizer(q, 2.0)) is np.ndarray
    assert ft.inverse_minimizer(q, 2.0).dtype == np.float64
    assert type(ft.focal_loss(0.5, 2.0)) is np.float64
