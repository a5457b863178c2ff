"""Command-line interface: ``focaltheory`` (also ``python -m focaltheory``).

Subcommands: ``solve`` (:mod:`focaltheory.cli.solve`), ``calibrate``
(:mod:`focaltheory.cli.calibrate`) and ``verify``
(:mod:`focaltheory.cli.verify`, the claims catalogue).  Errors in the user's
input (ValueError, TypeError, OSError) print one line on stderr and exit 2,
without a traceback.

Files: .csv (one distribution or sample per line, always 2-D; a header line
is detected and skipped) and .npy (1-D or 2-D); see
:mod:`focaltheory._arrayio` for the rules.  Output files are written whole or
not at all.  ``--json`` prints one strict JSON object: non-finite numbers are
the strings "inf", "-inf" and "nan" (as in ``focaltheory verify --json``).
"""

from ._main import main

__all__ = ["main"]
