"""One distribution solved in Python floats, bit for bit as the batched path solves it.

A call on one short row spends nearly all its time in the fixed cost of
NumPy calls (a fraction of a microsecond each, about eighty per evaluation of
the system).  Here the same arithmetic runs on Python floats, in source
generated once per number of classes K (the set-up and start, _starter; the
Newton loop with its write-out, _loop), each class's quantities straight-line
locals: + - * / on floats are IEEE operations,
the same bits as NumPy's elementwise ones (CPython contracts nothing into an
FMA).  Only the transcendentals come from NumPy, one call per pass (NumPy's
loops give each element the same bits whatever the length of its array; math
differs from them in the last bit on a few per cent of arguments), and the
row reductions are einsum's, emulated in their order of summation: that order
is a property of the NumPy build, so it is checked at first use for each
number of classes (see _self_check), and the path is switched off for the
process on any mismatch.

The path covers the common case: full support (every weight positive, every
normalized entry normal), no class ever carried relative to its probability
(log-odds at or above _TINY_LOGIT), 0 < gamma <= 300 (above, the exact last
step: the batched path), every Newton step taken in full, convergence within
the first _FAST_ITERS iterations and ``maxiter``.  Each of those conditions is
tested where the batched path makes the same decision; wherever the row
leaves the path, _solve_one returns None, having changed nothing, and the
batched path solves the row from the start.  The result then has the six
fields the batched path gives that row in any batch, bitwise.

The path runs before minimizer enters its own floating-point state (see
_api._single_first), so it must not depend on the caller's
:func:`numpy.seterr`: Python's float arithmetic never reads it (a division
by zero raises ZeroDivisionError, caught: not this path), and every NumPy
call of the path gets arguments on which it raises no flag, which the path
makes sure of before each call and declines the row otherwise: a sum of
normal weights at most 1e306, the log of normal positive numbers, the exp of
arguments in [-708, 700] (normalized entries at least _P_MIN, log-odds in
[_TINY_LOGIT, _Z_MAX], the value's exponents in [_N_MIN, _N_MAX]) and the log1p
of normal positive ones (gamma at least _G_MIN).  The self-check verifies
that NumPy raises nothing on the ends of those ranges.
"""

import math

import numpy as np

from .._constants import _EXACT_GAMMA
from ._newton import _SETTLED_PROVABLE, _TINY_LOGIT, _ULPS
from ._order import _NEAR, _NEAR_ABS
from ._rows import _einsum
from ._solve import _FAST_ITERS
from ._system import _EPS as _SYS_EPS, _PROVE_MAX_GAMMA, _curvature

# Up to this many classes the transcendentals are called per element (see _call_src)
_SCALAR_K = 8

# The largest number of classes solved here: above it the batched path is as fast
# (measured: see docs/numerics.md).
_MAX_K = 32

_EPS = float(_SYS_EPS)
_TINY = 2.0 ** -1022
# The bounds that keep every NumPy call of the path free of floating-point flags (see the module
# docstring): normalized entries at least _P_MIN (log P >= -707, so exp(log P) and the start's
# exp(beta log P - ...) are normal), gamma at least _G_MIN (gamma k >= 2.8e-12 gamma stays normal
# in log1p(gamma k): k >= 2.8e-12 for log-odds >= _TINY_LOGIT), log-odds at most _Z_MAX
# (exp(-|z|) >= 1e-304 normal, and others / (1 - q) <= 1e306 in the constraint's log).
_P_MIN = 2.0 ** -1020
_G_MIN = 1e-280
_Z_MAX = 700.0
_N_MIN, _N_MAX = -690.0, 700.0  # the value's exponents (below _N_MIN, its term is below 1e-290: see _loop)
_FLOOR_SCALE = (64 * _EPS) ** 2
_M_R = float(_curvature(0.0)[1])  # the constraint's curvature bound (see _system._curvature)

# how many times the path answered, and declined (tests read them)
taken = 0
declined = 0

