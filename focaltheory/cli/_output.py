"""What the subcommands print: strict JSON, CSV, one-line errors."""

import sys

from .._arrayio import write_csv
from .._jsonio import dumps

__all__ = ["JSON_HELP", "print_json", "print_csv", "fail", "info"]

JSON_HELP = 'machine-readable output (one JSON object; non-finite numbers as the strings "inf", "-inf", "nan")'


def print_json(obj):
    """Print one strict JSON object (non-finite numbers as "inf", "-inf", "nan")."""
    print(dumps(obj))


def print_csv(arr):
    """Print an array on stdout as ``--output FILE.csv`` would hold it (a 1-D array is one line)."""
    sys.stdout.flush()
    write_csv(sys.stdout, arr)


def info(line, to_stderr=False):
    """A summary line: on stdout, or on stderr where stdout carries the data."""
    print(line, file=sys.stderr if to_stderr else sys.stdout)


def fail(message):
    """Print the first line of ``message`` on stderr; return the exit code 2."""
    print(message.splitlines()[0] if message else "error", file=sys.stderr)
    return 2
