"""Tests of focaltheory.torch: the softmax and sigmoid focal losses for PyTorch.

References come from outside the module under test: torch.nn.functional.cross_entropy
(gamma = 0), the float64 numpy toolkit (focal_loss_grad_logits, sigmoid_focal_risk, the
minimizers), torchvision's formula for the sigmoid loss written out literally in numpy and
in mpmath, and torch.autograd.gradcheck.
"""

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from mpmath import mp

torch = pytest.importorskip("torch", reason="PyTorch is an optional dependency: focaltheory.torch needs it")

import focaltheory  # noqa: E402
from focaltheory.torch import focal_loss, sigmoid_focal_loss  # noqa: E402

F = torch.nn.functional
ROOT = Path(__file__).resolve().parents[1]
GAMMAS = [0.0, 0.5, 1.0, 2.0, 5.0]


def _t(x, dtype=torch.float64, grad=False):
    return torch.tensor(np.asarray(x), dtype=dtype, requires_grad=grad)


def _rand_logits(rng, shape, scale):
    return rng.standard_normal(shape) * scale


# ---------------------------------------------------------------------------
# import hygiene: optional dependency
# ---------------------------------------------------------------------------

# run before the code of a subprocess: every import of torch fails as if it were not installed
# (a finder, not sys.modules['torch'] = None, which other libraries' torch probes trip over)
HIDE_TORCH = """import sys
class _NoTorch:
    def find_spec(self, name, path=None, target=None):
        if name == "torch" or name.startswith("torch."):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
sys.meta_path.insert(0, _NoTorch())
"""


def _run(code):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True)


def test_import_focaltheory_does_not_import_torch():
    out = _run("import sys, focaltheory, focaltheory.cli; print('torch' in sys.modules)")
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "False"


def test_without_torch_import_raises_a_clear_import_error():
    out = _run(HIDE_TORCH + "import focaltheory.torch")
    assert out.returncode != 0
    assert "ImportError: focaltheory.torch needs PyTorch" in out.stderr and "pip install torch" in out.stderr
    out = _run(HIDE_TORCH + "import focaltheory; print(focaltheory.minimizer([0.5, 0.5], 2).q)")
    assert out.returncode == 0 and out.stdout.strip() == "[0.5 0.5]", out.stderr


def test_without_torch_the_doctest_collection_skips_the_module():
    # the README's test command collects the doctests of the whole package: without torch the
    # root conftest.py leaves focaltheory/torch.py out, and the torch tests skip with the reason
    code = (HIDE_TORCH + "import pytest\n"
            "sys.exit(pytest.main(['--doctest-modules', '-q', '-rs', '-p', 'no:cacheprovider', "
            "'focaltheory', 'tests/test_torch_losses.py', '-k', 'loss']))")
    out = _run(code)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "focaltheory/torch.py" not in out.stdout and "error" not in out.stdout.lower()
    assert "tests/test_torch_losses.py:" in out.stdout and "optional dependency" in out.stdout
    assert " passed" in out.stdout  # the other doctests still run (focaltheory/loss.py's)


# ---------------------------------------------------------------------------
# softmax focal loss: conventions of cross_entropy (gamma = 0)
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
@pytest.mark.parametrize("label_smoothing", [0.0, 0.1, 1.0])
def test_gamma_zero_is_cross_entropy_index_targets(reduction, label_smoothing):
    rng = np.random.default_rng(0)
    z = _t(_rand_logits(rng, (7, 5, 3, 2), 3.0))
    y = torch.tensor(rng.integers(0, 5, size=(7, 3, 2)))
    y[0, 0, 0] = y[3, 2, 1] = -100
    y[1, 1, 1] = 7  # a custom ignore_index below
    for ii in (-100, 7):
        yy = y.clone()
        if ii == 7:
            yy[yy == -100] = 0
        else:
            yy[yy == 7] = 1
        ours = focal_loss(z, yy, gamma=0.0, reduction=reduction, ignore_index=ii, label_smoothing=label_smoothing)
        ref = F.cross_entropy(z, yy, reduction=reduction, ignore_index=ii, label_smoothing=label_smoothing)
        torch.testing.assert_close(ours, ref, rtol=1e-13, atol=1e-14)


@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
@pytest.mark.parametrize("label_smoothing", [0.0, 0.25])
def test_gamma_zero_is_cross_entropy_probability_targets(reduction, label_smoothing):
    rng = np.random.default_rng(1)
    z = _t(_rand_logits(rng, (6, 4, 3), 2.0))
    p = _t(rng.dirichlet(np.ones(4), size=(6, 3)).transpose(0, 2, 1))
    ours = focal_loss(z, p, gamma=0.0, reduction=reduction, label_smoothing=label_smoothing)
    ref = F.cross_entropy(z, p, reduction=reduction, label_smoothing=label_smoothing)
    torch.testing.assert_close(ours, ref, rtol=1e-13, atol=1e-14)
    # with class weights: cross_entropy's probability targets weight each class alike
    w = _t([0.5, 2.0, 1.0, 0.25])
    ours = focal_loss(z, p, gamma=0.0, alpha=w, reduction=reduction, label_smoothing=label_smoothing)
    ref = F.cross_entropy(z, p, weight=w, reduction=reduction, label_smoothing=label_smoothing)
    torch.testing.assert_close(ours, ref, rtol=1e-13, atol=1e-14)