_enabled = True
_checked = {}  # K -> whether the emulations match this NumPy build for K classes
_starts = {}  # K -> the set-up and start for K classes, generated (see _starter)
_loops = {}  # K -> [the Newton loop for K classes and largest class dom, generated (see _loop) or None, per dom]

_exp, _log, _log1p, _array = np.exp, np.log, np.log1p, np.array
_F64 = np.dtype(np.float64)


def _immutable(x):
    """x as a 0-d array on an immutable buffer (read-only for good: results may share it)."""
    x = np.asarray(x)
    return np.frombuffer(x.tobytes(), dtype=x.dtype).reshape(())


# the 0-d iteration counts and convergence flag of a result (the path converges in under _FAST_ITERS)
_ITERATIONS = tuple(_immutable(np.int64(k)) for k in range(_FAST_ITERS))
_TRUE = _immutable(True)


def _emu_sum(v):
    """einsum('ij->i') of one row, in the order of this NumPy build (two SIMD lanes)."""
    n = len(v)
    a0 = a1 = 0.0
    i = 0
    while n - i >= 8:
        a0 = ((v[i] + v[i + 2]) + (v[i + 4] + v[i + 6])) + a0
        a1 = ((v[i + 1] + v[i + 3]) + (v[i + 5] + v[i + 7])) + a1
        i += 8
    while i < n:  # pairs; a last single entry is a zero-padded load
        a0 = v[i] + a0
        a1 = (v[i + 1] if i + 1 < n else 0.0) + a1
        i += 2
    return 0.0 + (a0 + a1)


def _emu_total(v):
    """np.add.reduce of a contiguous 1-D array (W.sum of a row), in the order of this NumPy build (pairwise)."""
    n = len(v)
    if n < 8:
        r = -0.0
        for x in v:
            r = r + x
        return r
    a = list(v[:8])  # eight lanes over the blocks of eight, then a tree, then the tail in order
    i = 8
    while i < n - n % 8:
        a = [a[j] + v[i + j] for j in range(8)]
        i += 8
    r = ((a[0] + a[1]) + (a[2] + a[3])) + ((a[4] + a[5]) + (a[6] + a[7]))
    while i < n:
        r = r + v[i]
        i += 1
    return r


def _emu_dot(x, y):
    """einsum('ij,ij->i') of one row pair, in the order of this NumPy build."""
    n = len(x)
    a0 = a1 = 0.0
    i = 0
    while n - i >= 8:
        a0 = x[i + 6] * y[i + 6] + a0
        a0 = x[i + 4] * y[i + 4] + a0
        a0 = x[i + 2] * y[i + 2] + a0
        a0 = x[i] * y[i] + a0
        a1 = x[i + 7] * y[i + 7] + a1
        a1 = x[i + 5] * y[i + 5] + a1
        a1 = x[i + 3] * y[i + 3] + a1
        a1 = x[i + 1] * y[i + 1] + a1
        i += 8
    while i < n:
        a0 = x[i] * y[i] + a0
        a1 = (x[i + 1] * y[i + 1] if i + 1 < n else 0.0) + a1
        i += 2
    return 0.0 + (a0 + a1)



class _Sym:
    """A named float in generated source: + and * build the expression, in the order written.

    Adding a zero (the emulated sums' zero accumulators, or _ZERO) gives the
    symbol itself: in a sum of terms, an addend +-0 can change only the sign
    of a zero result, so a sum built this way is exact wherever it is written
    as ``0.0 + (sum)`` (see _sum_src), as every emulated row sum ends.
    """

    __slots__ = ("s",)

    def __init__(self, s):
        self.s = s

    def __add__(self, o):
        return self if _is_zero(o) else _Sym(f"({self.s} + {_src(o)})")

    def __radd__(self, o):
        return self if _is_zero(o) else _Sym(f"({_src(o)} + {self.s})")

    def __mul__(self, o):
        return _ZERO if o is _ZERO else _Sym(f"({self.s} * {_src(o)})")

    def __rmul__(self, o):
        return _ZERO if o is _ZERO else _Sym(f"({_src(o)} * {self.s})")


