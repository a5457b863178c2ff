"""Collection rules for the whole repository (pytest reads this file first).

``python -m pytest`` collects the doctests of every module of focaltheory/
(``--doctest-modules``).  focaltheory.torch needs PyTorch, an optional
dependency: where it is not installed that module is not collected, and
tests/test_torch_losses.py skips itself with the reason.
"""

import importlib.util


def _installed(name):
    try:
        return importlib.util.find_spec(name) is not None
    except ImportError:  # a finder that refuses the name: as good as absent
        return False


collect_ignore = [] if _installed("torch") else ["focaltheory/torch.py"]