@pytest.mark.parametrize("label_smoothing", [0.0, 0.2])
def test_alpha_index_targets_sum_and_none_are_cross_entropy_weight_mean_divides_by_count(label_smoothing):
    rng = np.random.default_rng(2)
    z = _t(_rand_logits(rng, (9, 3), 2.0))
    y = torch.tensor(rng.integers(0, 3, size=9))
    y[4] = -100
    w = [0.2, 1.5, 3.0]
    wt = _t(w)
    for red in ("none", "sum"):
        ours = focal_loss(z, y, gamma=0.0, alpha=w, reduction=red, label_smoothing=label_smoothing)
        ref = F.cross_entropy(z, y, weight=wt, reduction=red, label_smoothing=label_smoothing)
        torch.testing.assert_close(ours, ref, rtol=1e-13, atol=1e-14)
    mean = focal_loss(z, y, gamma=0.0, alpha=wt, label_smoothing=label_smoothing)
    s = F.cross_entropy(z, y, weight=wt, reduction="sum", label_smoothing=label_smoothing)
    torch.testing.assert_close(mean, s / 8, rtol=1e-14, atol=0)  # 8 non-ignored elements


def test_unbatched_input_and_all_ignored_mean():
    z = _t([1.0, -0.5, 2.0])
    for y in (torch.tensor(2), _t([0.2, 0.3, 0.5])):
        for red in ("none", "mean", "sum"):
            ours = focal_loss(z, y, gamma=0.0, reduction=red)
            torch.testing.assert_close(ours, F.cross_entropy(z, y, reduction=red), rtol=1e-14, atol=0)
            assert ours.shape == ()
    y = torch.full((4,), -100)
    z4 = _t(np.zeros((4, 3)))
    assert torch.isnan(focal_loss(z4, y)) and torch.isnan(F.cross_entropy(z4, y))
    assert float(focal_loss(z4, y, reduction="sum")) == 0.0


def test_single_class_is_zero_loss_zero_gradient():
    z = _t([[3.0], [-2.0]], grad=True)
    for g in (0.0, 2.0):
        loss = focal_loss(z, torch.tensor([0, 0]), gamma=g, reduction="sum")
        (gz,) = torch.autograd.grad(loss, z)
        assert loss.item() == 0.0 and torch.equal(gz, torch.zeros_like(z))


# ---------------------------------------------------------------------------
# softmax focal loss: values and gradients against the float64 toolkit
# ---------------------------------------------------------------------------

def _toolkit_soft(z, T, gamma, alpha=None):
    """sum_c T_c alpha_c l(q_c) and its gradient, from focal_loss_grad_logits with label c."""
    N, C = z.shape
    a = np.ones(C) if alpha is None else np.asarray(alpha, float)
    loss, grad = np.zeros(N), np.zeros((N, C))
    for c in range(C):
        lc, gc = focaltheory.focal_loss_grad_logits(z, np.full(N, c), gamma)
        loss += T[:, c] * a[c] * lc
        grad += (T[:, c] * a[c])[:, None] * gc
    return loss, grad


def _rel_close(a, b, tol):
    a, b = np.asarray(a, float), np.asarray(b, float)
    assert np.all(np.abs(a - b) <= tol * np.maximum(np.abs(b), np.finfo(float).tiny)), np.max(
        np.abs(a - b) / np.maximum(np.abs(b), 1e-300))


def _grad_close(a, b, tol):
    """Per sample, relative to the largest gradient component of the sample."""
    a, b = np.asarray(a, float), np.asarray(b, float)
    scale = np.max(np.abs(b), axis=-1, keepdims=True)
    assert np.all(np.abs(a - b) <= tol * np.maximum(scale, 1e-300)), np.max(np.abs(a - b) / np.maximum(scale, 1e-300))


@pytest.mark.parametrize("gamma", GAMMAS)
@pytest.mark.parametrize("scale", [0.3, 3.0, 30.0])
def test_index_targets_loss_and_gradient_match_the_toolkit(gamma, scale):
    rng = np.random.default_rng(3)
    zn = _rand_logits(rng, (64, 5), scale)
    yn = rng.integers(0, 5, size=64)
    z = _t(zn, grad=True)
    loss = focal_loss(z, torch.tensor(yn), gamma=gamma, reduction="none")
    (gz,) = torch.autograd.grad(loss.sum(), z)
    ref_loss, ref_grad = focaltheory.focal_loss_grad_logits(zn, yn, gamma)
    _rel_close(loss.detach().numpy(), ref_loss, 1e-12)
    _grad_close(gz.numpy(), ref_grad, 1e-12)


@pytest.mark.parametrize("gamma", GAMMAS)
def test_probability_targets_smoothing_and_alpha_match_the_toolkit(gamma):
    rng = np.random.default_rng(4)
    zn = _rand_logits(rng, (40, 4), 4.0)
    T = rng.dirichlet(np.full(4, 0.7), size=40)
    alpha = [0.25, 1.0, 2.0, 0.5]
    z = _t(zn, grad=True)
    loss = focal_loss(z, _t(T), gamma=gamma, alpha=alpha, reduction="sum")
    (gz,) = torch.autograd.grad(loss, z)
    ref_loss, ref_grad = _toolkit_soft(zn, T, gamma, alpha)
    _rel_close(loss.item(), ref_loss.sum(), 1e-12)
    _grad_close(gz.numpy(), ref_grad, 1e-12)
    # label smoothing of index targets = probability targets (1 - eps) onehot + eps / C
    yn = rng.integers(0, 4, size=40)
    T = 0.9 * np.eye(4)[yn] + 0.1 / 4
    loss = focal_loss(z, torch.tensor(yn), gamma=gamma, alpha=alpha, reduction="none", label_smoothing=0.1)
    (gz,) = torch.autograd.grad(loss.sum(), z)
    ref_loss, ref_grad = _toolkit_soft(zn, T, gamma, alpha)
    _rel_close(loss.detach().numpy(), ref_loss, 1e-12)
    _grad_close(gz.numpy(), ref_grad, 1e-12)


