"""The ``paralign`` command as a translator runs it."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import EN, ES
from typer.testing import CliRunner

from paralign.cli import app

runner = CliRunner()


@pytest.mark.slow
def test_align_writes_both_exports_and_a_summary(tmp_path: Path) -> None:
    result = runner.invoke(app, ["align", str(EN), str(ES), "--out", str(tmp_path), "-q"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "source: bishkek-protocol.en.txt (en), 23 sentences, 7 note markers"
    assert lines[1] == "target: bishkek-protocol.es.txt (es), 22 sentences, 7 note markers"
    assert lines[2] == "beads: 23 (22 × 1-1, 1 × 1-0)"
    assert lines[3].startswith("confidence: mean ")
    assert lines[4] == "notes: 7 paired: 1→505, 2→506, 3→507, 4→508, 5→509, 6→510, 7→511"
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "bishkek-protocol.en-es.tei.xml",
        "bishkek-protocol.en-es.tmx",
    ]


@pytest.mark.slow
def test_regional_language_codes_reach_the_exports(tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        [
            "align",
            str(EN),
            str(ES),
            "--src-lang",
            "en-GB",
            "--tgt-lang",
            "es-ES",
            "--out",
            str(tmp_path),
            "-q",
            "--format",
            "tmx",
        ],
    )
    assert result.exit_code == 0, result.output
    tmx = (tmp_path / "bishkek-protocol.en-GB-es-ES.tmx").read_text(encoding="utf-8")
    assert 'srclang="en-GB"' in tmx and 'xml:lang="es-ES"' in tmx


def test_missing_file_is_one_line_and_exit_1(tmp_path: Path) -> None:
    result = runner.invoke(app, ["align", "-q", str(tmp_path / "missing.txt"), str(ES), "--out", str(tmp_path)])
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [f"paralign: error: {tmp_path / 'missing.txt'}: no such file"]
    assert "Traceback" not in result.output
    assert list(tmp_path.iterdir()) == []


def test_bad_language_code_is_a_usage_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["align", str(EN), str(ES), "--src-lang", "english!", "--out", str(tmp_path)])
    assert result.exit_code == 2


def test_evaluate_prints_strict_and_lax(tmp_path: Path) -> None:
    gold = tmp_path / "gold.txt"
    test = tmp_path / "test.txt"
    gold.write_text("[0]:[0]\n[1]:[1, 2]\n", encoding="utf-8")
    test.write_text("[0]:[0]\n[1]:[1]\n[]:[2]\n", encoding="utf-8")
    result = runner.invoke(app, ["evaluate", str(gold), str(test), "--json"])
    assert result.exit_code == 0, result.output
    assert '"precision_strict": 0.3333' in result.stdout


@pytest.mark.slow
def test_evaluate_reads_a_tei_export_against_its_ladder(tmp_path: Path) -> None:
    aligned = runner.invoke(app, ["align", str(EN), str(ES), "--out", str(tmp_path), "-q", "--format", "tei,ladder"])
    assert aligned.exit_code == 0, aligned.output
    ladder = tmp_path / "bishkek-protocol.en-es.ladder.txt"
    tei = tmp_path / "bishkek-protocol.en-es.tei.xml"
    result = runner.invoke(app, ["evaluate", str(ladder), str(tei), "--json"])
    assert result.exit_code == 0, result.output
    assert '"f1_strict": 1.0' in result.stdout
