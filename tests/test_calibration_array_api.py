"""FocalCalibrator on torch tensors and array-api-strict arrays.

``transform``, ``predict_proba`` and ``fit_transform`` compute the fitted map
(softmax(z / T), then the inverse map; the sigmoid posterior of z / T) in the
input's library, on its device, and return the input's array type in its
floating dtype; torch autograd differentiates the result with respect to the
input.  ``fit`` copies the input to the host and fits in NumPy float64.

Every value is checked against the NumPy float64 result of the same fitted
calibrator on the same (rounded) input values, with tolerances derived from
the dtype's machine epsilon ``eps`` and smallest normal ``tiny``:

* float64: relative 64 eps (1.4e-14).  Both paths run the same float64
  forms; the libraries' exp and log differ by an ulp, which the maps
  multiply by gamma times a log (measured here: at most 1.4 eps with
  array-api-strict, whose functions are NumPy's, and 7.3 eps with torch);
* float32, float16, bfloat16: computed in float64 and rounded once, so
  within one eps relative (measured: at most 0.5 eps, correctly rounded),
  absolute ``tiny`` below the normal range;
* an array-api-strict device without float64: float32 throughout, relative
  64 float32 eps (measured: at most 15 eps, for the sigmoid map of
  logit(s) / T).
"""

import copy
import functools
import subprocess
import sys
import warnings

import numpy as np
import pytest

import focaltheory as ft
from focaltheory.calibration import FocalCalibrator
from focaltheory.sigmoid import sigmoid_minimizer

from _lowprec import softmax_rows

xps = pytest.importorskip("array_api_strict", reason="array-api-strict (test extra) is needed for these tests")
pytest.importorskip("array_api_compat", reason="array-api-compat (test extra) is needed for these tests")

pytestmark = pytest.mark.filterwarnings("error")

TORCH_REASON = "torch is optional: pip install torch (CPU wheel) to run these tests"


def _torch():
    return pytest.importorskip("torch", reason=TORCH_REASON)


# ---------------------------------------------------------------------------
# held-out data: outputs of models trained with the focal loss at gamma = 2,
# a little overconfident (logits scaled by 1.3)
# ---------------------------------------------------------------------------

RNG = np.random.default_rng(20261201)
N, K = 120, 4
P_TRUE = RNG.dirichlet(np.full(K, 0.6), size=N)
Y = (P_TRUE.cumsum(axis=1) < RNG.uniform(size=(N, 1))).sum(axis=1).clip(max=K - 1)
_Q = ft.minimizer(P_TRUE, 2.0).q
LOGITS = 1.3 * np.log(np.maximum(_Q, 1e-300)) + RNG.normal(0, 0.2, (N, K))
LOGITS -= LOGITS.mean(axis=1, keepdims=True)
PROBS = np.exp(LOGITS) / np.exp(LOGITS).sum(axis=1, keepdims=True)

C = 3  # sigmoid: one score per class
ETA = RNG.beta(0.5, 1.5, (N, C))
YS = (RNG.uniform(size=ETA.shape) < ETA).astype(np.int64)
S_LOGITS = 1.3 * sigmoid_minimizer(ETA, 2.0, 0.25).logit
S_PROBS = 1.0 / (1.0 + np.exp(-S_LOGITS))

METHODS = ("inverse", "temperature", "focal-temperature", "auto")
# (id, loss, constructor keywords)
CONFIGS = [(f"{loss}-{m}", loss, dict(method=m)) for loss in ("softmax", "sigmoid") for m in METHODS] + [
    ("softmax-alpha-focal-temperature", "softmax",
     dict(method="focal-temperature", alpha=[0.5, 1.0, 2.0, 0.25], fit_gamma=False)),
    ("sigmoid-fit-alpha-focal-temperature", "sigmoid", dict(method="focal-temperature", fit_alpha=True)),
]
CONFIG_IDS = [c[0] for c in CONFIGS]


def _data(loss, input_type):
    if loss == "softmax":
        return (LOGITS if input_type == "logits" else PROBS), Y
    return (S_LOGITS if input_type == "logits" else S_PROBS), YS


@functools.lru_cache(maxsize=None)
def _fitted_cached(cid, input_type):
    _, loss, kw = next(c for c in CONFIGS if c[0] == cid)
    X, y = _data(loss, input_type)
    kw = dict(kw)
    alpha = kw.pop("alpha", 0.25 if loss == "sigmoid" else None)
    return FocalCalibrator(loss, 2.0, alpha, input_type=input_type, **kw).fit(X, y)


