"""The package's architecture: import graph, private names, module sizes, import cost.

These are structural facts a reader relies on: no module needs another public module's
private names (shared helpers live in private modules), the import graph has no cycles,
modules stay small, and ``import focaltheory`` loads neither the mpmath reference, sympy,
the command line nor the claims catalogue.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parents[1] / "focaltheory"
GENERATED = {"focaltheory._generated"}
MAX_LINES = 700


def _modules():
    """{dotted name: path} for every module of the package."""
    out = {}
    for path in sorted(PKG.rglob("*.py")):
        parts = list(path.relative_to(PKG.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


MODULES = _modules()


def _is_package(name):
    return MODULES[name].name == "__init__.py"


def _resolve(module, node):
    """The absolute module a ``from ... import`` refers to (None if outside the package)."""
    if node.level == 0:
        base = node.module or ""
    else:
        pkg = module if _is_package(module) else module.rpartition(".")[0]
        for _ in range(node.level - 1):
            pkg = pkg.rpartition(".")[0]
        base = f"{pkg}.{node.module}" if node.module else pkg
    return base if base == "focaltheory" or base.startswith("focaltheory.") else None


def _imports(module):
    """[(imported module, imported names or None, line)] of every import in ``module``
    (module level and inside functions: a lazy import is still an edge)."""
    tree = ast.parse(MODULES[module].read_text(), filename=str(MODULES[module]))
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                if a.name.startswith("focaltheory"):
                    out.append((a.name, None, node.lineno))
        elif isinstance(node, ast.ImportFrom):
            base = _resolve(module, node)
            if base is None:
                continue
            for a in node.names:
                sub = f"{base}.{a.name}"
                if sub in MODULES:  # `from . import _dd`: the submodule itself
                    out.append((sub, None, node.lineno))
                else:
                    out.append((base, a.name, node.lineno))
    return out


def _public(module):
    """True when no component of the dotted name is private."""
    return not any(part.startswith("_") for part in module.split(".")[1:])


def test_the_walk_sees_the_package():
    # the checks below are only as good as the module list they walk
    assert {"focaltheory", "focaltheory._generated", "focaltheory.loss"} <= set(MODULES)
    assert len(MODULES) >= 20


def test_no_private_names_from_public_modules():
    bad = []
    for module in MODULES:
        for target, name, line in _imports(module):
            if name is None or not name.startswith("_") or name.startswith("__"):
                continue
            # a package's own private submodules and its private names are its business
            if _public(target) and not (module == target or module.startswith(target + ".")):
                bad.append(f"{MODULES[module].relative_to(PKG.parent)}:{line} imports {target}.{name}")
    assert not bad, "\n".join(bad)


def _cycles():
    graph = {m: sorted({t for t, _, _ in _imports(m) if t in MODULES and t != m}) for m in MODULES}
    # a package's __init__ re-exports its submodules; a submodule needs its parent package
    # only through Python's own machinery, so the edge parent -> child is the one that counts
    cycles, state = [], {}

    def visit(m, stack):
        state[m] = 1
        stack.append(m)
        for t in graph[m]:
            if state.get(t) == 1:
                cycles.append(stack[stack.index(t):] + [t])
            elif t not in state:
                visit(t, stack)
        stack.pop()
        state[m] = 2

    for m in graph:
        if m not in state:
            visit(m, [])
    return cycles


def test_import_graph_has_no_cycles():
    cycles = _cycles()
    assert not cycles, "\n".join(" -> ".join(c) for c in cycles)


def test_cycle_finder_finds_a_cycle(monkeypatch):
    # the finder must be able to fail: a fake back edge from loss to the package root
    real = _imports

    def fake(module):
        extra = [("focaltheory", "focal_loss", 0)] if module == "focaltheory.loss" else []
        return real(module) + extra

    monkeypatch.setitem(globals(), "_imports", fake)
    assert any("focaltheory.loss" in c for c in _cycles())


@pytest.mark.parametrize("module", sorted(set(MODULES) - GENERATED))
def test_module_size(module):
    n = len(MODULES[module].read_text().splitlines())
    assert n <= MAX_LINES, f"{module} has {n} lines"


def test_import_focaltheory_is_light():
    code = (
        "import sys, json, numpy, scipy.special\n"
        "before = set(sys.modules)\n"
        "import focaltheory\n"
        "print(json.dumps(sorted(set(sys.modules) - before)))\n"
    )
    new = json.loads(subprocess.run([sys.executable, "-c", code], check=True, capture_output=True,
                                    text=True, cwd=PKG.parent).stdout)
    assert "focaltheory.solver" in new  # the probe sees the package load
    heavy = [m for m in new if m.split(".")[0] in ("mpmath", "sympy")
             or m.startswith(("focaltheory.cli", "focaltheory.claims", "focaltheory.reference",
                              "scipy.optimize", "scipy.stats", "matplotlib"))]
    assert not heavy, heavy
    # beyond numpy and scipy.special, only the package itself and the standard library
    foreign = [m for m in new if m.split(".")[0] not in sys.stdlib_module_names
               and m.split(".")[0] not in ("focaltheory", "numpy", "scipy")]
    assert not foreign, foreign
