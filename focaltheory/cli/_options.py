"""Options shared by ``solve`` and ``calibrate``: ``--alpha`` and ``--header``.

``--alpha`` takes exactly one token: a number (``--alpha 0.25``) or
comma-separated numbers without spaces (``--alpha 1,2,0.5``), the same in
both subcommands.  The space-separated form ``--alpha 1 2 0.5`` is refused
with a message saying how to write it: a single number directly followed by
another number is taken for it (to give positional values right after a
one-number ``--alpha``, put them before the option or after ``--``).  A
list starting with a minus sign needs the ``=`` form: ``--alpha=-1,2``.
"""

import argparse

import numpy as np

__all__ = ["ALPHA_SYNTAX", "ALPHA_HELP_SYNTAX", "HEADER_HELP", "alpha_list", "spaced_alpha_message", "cli_alpha"]

ALPHA_SYNTAX = "one token: a number or comma-separated numbers without spaces (e.g. 1,2,0.5)"
ALPHA_HELP_SYNTAX = ALPHA_SYNTAX + "; space-separated values are refused"

HEADER_HELP = ("CSV input: take the first line for a header even if it is all numbers; without --header "
               "it is one when a field is not a number or its first field is empty, and an empty first "
               "field (the index column of pandas' to_csv) also drops the first column")


def alpha_list(text):
    """argparse type of ``--alpha``: "0.25" or "1,2,0.5" -> list of floats."""
    try:
        return [float(v) for v in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a number or comma-separated numbers without spaces, got {text!r}") from None


def _is_number(token):
    try:
        float(token)
    except ValueError:
        return False
    return True


def _is_alpha_option(token):
    # "--alpha" or an abbreviation of it (no other option of solve or calibrate begins with "--a")
    return len(token) >= 3 and "--alpha".startswith(token)


def spaced_alpha_message(tokens):
    """The error message for the space-separated ``--alpha`` form in ``tokens``, or None.

    >>> spaced_alpha_message(["--alpha", "1,2", "0.7", "0.3"]) is None
    True
    >>> spaced_alpha_message(["0.7", "0.3", "--alpha", "1", "2"])[:40]
    '--alpha takes one token: a number or com'
    """
    for i, token in enumerate(tokens[:-2]):
        if token == "--":
            break
        value, following = tokens[i + 1], tokens[i + 2]
        if _is_alpha_option(token) and "," not in value and _is_number(value) and _is_number(following):
            return (f"--alpha takes {ALPHA_SYNTAX}; '{token} {value} {following}' is the space-separated form: "
                    f"join the values with commas (--alpha {value},{following},...), or put the values "
                    f"that follow --alpha before it or after --")
    return None


def cli_alpha(values, loss):
    """The library's alpha from ``--alpha``.

    Sigmoid: torchvision's alpha, default 0.25, a single -1 disables the
    weighting (None), one value is a scalar, several are per column.
    Softmax: class weights as an array, or None; a single value is passed on as a
    scalar, which the library refuses (it would weight every class alike).
    """
    if loss == "sigmoid":
        if values is None:
            return 0.25
        a = values[0] if len(values) == 1 else np.asarray(values)
        return None if (np.ndim(a) == 0 and a == -1) else a
    if values is None:
        return None
    # a single value stays a scalar, which the softmax calibrator refuses with the reason
    return values[0] if len(values) == 1 else np.asarray(values)
