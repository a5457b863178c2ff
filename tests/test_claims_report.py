"""The claims table, its JSON form, the exit code and ``focaltheory verify`` (focaltheory.claims.report)."""

import argparse
import json

import numpy as np
import pytest

from focaltheory import claims as C
from focaltheory.claims import CLAIMS, STATED_NUMBERS, CheckResult, Impl, main_verify
from focaltheory.claims import report
from focaltheory.cli import main
from focaltheory.loss import focal_entropy

#: a wrong focal-entropy: never infinite, so the finiteness check refutes it
WRONG_FINITENESS = Impl(focal_entropy=lambda P, Q, g, **kw: np.nan_to_num(focal_entropy(P, Q, g), posinf=1e308))
#: the FLSD-53 reading without its counterexample (bucket edge 0.25 instead of 0.5): the check passes
NO_COUNTEREXAMPLE = Impl(numbers=dict(STATED_NUMBERS, flsd53_buckets=[(0.2, 5), (0.25, 3)]))


def _with_impl(monkeypatch, impl):
    real = report.run_claims

    def fake(names, **kw):
        return real(names, impl=impl, quick=True, seed=kw.get("seed", 0), progress=kw.get("progress"))
    monkeypatch.setattr(report, "run_claims", fake)


def _strict(text):
    def bad(x):
        raise ValueError(f"non-strict JSON constant {x}")
    return json.loads(text, parse_constant=bad)


# ---------------------------------------------------------------------------
# through the focaltheory CLI
# ---------------------------------------------------------------------------

def test_cli_verify_json(capsys):
    assert main(["verify", "--quick", "--claim", "binary-never-over-suppressed", "--json", "--seed", "1"]) == 0
    out = json.loads(capsys.readouterr().out)
    (r,) = out["results"]
    assert r["claim"] == "binary-never-over-suppressed" and r["status"] == "pass" and r["cases"] > 1000


def test_cli_verify_table_and_progress(capsys):
    assert main(["verify", "--quick", "--claim", "finiteness", "--claim", "g-shape"]) == 0
    cap = capsys.readouterr()
    assert "finiteness" in cap.out and "g-shape" in cap.out and "2/2 claims pass" in cap.out
    assert "2/2 entries agree with their registration" in cap.out
    assert "[1/2] finiteness" in cap.err  # progress on stderr


def test_cli_verify_exit_0_on_a_false_as_stated_claim(capsys):
    """A false-as-stated entry is refuted as registered: exit 0, its counterexample reported."""
    assert main(["verify", "--quick", "--claim", "mukhoti-gamma-rule"]) == 0
    out = capsys.readouterr().out
    assert "FALSE AS STATED (as registered): mukhoti-gamma-rule" in out and "counterexample:" in out
    assert "p0=0.5 gamma_stated=3 gamma_of_p0=0" in out
    assert "DISAGREE" not in out


def test_cli_verify_exit_1_on_refuted(monkeypatch, capsys):
    _with_impl(monkeypatch, WRONG_FINITENESS)
    assert main(["verify", "--quick", "--claim", "finiteness"]) == 1
    out = capsys.readouterr().out
    assert "REFUTED: finiteness" in out and "witness:" in out
    assert "DISAGREE with their registration: finiteness" in out


def test_cli_verify_unknown_claim(capsys):
    assert main(["verify", "--claim", "nope"]) == 2
    assert "unknown claim" in capsys.readouterr().err


def test_cli_verify_list(capsys):
    assert main(["verify", "--list"]) == 0
    out = capsys.readouterr().out
    assert all(c.name in out for c in CLAIMS)
    for c in CLAIMS:
        assert f"[{c.kind}]" in next(line for line in out.splitlines() if line.startswith(c.name + " "))


# ---------------------------------------------------------------------------
# main_verify(argv) and the exit logic
# ---------------------------------------------------------------------------

def test_main_verify_exit_0_when_all_agree(capsys):
    argv = ["--quick", "--claim", "mukhoti-gamma-rule", "--claim", "flsd53-threshold-gammas"]
    assert main_verify(argv) == 0
    out = capsys.readouterr().out
    assert "2/2 entries agree with their registration" in out
    assert "1/2 claims pass, 1 refuted (1 false as stated, as registered)" in out
    assert "false-as-stated" in out and "holds" in out  # the kind column