def fitted(cid, input_type, **params):
    """A copy of the calibrator fitted (in NumPy float64) on the held-out data, with ``params`` set."""
    cal = copy.deepcopy(_fitted_cached(cid, input_type))
    return cal.set_params(**params)


# ---------------------------------------------------------------------------
# the input libraries
# ---------------------------------------------------------------------------

LIBS = [("strict", "float64", None, False), ("strict", "float32", None, False),
        ("strict", "float64", "device1", False)] + [
    ("torch", dt, None, rg) for dt in ("float64", "float32", "float16", "bfloat16") for rg in (False, True)]
LIB_IDS = [f"{lib}-{dt}{'-' + dev if dev else ''}{'-grad' if rg else ''}" for lib, dt, dev, rg in LIBS]


class Lib:
    """Inputs of one (library, dtype, device, requires_grad) case, and results read back."""

    def __init__(self, lib, dtype, device=None, rg=False):
        self.name, self.rg = lib, rg
        if lib == "torch":
            torch = _torch()
            self.mod, self.dtype = torch, getattr(torch, dtype)
            self.eps, self.tiny = torch.finfo(self.dtype).eps, torch.finfo(self.dtype).tiny
            self.type, self.dev = torch.Tensor, torch.device("cpu")
        else:
            self.mod, self.dtype = xps, getattr(xps, dtype)
            self.eps, self.tiny = float(np.finfo(dtype).eps), float(np.finfo(dtype).tiny)
            self.type = type(xps.asarray(0.0))
            self.dev = xps.Device(device) if device else xps.__array_namespace_info__().default_device()

    def __call__(self, a):
        if self.name == "torch":
            t = self.mod.tensor(np.array(a, dtype=np.float64)).to(self.dtype)
            return t.requires_grad_(True) if self.rg else t
        return xps.asarray(np.asarray(a, dtype=np.float64), dtype=self.dtype, device=self.dev)

    def back(self, x):
        """The exact float64 values of an array of this library, on the host."""
        if self.name == "torch":
            return x.detach().to(self.mod.float64).numpy()
        return np.asarray(xps.asarray(xps.astype(x, xps.float64), device=xps.Device("CPU_DEVICE")))

    def rtol(self):
        return 64 * self.eps if self.eps < 1e-15 else self.eps

    def check(self, out, ref, x, rtol=None):
        """Type, dtype, device and values of ``out`` against the float64 NumPy ``ref``."""
        assert isinstance(out, self.type), type(out)
        assert out.dtype == self.dtype
        assert out.device == x.device == self.dev
        if self.name == "torch":
            assert out.requires_grad == self.rg
        got = self.back(out)
        ref = np.asarray(ref, dtype=np.float64)
        assert got.shape == ref.shape
        assert np.all(np.isfinite(got)) and np.all(np.isfinite(ref))
        np.testing.assert_allclose(got, ref, rtol=self.rtol() if rtol is None else rtol, atol=self.tiny)


@pytest.fixture(params=LIBS, ids=LIB_IDS)
def lib(request):
    return Lib(*request.param)


def _ref_transform(cal, xn, input_type):
    """The NumPy float64 result on the same values (the rounded rows sum to 1 within the dtype's tolerance)."""
    ref = copy.deepcopy(cal).set_params(sum_tol=0.1)
    return ref.transform(xn) if input_type == "probs" else ref.transform(logits=xn)


# ---------------------------------------------------------------------------
# values, type, dtype, device: every method x input library x dtype
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("input_type", ["probs", "logits"])
@pytest.mark.parametrize("cid", CONFIG_IDS)
def test_transform_and_predict_proba(lib, cid, input_type):
    cal = fitted(cid, input_type)
    data, _ = _data(cal.loss, input_type)
    x = lib(data)
    ref = _ref_transform(cal, lib.back(x), input_type)
    out = cal.transform(x)
    lib.check(out, ref, x)
    lib.check(cal.predict_proba(x), ref, x)
    # logits= overrides input_type for one call
    if input_type == "logits":
        lib.check(cal.transform(logits=x), ref, x)
    # a softmax output is a distribution per row (float64: to rounding)
    if cal.loss == "softmax" and lib.eps < 1e-15:
        np.testing.assert_allclose(lib.back(out).sum(axis=1), 1.0, rtol=0, atol=8 * lib.eps)


