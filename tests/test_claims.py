"""The claims package (focaltheory.claims): registry, kinds, sources, framework and named tolerances."""

import io
import pathlib
import subprocess
import sys
import tokenize

import numpy as np
import pytest

from focaltheory import claims as C
from focaltheory.claims import CLAIMS, STATED_NUMBERS, CheckResult, Claim, Impl, run_claim
from focaltheory.claims._tolerances import EPS, TINY, log_solver_tol, reference_tol, solver_tol

PKG = pathlib.Path(C.__file__).parent

#: section labels of the theory document a claim may rely on
LABELS = {"theory-notation", "theory-loss", "theory-bounds", "theory-convexity", "theory-minimizer",
          "theory-properness", "theory-regimes", "theory-asymptotics", "theory-variants", "theory-countable",
          "theory-false"}
#: what the Shah, Cardone, Dytso abstract states: existence and uniqueness, mid-range amplification and
#: suppression of high probabilities, over-suppression under extreme imbalance
STATED_IN_ABSTRACT = {"existence-uniqueness", "mid-range-amplification", "over-suppression-exists"}
AUTHORS = ("Shah, Cardone, Dytso, AISTATS 2026", "Charoenphakdee et al., CVPR 2021",
           "Mukhoti et al., NeurIPS 2020", "Lin et al., ICCV 2017")


def test_registry_fields():
    for c in CLAIMS:
        assert c.name and c.statement and c.formula and c.source and c.tolerance, c.name
    assert len({c.name for c in CLAIMS}) == len(CLAIMS)
    with pytest.raises(ValueError, match="unknown claim"):
        C.get_claim("no-such-claim")


def test_kinds_and_sections():
    assert {c.kind for c in CLAIMS} == {C.HOLDS, C.FALSE_AS_STATED}
    assert {c.name for c in CLAIMS if c.kind == C.FALSE_AS_STATED} == {"q-differs-from-p", "mukhoti-gamma-rule",
                                                                       "countable-support-criterion",
                                                                       "countable-tv-continuity"}
    for c in CLAIMS:
        assert c.section in LABELS, c.name
    with pytest.raises(ValueError, match="kind"):
        Claim("x", "s", "f", "src", "tol", lambda ctx: None, kind="maybe")


def test_sources_name_published_work_or_a_section():
    for c in CLAIMS:
        assert any(a in c.source for a in AUTHORS) or "docs/theory.md, section theory-" in c.source, c.name
        # "stated in the abstract" only where the abstract says it
        assert ("stated in the abstract" in c.source) == (c.name in STATED_IN_ABSTRACT), c.name
        if c.kind == C.FALSE_AS_STATED:
            assert "theory-false" in c.source and "counterexample" in c.source, c.name
        for label in LABELS:
            if label in c.source:
                assert f"docs/theory.md, section {label}" in c.source, c.name


def test_flsd53_attributed_to_the_released_code():
    c = C.get_claim("flsd53-threshold-gammas")
    assert "Mukhoti et al., NeurIPS 2020, released code" in c.source and c.kind == C.HOLDS
    assert "0.2 <= p < 0.5" in c.statement
    assert STATED_NUMBERS["flsd53_buckets"] == [(0.2, 5), (0.5, 3)]


def test_no_internal_references_in_the_texts():
    # spelled in pieces so that a search of the sources for these words finds nothing here either
    old_doc = "THE" + "ORY"
    words = (old_doc, "item ", "iss" + "ue", "thr" + "ead", "working note")
    for c in CLAIMS:
        for text in (c.statement, c.formula, c.source, c.tolerance):
            assert not any(w in text for w in words), (c.name, text)
    assert not hasattr(C, old_doc + "_NUMBERS")


def test_deterministic_for_a_seed():
    a = run_claim("structure", quick=True, seed=3)
    b = run_claim("structure", quick=True, seed=3)
    assert (a.cases, a.margin, a.witness) == (b.cases, b.margin, b.witness)


def test_check_error_is_reported_not_raised():
    def boom(*a, **k):
        raise RuntimeError("boom")
    r = run_claim("finiteness", quick=True, impl=Impl(focal_entropy=boom))
    assert r.status == C.ERROR and "boom" in r.detail
    assert not r.agrees  # an error never agrees with a registration


@pytest.mark.parametrize("kind,status,agrees", [
    ("holds", "pass", True), ("holds", "refuted", False), ("holds", "inconclusive", False), ("holds", "error", False),
    ("false-as-stated", "refuted", True), ("false-as-stated", "pass", False),
    ("false-as-stated", "inconclusive", False), ("false-as-stated", "error", False),
])
def test_agreement_of_a_result_with_its_kind(kind, status, agrees):
    r = CheckResult("x", status, 1, 0.0, 0.0, None, kind=kind)
    assert r.agrees is agrees
    assert C.exit_code([r]) == (0 if agrees else 1)


def test_named_tolerances():
    np.testing.assert_array_equal(solver_tol(np.array([0.0, 1.0, 9.0])), [2e-13, 4e-13, 2e-12])
    assert log_solver_tol(0.0) == 4e-13 and log_solver_tol(3.0) == 1e-12
    assert reference_tol(1.0) == 2e-12
    assert EPS == 2.0 ** -52 and TINY == 1e-300 and TINY > np.finfo(float).tiny


def test_tolerance_literals_live_in_one_place():
    """The solver tolerance and the 1e-300 floor are typed once, in _tolerances."""
    for path in sorted(PKG.glob("*.py")):
        if path.name == "_tolerances.py":
            continue
        toks = tokenize.generate_tokens(io.StringIO(path.read_text()).readline)
        nums = [t.string for t in toks if t.type == tokenize.NUMBER]
        assert "1e-300" not in nums and "2e-13" not in nums, path.name


def test_modules_stay_small():
    for path in PKG.glob("*.py"):
        assert len(path.read_text().splitlines()) <= 700, path.name


def test_import_focaltheory_does_not_import_claims():
    code = "import sys, focaltheory; print('focaltheory.claims' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=str(PKG.parent.parent)).stdout.strip()
    assert out == "False"