def test_main_verify_exit_1_when_a_holds_check_disagrees(monkeypatch, capsys):
    _with_impl(monkeypatch, WRONG_FINITENESS)
    assert main_verify(["--quick", "--claim", "finiteness", "--claim", "g-shape"]) == 1
    out = capsys.readouterr().out
    assert "REFUTED: finiteness (registered holds, expected pass)" in out
    assert "DISAGREE with their registration: finiteness" in out and "g-shape," not in out


def test_main_verify_exit_1_when_a_false_as_stated_check_finds_no_counterexample(monkeypatch, capsys):
    _with_impl(monkeypatch, NO_COUNTEREXAMPLE)
    assert main_verify(["--quick", "--claim", "mukhoti-gamma-rule"]) == 1
    out = capsys.readouterr().out
    assert "PASS: mukhoti-gamma-rule (registered false-as-stated, expected refuted)" in out
    assert "DISAGREE with their registration: mukhoti-gamma-rule" in out


@pytest.mark.parametrize("status", [C.INCONCLUSIVE, C.ERROR])
def test_main_verify_exit_1_when_undecided_or_error(monkeypatch, capsys, status):
    def fake(names, **kw):
        return [CheckResult(n, status, 3, None, None, {"what": "undecided"}, "could not decide", kind=C.get_claim(n).kind)
                for n in names]
    monkeypatch.setattr(report, "run_claims", fake)
    assert main_verify(["--quick", "--claim", "g-shape"]) == 1
    out = capsys.readouterr().out
    assert f"{status.upper()}: g-shape (registered holds, expected pass)" in out


def test_main_verify_json_fields(monkeypatch, capsys):
    assert main_verify(["--quick", "--json", "--claim", "q-differs-from-p", "--claim", "flsd53-threshold-gammas",
                        "--seed", "2"]) == 0
    out = _strict(capsys.readouterr().out)
    assert out["seed"] == 2 and out["quick"] is True and out["seconds"] >= 0
    assert out["exit_code"] == 0 and out["disagree"] == []
    assert out["counts"]["agree"] == 2 and out["counts"]["false_as_stated"] == 1
    by = {r["name"]: r for r in out["results"]}
    for r in by.values():
        for key in ("name", "kind", "status", "agrees", "cases", "margin", "tolerance", "witness", "source"):
            assert key in r, key
        assert r["source"] == C.get_claim(r["name"]).source
    q = by["q-differs-from-p"]
    assert q["kind"] == "false-as-stated" and q["status"] == "refuted" and q["agrees"] is True
    assert q["witness"]["what"] == "non-uniform P with Q*(P) = P" and q["witness"]["departure"] < 1e-40
    f = by["flsd53-threshold-gammas"]
    assert f["kind"] == "holds" and f["status"] == "pass" and f["agrees"] is True and f["cases"] > 0


def test_main_verify_json_reports_disagreement(monkeypatch, capsys):
    _with_impl(monkeypatch, WRONG_FINITENESS)
    assert main_verify(["--quick", "--json", "--claim", "finiteness"]) == 1
    out = _strict(capsys.readouterr().out)
    assert out["exit_code"] == 1 and out["disagree"] == ["finiteness"]
    (r,) = out["results"]
    assert r["status"] == "refuted" and r["agrees"] is False and r["witness"]["observed_finite"] is True


def test_main_verify_usage_errors(capsys):
    assert main_verify(["--no-such-option"]) == 2
    assert "focaltheory verify: error" in capsys.readouterr().err
    assert main_verify(["--claim", "nope"]) == 2
    assert "unknown claim" in capsys.readouterr().err


def test_main_verify_accepts_a_parsed_namespace(capsys):
    ns = argparse.Namespace(quick=True, claim=["flsd53-threshold-gammas"], seed=0, json=False, list=False)
    assert main_verify(ns) == 0
    assert "flsd53-threshold-gammas" in capsys.readouterr().out


def test_format_table_lists_every_entry_with_its_kind():
    results = [CheckResult(c.name, C.PASS if c.kind == C.HOLDS else C.REFUTED, 1, 1.0, 0.0,
                           {"p": [0.5, 0.5], "gamma": 1.0, "what": "w"}, "d", kind=c.kind) for c in CLAIMS]
    text = C.format_table(results)
    lines = text.splitlines()
    for c in CLAIMS:
        row = next(line for line in lines if line.startswith(c.name + " "))
        assert c.kind in row and "yes" in row
    assert f"{len(CLAIMS)}/{len(CLAIMS)} entries agree" in text
    assert text.count("FALSE AS STATED (as registered)") == 4