def test_the_fitted_maps_are_not_trivial():
    # the data make every part of the map matter: a temperature != 1 and a gamma > 0 fitted
    cal = fitted("softmax-focal-temperature", "logits")
    assert abs(cal.temperature_ - 1) > 0.05 and cal.gamma_ > 0.5
    cal = fitted("sigmoid-focal-temperature", "logits")
    assert abs(cal.temperature_ - 1) > 0.05 and cal.gamma_ > 0.5
    assert fitted("sigmoid-fit-alpha-focal-temperature", "probs").alpha_ != 0.25
    assert fitted("softmax-inverse", "probs").gamma_ > 0.1


@pytest.mark.parametrize("cid", ["softmax-inverse", "softmax-focal-temperature", "sigmoid-focal-temperature"])
def test_class_axis_and_batch_shape(lib, cid):
    # softmax classes on axis 0 of a (K, 3, n) array; sigmoid scores of any shape
    cal = fitted(cid, "logits")
    if cal.loss == "softmax":
        cal.set_params(axis=0)
        data = LOGITS[:30].T.reshape(K, 3, 10)
    else:
        data = S_LOGITS[:30].reshape(5, 6, C)
    x = lib(data)
    ref = _ref_transform(cal, lib.back(x), "logits")
    assert ref.shape == data.shape
    lib.check(cal.transform(x), ref, x)
    if cal.loss == "softmax":  # one distribution (1-D)
        lib.check(cal.transform(lib(LOGITS[0])), _ref_transform(cal.set_params(axis=-1), LOGITS[0], "logits"),
                  x)


@pytest.mark.parametrize("input_type", ["probs", "logits"])
@pytest.mark.parametrize("cid", CONFIG_IDS)
def test_a_device_without_float64_computes_in_float32(cid, input_type):
    cal = fitted(cid, input_type)
    data, _ = _data(cal.loss, input_type)
    dev = xps.Device("no_float64")
    x = xps.asarray(np.asarray(data, dtype=np.float32), device=dev)
    out = cal.transform(x)
    assert out.dtype == xps.float32 and out.device == dev
    eps = float(np.finfo(np.float32).eps)
    ref = _ref_transform(cal, np.asarray(data, dtype=np.float32).astype(np.float64), input_type)
    got = np.asarray(xps.asarray(out, device=xps.Device("CPU_DEVICE")), dtype=np.float64)
    np.testing.assert_allclose(got, ref, rtol=64 * eps, atol=float(np.finfo(np.float32).tiny))


def test_before_fit_method_inverse_maps_in_the_library(lib):
    # nothing fitted: the constructor's gamma, as inverse_minimizer / sigmoid_posterior at that gamma
    q = lib(PROBS)
    lib.check(FocalCalibrator(gamma=2.0).transform(q), ft.inverse_minimizer(lib.back(q), 2.0, sum_tol=0.1), q)
    s = lib(S_PROBS)
    lib.check(FocalCalibrator("sigmoid", gamma=2.0, alpha=0.25).transform(s),
              ft.sigmoid_posterior(lib.back(s), 2.0, 0.25), s)
    z = lib(S_LOGITS)
    lib.check(FocalCalibrator("sigmoid", gamma=2.0, alpha=None).transform(logits=z),
              ft.sigmoid_posterior(lib.back(z), 2.0, None, logits=True), z)


# ---------------------------------------------------------------------------
# fit on arrays of other libraries: on the host, plain float parameters
# ---------------------------------------------------------------------------

FIT_LIBS = [("strict", "float64", "device1", False), ("torch", "float32", None, True),
            ("torch", "float16", None, False), ("torch", "bfloat16", None, True)]
FIT_CASES = [(cid, case) for cid in ("softmax-focal-temperature", "sigmoid-focal-temperature") for case in FIT_LIBS]
FIT_CASES += [("softmax-auto", FIT_LIBS[0]), ("softmax-auto", FIT_LIBS[2])]  # slower: two libraries