class _Zero:
    """A term that is +-0 wherever the row stays on the path (the largest class's entry of a row sum)."""

    __slots__ = ()

    def __add__(self, o):
        return o

    __radd__ = __add__

    def __mul__(self, o):
        return self

    __rmul__ = __mul__


_ZERO = _Zero()


def _is_zero(x):
    return x is _ZERO or (type(x) is float and x == 0.0)


def _src(x):
    return x.s if isinstance(x, _Sym) else repr(x)


def _sum_src(x):
    """The source of an emulated row sum (symbolic, zeros dropped) with its last ``0.0 +``, which fixes a zero's sign."""
    return f"(0.0 + {_src(x)})"


def _names(fmt, K):
    return ", ".join(fmt.format(i) for i in range(K))


def _call_src(fn, outs, args, indent):
    """Source lines of ``outs = fn(args)`` elementwise, fn a NumPy transcendental.

    One call per element up to _SCALAR_K classes (a call on a Python float
    costs about 0.1 us), else one call on the list (about 0.6 us, plus the
    conversions); the bits are the same (see _self_check).
    """
    pad = " " * indent
    if len(outs) <= _SCALAR_K:
        return [f"{pad}{o} = _f({fn}({a}))" for o, a in zip(outs, args)]
    return [f"{pad}{', '.join(outs)}, = {fn}([{', '.join(args)}]).tolist()"]


