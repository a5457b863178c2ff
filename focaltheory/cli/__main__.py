"""``python -m focaltheory.cli``: the same as the ``focaltheory`` console script."""

import sys

from . import main

sys.exit(main())