def test_mean_reduction_of_spatial_input_matches_the_toolkit():
    rng = np.random.default_rng(5)
    zn = _rand_logits(rng, (3, 4, 5, 2), 2.0)
    yn = rng.integers(0, 4, size=(3, 5, 2))
    yn[0, 1, 1] = yn[2, 4, 0] = -100
    z = _t(zn, grad=True)
    loss = focal_loss(z, torch.tensor(yn), gamma=2.0, alpha=torch.tensor([1.0, 2.0, 0.5, 1.0]))
    (gz,) = torch.autograd.grad(loss, z)
    keep = yn != -100
    zc = np.moveaxis(zn, 1, -1)
    lr, gr = focaltheory.focal_loss_grad_logits(zc, np.where(keep, yn, 0), 2.0)
    w = np.array([1.0, 2.0, 0.5, 1.0])[np.where(keep, yn, 0)] * keep
    _rel_close(loss.item(), (w * lr).sum() / keep.sum(), 1e-13)
    _grad_close(np.moveaxis(gz.numpy(), 1, -1), w[..., None] * gr / keep.sum(), 1e-12)


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
@pytest.mark.parametrize("gamma", [0.0, 0.5, 2.0, 5.0])
def test_extreme_logits_are_finite_and_accurate(dtype, gamma):
    zn = np.array([[1e4, -1e4, 0.0], [-1e4, 1e4, 1e4], [1e4, 1e4 - 1.0, -1e4], [0.0, -1e4, -1e4],
                   [30.0, 0.0, -5.0], [-30.0, 0.0, 30.0]])
    for yn in (np.zeros(6, int), np.full(6, 2), np.array([0, 1, 1, 0, 0, 2])):
        z = _t(zn, dtype, grad=True)
        loss = focal_loss(z, torch.tensor(yn), gamma=gamma, reduction="none")
        (gz,) = torch.autograd.grad(loss.sum(), z)
        assert torch.isfinite(loss).all() and torch.isfinite(gz).all()
        ref_loss, ref_grad = focaltheory.focal_loss_grad_logits(zn, yn, gamma)
        # the logits are exact in both dtypes; the error is the dtype's rounding times the
        # conditioning gamma |u| of exp(gamma log sigma(-u)) (|u| <= 2e4 here)
        eps = torch.finfo(dtype).eps
        tol = 16 * eps * (1 + gamma * np.abs(zn).max(axis=1, keepdims=True) * 2)
        lt = tol[:, 0]
        # (a true loss below the dtype's range, 7e-79 here, underflows: floor at the dtype's tiny)
        floor = torch.finfo(dtype).tiny
        assert np.all(np.abs(loss.detach().numpy() - ref_loss) <= lt * np.abs(ref_loss) + floor)
        assert np.all(np.abs(gz.numpy() - ref_grad) <= tol * np.abs(ref_grad).max(axis=1, keepdims=True)
                      + torch.finfo(dtype).tiny)
        # probability targets: finite values and gradients as well
        P = _t(np.full((6, 3), 1 / 3), dtype)
        loss = focal_loss(z, P, gamma=gamma, reduction="sum")
        (gz,) = torch.autograd.grad(loss, z)
        assert torch.isfinite(loss) and torch.isfinite(gz).all()


@pytest.mark.parametrize("dtype, m", [(torch.float32, 1e36), (torch.float64, 1e300)])
def test_logits_near_the_dtype_range_stay_finite(dtype, m):
    """Finite as long as the logit differences and the loss (about the largest difference) fit."""
    for g in (0.0, 2.0, 5.0):
        z = _t([[m, -m, 0.0], [0.0, m, m]], dtype, grad=True)
        for target in (torch.tensor([0, 0]), torch.tensor([1, 2]), torch.tensor([2, 0]),
                       _t([[0.2, 0.3, 0.5], [1.0, 0.0, 0.0]], dtype)):
            loss = focal_loss(z, target, gamma=g, reduction="sum")
            (gz,) = torch.autograd.grad(loss, z)
            assert torch.isfinite(loss) and torch.isfinite(gz).all()
        x = _t([m, -m, m, -m, 0.0], dtype, grad=True)
        loss = sigmoid_focal_loss(x, _t([0.0, 0.0, 1.0, 1.0, 0.5], dtype), gamma=g, reduction="sum")
        (gx,) = torch.autograd.grad(loss, x)
        assert torch.isfinite(loss) and torch.isfinite(gx).all()
        assert gx[0] == pytest.approx(0.75) and gx[1] == 0 and gx[2] == 0 and gx[3] == pytest.approx(-0.25)


def test_complement_keeps_relative_accuracy_when_q_tends_to_one():
    # q_0 = sigmoid(u), u = 40 - log(1 + e^-5): 1 - q_0 ~ 4e-18 is lost by 1 - softmax in float64
    zn = np.array([[40.0, 0.0, -5.0]])
    ref_loss, _ = focaltheory.focal_loss_grad_logits(zn, np.array([0]), 2.0)
    assert 0 < ref_loss[0] < 1e-50
    naive = (1 - torch.softmax(_t(zn), 1)[0, 0]) ** 2 * -torch.log_softmax(_t(zn), 1)[0, 0]
    assert naive.item() == 0.0  # the failure mode avoided
    for dtype, tol in ((torch.float64, 1e-14), (torch.float32, 1e-5)):
        z = _t(zn, dtype) if dtype == torch.float64 else _t([[20.0, 0.0, -5.0]], dtype)
        ref = focaltheory.focal_loss_grad_logits(z.double().numpy(), np.array([0]), 2.0)[0]
        got = focal_loss(z, torch.tensor([0]), gamma=2.0, reduction="none").double().numpy()
        assert ref[0] > 0
        _rel_close(got, ref, tol)
        # and with probability targets (every class's complement)
        got = focal_loss(z, _t([[1.0, 0.0, 0.0]], dtype), gamma=2.0, reduction="none").double().numpy()
        _rel_close(got, ref, tol)


