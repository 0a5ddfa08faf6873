"""Strict/lax precision and recall semantics (W11-4624, as in Vecalign's score.py)."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from paralign.errors import InputError
from paralign.ladder import BeadPair, format_ladder, parse_ladder, read_ladder
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


def reference_score(gold: list[list[BeadPair]], test: list[list[BeadPair]]) -> tuple[float, ...]:
    """The scoring as Vecalign's score.py writes it, on plain sets: what the packed ``BeadSet`` must reproduce."""

    def hits(reference: list[BeadPair], candidates: list[BeadPair]) -> tuple[int, int, int]:
        reference_set = {bead for bead in reference if bead[0] or bead[1]}
        linked: dict[int, set[int]] = defaultdict(set)
        for src, tgt in reference_set:
            for i in src:
                linked[i].update(tgt)
        strict = lax = total = 0
        for src, tgt in {bead for bead in candidates if bead[0] or bead[1]}:
            total += 1
            strict += (src, tgt) in reference_set
            lax += (src, tgt) in reference_set or any(j in linked[i] for i in src for j in tgt)
        return strict, lax, total

    both = [[bead for bead in beads if bead[0] and bead[1]] for beads in (*gold, *test)]
    p = [hits(g, t) for g, t in zip(gold, test, strict=True)]
    r = [hits(t, g) for g, t in zip(both[: len(gold)], both[len(gold) :], strict=True)]
    ratio = [sum(c[k] for c in counts) / (sum(c[2] for c in counts) or 1) for counts in (p, r) for k in (0, 1)]
    return tuple(ratio)


side = st.one_of(
    st.lists(st.integers(0, 12), max_size=3).map(tuple),  # anything: unsorted, repeated, gaps
    st.tuples(st.integers(0, 10), st.integers(1, 4)).map(lambda run: tuple(range(run[0], run[0] + run[1]))),
)
beads = st.lists(st.tuples(side, side), max_size=12)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(beads, beads), min_size=1, max_size=3))
def test_packed_scoring_equals_the_plain_definition(files: list[tuple[list[BeadPair], list[BeadPair]]]) -> None:
    gold, test = [g for g, _ in files], [t for _, t in files]
    result = score(gold, test)
    p_strict, p_lax, r_strict, r_lax = reference_score(gold, test)
    assert (result.precision_strict, result.precision_lax) == (pytest.approx(p_strict), pytest.approx(p_lax))
    assert (result.recall_strict, result.recall_lax) == (pytest.approx(r_strict), pytest.approx(r_lax))


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("[" + "9" * 5000 + "]:[0]", "line 1: a sentence number over 2,147,483,647"),
        ("[2147483648]:[0]", "line 1: a sentence number over 2,147,483,647"),
        ("[²]:[0]", "line 1 is not a bead like [0, 1]:[2] ('[²]:[0]')"),
        ("[-1]:[0]", "line 1 is not a bead like [0, 1]:[2] ('[-1]:[0]')"),
    ],
    ids=["5,000 digits", "2**31", "superscript two", "negative"],
)
def test_ladder_numbers_are_bounded(line: str, message: str, tmp_path: Path) -> None:
    path = tmp_path / "bad.txt"
    path.write_text(line + "\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_ladder(path)
    assert str(caught.value) == f"{path}: {message}"