@pytest.mark.parametrize("cid, case", FIT_CASES, ids=[f"{c}-{a}-{b}" for c, (a, b, _, _) in FIT_CASES])
def test_fit_runs_in_numpy_on_the_host(cid, case):
    L = Lib(*case)
    base = fitted(cid, "probs")
    data, y = _data(base.loss, "probs")
    x = L(data)
    yy = L.mod.asarray(y) if L.name == "torch" else xps.asarray(y, device=L.dev)
    cal = FocalCalibrator(**{**base.get_params(), "sum_tol": None}).fit(x, yy)
    ref = FocalCalibrator(**{**base.get_params(), "sum_tol": 0.1}).fit(L.back(x), y)
    for name in ("temperature_", "gamma_", "nll_", "nll_at_init_"):
        assert type(getattr(cal, name)) is float
        assert getattr(cal, name) == getattr(ref, name)  # the same values, fitted the same way
    assert cal.method_ == ref.method_ and cal.alpha_ == ref.alpha_
    assert isinstance(cal.classes_, np.ndarray) and cal.n_features_in_ == ref.n_features_in_
    # and the transform stays in the library
    L.check(cal.transform(x), _ref_transform(ref, L.back(x), "probs"), x)


def test_fit_transform_returns_the_input_type(lib):
    x = lib(LOGITS)
    cal = FocalCalibrator(method="focal-temperature", input_type="logits")
    out = cal.fit_transform(x, Y)
    ref = FocalCalibrator(method="focal-temperature", input_type="logits").fit(lib.back(x), Y)
    assert (cal.temperature_, cal.gamma_) == (ref.temperature_, ref.gamma_)
    lib.check(out, ref.transform(logits=lib.back(x)), x)
    # without labels: transform only
    lib.check(FocalCalibrator(gamma=2.0, input_type="logits").fit_transform(x),
              FocalCalibrator(gamma=2.0, input_type="logits").transform(lib.back(x)), x)


def test_predict_and_score_take_the_arrays_too(lib):
    cal = fitted("softmax-focal-temperature", "logits")
    x = lib(LOGITS)
    xn = lib.back(x)
    np.testing.assert_array_equal(cal.predict(x), cal.predict(xn))
    assert cal.score(x, Y) == cal.score(xn, Y)
    cal = fitted("sigmoid-focal-temperature", "logits")
    x = lib(S_LOGITS)
    np.testing.assert_array_equal(cal.predict(x), cal.predict(lib.back(x)))
    assert cal.score(x, YS) == cal.score(lib.back(x), YS)


def test_set_output_leaves_arrays_of_other_libraries_alone():
    pytest.importorskip("pandas", reason="pandas is needed for set_output(transform='pandas')")
    cal = fitted("softmax-temperature", "probs").set_output(transform="pandas")
    x = xps.asarray(PROBS)
    out = cal.transform(x)
    assert isinstance(out, type(x))
    assert type(cal.transform(PROBS)).__name__ == "DataFrame"


# ---------------------------------------------------------------------------
# gradients with respect to the input (torch)
# ---------------------------------------------------------------------------

def _t64(a):
    torch = _torch()
    return torch.tensor(np.asarray(a, dtype=np.float64), requires_grad=True)


@pytest.mark.parametrize("input_type", ["probs", "logits"])
@pytest.mark.parametrize("cid", CONFIG_IDS)
def test_gradcheck(cid, input_type):
    torch = _torch()
    # gradcheck perturbs the entries by 1e-6: probability rows then sum to 1 within ~1e-6 only
    cal = fitted(cid, input_type, sum_tol=1e-4)
    data, _ = _data(cal.loss, input_type)
    rows = data[:6]
    if input_type == "probs" and cal.loss == "sigmoid":
        rows = np.clip(rows, 0.02, 0.98)  # away from the ends, where the scores saturate
    x = _t64(rows)
    assert torch.autograd.gradcheck(lambda x: cal.transform(x), (x,))
    assert torch.autograd.gradcheck(lambda x: cal.predict_proba(x), (x,))


@pytest.mark.parametrize("dtype", ["float32", "float16", "bfloat16"])
@pytest.mark.parametrize("cid", ["softmax-focal-temperature", "softmax-alpha-focal-temperature",
                                 "sigmoid-focal-temperature"])
def test_low_precision_gradients(cid, dtype):
    # the float64 gradient at the rounded input values, rounded once to the dtype
    torch = _torch()
    cal = fitted(cid, "logits")
    data, _ = _data(cal.loss, "logits")
    dt = getattr(torch, dtype)
    x = torch.tensor(data[:20]).to(dt).requires_grad_(True)
    x64 = x.detach().double().requires_grad_(True)
    w = torch.arange(1.0, data.shape[1] + 1.0, dtype=torch.float64)  # softmax rows sum to 1: weight the classes
    (g,) = torch.autograd.grad((cal.transform(x).double() * w).sum(), x)
    (g64,) = torch.autograd.grad((cal.transform(x64) * w).sum(), x64)
    eps = torch.finfo(dt).eps
    assert g.dtype == dt and torch.isfinite(g).all() and float(g64.abs().max()) > 0.1
    np.testing.assert_allclose(g.double().numpy(), g64.numpy(), rtol=eps, atol=eps * float(g64.abs().max()))


