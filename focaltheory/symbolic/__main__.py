"""Run the command line of the symbolic layer: ``python -m focaltheory.symbolic``."""

import sys

from ._cli import main

if __name__ == "__main__":
    sys.exit(main())
