"""The framework of the claims catalogue: claims, results, the implementation under test, margins.

A :class:`Claim` is registered with a *kind*: ``"holds"`` (a theorem, expected
to hold: its check passes when no case violates it) or ``"false-as-stated"``
(a published or commonly quoted statement that is false as written: its check
searches for the counterexample and is *refuted* by it, and the witness is
reported).  A :class:`CheckResult` carries the check's ``status`` (the outcome
for the statement as written) and ``agrees``: whether that outcome is the one
the registration expects (``"pass"`` for a claim that holds, ``"refuted"`` for
one that is false as stated).  ``"inconclusive"`` and ``"error"`` never agree:
an installation check must not pass on something it could not decide.
"""

from __future__ import annotations

import math
import time
import zlib
from dataclasses import dataclass, field
from typing import Callable

import mpmath
import numpy as np
from mpmath import mp

from .. import _generated as _gen
from .._jsonio import json_safe
from ..inverse import inverse_minimizer
from ..loss import focal_entropy, focal_loss
from ..reference import focal_loss_mp, g_mp, minimizer_mp, phi_mp, threshold_mp
from ..regimes import gamma_for_threshold, over_suppression, threshold
from ..sigmoid import sigmoid_minimizer, sigmoid_posterior
from ..solver import minimizer
from ._stated import STATED_NUMBERS
from ._tolerances import TINY

PASS, REFUTED, INCONCLUSIVE, ERROR = "pass", "refuted", "inconclusive", "error"

#: kinds of claim: a theorem expected to hold, a statement false as written
HOLDS, FALSE_AS_STATED = "holds", "false-as-stated"
KINDS = (HOLDS, FALSE_AS_STATED)

#: the check status each kind expects
EXPECTED_STATUS = {HOLDS: PASS, FALSE_AS_STATED: REFUTED}


@dataclass
class CheckResult:
    """The outcome of checking one claim.

    Attributes
    ----------
    claim : str
        The claim's name.
    status : str
        ``"pass"`` (no case violates the claim beyond its tolerance),
        ``"refuted"`` (a witness violates it), ``"inconclusive"`` (some case
        could not be decided, even at 50 digits) or ``"error"`` (the check
        raised; ``detail`` says what).
    cases : int
        Number of cases tried.
    margin : float or None
        Slack of the worst case (positive: satisfied), in the check's units.
    tolerance : float or None
        The tolerance of the worst case: a case is a violation when
        ``margin < -tolerance``.
    witness : dict or None
        The worst case (for a refuted claim: the counterexample), with the
        distribution ``p`` and ``gamma`` where they apply.
    detail : str
        One line: what was measured, the estimated modulus, etc.
    decided_mp : int
        Cases that double precision could not decide and mpmath did.
    seconds : float
        Wall time of the check.
    kind : str
        The claim's registered kind, ``"holds"`` or ``"false-as-stated"``.
    """

    claim: str
    status: str
    cases: int
    margin: float | None
    tolerance: float | None
    witness: dict | None
    detail: str = ""
    decided_mp: int = 0
    seconds: float = 0.0
    kind: str = HOLDS

    @property
    def expected(self):
        """The status the registration expects: ``"pass"`` (holds) or ``"refuted"`` (false as stated)."""
        return EXPECTED_STATUS[self.kind]

    @property
    def agrees(self):
        """True when the check's outcome is the registered one (never for inconclusive or error)."""
        return self.status == self.expected

    def to_dict(self, source=None):
        """A strict-JSON-ready dict (through ``focaltheory._jsonio.json_safe``).

        Keys: name (and claim, the same), kind, status, expected, agrees, cases,
        margin (of the worst case), tolerance, witness, source (when given),
        detail, decided_mp, seconds.
        """
        d = {"name": self.claim, "claim": self.claim, "kind": self.kind, "status": self.status,
             "expected": self.expected, "agrees": self.agrees, "cases": self.cases,
             "margin": self.margin, "tolerance": self.tolerance, "witness": self.witness}
        if source is not None:
            d["source"] = source
        d.update(detail=self.detail, decided_mp=self.decided_mp, seconds=round(self.seconds, 3))
        return json_safe(d)