def _loop(K, dom):
    """The Newton loop for K classes, dom the largest, as straight-line source (no loop over the classes), compiled.

    Each iteration is the batched path's in its order: the evaluation of the
    system and its step (_system._newton_parts), the convergence tests and
    the merit test of _newton._newton, the step; at convergence the write-out
    of _finish._write (the last linear correction, the value, the residual
    bound).  The classes' quantities are locals (z{i}, q{i}, ...); the row
    reductions are _emu_sum and _emu_dot run on symbols, so the generated
    expressions are theirs, in their order of summation.  The largest class
    is fixed in the source: its entries that the batched path zeroes in the
    sums of the constraint and of the step (+-0 there, or a NaN where the
    step is not finite anyway) are left out of them (_ZERO).  It returns the
    iteration count and the raw fields (q before the order pass, whether
    the order pass has work, log_lam, value, residual), or None where the
    row leaves the path.
    """
    def sym(fmt):
        return [_Sym(fmt.format(i)) for i in range(K)]

    def per_class(*lines, indent=8):
        return [" " * indent + ln.format(i=i) for i in range(K) for ln in lines]

    def each(fmt):
        return _names(fmt, K)

    def nm(fmt):
        return [fmt.format(i) for i in range(K)]

    def but_dom(fmt):  # the row's symbols with the largest class's entry a zero
        return [_ZERO if i == dom else _Sym(fmt.format(i)) for i in range(K)]

    m = dom
    qo, w, F, d = but_dom("q{}"), but_dom("w{}"), sym("F{}"), sym("d{}")
    mags, qoo, val = sym("mm{}"), but_dom("x{}"), sym("v{}")
    L = [f"def _run(c, u, n_iter, logP, logP_lo, P, G, Gm1, aGm1, M, M_F):",
         f"    {each('z{}')}, = c",
         f"    {each('a{}')}, = logP",
         f"    {each('lo{}')}, = logP_lo",
         f"    nG = -G",
         f"    m_acc = _inf",
         f"    precise = False",
         f"    for it in range(n_iter):",
         # _newton_parts: the class quantities; exp(-|z|) (-0 or +0 give 1), log1p of it
         ] + _call_src("_exp", nm("e{}"), nm("(z{0} if z{0} < 0 else -z{0})"), 8) + _call_src(
             "_log1p", nm("l{}"), nm("e{}"), 8)
    L += per_class("t0 = 1.0 / (e{i} + 1.0)",
                   "t1 = t0 * e{i}",
                   "if z{i} < 0:",
                   "    q{i} = t1; o{i} = t0; k{i} = (l{i} - z{i}) * e{i}; b{i} = -z{i}",
                   "else:",
                   "    q{i} = t0; o{i} = t1; k{i} = l{i} / e{i}",
                   "    if not k{i} < 1.0:",
                   "        k{i} = 1.0",
                   "    b{i} = -(G * z{i})",
                   "g{i} = G * k{i}",
                   "h{i} = ((k{i} * Gm1 + 2.0) * (nG * q{i}) - o{i}) / (g{i} + 1.0)")
    L += [" " * 8 + f"w{i} = (q{i} * o{i}) / h{i}" for i in range(K) if i != dom]  # (the largest's: _ZERO)
    L += _call_src("_log1p", nm("lg{}"), nm("g{}"), 8)
    L += [f"        mu = -u",
          # (lg - l Gm1: the batched path's (-l) Gm1 + lg, the same bits, as negation is exact)
          f"        if precise:  # the large terms of F summed without rounding error"]
    L += per_class("s_ = a{i} + mu",
                   "bb = s_ - a{i}",
                   "F{i} = (s_ + b{i}) + (((a{i} - (s_ - bb)) + (mu - bb)) + (lo{i} + (lg{i} - l{i} * Gm1)))",
                   indent=12)
    L += [f"        else:"]
    L += per_class("F{i} = ((a{i} + b{i}) + mu) + (lo{i} + (lg{i} - l{i} * Gm1))", indent=12)
    # the constraint and the step (the largest class's entries zeroed in the sums)
    L += [f"        others = {_sum_src(_emu_sum(qo))}",
          f"        R = float(_log(others / o{m}))",
          f"        inv_o = 1.0 / others",
          f"        w_m = q{m} / h{m}",
          f"        wsum = {_sum_src(_emu_sum(w))} * inv_o + w_m",
          f"        du = (({_sum_src(_emu_dot(w, F))} * inv_o + w_m * F{m}) - R) / wsum"]
    L += per_class("d{i} = (du - F{i}) / h{i}")
    L += [f"        if not (_isfinite(u) and _isfinite(du)):",
          f"            return None",
          # _newton: converged where the step is at the level of rounding ...
          f"        u_noise = {float(K)!r} / abs(wsum)  # (_system._noise)",
          f"        ok = precise and abs(du) <= _TOL_U * (max(1.0, abs(u)) + u_noise)",
          f"        if ok:",
          f"            un = abs(u) + u_noise",
          f"            ok = (" + "\n                  and ".join(
              f"abs(d{i}) <= _TOL_U * (max(1.0, abs(z{i})) + (aGm1 * l{i} + G * k{i} + un) / abs(h{i}))"
              for i in range(K)) + ")",
          # ... or its second-order term is
          f"        if not ok and precise:",
          f"            dcm = max({each('abs(d{})')})",
          f"            ok = (0.5 * M) * (dcm * dcm) <= _EPS",
          f"        if ok:",
          f"            break",
          f"        mf = {_sum_src(_emu_dot(F, F))} + R * R",
          f"        if not _isfinite(mf):",
          f"            return None",
          f"        if not mf <= (1.0 - 1e-4) * m_acc:  # not decreasing: unless at the merit floor, a backtracking step",
          f"            au = abs(u)"]
    L += per_class("mm{i} = 1.0 + aGm1 * l{i} + G * k{i} + abs(a{i} + b{i}) + au",
                   "mm{i} = mm{i} * mm{i}", indent=12)
    L += [f"            if mf > {_sum_src(_emu_sum(mags))} * _FLOOR_SCALE:",
          f"                return None",
          f"        m_acc = mf"]
    L += per_class("z{i} = z{i} + d{i}")
    L += [f"        u = u + du",
          f"        precise = precise or abs(du) < {_SETTLED_PROVABLE!r} * (1.0 + abs(u))  # (gamma <= 300: provable)",
          # a class becomes tiny (not this path), or a log-odds so large that exp(-|z|) could underflow
          f"        if not (" + " and ".join(f"_TINY_LOGIT <= z{i} <= _Z_MAX" for i in range(K)) + "):",
          f"            return None",
          f"    else:",
          f"        return None"]
    # _finish._write: the residual bound at the point the last step reaches ...
    L += [f"    dcm = max({each('abs(d{})')})",
          f"    neg_b = -min({each('b{}')})",
          f"    neg_b = neg_b if neg_b > 0.0 else 0.0",
          f"    c_l, c_k = 6.0 * abs(G - 1.0), 12.0 * G",
          f"    Fm = abs(du) + (1.01 * (2.0 * G + 2.0)) * dcm",
          f"    rnd = (0.5 * neg_b + max({each('l{0} * c_l + k{0} * c_k')}) + 2.0)"
          f" + (14.2 * Fm + 13.2 * abs(du))",
          f"    quad = dcm * dcm",
          f"    res_F = _EPS * rnd + (0.5 * M_F) * quad"]
    L += [f"    x{i} = q{i} * o{i}" for i in range(K) if i != dom]
    L += [f"    adc = {_sum_src(_emu_dot(qoo, d))} / others",
          f"    qm_dcm = q{m} * d{m}",
          f"    R_lin = abs((R + adc) + qm_dcm)",
          f"    res_R = R_lin + _EPS * ({K + 8.0!r} + abs(R) + 12.0 * (dcm + abs(qm_dcm))) + (0.5 * _M_R) * quad",
          f"    residual = res_F if res_F >= res_R else res_R"]
    # ... the last linear correction, and the value (its terms exp(gamma log(1 - q)) (-log q))
    L += per_class("corr = o{i} * d{i}",
                   "qd{i} = q{i} + q{i} * corr",
                   "m{i} = (l{i} - (z{i} if z{i} < 0.0 else 0.0)) - corr",
                   "n{i} = (-((z{i} if z{i} > 0.0 else 0.0) + l{i}) - q{i} * d{i}) * G", indent=4)
    # (below _N_MIN the term is below 1e-290 whatever m (q >= 1e-13: m < 31), so the test after the
    # exp would decline the row: declined before it, where the exp could underflow; _N_MAX bounds
    # the last step's share, so that the exp cannot overflow)
    L += [f"    if not (" + " and ".join(f"_N_MIN <= n{i} <= _N_MAX" for i in range(K)) + "):",
          f"        return None"]
    L += _call_src("_exp", nm("v{}"), nm("n{}"), 4)
    L += per_class("v{i} = v{i} * m{i}", indent=4)
    L += [f"    if min({each('v{}')}) < 1e-290:  # the value's terms joined in the exponent: not this path",
          f"        return None"]
    L += per_class("v{i} = P[{i}] * v{i}", indent=4)
    # _order._preserve_order's test: two classes near each other in the sorted q (then the order pass, _order)
    L += [f"    {each('s{}')}, = sorted([{each('qd{}')}])",
          f"    near = (" + "\n            or ".join(f"s{i + 1} <= s{i} * _NEAR_R + _NEAR_ABS" for i in range(K - 1)) + ")",
          f"    return it, [{each('qd{}')}], near, u + du, {_sum_src(_emu_sum(val))}, residual"]
    ns = {"_exp": _exp, "_log": _log, "_log1p": _log1p, "_f": float, "_isfinite": math.isfinite, "_inf": math.inf,
          "_TOL_U": _ULPS * _EPS, "_EPS": _EPS, "_M_R": _M_R, "_FLOOR_SCALE": _FLOOR_SCALE,
          "_TINY_LOGIT": _TINY_LOGIT, "_Z_MAX": _Z_MAX, "_N_MIN": _N_MIN, "_N_MAX": _N_MAX, "_NEAR_R": 1.0 + _NEAR,
          "_NEAR_ABS": _NEAR_ABS}
    exec(compile("\n".join(L) + "\n", f"<focaltheory.solver._single K={K} dom={dom}>", "exec"), ns)
    return ns["_run"]