@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16])
@pytest.mark.parametrize("gamma", [0.0, 2.0, 5.0])
def test_low_precision_is_computed_in_float32_and_agrees_with_float64(dtype, gamma):
    rng = np.random.default_rng(6)
    z = torch.tensor(_rand_logits(rng, (50, 6), 4.0)).to(dtype)
    z[0, 0], z[1, :] = 1e4, torch.tensor([-1e4, 1e4, 0, 0, 0, 0], dtype=dtype)
    y = torch.tensor(rng.integers(0, 6, size=50))
    zl = z.clone().requires_grad_(True)
    loss = focal_loss(zl, y, gamma=gamma, reduction="none")
    (gz,) = torch.autograd.grad(loss.sum(), zl)
    assert loss.dtype == dtype and gz.dtype == dtype
    assert torch.isfinite(loss).all() and torch.isfinite(gz).all()
    z64 = z.double().requires_grad_(True)  # the same (rounded) logits, exactly
    ref = focal_loss(z64, y, gamma=gamma, reduction="none")
    (gref,) = torch.autograd.grad(ref.sum(), z64)
    # the result is the float32 value rounded once to the dtype: half an ulp (eps/2 relative, or
    # half the subnormal spacing below tiny), plus the float32 error, far below eps here
    eps, tiny = torch.finfo(dtype).eps, torch.finfo(dtype).tiny
    assert torch.all((loss.double() - ref).abs() <= eps * ref.abs() + tiny)
    assert torch.all((gz.double() - gref).abs() <= eps * gref.abs() + tiny)
    # the reductions too (sum of 50 terms in float32, one rounding)
    torch.testing.assert_close(focal_loss(z, y, gamma=gamma).double(), ref.mean(), rtol=eps, atol=tiny)


