"""install.sh takes the CPU build of torch, or nothing: checked on pip's own resolution report.

``./install.sh --check-torch`` resolves torch exactly as the install would
(``pip install --dry-run --report``) and prints what pip would install. On
this machine that is the CPU build; with the machine's own wheels and
indexes hidden, PyPI alone offers only the CUDA build, and the script must
refuse it rather than pull several GB of nvidia packages.
"""

from __future__ import annotations

import os
import subprocess

import pytest
from conftest import ROOT

pytestmark = pytest.mark.slow

CUDA_PREFIXES = ("nvidia-", "triton", "cuda-")


def check_torch(env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", str(ROOT / "install.sh"), "--check-torch"],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        check=False,
    )


def resolved(stdout: str) -> list[str]:
    line = next(line for line in stdout.splitlines() if line.startswith("torch would be installed as: "))
    return line.removeprefix("torch would be installed as: ").split()


def test_the_resolution_is_the_cpu_build() -> None:
    result = check_torch()
    assert result.returncode == 0, result.stderr[-2000:]
    names = resolved(result.stdout)
    assert any(name.startswith("torch==2.13.0") for name in names), names
    assert not [name for name in names if name.lower().startswith(CUDA_PREFIXES)], names


def test_a_cuda_only_index_is_refused() -> None:
    """With only PyPI to choose from (no local wheel, no CPU index), torch 2.13.0 is the CUDA build: refused."""
    env = dict(os.environ, PIP_CONFIG_FILE=os.devnull, PIP_FIND_LINKS="", PIP_CONSTRAINT="")
    result = check_torch(env)
    if result.returncode == 0:
        pytest.skip("PyTorch's CPU index answers from here: there is no CUDA-only resolution to refuse")
    if "CUDA build" not in result.stderr:
        pytest.skip(f"PyPI not reachable from here: {result.stderr.strip().splitlines()[-1:]}")
    assert "install.sh: error: pip would install the CUDA build of torch" in result.stderr