def _self_check(K):
    """Whether the emulations give einsum's bits for K classes, and NumPy's transcendentals agree across lengths.

    It runs in its own NumPy error state, every flag an error: the
    transcendentals are also checked to raise none on the ends of the ranges
    the path lets reach them (see _P_MIN, _G_MIN, _Z_MAX), whatever the
    caller's state (the path runs before the public function's isolation).
    """
    try:
        with np.errstate(all="raise"):
            return _self_check_raw(K)
    except FloatingPointError:
        return False


def _self_check_raw(K):
    rng = np.random.default_rng(12345 + K)
    for j in range(64):
        # signs, magnitudes over many binades, zeros of both signs and exact cancellations
        x = rng.standard_normal(K) * np.exp2(rng.integers(-40, 40, K))
        y = rng.standard_normal(K) * np.exp2(rng.integers(-40, 40, K))
        if j % 8 == 1:
            x[rng.integers(0, K)] = -0.0
        if j % 8 == 2:
            x = -np.abs(x) * 0.0
        if j % 8 == 3:
            y = np.abs(y)
        xl, yl = x.tolist(), y.tolist()
        s = _einsum("ij->i", x[None])[0]
        d = _einsum("ij,ij->i", x[None], y[None])[0]
        if _bits(_emu_sum(xl)) != _bits(float(s)) or _bits(_emu_dot(xl, yl)) != _bits(float(d)):
            return False
        w = np.abs(x) + 2.0 ** -1000  # the row sums of positive weights
        if _emu_total(w.tolist()) != float(np.add.reduce(w)):
            return False
    # the transcendentals: on a K-list and a scalar as within a long array (with the ends of the path's ranges)
    v = np.concatenate([rng.uniform(-40.0, 0.0, 96), rng.uniform(-1.0, 1.0, 96)])
    a = np.abs(v) + 1e-300
    # exp: of log P and the start's beta log P - ..., of -|z| and |z|, of the value's exponents
    ends_exp = [math.log(_P_MIN) - 1e-9, -_Z_MAX, _N_MIN, -0.0, 0.0, 1.0, _Z_MAX, _N_MAX]
    # log: of P, of the start's sums (the largest class's at least _TINY), of the constraint's ratio
    ends_log = [_P_MIN, _TINY, 9e-14, 1.0, float(_MAX_K), 1e306]
    # log1p: of exp(-|z|), of gamma k
    ends_log1p = [math.exp(-_Z_MAX), _G_MIN * 2.8e-12, 1e-14, 1.0, 300.0]
    for f, arg, ends in ((np.exp, v, ends_exp), (np.log, a, ends_log), (np.log1p, a, ends_log1p)):
        arg = np.concatenate([np.repeat(ends, 2), arg])
        ref = f(arg).tolist()
        for start in range(0, arg.size - K, 7 * K + 1):
            part = arg[start:start + K].tolist()
            if f(part).tolist() != ref[start:start + K]:
                return False
        if any(float(f(t)) != r for t, r in zip(arg[:16].tolist(), ref[:16])):
            return False
    return True


