r"""An executable catalogue of the claims of the focal-entropy theory.

Every claim made about the focal loss, by the literature or in the theory
document (docs/theory.md), is a :class:`Claim`: a short name, the statement in
words and as a formula, its source, its *kind* and a *check* that searches
hard for a counterexample (random Dirichlet distributions over several
concentrations and K up to 10^3; adversarial families: near-degenerate,
extreme imbalance, many ties, entries near 1e-300, tiny and large gamma;
hypothesis-generated cases where the claim is a per-case inequality; 50-digit
mpmath where double precision cannot decide).

Each claim has a *kind*: ``"holds"`` (a theorem, expected to hold: its check
must pass) or ``"false-as-stated"`` (a published or commonly quoted statement
that is false as written: its check must be refuted, and the witness it
reports is the counterexample; the correct statement is registered as its own
claim).  A check returns a :class:`CheckResult`: ``status`` (``"pass"``,
``"refuted"``, ``"inconclusive"`` or ``"error"``, for the statement as
written), ``agrees`` (the status is the one the kind expects; never for
inconclusive or error), the number of cases tried, the worst case found (the
*witness*: the distribution, gamma and whatever else defines the case) and
its *margin*.

The checks take every function they test from an :class:`Impl` (default: the
package's own functions and ``STATED_NUMBERS``, the numbers stated in the
theory document), so a deliberately wrong variant (a perturbed minimizer, a
false inequality, a wrong constant) can be substituted to show that each
check is able to fail.

Command line: ``focaltheory verify [--quick] [--claim NAME] [--seed N] [--json] [--list]``;
it exits 0 when every entry agrees with its registration and 1 otherwise
(see :func:`main_verify`).

Notes
-----
*Margins.* Each case of a check yields a *slack* (how far the case is from
violating the claim, in the units the check states, positive = satisfied) and
a *tolerance* (the rounding error that double precision can commit on that
slack; the shared ones are named and justified in the private module
``_tolerances``, the others next to their check). A case violates the claim
when ``slack < -tolerance``: rounding cannot explain it. The worst case is the
one with the smallest ``slack / tolerance``. Exact checks (a boolean
agreement, or a computation at 50+ digits) have tolerance 0: their slack is +1
/ -1 for agreement / disagreement, or the exact quantity, and any negative
slack is a violation. Where a strict inequality is claimed and ``|slack| <=
tolerance`` in doubles, the case is re-decided at 50 digits with
:mod:`focaltheory.reference`; such cases are counted in ``decided_mp``.
Different parts of one check may measure different quantities; the witness's
``what`` field names the part the worst case comes from.

References
----------
.. [1] J. Shah, M. Cardone, A. Dytso, "Functional Properties of the
   Focal-Entropy", AISTATS 2026, arXiv:2603.02533.
.. [2] N. Charoenphakdee, J. Vongkulbhisal, N. Chairatanakul, M. Sugiyama,
   "On Focal Loss for Class-Posterior Probability Estimation: A Theoretical
   Perspective", CVPR 2021.
.. [3] J. Mukhoti, V. Kulharia, A. Sanyal, S. Golodetz, P. Torr, P. Dokania,
   "Calibrating Deep Neural Networks using Focal Loss", NeurIPS 2020; code
   released at github.com/torrvision/focal_calibration.
.. [4] T.-Y. Lin, P. Goyal, R. Girshick, K. He, P. Dollar, "Focal Loss for
   Dense Object Detection", ICCV 2017.

Examples
--------
>>> from focaltheory.claims import CLAIMS, run_claim
>>> len(CLAIMS) >= 20
True
>>> r = run_claim("binary-never-over-suppressed", quick=True, seed=0)
>>> r.status, r.agrees, r.cases > 1000
('pass', True, True)
>>> r = run_claim("q-differs-from-p", quick=True, seed=0)
>>> r.kind, r.status, r.agrees
('false-as-stated', 'refuted', True)
"""

from ._framework import (
    ERROR,
    FALSE_AS_STATED,
    HOLDS,
    INCONCLUSIVE,
    KINDS,
    PASS,
    REFUTED,
    CheckResult,
    Claim,
    Impl,
)
from ._registry import CLAIMS, claim_names, get_claim, run_claim, run_claims
from ._stated import STATED_NUMBERS
from .report import add_verify_parser, exit_code, format_table, main_verify, results_json

__all__ = [
    "Claim",
    "CheckResult",
    "Impl",
    "CLAIMS",
    "STATED_NUMBERS",
    "claim_names",
    "get_claim",
    "run_claim",
    "run_claims",
    "format_table",
    "results_json",
    "exit_code",
    "main_verify",
    "add_verify_parser",
    "PASS",
    "REFUTED",
    "INCONCLUSIVE",
    "ERROR",
    "HOLDS",
    "FALSE_AS_STATED",
    "KINDS",
]