@dataclass(frozen=True)
class Impl:
    """The functions and constants a check tests (default: the package's own).

    Replace a field (``dataclasses.replace(Impl(), minimizer=wrong)``) to run
    a check against a deliberately wrong variant.
    """

    focal_loss: Callable = focal_loss
    focal_entropy: Callable = focal_entropy
    minimizer: Callable = minimizer
    inverse_minimizer: Callable = inverse_minimizer
    minimizer_mp: Callable = minimizer_mp
    threshold: Callable = threshold
    threshold_mp: Callable = threshold_mp
    gamma_for_threshold: Callable = gamma_for_threshold
    over_suppression: Callable = over_suppression
    sigmoid_posterior: Callable = sigmoid_posterior
    sigmoid_minimizer: Callable = sigmoid_minimizer
    #: numpy kernels of (q, c = 1 - q, gamma)
    g: Callable = _gen.g
    log_g: Callable = _gen.log_g
    log_neg_dg: Callable = _gen.log_neg_dg
    phi: Callable = _gen.phi
    #: (1-q)^gamma, elementwise (the power in the scalar lemmas behind the Mukhoti bound)
    power: Callable = None
    #: mpmath scalar functions of (q, gamma)
    g_mp: Callable = None
    phi_mp: Callable = None
    focal_loss_mp: Callable = None
    #: l''(q) at mpmath precision, by the bracket formula of the theory document (theory-loss)
    d2loss_mp: Callable = None
    #: the project's asymptotics module (sympy-derived expansions), cross-checked against the stated formulas
    asymptotics: object = None
    numbers: dict = field(default_factory=lambda: dict(STATED_NUMBERS))

    def __post_init__(self):
        defaults = {"power": _power, "g_mp": _g_mp, "phi_mp": _phi_mp, "focal_loss_mp": _l_mp, "d2loss_mp": _d2loss_bracket}
        for k, v in defaults.items():
            if getattr(self, k) is None:
                object.__setattr__(self, k, v)
        if self.asymptotics is None:
            try:
                from .. import asymptotics as _asym
            except ImportError:  # pragma: no cover - the module is optional for the checks
                _asym = False
            object.__setattr__(self, "asymptotics", _asym)


@dataclass(frozen=True)
class Claim:
    """One claim: name, statement (words and formula), source, tolerance, check and kind.

    ``check(ctx)`` returns a :class:`CheckResult` for the statement as
    written; use :meth:`run`.  ``kind`` is ``"holds"`` (the check is expected
    to pass) or ``"false-as-stated"`` (the check is expected to be refuted,
    its witness being the counterexample); ``section`` is the label of the
    theory document's section the claim relies on.
    """

    name: str
    statement: str
    formula: str
    source: str
    tolerance: str
    check: Callable
    kind: str = HOLDS
    section: str = ""

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"claim {self.name!r}: kind must be one of {KINDS}, not {self.kind!r}")

    def run(self, *, quick=False, seed=0, impl=None, progress=None):
        """Run the check (deterministic for a given seed); errors become status "error"."""
        ctx = _Ctx(self.name, quick=quick, seed=seed, impl=impl or Impl(), progress=progress)
        t0 = time.perf_counter()
        try:
            with np.errstate(all="ignore"):
                res = self.check(ctx)
        except Exception as exc:  # a check that crashes is reported, not hidden
            res = CheckResult(self.name, ERROR, ctx.cases_hint, None, None, None,
                              f"{type(exc).__name__}: {exc}")
        res.seconds = time.perf_counter() - t0
        res.kind = self.kind
        return res


class _Ctx:
    """What a check gets: its rng, the quick flag, the implementation under test."""

    def __init__(self, name, *, quick, seed, impl, progress):
        self.name = name
        self.quick = quick
        self.seed = seed
        self.impl = impl
        self.rng = np.random.default_rng([int(seed), zlib.crc32(name.encode())])
        self._progress = progress
        self.cases_hint = 0

    def n(self, quick, full):
        """Search size: ``quick`` cases with --quick, ``full`` otherwise."""
        return quick if self.quick else full

    def progress(self, msg):
        if self._progress is not None:
            self._progress(f"{self.name}: {msg}")