def _bits(x):
    return (math.copysign(1.0, x), x) if x == 0.0 else x


def _ready(K):
    """Whether the path serves K classes (the self-check runs once per K)."""
    global _enabled
    ok = _checked.get(K)
    if ok is None:
        ok = _self_check(K)
        if ok:
            _starts[K] = _starter(K)
            _loops[K] = [None] * K  # generated at first use (see _solve)
        else:
            _enabled = False
        _checked[K] = ok  # last: another thread that sees it finds the generated functions
    return ok and _enabled


def _weights(p):
    """The weights of p as a float64 1-D array, or None where the path does not take them."""
    if type(p) is np.ndarray:
        arr = p
    elif type(p) is list or type(p) is tuple:
        try:
            arr = np.asarray(p)
        except Exception:  # ragged and the like: the general path raises
            return None
    else:
        return None
    if arr.ndim != 1:
        return None
    dt = arr.dtype
    if dt is not _F64 and dt != _F64:
        if not (dt == np.float32 or dt.kind in "iu"):
            return None
        arr = arr.astype(np.float64)
    return arr


def _solve_one(p, gamma, axis, maxiter):
    """Solve one distribution in Python floats: the six result fields (see minimizer), or None.

    None where the input or the row leaves the path (see the module
    docstring): nothing has been changed and the batched path takes it.
    """
    global taken, declined
    if not _enabled:
        return None
    if type(axis) is not int or not (axis == -1 or axis == 0) or type(maxiter) is not int or maxiter < 1:
        return None
    tg = type(gamma)
    if tg is not float and tg is not int and (  # (the usual types first: bool is not int's type)
            isinstance(gamma, (bool, np.bool_)) or not isinstance(gamma, (float, int, np.float32, np.integer))):
        return None
    W = _weights(p)
    if W is None:
        return None
    K = W.shape[0]
    if K < 2 or K > _MAX_K:
        return None
    g = float(gamma)
    if not (_G_MIN <= g <= _PROVE_MAX_GAMMA) or g > _EXACT_GAMMA or not (_checked.get(K) or _ready(K)):
        return None
    try:
        out = _solve(W, K, g, maxiter)
    except ArithmeticError:  # a division by zero on the way: not this path
        out = None
    if out is None:
        declined += 1
    else:
        taken += 1
    return out