def test_gradients_at_the_ends_are_finite():
    # probabilities 0 and 1 (log 0 = -inf, logit(1) = inf) give finite gradients, no NaN
    torch = _torch()
    cal = fitted("softmax-focal-temperature", "probs")
    q = _t64([[1.0, 0.0, 0.0, 0.0], [0.5, 0.5, 0.0, 0.0], [0.4, 0.3, 0.2, 0.1]])
    (g,) = torch.autograd.grad((cal.transform(q) * torch.arange(1.0, 5.0, dtype=torch.float64)).sum(), q)
    assert torch.isfinite(g).all()
    cal = fitted("sigmoid-focal-temperature", "probs")
    s = _t64([0.0, 1.0, 0.5, 1e-12])
    out = cal.transform(s)
    np.testing.assert_array_equal(out.detach().numpy()[:2], [0.0, 1.0])
    (g,) = torch.autograd.grad(out.sum(), s)
    assert torch.isfinite(g).all()


# ---------------------------------------------------------------------------
# sum_tol: derived from the dtype, the caller's when given
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("k", [3, 10, 100, 1000])
@pytest.mark.parametrize("dtype", ["float16", "bfloat16", "float32"])
def test_low_precision_softmax_rows_pass_the_sum_check(k, dtype):
    torch = _torch()
    z, q = softmax_rows(k, dtype)
    cal = FocalCalibrator(gamma=2.0)
    P = cal.transform(q)
    assert P.dtype == q.dtype
    ref = ft.inverse_minimizer(q.double().numpy(), 2.0, sum_tol=0.1)
    eps, tiny = torch.finfo(q.dtype).eps, torch.finfo(q.dtype).tiny
    np.testing.assert_allclose(P.double().numpy(), ref, rtol=eps, atol=tiny)
    # the fitted temperature path too, and fit on them
    y = torch.argmax(z, dim=-1)
    cal = FocalCalibrator(gamma=2.0, method="focal-temperature", fit_gamma=False).fit(q, y)
    assert np.isfinite(cal.temperature_) and cal.transform(q).dtype == q.dtype
    if dtype == "float16":  # a NumPy float16 array derives the same tolerance
        np.testing.assert_array_equal(FocalCalibrator(gamma=2.0).transform(q.numpy()), ref)


def test_sum_tol_is_the_callers():
    q = np.array([[0.5, 0.5 + 5e-7], [0.25, 0.75]])
    for x in (q, xps.asarray(q)):
        with pytest.raises(ValueError, match=r"along axis=-1 \(within sum_tol=1e-09\): row 0 sums to 1.0000005"):
            FocalCalibrator(gamma=1.0, sum_tol=1e-9).transform(x)
        with pytest.raises(ValueError, match=r"within sum_tol=1e-09"):
            FocalCalibrator(gamma=1.0, sum_tol=1e-9).fit(x, [0, 1])
        assert FocalCalibrator(gamma=1.0).transform(x).shape == (2, 2)
    for bad in (-1.0, float("nan"), float("inf"), "1e-3", True):
        with pytest.raises(ValueError, match="sum_tol must be a finite nonnegative number"):
            FocalCalibrator(sum_tol=bad).transform(q)
    torch = _torch()
    q16 = torch.softmax(torch.tensor([[3.0, 1.0, 0.5, -1.0, 2.0, 0.1, 0.2]], dtype=torch.float16), dim=-1)
    assert abs(float(q16.double().sum()) - 1) > 1e-6
    with pytest.raises(ValueError, match=r"within sum_tol=1e-06"):
        FocalCalibrator(sum_tol=1e-6).transform(q16)
    assert FocalCalibrator().transform(q16).dtype == torch.float16


