"""Helpers shared by the command-line tests: run ``focaltheory`` in-process, read its CSV."""

import numpy as np

from focaltheory.cli import main


def run(argv, capsys):
    """(exit code, stdout, stderr) of ``focaltheory *argv``, run in this process."""
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def csv_rows(out):
    """The CSV text ``out`` as a 2-D array (one row per line)."""
    return np.loadtxt(out.strip().splitlines(), delimiter=",", ndmin=2)