def _solve(Warr, K, G, maxiter):
    """The solve proper (see _solve_one); the batched path's operations in the order it takes them."""
    Wl = Warr.tolist()
    # the normalization; _System: _log_hi_lo, the largest class; _initial_guess (see _starter)
    start = _starts[K](Wl, G)
    if start is None:
        return None
    P, logP, logP_lo, dom, c, u = start
    Gm1 = G - 1.0
    aGm1 = abs(Gm1)
    M_F = 0.25 * aGm1 + 0.4663 * G  # _system._curvature, in its order of operations
    M = max(M_F, _M_R)
    if not (min(c) >= _TINY_LOGIT and max(c) <= _Z_MAX):
        return None
    run = _loops[K][dom]
    if run is None:
        run = _loops[K][dom] = _loop(K, dom)
    out = run(c, u, min(maxiter, _FAST_ITERS), logP, logP_lo, P, G, Gm1, aGm1, M, M_F)
    if out is None:
        return None
    k, qd, near, log_lam, value, residual = out
    if near:
        qd = _order(qd, Wl, K)  # _finish: the order pass
    if not (math.isfinite(value) and math.isfinite(residual) and math.isfinite(log_lam)):
        return None
    v = _array(qd + [log_lam, value, residual])
    v.flags.writeable = False
    return v[:K], v[K, ...], v[K + 1, ...], _ITERATIONS[k], _TRUE, v[K + 2, ...]