def test_sum_message_names_the_axis_as_given():
    q = np.array([[0.5, 0.6], [0.5, 0.4]])
    libs = [np.asarray, xps.asarray]
    try:
        import torch

        libs.append(lambda a: torch.tensor(a, requires_grad=True))
    except ImportError:
        pass
    for make in libs:
        for axis in (-1, 1):
            with pytest.raises(ValueError, match=rf"^probs rows must sum to 1 along axis={axis} \("):
                FocalCalibrator(axis=axis).transform(make(q))
            with pytest.raises(ValueError, match=rf"along axis={axis} \("):
                FocalCalibrator(axis=axis).fit(make(q), [0, 1])
        for axis in (0, -2):  # columns (0.5, 0.5) and (0.6, 0.4) sum to 1: no error
            assert FocalCalibrator(axis=axis).transform(make(q)).shape == (2, 2)
        q3 = np.full((2, 3, 2), 0.5)
        q3[0, 1, 1] = 0.7
        with pytest.raises(ValueError, match=r"along axis=-1 \(within sum_tol=1e-06\): row 1 sums to 1.2"):
            FocalCalibrator().transform(make(q3))
        with pytest.raises(ValueError, match=r"along axis=2 "):
            FocalCalibrator(axis=2).transform(make(q3))
        with pytest.raises(ValueError, match=r"^axis=-4 is out of range"):
            FocalCalibrator(axis=-4).transform(make(q3))


# ---------------------------------------------------------------------------
# errors: the NumPy path's
# ---------------------------------------------------------------------------

BAD = [
    ("nan", "softmax", {}, [[0.5, np.nan]], None),
    ("inf-logits", "softmax", dict(input_type="logits"), [[0.5, np.inf]], None),
    ("negative", "softmax", {}, [[1.5, -0.5]], None),
    ("above-one", "sigmoid", {}, [0.5, 1.25], None),
    ("sum", "softmax", {}, [[0.5, 0.6]], None),
    ("empty", "softmax", {}, np.zeros((0, 3)), None),
    ("no-features", "softmax", {}, np.zeros((3, 0)), None),
    ("scalar-softmax", "softmax", {}, 0.5, None),
    ("features", "softmax", dict(method="temperature"), [[0.5, 0.5]], "fit3"),
    ("not-fitted", "softmax", dict(method="temperature"), [[0.5, 0.5]], None),
    ("alpha-shape", "softmax", dict(alpha=[1.0, 2.0, 3.0]), [[0.5, 0.5]], None),
    ("sigmoid-alpha", "sigmoid", dict(alpha=1.5), [0.5], None),
]


@pytest.mark.parametrize("name, loss, kw, data, fit", BAD, ids=[b[0] for b in BAD])
@pytest.mark.parametrize("libname", ["strict", "torch", "torch-grad"])
def test_errors_are_the_numpy_errors(name, loss, kw, data, fit, libname):
    if libname.startswith("torch"):
        torch = _torch()
        make = lambda a: torch.tensor(np.asarray(a, dtype=np.float64), requires_grad=libname.endswith("grad"))  # noqa: E731
    else:
        make = lambda a: xps.asarray(np.asarray(a, dtype=np.float64))  # noqa: E731

    def cal():
        c = FocalCalibrator(loss, **kw)
        if fit == "fit3":
            c.fit(np.array([[0.5, 0.3, 0.2], [0.2, 0.3, 0.5]]), [0, 2])
        return c

    with pytest.raises((ValueError, TypeError)) as expected:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            cal().transform(np.asarray(data, dtype=np.float64))
    with pytest.raises(expected.type) as got:
        cal().transform(make(data))
    assert str(got.value) == str(expected.value)
    with pytest.raises(expected.type) as got:
        cal().predict_proba(make(data))
    assert str(got.value) == str(expected.value)


def test_complex_input_is_refused():
    torch = _torch()
    with pytest.raises(ValueError, match="Complex data not supported: probs has dtype torch.complex64"):
        FocalCalibrator().transform(torch.tensor([[0.5 + 0j, 0.5]]))
    with pytest.raises(ValueError, match="Complex data not supported: probs has dtype"):
        FocalCalibrator().fit(torch.tensor([[0.5 + 0j, 0.5], [0.5, 0.5]]), [0, 1])


def test_numpy_input_imports_no_array_library():
    code = (
        "import sys, numpy as np\n"
        "from focaltheory.calibration import FocalCalibrator\n"
        "q = np.array([[0.7, 0.2, 0.1], [0.1, 0.3, 0.6], [0.2, 0.5, 0.3]])\n"
        "cal = FocalCalibrator(method='focal-temperature').fit(q, [0, 2, 1])\n"
        "cal.transform(q); cal.predict_proba(q.tolist()); cal.predict(q); cal.score(q, [0, 2, 1])\n"
        "FocalCalibrator('sigmoid').transform(np.float32(0.3))\n"
        "print(sorted(m for m in ('torch', 'array_api_compat', 'array_api_strict') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    assert out.strip() == "[]"
