"""The ``focaltheory`` parser and dispatch.

Each subcommand is a module of this package with ``add_parser(sub)`` (adds its
argparse subparser, which sets ``run``) and ``run(args) -> exit code``; the
modules are imported when the parser is built, the library only when a
command runs.  ``verify`` is passed through: its arguments go unparsed to the
claims catalogue, which parses them itself.
"""

import argparse
import importlib
import sys

from ._output import fail

# Subcommands: name -> module adding its subparser.  A new subcommand adds one line here.
_COMMANDS = {
    "solve": "focaltheory.cli.solve",
    "verify": "focaltheory.cli.verify",
    "calibrate": "focaltheory.cli.calibrate",
}
# Subcommands whose arguments are not parsed here: ``module.run(argv)`` gets them as given.
_PASSTHROUGH = ("verify",)

_ERRORS = (ValueError, TypeError, OSError)


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line on stderr (exit 2).

    ``check_tokens(tokens)``, if given, sees the subcommand's arguments
    before they are parsed and returns an error message (or None): for
    forms argparse would silently parse differently than the user meant.
    """

    def __init__(self, *args, check_tokens=None, **kwargs):
        super().__init__(*args, **kwargs)
        self._check_tokens = check_tokens

    def parse_known_args(self, args=None, namespace=None):
        if self._check_tokens is not None and args is not None:
            message = self._check_tokens(list(args))
            if message:
                self.error(message)
        return super().parse_known_args(args, namespace)

    def error(self, message):
        # one line on stderr, no usage dump, exit 2
        raise SystemExit(fail(f"{self.prog}: {message}"))


def _build_parser():
    parser = _Parser(prog="focaltheory", description="The theory of the focal loss, made computable.",
                     epilog="Run 'focaltheory COMMAND --help' for the options of a command.")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)
    sub.required = True
    for module in _COMMANDS.values():
        importlib.import_module(module).add_parser(sub)
    return parser


def main(argv=None):
    """Entry point of the ``focaltheory`` console script; returns the exit code."""
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv and argv[0] in _PASSTHROUGH:
        command, run, args = argv[0], importlib.import_module(_COMMANDS[argv[0]]).run, argv[1:]
    else:
        try:
            args = _build_parser().parse_args(argv)
        except SystemExit as exc:  # --help, or a usage error already reported
            return exc.code
        command, run = args.command, args.run
    try:
        return run(args)
    except _ERRORS as exc:
        return fail(f"focaltheory {command}: error: {exc}")
