"""Accuracy regression: the Text+Berg dev set through the real command line, as a user runs it.

``paralign align --presplit … --format ladder`` in a subprocess (the installed
entry point, its defaults, its cache off), then ``paralign evaluate --json``.
A change that loses accuracy on the path users take — such as pre-split lines
read as paragraphs, which once cost 27 points here while a benchmark that
bypassed the reader still printed 0.911 — turns this red.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

BENCH = ROOT.parent / "shared" / "bench" / "text-berg-dev"
PARALIGN = Path(sys.executable).with_name("paralign")

pytestmark = pytest.mark.slow


def _bench() -> Path:
    if not (BENCH / "dev.gold").exists():
        if os.environ.get("CI"):
            pytest.fail(f"{BENCH}: the benchmark set is missing; CI runs with ../shared beside the clone")
        pytest.skip(f"{BENCH} not found (../shared is not beside this checkout)")
    return BENCH


def test_text_berg_dev_through_the_cli(tmp_path: Path) -> None:
    bench = _bench()
    align = [str(PARALIGN), "align", "--presplit", str(bench / "dev.de"), str(bench / "dev.fr")]
    align += ["--src-lang", "de", "--tgt-lang", "fr", "--format", "ladder", "--out", str(tmp_path), "--no-cache", "-q"]
    aligned = subprocess.run(align, capture_output=True, text=True, timeout=600)
    assert aligned.returncode == 0, aligned.stderr
    ladder = tmp_path / "dev.de-fr.ladder.txt"
    evaluate = [str(PARALIGN), "evaluate", str(bench / "dev.gold"), str(ladder), "--json"]
    evaluated = subprocess.run(evaluate, capture_output=True, text=True, timeout=120)
    assert evaluated.returncode == 0, evaluated.stderr
    scores = json.loads(evaluated.stdout)
    assert scores["f1_strict"] >= 0.90, scores
    assert scores["f1_lax"] >= 0.98, scores
