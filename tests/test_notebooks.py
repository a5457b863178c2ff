"""Execute every notebook in notebooks/ (in a temporary copy) and fail if any cell errors.

The notebooks are stored with their outputs; this test re-runs them from scratch with the
current environment's ``python3`` kernel (ipykernel, from the test extras) so that a notebook
broken by a change in the package fails CI.  Each notebook also asserts the claims its
takeaways make, so a takeaway that stops being true fails here too.  The kernels are started
by ``notebooks/run_all.py`` (the same code that stores the outputs), which puts this
repository first on their ``PYTHONPATH``: they test this checkout's ``focaltheory``, not an
installed copy.  A notebook that needs an optional dependency (notebook 6: torch and
scikit-learn) is skipped, with the reason, when it is missing.
"""
from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")
pytest.importorskip("matplotlib")

REPO = Path(__file__).resolve().parent.parent
NOTEBOOKS_DIR = REPO / "notebooks"
NOTEBOOKS = sorted(NOTEBOOKS_DIR.glob("*.ipynb"))
CELL_TIMEOUT = 300  # seconds
# optional dependencies a notebook needs beyond the test extras: {notebook stem: (module, pip name)}
REQUIRES = {
    "06_real_model_calibration": (("torch", "torch"), ("sklearn", "scikit-learn")),
}


def _load_run_all():
    spec = importlib.util.spec_from_file_location("_notebooks_run_all", NOTEBOOKS_DIR / "run_all.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


run_all = _load_run_all()


def test_notebooks_exist():
    assert len(NOTEBOOKS) >= 6, f"expected the six notebooks in {NOTEBOOKS_DIR}"


def test_kernel_env_puts_this_repository_first():
    env = run_all.kernel_env({"PYTHONPATH": os.pathsep.join(["/elsewhere", str(REPO)])})
    assert env["PYTHONPATH"].split(os.pathsep) == [str(REPO), "/elsewhere"]
    # a Python started with that environment, from another directory, imports this checkout
    out = subprocess.run([sys.executable, "-c", "import focaltheory; print(focaltheory.__file__)"],
                         env=run_all.kernel_env({k: v for k, v in os.environ.items() if k != "PYTHONPATH"}),
                         cwd=NOTEBOOKS_DIR / "figures", capture_output=True, text=True, check=True)
    assert Path(out.stdout.strip()).resolve() == REPO / "focaltheory" / "__init__.py"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs(path, tmp_path):
    for module, pip_name in REQUIRES.get(path.stem, ()):
        if importlib.util.find_spec(module) is None:
            pytest.skip(f"{path.name} needs {module} (pip install {pip_name})")
    # work on a copy: the notebook writes figures (and notebook 4 a results file) relative
    # to its directory, and notebook 5 reads notebook 4's results from figures/
    work = tmp_path / "notebooks"
    shutil.copytree(NOTEBOOKS_DIR, work, ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    env = dict(os.environ, MPLBACKEND="module://matplotlib_inline.backend_inline")
    # raises CellExecutionError on the first failing cell
    nb = run_all.execute(work / path.name, cwd=work, timeout=CELL_TIMEOUT, env=env)
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
              if o.get("output_type") == "error"]
    assert not errors
    figures = [c for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
               if "image/png" in o.get("data", {})]
    assert figures, f"{path.name} produced no figure"
