"""The command line of the symbolic layer: ``python -m focaltheory.symbolic --write | --check | --report | --verify``."""

import argparse
import difflib
import os
import sys

from ._accuracy import accuracy_report, format_report
from ._codegen import _GENERATED_PATH, _check, generate_source
from ._proofs import verify_stable_forms

# the first line of the package docstring
_DESCRIPTION = "Symbolic layer: sympy is the single source of truth for every formula."


def main(argv=None):
    """Command-line entry point: --write, --check, --report, --verify."""
    ap = argparse.ArgumentParser(prog="python -m focaltheory.symbolic", description=_DESCRIPTION)
    grp = ap.add_mutually_exclusive_group(required=True)
    grp.add_argument("--write", action="store_true", help="regenerate focaltheory/_generated.py")
    grp.add_argument("--check", action="store_true", help="exit 1 if regenerating would change the file")
    grp.add_argument("--report", action="store_true", help="worst error per generated function vs mpmath")
    grp.add_argument("--verify", action="store_true", help="prove stable forms equal derived forms")
    ap.add_argument("--file", default=_GENERATED_PATH, help="generated module to write or check (default: the package's)")
    ns = ap.parse_args(argv)
    if ns.write:
        with open(ns.file, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(generate_source())
        print(f"wrote {ns.file}")
        return 0
    if ns.check:
        bad = _check(ns.file)
        if bad:
            print(f"{ns.file} is stale; regenerating would change: " + ", ".join(bad), file=sys.stderr)
            old = open(ns.file, encoding="utf-8").read() if os.path.exists(ns.file) else ""
            diff = difflib.unified_diff(old.splitlines(), generate_source().splitlines(), "file", "regenerated", lineterm="")
            print("\n".join(list(diff)[:60]), file=sys.stderr)
            return 1
        print(f"{ns.file} is up to date")
        return 0
    if ns.verify:
        res = verify_stable_forms()
        for n, how in res.items():
            print(f"{n:16s} {how}")
        return 0 if all(v != "FAIL" for v in res.values()) else 1
    summary = accuracy_report()
    print(format_report(summary))
    return 0 if all(s["ok"] for s in summary.values()) else 1

