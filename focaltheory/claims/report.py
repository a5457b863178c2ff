"""The claims table, its JSON form and the ``focaltheory verify`` command.

Exit codes of :func:`main_verify`: 0 when every check agrees with its
registration (a claim that holds passes; a claim false as stated is refuted,
its witness being the counterexample); 1 when any entry disagrees: a claim
that holds is refuted, a claim false as stated finds no counterexample, or a
check is *inconclusive* (some case could not be decided even at 50 digits:
an installation check must not pass on something it could not decide) or
raises (*error*); 2 for a usage error (unknown option or claim name).
"""

from __future__ import annotations

import argparse
import math
import re
import sys
import time

from .. import _jsonio
from ._framework import ERROR, FALSE_AS_STATED, HOLDS, INCONCLUSIVE, PASS, REFUTED
from ._registry import ABSTRACT, CHAR, CLAIMS, HERE, LIN, MUKH, SHAH, claim_names, get_claim, run_claims

__all__ = ["format_table", "results_json", "exit_code", "add_verify_parser", "main_verify"]


def _fmt(x):
    if x is None:
        return "-"
    if isinstance(x, float) and not math.isfinite(x):
        return str(x)
    return f"{x:.2e}"


def _brief(w):
    """One line for a witness: K, gamma, the first entries of p, other scalar fields, what."""
    if not w:
        return ""

    def short(x):
        if isinstance(x, float):
            return f"{x:.6g}"
        if isinstance(x, str):
            try:
                return f"{float(x):.12g}"
            except ValueError:
                return x
        return str(x)

    parts = []
    if "K" in w:
        parts.append(f"K={w['K']}")
    if "gamma" in w:
        parts.append(f"gamma={short(w['gamma'])}")
    if isinstance(w.get("p"), list):
        p = w["p"]
        parts.append(f"p=[{', '.join(short(x) for x in p[:4])}{', ...' if len(p) > 4 else ''}]")
    extra = [(k, v) for k, v in w.items() if k not in ("K", "gamma", "p", "what") and not isinstance(v, (list, dict))]
    parts += [f"{k}={short(v)}" for k, v in extra[:5]]
    if "what" in w:
        parts.append(f"({w['what']})")
    return " ".join(parts)


_SHORT = ((SHAH, "Shah+26"), (CHAR, "Charoenphakdee+21"), (MUKH, "Mukhoti+20"), (LIN, "Lin+17"),
          (ABSTRACT, "abstract"), ("docs/theory.md, section ", ""), (HERE, "here"))


def _short_source(src):
    """Abbreviated source for the table: authors and section labels only (in full in ``--list`` and ``--json``)."""
    prev = None
    while prev != src:  # drop the remarks in parentheses (innermost first), keep the section labels
        prev = src
        src = re.sub(r"\s*\((?![^()]*theory-)[^()]*\)", "", src)
    for long, short in _SHORT:
        src = src.replace(long, short)
    return src


def _source(name):
    try:
        return get_claim(name).source
    except ValueError:
        return ""


def _count(results):
    return {
        "entries": len(results),
        "agree": sum(r.agrees for r in results),
        "disagree": sum(not r.agrees for r in results),
        "holds": sum(r.kind == HOLDS for r in results),
        "false_as_stated": sum(r.kind == FALSE_AS_STATED for r in results),
        PASS: sum(r.status == PASS for r in results),
        REFUTED: sum(r.status == REFUTED for r in results),
        INCONCLUSIVE: sum(r.status == INCONCLUSIVE for r in results),
        ERROR: sum(r.status == ERROR for r in results),
    }


def exit_code(results):
    """0 when every result agrees with its registration, 1 otherwise (inconclusive and error included)."""
    return 0 if all(r.agrees for r in results) else 1


