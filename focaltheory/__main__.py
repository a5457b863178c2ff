"""``python -m focaltheory``: the same as the ``focaltheory`` console script."""

import sys

from .cli import main

sys.exit(main())
