"""The Bishkek Protocol pair end to end with the real model."""

from __future__ import annotations

from pathlib import Path

import pytest

from paralign.model import Alignment


def test_title_is_one_to_zero(protocol: Alignment) -> None:
    first = protocol.beads[0]
    assert (first.src, first.tgt) == ((0,), ())


def test_all_22_pairs_align_one_to_one_in_order(protocol: Alignment) -> None:
    rest = [(bead.src, bead.tgt) for bead in protocol.beads[1:]]
    assert rest == [((i + 1,), (i,)) for i in range(22)]


def test_correct_beads_are_confident(protocol: Alignment) -> None:
    assert min(bead.confidence for bead in protocol.beads) >= 0.8


def test_seven_note_pairs_found_from_the_alignment(protocol: Alignment) -> None:
    assert [(p.src_label, p.tgt_label) for p in protocol.footnote_pairs] == [
        (str(k), str(504 + k)) for k in range(1, 8)
    ]
    assert protocol.footnote_problems == ()


def test_each_note_pair_lies_in_one_bead(protocol: Alignment) -> None:
    for pair in protocol.footnote_pairs:
        bead = protocol.beads[pair.bead]
        src_anchors = [a for i in bead.src for a in protocol.source.sentences[i].anchors]
        tgt_anchors = [a for j in bead.tgt for a in protocol.target.sentences[j].anchors]
        assert pair.src in src_anchors and pair.tgt in tgt_anchors


def test_markers_stay_out_of_the_aligned_text(protocol: Alignment) -> None:
    for sentence in protocol.source.sentences:
        assert "[" not in sentence.text
    assert all(not sentence.text.rstrip(".»").endswith(("505", "508", "511")) for sentence in protocol.target.sentences)


DATA = Path(__file__).resolve().parent / "data"


@pytest.mark.slow
def test_chinese_english_presplit_through_the_cli(tmp_path: Path) -> None:
    """Chinese has no spaces and packs far more meaning per character: the language check and the
    length prior must still hold, and a sentence the translator split in two is one 2-1 bead."""
    from typer.testing import CliRunner

    from paralign.cli import app
    from paralign.ladder import read_ladder

    zh, en = DATA / "protocol-excerpt.zh.txt", DATA / "protocol-excerpt.en.txt"
    args = ["align", "--presplit", str(zh), str(en), "--src-lang", "zh", "--tgt-lang", "en"]
    result = CliRunner().invoke(app, [*args, "--format", "ladder", "--out", str(tmp_path), "-q", "--no-cache"])
    assert result.exit_code == 0, result.output
    beads = read_ladder(tmp_path / "protocol-excerpt.zh-en.ladder.txt")
    assert beads == [((0,), (0,)), ((1,), (1,)), ((2,), (2,)), ((3, 4), (3,))] + [((i,), (i - 1,)) for i in range(5, 9)]


@pytest.mark.slow
def test_english_declared_as_chinese_is_refused(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from paralign.cli import app

    zh, en = DATA / "protocol-excerpt.zh.txt", DATA / "protocol-excerpt.en.txt"
    args = ["align", "--presplit", str(en), str(zh), "--src-lang", "zh", "--tgt-lang", "en", "--out", str(tmp_path)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 3, result.output
    assert "protocol-excerpt.en.txt: looks like 'en'" in result.stderr


@pytest.mark.parametrize("english", [12, 21])
def test_a_sentence_the_translator_dropped_stays_one_to_zero(
    protocol: Alignment, embedder: object, english: int, tmp_path: Path
) -> None:
    """Cut the Spanish translation of one English sentence out of the file: that sentence becomes a
    1-0 bead of its own (not absorbed into a neighbouring 2-1), and every other bead stays."""
    from paralign.pipeline import align_texts

    (bead,) = [b for b in protocol.beads if b.src == (english,)]
    dropped = protocol.target.sentences[bead.tgt[0]]
    text = protocol.target.document.text
    end = dropped.end + (text[dropped.end : dropped.end + 1] == " ")
    shortened = tmp_path / "bishkek-protocol.es.txt"
    shortened.write_text(text[: dropped.start] + text[end:], encoding="utf-8")
    alignment = align_texts(protocol.source.document.path, shortened, "en", "es", model=embedder)  # type: ignore[arg-type]
    expected = [(b.src, tuple(j - (j > bead.tgt[0]) for j in b.tgt)) for b in protocol.beads if b is not bead]
    expected.insert(protocol.beads.index(bead), ((english,), ()))
    assert [(b.src, b.tgt) for b in alignment.beads] == expected