def format_table(results):
    """The claims table: claim, kind, source, cases, worst margin (and its tolerance), status, agreement, time.

    Below it: every false-as-stated entry with its counterexample, every
    entry that disagrees with its registration (with its worst case), and a
    summary naming the entries that disagree.
    """
    rows = [("claim", "kind", "source", "cases", "worst margin", "tol", "status", "agrees", "s")]
    for r in results:
        rows.append((r.claim, r.kind, _short_source(_source(r.claim)), str(r.cases), _fmt(r.margin),
                     _fmt(r.tolerance), r.status, "yes" if r.agrees else "NO", f"{r.seconds:.1f}"))
    widths = [max(len(row[j]) for row in rows) for j in range(len(rows[0]))]
    left = (0, 1, 2, 6, 7)
    lines = []
    for k, row in enumerate(rows):
        lines.append("  ".join(c.ljust(w) if j in left else c.rjust(w) for j, (c, w) in enumerate(zip(row, widths))))
        if k == 0:
            lines.append("  ".join("-" * w for w in widths))
    for r in results:
        if r.agrees and r.kind == FALSE_AS_STATED:
            lines.append(f"FALSE AS STATED (as registered): {r.claim}: {r.detail}")
            if r.witness:
                lines.append(f"  counterexample: {_brief(r.witness)}")
    for r in results:
        if not r.agrees:
            lines.append(f"{r.status.upper()}: {r.claim} (registered {r.kind}, expected {r.expected}): {r.detail}")
            if r.witness:
                lines.append(f"  witness: {_brief(r.witness)}")
    c = _count(results)
    lines.append(f"{c['agree']}/{c['entries']} entries agree with their registration; "
                 f"{c[PASS]}/{c['entries']} claims pass, {c[REFUTED]} refuted "
                 f"({sum(r.agrees and r.status == REFUTED for r in results)} false as stated, as registered), "
                 f"{c[INCONCLUSIVE]} inconclusive, {c[ERROR]} errors; {sum(r.seconds for r in results):.1f} s")
    bad = [r.claim for r in results if not r.agrees]
    if bad:
        lines.append(f"DISAGREE with their registration: {', '.join(bad)}")
    return "\n".join(lines)


def results_json(results, **metadata):
    """The strict-JSON text of ``{"results": [...], ...metadata}`` (see :meth:`CheckResult.to_dict`).

    The metadata always include ``counts``, ``disagree`` (the names) and
    ``exit_code``; the caller adds e.g. seed, quick and seconds.
    """
    out = {"results": [r.to_dict(source=_source(r.claim)) for r in results]}
    out.update(metadata)
    out.update(counts=_count(results), disagree=[r.claim for r in results if not r.agrees],
               exit_code=exit_code(results))
    return _jsonio.dumps(out)


def _configure(pv):
    pv.add_argument("--quick", action="store_true", help="smaller searches (seconds)")
    pv.add_argument("--claim", action="append", metavar="NAME",
                    help="run only this claim (repeatable); see --list")
    pv.add_argument("--seed", type=int, default=0, help="random seed (default 0); runs are deterministic")
    pv.add_argument("--json", action="store_true", help="machine-readable output (one JSON object)")
    pv.add_argument("--list", action="store_true", help="list the claims (with their kind) and exit")


_DESCRIPTION = (
    "Run the claims catalogue (focaltheory.claims): each check searches for a counterexample. A claim "
    "registered as holding must pass; a claim registered as false as stated must be refuted, and its "
    "counterexample is shown. Exit 0 when every entry agrees with its registration, 1 when any disagrees, "
    "is inconclusive or errors, 2 on a usage error.")


def add_verify_parser(sub):
    """Add the ``verify`` subcommand to an argparse subparsers object (``run`` calls :func:`main_verify`)."""
    pv = sub.add_parser("verify", help="check every claim of the focal-entropy theory numerically, with witnesses",
                        description=_DESCRIPTION)
    _configure(pv)
    pv.set_defaults(run=main_verify)


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        raise _UsageError(message)


class _UsageError(Exception):
    pass


def _parse(argv):
    parser = _Parser(prog="focaltheory verify", description=_DESCRIPTION)
    _configure(parser)
    return parser.parse_args(list(argv))


def main_verify(argv=None):
    """Run ``focaltheory verify`` with the arguments ``argv`` (the words after ``verify``); returns the exit code.

    ``argv`` is a list of strings (None: ``sys.argv[1:]``), or an already
    parsed ``argparse.Namespace``.  Returns 0 when every entry agrees
    with its registration, 1 when any disagrees, is inconclusive or errors,
    2 on a usage error (reported in one line on stderr).
    """
    if isinstance(argv, argparse.Namespace):
        args = argv
    else:
        try:
            args = _parse(sys.argv[1:] if argv is None else argv)
        except _UsageError as exc:
            print(f"focaltheory verify: error: {exc}", file=sys.stderr)
            return 2
        except SystemExit as exc:  # --help
            return exc.code if isinstance(exc.code, int) else 0
    if args.list:
        for c in CLAIMS:
            print(f"{c.name:28s} [{c.kind}] {c.source}\n    {c.statement}\n    formula: {c.formula}\n"
                  f"    tolerance: {c.tolerance}\n    section: {c.section}")
        return 0
    names = args.claim or claim_names()
    try:
        for n in names:
            get_claim(n)  # unknown names fail before any work
    except ValueError as exc:
        print(f"focaltheory verify: error: {exc}", file=sys.stderr)
        return 2

    def progress(msg):
        print(msg, file=sys.stderr, flush=True)

    t0 = time.perf_counter()
    results = run_claims(names, quick=args.quick, seed=args.seed, progress=progress)
    total = time.perf_counter() - t0
    if args.json:
        print(results_json(results, seed=args.seed, quick=args.quick, seconds=round(total, 2)))
    else:
        print(format_table(results))
    return exit_code(results)
