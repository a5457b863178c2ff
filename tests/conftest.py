"""Shared test configuration: the tests' own helper modules (tests/_mp.py) are importable by name."""

import sys
from pathlib import Path

_HERE = str(Path(__file__).resolve().parent)
if _HERE not in sys.path:  # (pytest's default import mode adds it too; other modes do not)
    sys.path.insert(0, _HERE)
