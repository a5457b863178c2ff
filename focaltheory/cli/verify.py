"""``focaltheory verify``: the claims catalogue, checked numerically with witnesses.

The arguments are passed through unparsed to
:func:`focaltheory.claims.main_verify`, which parses them itself (see
``focaltheory verify --help``); the catalogue is imported only when the
command runs.
"""

__all__ = ["add_parser", "run"]


def add_parser(sub):
    """Add ``verify`` to an argparse subparsers object (for ``focaltheory --help``; never parsed here)."""
    sub.add_parser(
        "verify",
        help="check every claim of the focal-entropy theory numerically, with witnesses",
        add_help=False,
    )


def run(argv):
    """Run ``focaltheory verify`` with the arguments ``argv`` (a list of strings); returns the exit code."""
    from ..claims import main_verify

    try:
        return main_verify(list(argv))
    except SystemExit as exc:  # --help, or a usage error the catalogue's parser reported
        return exc.code