def _starter(K):
    """The row's set-up and start for K classes as straight-line source, compiled.

    _System's _log_hi_lo (log P to about twice double precision) and the
    largest class, then _system._initial_guess: z0 the log-odds of Q0
    proportional to P**beta, u0 making the largest class stationary there.
    Before them the normalization P = W / W.sum() (the sum emulated: _emu_total).
    It returns (P, logP, logP_lo, dom, z0, u0), or None (not this path).
    """
    s = [_Sym(f"s{i}") for i in range(K)]
    w = [_Sym(f"w{i}") for i in range(K)]
    L = [f"def _start(W, G):",
         # (normal, and so small that the sum of at most _MAX_K cannot overflow)
         f"    if not (min(W) >= _TINY and max(W) <= 1e306):",
         f"        return None",
         f"    {_names('w{}', K)}, = W",
         f"    total = {_src(_emu_total(w))}  # minimizer: W.sum over the (contiguous) row (positive terms)",
         f"    if not _isfinite(total):  # a NaN",
         f"        return None"]
    # Python's division is NumPy's (and an underflow here raises no flag); subnormal entries: not this path
    L += [f"    p{i} = w{i} / total" for i in range(K)]
    L += [f"    if min({_names('p{}', K)}) < _P_MIN:",
          f"        return None",
          f"    P = [{_names('p{}', K)}]"]
    if K <= _SCALAR_K:
        L += _call_src("_log", [f"h{i}" for i in range(K)], [f"p{i}" for i in range(K)], 4)
        L += _call_src("_exp", [f"e{i}" for i in range(K)], [f"h{i}" for i in range(K)], 4)
    else:  # (exp takes log's array as it is)
        L += [f"    h_ = _log(P)",
              f"    {_names('h{}', K)}, = h_.tolist()",
              f"    {_names('e{}', K)}, = _exp(h_).tolist()"]
    for i in range(K):  # log P = hi + lo, lo = (P - exp(hi)) / exp(hi) renormalized
        L += [f"    lo_ = (p{i} - e{i}) / e{i}",
              f"    a{i} = h{i} + lo_",
              f"    bb = a{i} - h{i}",
              f"    b{i} = (h{i} - (a{i} - bb)) + (lo_ - bb)"]
    L += [f"    logP = [{_names('a{}', K)}]",
          f"    dom = logP.index(max(logP))",
          f"    beta = 1.0 / (1.0 + G / {float(max(K - 1, 1))!r})",
          f"    ld = beta * logP[dom]"]
    L += [f"    la{i} = beta * a{i} - ld" for i in range(K)]
    L += _call_src("_exp", [f"s{i}" for i in range(K)], [f"la{i}" for i in range(K)], 4)
    L += [f"    tot = {_sum_src(_emu_sum(s))}",
          f"    others = [{_names('tot - s{}', K)}]",
          f"    if not others[dom] >= _TINY:  # np.maximum(others, tiny) (NaN: not this path)",
          f"        if others[dom] != others[dom]:",
          f"            return None",
          f"        others[dom] = _TINY"]
    if K <= _SCALAR_K:
        L += [f"    {_names('ot{}', K)}, = others"]
        L += _call_src("_log", [f"lo{i}" for i in range(K)], [f"ot{i}" for i in range(K)], 4)
    else:
        L += [f"    {_names('lo{}', K)}, = _log(others).tolist()"]
    L += [
          f"    z0 = [{_names('la{0} - lo{0}', K)}]",
          f"    if not z0[dom] <= _Z_MAX:  # (the loop would decline it; here exp(-|z|) could underflow)",
          f"        return None",
          f"    return P, logP, [{_names('b{}', K)}], dom, z0, logP[dom] + _log_g_from_logit(z0[dom], G)"]
    ns = {"_exp": _exp, "_log": _log, "_f": float, "_isfinite": math.isfinite, "_TINY": _TINY, "_P_MIN": _P_MIN,
          "_Z_MAX": _Z_MAX,
          "_log_g_from_logit": _log_g_from_logit}
    exec(compile("\n".join(L) + "\n", f"<focaltheory.solver._single start K={K}>", "exec"), ns)
    return ns["_start"]


def _log_g_from_logit(z, G):
    """focaltheory._kernels.log_g_from_logit at one point, in its order of operations."""
    t0 = abs(z)
    t1 = float(_exp(-t0))
    t2 = float(_log1p(t1))
    if z < 0:
        w = z
        x = t1 * (t2 - z)
    else:
        w = G * z
        x = t2 * float(_exp(t0))
        x = x if x < 1.0 else 1.0  # fmin(x, 1.0): NaN gives 1
    return (((-t2) * (G - 1.0) - w) + float(_log1p(G * x))) + 0.0


def _order(q, W, K):
    """_order._preserve_order for one row (keys: the weights)."""
    qs = sorted(q)
    r = 1.0 + _NEAR
    for x, y in zip(qs, qs[1:]):
        if y <= x * r + _NEAR_ABS:
            break
    else:
        return q
    order = sorted(range(K), key=W.__getitem__)  # stable, as argsort(kind="stable")
    qs = [q[i] for i in order]
    ks = [W[i] for i in order]
    tie = [ks[i + 1] == ks[i] for i in range(K - 1)]
    if not any(qs[i + 1] < qs[i] or (tie[i] and qs[i + 1] != qs[i]) for i in range(K - 1)):
        return q
    cm, m_ = [], -math.inf
    for x in qs:
        m_ = x if x > m_ else m_
        cm.append(m_)
    out = [0.0] * K
    end = K - 1
    for i in range(K - 1, -1, -1):  # a group of ties takes the value at its last member
        if i < K - 1 and not tie[i]:
            end = i
        out[order[i]] = cm[end]
    return out
