"""(Re)execute the focaltheory notebooks and store their outputs in place.

Usage (from the repository root or anywhere)::

    python notebooks/run_all.py                 # every notebooks/*.ipynb, in name order
    python notebooks/run_all.py 02 04           # only the notebooks whose names contain these

Each notebook runs with the current environment's ``python3`` kernel (nbclient, nbformat,
ipykernel and matplotlib come with the test extras), with its working directory set to
``notebooks/`` so that figures land in ``notebooks/figures/``.  The kernel imports the
``focaltheory`` of this repository, whether or not (and whichever copy) is installed: the
repository root is put first on the kernel's ``PYTHONPATH``.  Outputs, including the PNG
figures, are written back into the .ipynb files so they render when browsed.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
TIMEOUT = 300  # seconds per cell


def kernel_env(base: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of a notebook kernel: `base` (default ``os.environ``) with the
    repository root first on ``PYTHONPATH``, so that ``import focaltheory`` in a notebook
    finds this checkout before any installed copy, and single-core BLAS (the notebooks use
    small matrices, for which that is fastest on a shared machine) unless already set."""
    env = dict(os.environ if base is None else base)
    rest = [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p and Path(p).resolve() != REPO]
    env["PYTHONPATH"] = os.pathsep.join([str(REPO), *rest])
    env.setdefault("OPENBLAS_NUM_THREADS", "1")
    env.setdefault("OMP_NUM_THREADS", "1")
    return env


def notebooks(directory: Path = HERE, only: list[str] | None = None) -> list[Path]:
    paths = sorted(p for p in directory.glob("*.ipynb") if not p.name.startswith("."))
    if only:
        paths = [p for p in paths if any(s in p.name for s in only)]
    return paths


def execute(path: Path, cwd: Path | None = None, timeout: int = TIMEOUT,
            env: dict[str, str] | None = None) -> nbformat.NotebookNode:
    """Execute one notebook (raising on the first failing cell) and return it with outputs.

    The kernel runs in `cwd` (default: the notebook's directory) with the environment
    ``kernel_env(env)``.
    """
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(cwd or path.parent)}},
    )
    client.execute(env=kernel_env(env))
    return nb


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("only", nargs="*", help="substrings of notebook names to run (default: all)")
    args = parser.parse_args(argv)
    paths = notebooks(HERE, args.only)
    if not paths:
        print("no notebook matched", file=sys.stderr)
        return 2
    total = time.perf_counter()
    for path in paths:
        t0 = time.perf_counter()
        nb = execute(path)
        nbformat.write(nb, path)
        print(f"{path.name}: {time.perf_counter() - t0:.1f} s", flush=True)
    print(f"all {len(paths)} notebooks: {time.perf_counter() - total:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
