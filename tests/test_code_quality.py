"""The code stays typed and tidy: ``mypy --strict`` on ``src/`` and ruff on everything, as CI runs them.

Run through the test suite so the README's one test command covers them; the
settings live in ``pyproject.toml``.
"""

from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import ROOT

pytestmark = pytest.mark.slow


@pytest.mark.parametrize(
    "command",
    [
        ["mypy"],
        ["ruff", "check", "src", "tests", "benchmarks"],
        ["ruff", "format", "--check", "src", "tests", "benchmarks"],
    ],
    ids=["mypy-strict", "ruff-check", "ruff-format"],
)
def test_tool_is_clean(command: list[str]) -> None:
    done = subprocess.run([sys.executable, "-m", *command], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
