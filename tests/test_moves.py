"""Sentences the translator moved: found by the real model, written by the exports, kept by the sheets.

The pair is real text: the first 104 German and 153 French lines of Text+Berg
dev, with one French sentence (the translation of German line 45, a gold 1-1
bead) moved three sentences later, as a translator who reorders a paragraph
would. A monotone aligner can only leave both sentences unaligned or glue them
to neighbours; paralign pairs them and keeps every other bead in order.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

from paralign import review_schema
from paralign.config import AlignConfig
from paralign.corrections import load_corrections
from paralign.errors import InputError
from paralign.export.tei import build_tei
from paralign.export.tmx import build_tmx
from paralign.export.tsv import write_tsv
from paralign.export.validate import validate_tei, validate_tmx, validate_xliff
from paralign.export.xliff import build_xliff
from paralign.ladder import TEI_NS, sentence_id
from paralign.model import Alignment, Bead, Move, check_moves, paired
from paralign.pipeline import align_texts

BENCH = ROOT.parent / "shared" / "bench" / "text-berg-dev"
PARALIGN = Path(sys.executable).with_name("paralign")
#: German line 45 and its French translation (line 81), which is moved to stand after line 84.
SOURCE, TARGET_BEFORE, TARGET_AFTER = 45, 81, 84

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    if not (BENCH / "dev.de").exists():
        if os.environ.get("CI"):
            pytest.fail(f"{BENCH}: the benchmark set is missing; CI runs with ../shared beside the clone")
        pytest.skip(f"{BENCH} not found (../shared is not beside this checkout)")
    german = (BENCH / "dev.de").read_text(encoding="utf-8").splitlines()[:104]
    french = (BENCH / "dev.fr").read_text(encoding="utf-8").splitlines()[:153]
    moved = french.pop(TARGET_BEFORE)
    french.insert(TARGET_AFTER, moved)
    folder = tmp_path_factory.mktemp("moved")
    source, target = folder / "moved.de", folder / "moved.fr"
    source.write_text("\n".join(german) + "\n", encoding="utf-8")
    target.write_text("\n".join(french) + "\n", encoding="utf-8")
    return source, target


@pytest.fixture(scope="module")
def moved(pair: tuple[Path, Path], embedder: object) -> Alignment:
    return align_texts(*pair, "de", "fr", model=embedder, presplit_input=True)  # type: ignore[arg-type]


def test_the_moved_sentence_is_paired_with_its_translation(moved: Alignment) -> None:
    assert [(m.src, m.tgt) for m in moved.moves] == [(SOURCE, TARGET_AFTER)]
    assert moved.moves[0].confidence >= 0.8
    # The editable beads stay monotone: each sentence of the move stands alone there.
    assert any(bead.src == (SOURCE,) and not bead.tgt for bead in moved.beads)
    assert any(bead.tgt == (TARGET_AFTER,) and not bead.src for bead in moved.beads)
    # What the exports write: the pair where the source sentence stands, the target's gap gone.
    units = [(b.src, b.tgt) for b in moved.units]
    assert ((), (TARGET_AFTER,)) not in units and ((SOURCE,), ()) not in units
    here = units.index(((SOURCE,), (TARGET_AFTER,)))
    assert SOURCE - 1 in units[here - 1][0] and SOURCE + 1 in units[here + 1][0]


def test_a_monotone_alignment_when_moves_are_off(pair: tuple[Path, Path], embedder: object) -> None:
    config = AlignConfig(move_reach=0)
    alignment = align_texts(*pair, "de", "fr", model=embedder, config=config, presplit_input=True)  # type: ignore[arg-type]
    assert alignment.moves == ()
    assert alignment.units == alignment.beads


def test_the_ladder_from_the_command_line_has_the_crossing_bead(pair: tuple[Path, Path], tmp_path: Path) -> None:
    command = [str(PARALIGN), "align", "--presplit", *map(str, pair), "--src-lang", "de", "--tgt-lang", "fr"]
    command += ["--format", "ladder", "--out", str(tmp_path), "--no-cache"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    assert f"moved: 1 sentence(s) translated out of order, paired: source {SOURCE + 1} ↔ target {TARGET_AFTER + 1}" in (
        result.stdout + result.stderr
    )
    lines = (tmp_path / "moved.de-fr.ladder.txt").read_text(encoding="utf-8").splitlines()
    beads = [line.rsplit(":", 1)[0] for line in lines]
    assert f"[{SOURCE}]:[{TARGET_AFTER}]" in beads
    assert f"[]:[{TARGET_AFTER}]" not in beads and f"[{SOURCE}]:[]" not in beads


def test_tmx_has_the_moved_pair_as_a_marked_unit(moved: Alignment) -> None:
    tree = build_tmx(moved)
    assert validate_tmx(tree) == []
    units = [tu for tu in tree.iter("tu") if tu.find("prop[@type='x-paralign-moved']") is not None]
    assert len(units) == 1
    segs = ["".join(seg.itertext()) for seg in units[0].iter("seg")]
    assert segs == [moved.source.sentences[SOURCE].text, moved.target.sentences[TARGET_AFTER].text]
    assert segs[1].startswith("» La vallée de l' Arun")


def test_a_tsv_sheet_keeps_the_move_and_a_reviewer_can_clear_it(moved: Alignment, tmp_path: Path) -> None:
    sheet = write_tsv(moved, tmp_path / "moved.tsv")
    assert load_corrections(sheet).moves == tuple(Move(m.src, m.tgt, round(m.confidence, 4)) for m in moved.moves)
    header, body = sheet.read_text(encoding="utf-8").split("\n", 1)
    rows = list(csv.reader(io.StringIO(body), delimiter="\t"))
    src, moved_tgt = rows[0].index("src"), rows[0].index("moved_tgt")
    row = next(row for row in rows[1:] if row[src] == str(SOURCE + 1))
    assert row[moved_tgt] == str(TARGET_AFTER + 1)
    row[moved_tgt] = ""
    stream = io.StringIO()
    csv.writer(stream, delimiter="\t", lineterminator="\n").writerows(rows)
    sheet.write_text(header + "\n" + stream.getvalue(), encoding="utf-8")
    unpaired = load_corrections(sheet)
    assert unpaired.moves == ()
    assert ((SOURCE,), ()) in [(b.src, b.tgt) for b in unpaired.units]


def test_a_review_json_keeps_the_move_and_refuses_a_broken_one(moved: Alignment, tmp_path: Path) -> None:
    data = review_schema.to_json(review_schema.review_of(moved))
    sheet = tmp_path / "moved.review.json"
    sheet.write_text(json.dumps(data), encoding="utf-8")
    assert [(m.src, m.tgt) for m in load_corrections(sheet).moves] == [(SOURCE, TARGET_AFTER)]
    # The reviewer glued the source sentence to the bead before it but the move was left in: refused.
    beads = data[review_schema.BEADS]
    assert isinstance(beads, list)
    k = next(k for k, bead in enumerate(beads) if bead["src"] == [SOURCE] and not bead["tgt"])
    beads[k - 1]["src"] = beads[k - 1]["src"] + [SOURCE]
    del beads[k]
    sheet.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(InputError, match=rf"move 1: source sentence {SOURCE + 1} \(index {SOURCE}\) is not alone"):
        load_corrections(sheet)


def test_paired_and_check_moves_on_hand_beads() -> None:
    beads = [Bead((0,), (1,), 0.9), Bead((1,), (), 0.6), Bead((), (0,), 0.6), Bead((2,), (2,), 0.9)]
    with pytest.raises(ValueError, match="does not link"):
        check_moves(beads, [Move(0, 0, 0.9)])
    with pytest.raises(ValueError, match="more than one move"):
        check_moves(beads + [Bead((3,), (), 0.5)], [Move(1, 0, 0.9), Move(3, 0, 0.9)])
    assert paired(beads, [Move(1, 0, 0.8)]) == (Bead((0,), (1,), 0.9), Bead((1,), (0,), 0.8), Bead((2,), (2,), 0.9))
    assert paired(beads, []) == tuple(beads)


def test_tei_and_xliff_link_the_moved_pair_and_stay_valid(moved: Alignment) -> None:
    tei = build_tei(moved)
    assert validate_tei(tei) == []
    targets = [link.get("target") for link in tei.iter(f"{{{TEI_NS}}}link")]
    pair = f"#{sentence_id('src', SOURCE)} #{sentence_id('tgt', TARGET_AFTER)}"
    assert pair in targets and len(targets) == len(moved.units)
    xliff = build_xliff(moved)
    assert validate_xliff(xliff) == []
    assert len(list(xliff.iter("{*}trans-unit"))) == sum(1 for b in moved.units if b.src and b.tgt)