# ---------------------------------------------------------------------------
# gradcheck
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("gamma", [0.0, 0.5, 2.0])
def test_gradcheck_softmax(gamma):
    rng = np.random.default_rng(7)
    z = _t(_rand_logits(rng, (4, 3, 2), 2.0), grad=True)
    y = torch.tensor(rng.integers(0, 3, size=(4, 2)))
    y[0, 0] = -100
    P = _t(rng.dirichlet(np.ones(3), size=(4, 2)).transpose(0, 2, 1))
    for fn in (lambda x: focal_loss(x, y, gamma=gamma),
               lambda x: focal_loss(x, y, gamma=gamma, alpha=[1.0, 0.5, 2.0], reduction="none", label_smoothing=0.1),
               lambda x: focal_loss(x, P, gamma=gamma, reduction="sum")):
        assert torch.autograd.gradcheck(fn, (z,), eps=1e-6, atol=1e-8, rtol=1e-6)
    # equal logits (a tie for the argmax, margin 0) are smooth points too
    z0 = torch.zeros(2, 3, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(lambda x: focal_loss(x, torch.tensor([0, 2]), gamma=gamma), (z0,))


@pytest.mark.parametrize("gamma", [0.0, 0.5, 2.0])
@pytest.mark.parametrize("alpha", [0.25, -1.0])
def test_gradcheck_sigmoid(gamma, alpha):
    rng = np.random.default_rng(8)
    x = _t(_rand_logits(rng, (5, 3), 2.0), grad=True)
    t = _t(rng.integers(0, 2, size=(5, 3)))
    ts = _t(rng.uniform(size=(5, 3)))
    for tt in (t, ts):
        for red in ("none", "mean"):
            assert torch.autograd.gradcheck(lambda v: sigmoid_focal_loss(v, tt, alpha, gamma, red), (x,))


def test_second_derivatives_are_finite_and_check():
    """Double backward (Hessians, Hessian-vector products) through both losses."""
    rng = np.random.default_rng(18)
    z = _t(_rand_logits(rng, (3, 4), 2.0), grad=True)
    y = torch.tensor([0, 3, 1])
    P = _t(rng.dirichlet(np.ones(4), size=3))
    x = _t(rng.standard_normal(6) * 2, grad=True)
    tb, ts = _t([1.0, 0.0, 1.0, 0.0, 1.0, 0.0]), _t([1.0, 0.0, 0.3, 0.9, 0.5, 0.0])
    for fn, v in ((lambda a: focal_loss(a, y, gamma=2.0), z), (lambda a: focal_loss(a, P, gamma=0.5), z),
                  (lambda a: focal_loss(a, y, gamma=1.0, label_smoothing=0.2, alpha=[1, 2, 3, 4]), z),
                  (lambda a: sigmoid_focal_loss(a, tb, gamma=2.0, reduction="sum"), x),
                  (lambda a: sigmoid_focal_loss(a, ts, gamma=0.5, reduction="sum"), x)):
        assert torch.autograd.gradgradcheck(fn, (v,))
        H = torch.autograd.functional.hessian(fn, v.detach())
        assert torch.isfinite(H).all()
    # against the toolkit's generated Hessian-vector product (softmax, index targets)
    vv = rng.standard_normal((3, 4))
    zn = z.detach().numpy()
    ref = focaltheory.focal_loss_hvp_logits(zn, y.numpy(), 2.0, vv)
    _, hvp = torch.autograd.functional.hvp(lambda a: focal_loss(a, y, gamma=2.0, reduction="sum"), z.detach(), _t(vv))
    _grad_close(hvp.numpy(), ref, 1e-11)


# ---------------------------------------------------------------------------
# softmax: population minimizer
# ---------------------------------------------------------------------------

def _fit_free_logits(loss_fn, shape, iters=100):
    """Minimize loss_fn(Z) over free float64 logits Z (a few dozen) by damped Newton steps.

    Autograd supplies the gradient and the Hessian; the step is the least-squares solution
    (the softmax loss is flat along Z + c, its Hessian singular), halved until the loss does not
    increase while the gradient is above 1e-8.  Returns Z and the largest gradient entry at the end.
    """
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # the same sums in every run: the machine's load cannot change them
    try:
        return _newton_fit(loss_fn, shape, iters)
    finally:
        torch.set_num_threads(threads)


def _newton_fit(loss_fn, shape, iters):
    Z = torch.zeros(shape, dtype=torch.float64)
    f = lambda v: loss_fn(v.reshape(shape))  # noqa: E731
    for _ in range(iters):
        v = Z.reshape(-1).clone().requires_grad_(True)
        (g,) = torch.autograd.grad(f(v), v)
        if g.abs().max() < 1e-15:
            break
        H = torch.autograd.functional.hessian(f, v.detach())
        step = torch.linalg.lstsq(H, -g[:, None], rcond=1e-12).solution[:, 0]
        f0, t = float(f(v.detach())), 1.0
        # backtracking far from the minimizer; near it, full steps (the loss changes at rounding level)
        while g.abs().max() > 1e-8 and float(f(v.detach() + t * step)) > f0 and t > 1e-8:
            t /= 2
        Z = (v.detach() + t * step).reshape(shape)
    v = Z.reshape(-1).clone().requires_grad_(True)
    (g,) = torch.autograd.grad(f(v), v)
    return Z, float(g.abs().max())


def _cells(seed, M=6, C=4):
    rng = np.random.default_rng(seed)
    P = rng.dirichlet(np.full(C, 0.8), size=M)
    P = 0.9 * P + 0.1 / C  # keep every class away from 0 (its logit would run off to -inf)
    return rng, P


@pytest.mark.parametrize("gamma", [0.5, 2.0, 5.0])
def test_training_on_the_population_risk_lands_on_the_minimizer(gamma):
    _, P = _cells(9)
    M, C = P.shape
    Z, gmax = _fit_free_logits(lambda Z: focal_loss(Z, _t(P), gamma=gamma), (M, C))
    q = torch.softmax(Z, 1).numpy()
    qstar = focaltheory.minimizer(P, gamma).q
    # Newton converges to rounding: |grad| ~ 1e-17 of a mean over M cells, whose curvature in the
    # logits is of order 1/(M C): q is then within ~1e-14 of the minimizer; assert 1e-12
    assert gmax < 1e-14
    assert np.max(np.abs(q - qstar)) < 1e-12
    assert np.max(np.abs(q - P)) > 0.01  # and it is not P: the assertion discriminates


@pytest.mark.parametrize("gamma", [1.0, 3.0])
def test_training_with_class_weights_lands_on_the_weighted_minimizer(gamma):
    _, P = _cells(10)
    M, C = P.shape
    alpha = np.array([0.25, 1.0, 2.0, 4.0])
    Z, gmax = _fit_free_logits(lambda Z: focal_loss(Z, _t(P), gamma=gamma, alpha=alpha), (M, C))
    q = torch.softmax(Z, 1).numpy()
    qstar = focaltheory.minimizer(P, gamma, alpha=alpha).q
    assert gmax < 1e-14 and np.max(np.abs(q - qstar)) < 1e-12
    assert np.max(np.abs(q - focaltheory.minimizer(P, gamma).q)) > 0.01


def test_training_on_sampled_labels_lands_near_the_minimizer():
    """Index targets drawn from P: the empirical risk minimizer is the minimizer of the
    empirical frequencies (tight), within the sampling error of the population one (loose)."""
    rng, P = _cells(11, M=4, C=3)
    M, C = P.shape
    n, gamma = 4000, 2.0
    y = np.stack([rng.choice(C, size=n, p=P[m]) for m in range(M)])  # (M, n)
    Phat = np.stack([np.bincount(y[m], minlength=C) / n for m in range(M)])
    yt = torch.tensor(y)
    Z, gmax = _fit_free_logits(lambda Z: focal_loss(Z[:, :, None].expand(M, C, n), yt, gamma=gamma), (M, C))
    q = torch.softmax(Z, 1).numpy()
    assert gmax < 1e-14 and np.max(np.abs(q - focaltheory.minimizer(Phat, gamma).q)) < 1e-12
    # sampling (delta method): Phat - P has covariance (diag P - P P^T)/n, so the error of the
    # minimizer is ~ J (Phat - P), J the minimizer's Jacobian (finite differences); 5 of its
    # standard deviations bound the error of every class (second-order terms are O(1/n))
    h = 1e-6
    qP = focaltheory.minimizer(P, gamma).q
    for m in range(M):
        J = np.stack([(focaltheory.minimizer(P[m] + h * np.eye(C)[i], gamma).q - qP[m]) / h
                      for i in range(C)], axis=1)  # dq/dP (the normalization is part of the map)
        cov = (np.diag(P[m]) - np.outer(P[m], P[m])) / n
        sd = np.sqrt(np.diag(J @ cov @ J.T))
        assert np.all(np.abs(q[m] - qP[m]) <= 5 * sd + 10 / n), (q[m] - qP[m], sd)
    assert np.max(np.abs(q - P)) > 0.05  # the sampling error is far below the focal shift


# ---------------------------------------------------------------------------
# softmax: validation
# ---------------------------------------------------------------------------

def test_scalar_alpha_is_refused_with_the_reason():
    z, y = _t(np.zeros((2, 3))), torch.tensor([0, 1])
    for a in (0.25, 1, torch.tensor(0.5), np.float64(0.25)):
        with pytest.raises(ValueError, match="scalar alpha multiplies .* every class alike") as e:
            focal_loss(z, y, alpha=a)
        assert "scale" in str(e.value) and "sigmoid_focal_loss" in str(e.value)


@pytest.mark.parametrize("kwargs, exc, match", [
    (dict(gamma=-0.5), ValueError, "gamma must be nonnegative"),
    (dict(gamma=float("inf")), ValueError, "gamma must be finite"),
    (dict(gamma=float("nan")), ValueError, "gamma must be finite"),
    (dict(gamma=True), TypeError, "gamma must be a real number"),
    (dict(gamma="2"), TypeError, "gamma must be a real number"),
    (dict(reduction="avg"), ValueError, "reduction must be one of"),
    (dict(reduction=None), ValueError, "reduction must be one of"),
    (dict(alpha=[1.0, 2.0]), ValueError, "alpha must hold 3 class weights"),
    (dict(alpha=torch.ones(1, 3)), ValueError, "alpha must hold 3 class weights"),
    (dict(alpha=[[1.0, 2.0, 3.0]]), TypeError, "alpha must be a sequence or tensor of 3 real class weights"),
    (dict(alpha=[1.0, -2.0, 3.0]), ValueError, "alpha must be nonnegative"),
    (dict(alpha=[1.0, float("nan"), 3.0]), ValueError, "alpha must be finite"),
    (dict(alpha="abc"), TypeError, "alpha must be a sequence or tensor"),
    (dict(alpha=[1.0, "b", 3.0]), TypeError, "alpha must be a sequence or tensor"),
    (dict(label_smoothing=1.5), ValueError, "label_smoothing must lie in"),
    (dict(label_smoothing=-0.1), ValueError, "label_smoothing must lie in"),
    (dict(ignore_index=1.5), TypeError, "ignore_index must be an integer"),
])
def test_softmax_argument_validation(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        focal_loss(_t(np.zeros((2, 3))), torch.tensor([0, 1]), **kwargs)


def test_softmax_input_validation():
    z = _t(np.zeros((2, 3)))
    with pytest.raises(TypeError, match="logits must be a torch.Tensor"):
        focal_loss(np.zeros((2, 3)), torch.tensor([0, 1]))
    with pytest.raises(TypeError, match="logits must be a floating-point tensor"):
        focal_loss(torch.zeros(2, 3, dtype=torch.long), torch.tensor([0, 1]))
    with pytest.raises(TypeError, match="target must be a torch.Tensor"):
        focal_loss(z, [0, 1])
    with pytest.raises(TypeError, match="target must hold integer class indices"):
        focal_loss(z, torch.tensor([True, False]))
    with pytest.raises(ValueError, match=r"index targets must have shape \(2,\)"):
        focal_loss(z, torch.tensor([0, 1, 2]))
    with pytest.raises(ValueError, match="probability targets must have the shape of logits"):
        focal_loss(z, _t(np.full((2, 4), 0.25)))
    with pytest.raises(ValueError, match=r"index target 3 is outside \[0, 3\)"):
        focal_loss(z, torch.tensor([0, 3]))
    with pytest.raises(ValueError, match=r"index target -1 is outside"):
        focal_loss(z, torch.tensor([-1, 0]))
    with pytest.raises(ValueError, match="empty class dimension"):
        focal_loss(torch.zeros(2, 0, dtype=torch.float64), torch.tensor([0, 0]))
    with pytest.raises(ValueError, match="class dimension"):
        focal_loss(torch.tensor(1.0), torch.tensor(0))


# ---------------------------------------------------------------------------
# sigmoid focal loss: torchvision's definition
# ---------------------------------------------------------------------------

def _torchvision_formula_np(x, t, alpha, gamma):
    """torchvision.ops.sigmoid_focal_loss's definition, written out literally in float64."""
    x, t = np.asarray(x, np.float64), np.asarray(t, np.float64)
    with np.errstate(over="ignore"):  # exp(-x) = inf for x < -709: p = 0, as intended
        p = 1.0 / (1.0 + np.exp(-x))
    ce = np.maximum(x, 0) - x * t + np.log1p(np.exp(-np.abs(x)))  # BCE with logits
    p_t = p * t + (1 - p) * (1 - t)
    loss = ce * (1 - p_t) ** gamma
    if alpha >= 0:
        loss = (alpha * t + (1 - alpha) * (1 - t)) * loss
    return loss


def _torchvision_formula_mp(x, t, alpha, gamma):
    """The same definition in mpmath at 50 digits (p and 1 - p exact from x)."""
    with mp.workdps(50):
        x, t, a, g = mp.mpf(float(x)), mp.mpf(float(t)), mp.mpf(alpha), mp.mpf(gamma)
        p, c = 1 / (1 + mp.exp(-x)), 1 / (1 + mp.exp(x))
        ce = -(t * mp.log(p) + (1 - t) * mp.log(c))
        one_m_pt = t * c + (1 - t) * p
        loss = ce * (one_m_pt ** g if g != 0 else 1)
        if alpha >= 0:
            loss *= a * t + (1 - a) * (1 - t)
        return loss


def _sigmoid_inputs(rng):
    x = np.concatenate([rng.standard_normal(200) * 3, rng.standard_normal(50) * 30,
                        [0.0, 1e-8, -1e-8, 20.0, -20.0, 50.0, -50.0, 700.0, -700.0, 1e4, -1e4]])
    t_bin = rng.integers(0, 2, size=x.size).astype(float)
    t_soft = rng.uniform(size=x.size)
    t_soft[:3] = [0.0, 1.0, 0.5]
    return x, t_bin, t_soft


@pytest.mark.parametrize("alpha", [0.25, 0.9, -1.0])
@pytest.mark.parametrize("gamma", GAMMAS)
def test_sigmoid_float64_matches_torchvision_formula_in_mpmath(alpha, gamma):
    rng = np.random.default_rng(12)
    x, t_bin, t_soft = _sigmoid_inputs(rng)
    for t in (t_bin, t_soft):
        got = sigmoid_focal_loss(_t(x), _t(t), alpha=alpha, gamma=gamma).numpy()
        with mp.workdps(50):
            for xi, ti, gi in zip(x, t, got):
                ref = _torchvision_formula_mp(xi, ti, alpha, gamma)
                # the logit is exact; exp(gamma log(1 - p_t)) amplifies a relative rounding error
                # of log(1 - p_t) ~ |x| by gamma |x|
                tol = 8 * np.finfo(float).eps * (1 + gamma * abs(xi))
                assert abs(mp.mpf(float(gi)) - ref) <= tol * abs(ref) + mp.mpf(1e-300), (xi, ti, gi, ref)


@pytest.mark.parametrize("alpha", [0.25, -1.0])
@pytest.mark.parametrize("gamma", GAMMAS)
def test_sigmoid_float32_matches_torchvision_formula_in_float64(alpha, gamma):
    rng = np.random.default_rng(13)
    x, t_bin, t_soft = _sigmoid_inputs(rng)
    x32 = x.astype(np.float32).astype(np.float64)  # the float32 inputs, exactly
    for t in (t_bin, t_soft):
        got = sigmoid_focal_loss(_t(x32, torch.float32), _t(t, torch.float32), alpha=alpha, gamma=gamma)
        assert got.dtype == torch.float32 and torch.isfinite(got).all()
        t32 = t.astype(np.float32).astype(np.float64)
        ref = _torchvision_formula_np(x32, t32, alpha, gamma)
        err = np.abs(got.double().numpy() - ref)
        # 1e-6 relative where the loss is well conditioned (gamma |x| <= 1); beyond, the float32
        # rounding of log(1 - p_t) times gamma |x|; absolute floors: float32's smallest normal and the
        # literal float64 formula's own error from forming 1 - p_t by subtraction
        rtol = np.maximum(1e-6, 8 * np.finfo(np.float32).eps * (1 + gamma * np.abs(x32)))
        floor = np.finfo(np.float32).tiny + 1e-15 * np.abs(ref).max()
        assert np.all(err <= rtol * np.abs(ref) + floor), np.max(err / (np.abs(ref) + 1e-300))
        well = gamma * np.abs(x32) <= 1
        assert np.all(err[well] <= 1e-6 * np.abs(ref[well]) + np.finfo(np.float32).tiny)


@pytest.mark.parametrize("alpha", [0.25, 0.6, None, -1.0])
@pytest.mark.parametrize("gamma", GAMMAS)
def test_sigmoid_values_and_gradients_match_the_toolkit(alpha, gamma):
    rng = np.random.default_rng(14)
    x = np.concatenate([rng.standard_normal(100) * 4, [0.0, 35.0, -35.0, 1e4, -1e4]])
    t = rng.integers(0, 2, size=x.size).astype(float)
    xt = _t(x, grad=True)
    loss = sigmoid_focal_loss(xt, _t(t), alpha=alpha, gamma=gamma)
    (gx,) = torch.autograd.grad(loss.sum(), xt)
    a = None if alpha is None or alpha < 0 else alpha
    ref = focaltheory.sigmoid_focal_risk(x, t, gamma, a, logits=True)
    _rel_close(loss.detach().numpy(), ref, 1e-12)
    # l(sigmoid(x)) is the softmax loss of the logits (x, 0) for label 0; l(1 - sigmoid(x)) for label 1
    zz = np.stack([x, np.zeros_like(x)], axis=-1)
    _, gpos = focaltheory.focal_loss_grad_logits(zz, np.zeros(x.size, int), gamma)
    _, gneg = focaltheory.focal_loss_grad_logits(zz, np.ones(x.size, int), gamma)
    wp, wn = (1.0, 1.0) if a is None else (a, 1 - a)
    gref = np.where(t == 1, wp * gpos[:, 0], wn * gneg[:, 0])
    assert np.all(np.abs(gx.numpy() - gref) <= 1e-12 * np.abs(gref) + 1e-300)


def test_sigmoid_reductions_alpha_off_and_low_precision():
    rng = np.random.default_rng(15)
    x = _t(rng.standard_normal((8, 5)) * 3)
    t = _t(rng.integers(0, 2, size=(8, 5)))
    none = sigmoid_focal_loss(x, t)
    assert none.shape == (8, 5)
    torch.testing.assert_close(sigmoid_focal_loss(x, t, reduction="mean"), none.mean(), rtol=1e-15, atol=0)
    torch.testing.assert_close(sigmoid_focal_loss(x, t, reduction="sum"), none.sum(), rtol=1e-15, atol=0)
    for off in (-1, -0.5, None):
        torch.testing.assert_close(sigmoid_focal_loss(x, t, alpha=off), sigmoid_focal_loss(x, t, alpha=0.5) * 2,
                                   rtol=1e-15, atol=0)
    # bool and integer labels are accepted
    torch.testing.assert_close(sigmoid_focal_loss(x, t.bool()), none, rtol=0, atol=0)
    torch.testing.assert_close(sigmoid_focal_loss(x, t.long()), none, rtol=0, atol=0)
    for dtype in (torch.float16, torch.bfloat16):
        xl = x.to(dtype)
        xl[0, 0], xl[0, 1] = 1e4, -1e4
        xg = xl.clone().requires_grad_(True)
        out = sigmoid_focal_loss(xg, t, gamma=2.0)
        (g,) = torch.autograd.grad(out.sum(), xg)
        assert out.dtype == dtype and torch.isfinite(out).all() and torch.isfinite(g).all()
        x64 = xl.double().requires_grad_(True)
        ref = sigmoid_focal_loss(x64, t, gamma=2.0)
        (gref,) = torch.autograd.grad(ref.sum(), x64)
        eps, tiny = torch.finfo(dtype).eps, torch.finfo(dtype).tiny
        assert torch.all((out.double() - ref).abs() <= eps * ref.abs() + tiny)
        assert torch.all((g.double() - gref).abs() <= eps * gref.abs() + tiny)


@pytest.mark.parametrize("call, exc, match", [
    (lambda x, t: sigmoid_focal_loss(x, t[:2]), ValueError, "targets must have the shape of inputs"),
    (lambda x, t: sigmoid_focal_loss(x, t * 2), ValueError, r"targets must lie in \[0, 1\]"),
    (lambda x, t: sigmoid_focal_loss(x, t, alpha=1.5), ValueError, r"alpha must lie in \[0, 1\]"),
    (lambda x, t: sigmoid_focal_loss(x, t, alpha=float("nan")), ValueError, "alpha must be finite"),
    (lambda x, t: sigmoid_focal_loss(x, t, alpha="a"), TypeError, "alpha must be a real number"),
    (lambda x, t: sigmoid_focal_loss(x, t, gamma=-1), ValueError, "gamma must be nonnegative"),
    (lambda x, t: sigmoid_focal_loss(x, t, reduction="avg"), ValueError, "reduction must be one of"),
    (lambda x, t: sigmoid_focal_loss(x.numpy(), t), TypeError, "inputs must be a torch.Tensor"),
    (lambda x, t: sigmoid_focal_loss(x.long(), t), TypeError, "inputs must be a floating-point tensor"),
    (lambda x, t: sigmoid_focal_loss(x, 1.0), TypeError, "targets must be a torch.Tensor"),
])
def test_sigmoid_validation(call, exc, match):
    with pytest.raises(exc, match=match):
        call(_t([0.5, -1.0, 2.0]), _t([1.0, 0.0, 1.0]))


# ---------------------------------------------------------------------------
# sigmoid: population minimizer
# ---------------------------------------------------------------------------

def _sigmoid_risk(X, eta, gamma, alpha):
    ones, zeros = torch.ones_like(eta), torch.zeros_like(eta)
    return (eta * sigmoid_focal_loss(X, ones, alpha, gamma) + (1 - eta) * sigmoid_focal_loss(X, zeros, alpha, gamma)).mean()


@pytest.mark.parametrize("gamma, alpha", [(2.0, 0.25), (0.5, 0.25), (5.0, 0.6), (2.0, -1.0)])
def test_sigmoid_training_on_the_population_risk_lands_on_the_minimizer(gamma, alpha):
    rng = np.random.default_rng(16)
    eta = rng.uniform(0.02, 0.98, size=(5, 4))
    X, gmax = _fit_free_logits(lambda X: _sigmoid_risk(X, _t(eta), gamma, alpha), eta.shape)
    s = torch.sigmoid(X).numpy()
    sstar = focaltheory.sigmoid_minimizer(eta, gamma, None if alpha < 0 else alpha).s
    # Newton to rounding (|grad| of a mean over 20 entries ~ 1e-17, curvature ~ 1e-2 / 20)
    assert gmax < 1e-14 and np.max(np.abs(s - sstar)) < 1e-12, (gmax, np.max(np.abs(s - sstar)))
    assert np.max(np.abs(s - eta)) > 0.05


def test_sigmoid_training_on_sampled_labels_lands_near_the_minimizer():
    rng = np.random.default_rng(17)
    eta = np.array([0.05, 0.3, 0.75, 0.95])
    n, gamma, alpha = 4000, 2.0, 0.25
    y = (rng.uniform(size=(eta.size, n)) < eta[:, None]).astype(float)
    etahat = y.mean(axis=1)
    yt = _t(y)
    X, gmax = _fit_free_logits(lambda X: sigmoid_focal_loss(X[:, None].expand(-1, n), yt, alpha, gamma, "mean"),
                               eta.shape)
    s = torch.sigmoid(X).numpy()
    assert gmax < 1e-14 and np.max(np.abs(s - focaltheory.sigmoid_minimizer(etahat, gamma, alpha).s)) < 1e-12
    # sampling (delta method): sd(etahat) = sqrt(eta (1 - eta) / n), times ds*/deta (finite
    # differences); 5 standard deviations, plus O(1/n) for the curvature of the map
    h = 1e-7
    sstar = focaltheory.sigmoid_minimizer(eta, gamma, alpha).s
    d = (focaltheory.sigmoid_minimizer(eta + h, gamma, alpha).s - sstar) / h
    assert np.all(np.abs(s - sstar) <= 5 * np.abs(d) * np.sqrt(eta * (1 - eta) / n) + 10 / n)
    assert np.max(np.abs(s - eta)) > 0.05
