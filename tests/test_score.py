"""Strict/lax precision and recall semantics (W11-4624, as in Vecalign's score.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from paralign.errors import InputError
from paralign.ladder import format_ladder, parse_ladder, read_ladder
from paralign.scoring import score

GOLD = [((0,), (0,)), ((1,), (1, 2)), ((), (3,)), ((2,), (4,))]


def test_perfect_alignment_scores_one() -> None:
    result = score([GOLD], [GOLD])
    assert (result.f1_strict, result.f1_lax) == (1.0, 1.0)


def test_split_bead_is_lax_but_not_strict() -> None:
    test = [((0,), (0,)), ((1,), (1,)), ((), (2,)), ((), (3,)), ((2,), (4,))]
    result = score([GOLD], [test])
    # precision: 5 test beads; strict hits (0-0, 0-3 insertion, 2-4) = 3; lax adds 1→1 = 4
    assert result.precision_strict == pytest.approx(3 / 5)
    assert result.precision_lax == pytest.approx(4 / 5)
    # recall: gold beads non-empty on both sides = 3, against test beads non-empty on both sides
    assert result.recall_strict == pytest.approx(2 / 3)
    assert result.recall_lax == pytest.approx(3 / 3)


def test_insertions_count_for_precision_not_recall() -> None:
    test = [((0,), (0,)), ((1,), (1, 2)), ((), (3,)), ((2,), ()), ((), (4,))]
    result = score([GOLD], [test])
    assert result.precision_strict == pytest.approx(3 / 5)
    assert result.recall_strict == pytest.approx(2 / 3)


def test_micro_average_over_files() -> None:
    other_gold = [((0,), (0,))]
    other_test = [((0,), ()), ((), (0,))]
    result = score([GOLD, other_gold], [GOLD, other_test])
    assert result.precision_strict == pytest.approx(4 / 6)
    assert result.recall_strict == pytest.approx(3 / 4)


def test_ladder_round_trip_with_scores() -> None:
    text = format_ladder(GOLD, [0.9, 0.8, 0.7, 0.6])
    assert text.splitlines()[1] == "[1]:[1, 2]:0.8000"
    assert parse_ladder(text) == GOLD


def test_bad_ladder_line_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.txt"
    path.write_text("[0]:[0]\nnot a bead\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"bad.txt: line 2"):
        read_ladder(path)
