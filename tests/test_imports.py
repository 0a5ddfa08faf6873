"""Imports that mean something: the exports load no aligner, and no module imports itself back.

Each check runs in a fresh interpreter, because this test process has long
since loaded everything.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

#: What aligning needs and exporting must not load.
HEAVY = ("nltk", "numba", "torch", "sentence_transformers")
SRC = ROOT / "src"


def loaded_heavy(module: str) -> list[str]:
    """The heavy packages a fresh interpreter holds after ``import module``."""
    code = f"import sys, {module}; print(' '.join(m for m in {HEAVY!r} if m in sys.modules))"
    env = dict(os.environ, PYTHONPATH=str(SRC))
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


@pytest.mark.parametrize(
    "module",
    [
        "paralign.export",
        "paralign.formats",
        "paralign.ladder",
        "paralign.scoring",
        "paralign.corrections",
        "paralign.review_schema",
        "paralign.verify",
        "paralign.languages",
    ],
)
def test_module_loads_no_aligner(module: str) -> None:
    assert loaded_heavy(module) == []


def test_the_check_sees_an_aligner() -> None:
    """The control: the pipeline does load numba, and the check says so (and NLTK is never loaded at all)."""
    assert set(loaded_heavy("paralign.pipeline")) == {"numba"}


def _imports(path: Path) -> set[str]:
    """Every ``paralign`` module ``path`` imports, at the top or inside a function, with the packages above it."""
    named = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module and node.module.startswith("paralign"):
            named.update(f"{node.module}.{alias.name}" for alias in node.names)
            named.add(node.module)
        elif isinstance(node, ast.Import):
            named.update(alias.name for alias in node.names if alias.name.startswith("paralign"))
    # importing paralign.export.tmx runs paralign/export/__init__.py first
    return {".".join(name.split(".")[:k]) for name in named for k in range(2, name.count(".") + 2)}


def test_no_import_cycles() -> None:
    """Between modules, ignoring a package's own ``__init__`` (which every submodule import runs first)."""
    modules = {}
    for path in (SRC / "paralign").rglob("*.py"):
        parts = path.relative_to(SRC).with_suffix("").parts
        modules[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    graph = {
        name: {dep for dep in _imports(path) if dep in modules and dep != name and not name.startswith(dep + ".")}
        for name, path in modules.items()
    }
    cycles = []
    for start in graph:
        stack = [(start, [start])]
        seen = set()
        while stack:
            node, trail = stack.pop()
            for dep in graph[node]:
                if dep == start:
                    cycles.append(" -> ".join([*trail, start]))
                elif dep not in seen:
                    seen.add(dep)
                    stack.append((dep, [*trail, dep]))
    assert cycles == []