def _mp_scalar(x):
    return mpmath.mpf(x) if not isinstance(x, mpmath.mpf) else x


def _power(q, gamma):
    return np.exp(gamma * np.log1p(-q))


def _g_mp(q, gamma):
    return g_mp(q, gamma, dps=50)


def _phi_mp(p, gamma):
    return phi_mp(p, gamma, dps=50)


def _l_mp(q, gamma):
    return focal_loss_mp(q, gamma, dps=50)


def _d2loss_bracket(q, gamma):
    """l''(q) = (1-q)^(gamma-2) [t^2 + 2 gamma t - gamma (1-gamma) log(1+t)], t = (1-q)/q (theory-loss)."""
    q, gamma = _mp_scalar(q), _mp_scalar(gamma)
    c = 1 - q
    t = c / q
    return c ** (gamma - 2) * (t * t + 2 * gamma * t - gamma * (1 - gamma) * mp.log1p(t))


# ---------------------------------------------------------------------------
# worst-case tracking
# ---------------------------------------------------------------------------

class _Worst:
    """Accumulates cases; keeps the one with the smallest slack / tolerance."""

    def __init__(self, name):
        self.name = name
        self.cases = 0
        self.key = math.inf
        self.margin = None
        self.tol = None
        self.witness = None
        self.undecided = []
        self.decided_mp = 0
        self.notes = []

    def add(self, slack, tol, witness):
        """Add cases: arrays ``slack`` and ``tol`` (broadcast); ``witness(i)`` -> dict for case i.

        NaN slacks count as violations (the quantity could not be computed).
        """
        slack = np.atleast_1d(np.asarray(slack, dtype=float))
        tol = np.broadcast_to(np.asarray(tol, dtype=float), slack.shape).ravel()
        slack = slack.ravel()
        if slack.size == 0:
            return
        self.cases += slack.size
        s = np.where(np.isnan(slack), -np.inf, slack)
        # exact checks (tol 0) are scaled by TINY: any negative slack is a violation, 0 is at the edge
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            key = s / np.maximum(tol, TINY)
        # among keys -inf (exact violations) prefer the largest violation
        if np.isneginf(key).any():
            cand = np.flatnonzero(np.isneginf(key))
            i = int(cand[np.argmin(s[cand])])
        else:
            i = int(np.argmin(key))
        k = float(key[i])
        better = k < self.key or (k == self.key == -math.inf and (self.margin is None or s[i] < self.margin))
        if better or self.witness is None:
            self.key = k
            self.margin = float(slack[i])
            self.tol = float(tol[i])
            self.witness = witness(i)

    def add_one(self, slack, tol, witness):
        self.add([slack], [tol], lambda i: witness)

    def result(self, detail=""):
        if self.witness is not None and self.key < -1:
            status = REFUTED
        elif self.undecided:
            status = INCONCLUSIVE
            detail = (detail + "; " if detail else "") + f"{len(self.undecided)} case(s) undecided even at 50 digits"
            if self.witness is None or self.key >= -1:
                self.witness = self.undecided[0]
        else:
            status = PASS
        if self.notes:
            detail = "; ".join([detail] + self.notes) if detail else "; ".join(self.notes)
        return CheckResult(self.name, status, self.cases, self.margin, self.tol, self.witness, detail,
                           self.decided_mp)


def _wit(p, gamma=None, **extra):
    """A witness dict: the distribution (as a list), its size, gamma and extras."""
    p = np.asarray(p, dtype=float).ravel()
    w = {"K": int(p.size), "p": [float(x) for x in p]}
    if gamma is not None:
        w["gamma"] = float(gamma)
    for k, v in extra.items():
        if isinstance(v, np.ndarray):
            v = v.tolist()
        elif isinstance(v, np.generic):
            v = v.item()
        elif isinstance(v, mpmath.mpf):
            v = float(v)
        w[k] = v
    return w
