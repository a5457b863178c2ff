"""Local Sphinx extension: pages generated from the code at build time.

Two directives, usable from MyST (```{name} ...```) and reStructuredText:

``focaltheory-cli-help [SUBCOMMAND ...]``
    The ``--help`` text of ``focaltheory [SUBCOMMAND ...]``, as a literal block.
    It runs the public entry point ``focaltheory.cli.main(argv)`` with
    ``argv = [SUBCOMMAND ..., "--help"]`` and captures what argparse prints on
    stdout (``main`` returns the exit code, 0 for ``--help``), with the width
    fixed at 88 columns so that the page does not depend on the terminal.

``focaltheory-cli-output ARG ...``
    The command line ``focaltheory ARG ...`` followed by what it prints on
    stdout, as a literal block (the same entry point; a nonzero exit code
    fails the build).

``focaltheory-claims-table``
    A table of the claims catalogue ``focaltheory.claims.CLAIMS``: name,
    statement, source, and a ``kind`` column when the claims have a ``kind``
    attribute (a string or an Enum).  ``CLAIMS`` may be a sequence of claims or
    a mapping from names to claims; each needs string attributes ``name``,
    ``statement`` and ``source``.

Both fail the build (an error, not a silent empty page) if the code they read
is missing or changed shape.
"""

import contextlib
import io
import os
from collections.abc import Mapping

from docutils import nodes
from docutils.parsers.rst import Directive, directives

_COLUMNS = "88"


def run_cli(argv):
    """Run ``focaltheory.cli.main(argv)``; returns (exit code, stdout, stderr)."""
    from focaltheory import cli

    out, err = io.StringIO(), io.StringIO()
    saved = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = _COLUMNS
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = cli.main(list(argv))
            except SystemExit as exc:  # an entry point that lets argparse exit
                code = exc.code
    finally:
        if saved is None:
            os.environ.pop("COLUMNS", None)
        else:
            os.environ["COLUMNS"] = saved
    return code, out.getvalue(), err.getvalue()


def cli_help(argv):
    """The text ``focaltheory *argv --help`` prints."""
    code, text, err = run_cli([*argv, "--help"])
    if code not in (0, None) or not text.strip():
        raise RuntimeError(f"focaltheory {' '.join(argv)} --help exited {code!r}: {err.strip()}")
    return text.rstrip() + "\n"


def _literal(text):
    block = nodes.literal_block(text, text)
    block["language"] = "text"
    return block


class CliHelp(Directive):
    """``focaltheory-cli-help [SUBCOMMAND ...]``: the argparse help as a literal block."""

    optional_arguments = 8
    has_content = False

    def run(self):
        try:
            text = cli_help(list(self.arguments))
        except Exception as exc:  # reported as a build error at this directive
            raise self.error(f"focaltheory-cli-help: {exc}")
        return [_literal(text)]


class CliOutput(Directive):
    """``focaltheory-cli-output ARG ...``: a command line and what it prints."""

    required_arguments = 1
    optional_arguments = 64
    has_content = False

    def run(self):
        argv = list(self.arguments)
        try:
            code, text, err = run_cli(argv)
        except Exception as exc:
            raise self.error(f"focaltheory-cli-output: {exc}")
        if code not in (0, None):
            raise self.error(f"focaltheory {' '.join(argv)} exited {code!r}: {err.strip()}")
        return [_literal(f"$ focaltheory {' '.join(argv)}\n{text.rstrip()}\n")]


def _claims():
    from focaltheory import claims

    catalogue = claims.CLAIMS
    out = list(catalogue.values() if isinstance(catalogue, Mapping) else catalogue)
    if not out:
        raise RuntimeError("focaltheory.claims.CLAIMS is empty")
    for c in out:
        for attr in ("name", "statement", "source"):
            if not isinstance(getattr(c, attr, None), str):
                raise RuntimeError(f"claim {c!r} has no string attribute {attr!r}")
    return out


def _kind(claim):
    """The claim's ``kind`` as text ("" when it has none); an Enum shows its value."""
    kind = getattr(claim, "kind", None)
    kind = getattr(kind, "value", kind)
    return "" if kind is None else str(kind)


def _entry(text, literal=False):
    entry = nodes.entry()
    para = nodes.paragraph()
    para += nodes.literal(text, text) if literal else nodes.Text(text)
    entry += para
    return entry


class ClaimsTable(Directive):
    """``focaltheory-claims-table``: name, statement, source (and kind) of every claim."""

    has_content = False
    option_spec = {"class": directives.class_option}

    def run(self):
        try:
            claims = _claims()
        except Exception as exc:
            raise self.error(f"focaltheory-claims-table: {exc}")
        with_kind = any(_kind(c) for c in claims)
        header = ["claim"] + (["kind"] if with_kind else []) + ["statement", "source"]
        widths = [18] + ([8] if with_kind else []) + [60, 22]

        table = nodes.table(classes=["focaltheory-claims"] + self.options.get("class", []))
        group = nodes.tgroup(cols=len(header))
        table += group
        for w in widths:
            group += nodes.colspec(colwidth=w)
        head = nodes.thead()
        row = nodes.row()
        for h in header:
            row += _entry(h)
        head += row
        group += head
        body = nodes.tbody()
        for c in claims:
            row = nodes.row()
            row += _entry(c.name, literal=True)
            if with_kind:
                row += _entry(_kind(c))
            row += _entry(c.statement)
            row += _entry(c.source)
            body += row
        group += body
        return [table]


def setup(app):
    app.add_directive("focaltheory-cli-help", CliHelp)
    app.add_directive("focaltheory-cli-output", CliOutput)
    app.add_directive("focaltheory-claims-table", ClaimsTable)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
