"""A reviewer's corrected sheet → an ``Alignment`` ready to export again.

Two inputs are accepted: the TSV that ``--format tsv`` writes (the ``src`` and
``tgt`` columns hold 1-based sentence numbers; its first line names the input
files) and the JSON that the HTML review page exports (0-based indices; its
schema is ``paralign.review_schema``'s, shared with the page). The texts are
read and segmented again exactly as in the original run, the corrected beads
are checked (monotonic, every sentence once), and the notes are paired anew
through the corrected beads, so notes stay intact.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path

from paralign import review_schema
from paralign.errors import InputError
from paralign.footnotes import pair_anchors
from paralign.ladder import BeadPair
from paralign.model import Alignment, Bead, Segmentation, check_beads
from paralign.read import read_bytes, read_document, read_presplit


@dataclass(frozen=True)
class _Sheet:
    source: Path
    target: Path
    src_lang: str
    tgt_lang: str
    model: str
    presplit: bool
    beads: list[Bead]


def _resolve(name: str, sheet: Path) -> Path:
    """A path as recorded; relative ones are tried from here, then from the sheet's folder."""
    path = Path(name)
    if path.is_absolute() or path.exists():
        return path
    beside = sheet.parent / path
    return beside if beside.exists() else path


def _numbers(cell: str, sheet: Path, row: int, column: str) -> tuple[int, ...]:
    try:
        values = tuple(int(part) - 1 for part in cell.replace(" ", "").split(",") if part)
    except ValueError:
        raise InputError(
            sheet, f"row {row}: column {column} must hold sentence numbers like 3,4 (got {cell!r})"
        ) from None
    if any(value < 0 for value in values):
        raise InputError(sheet, f"row {row}: sentence numbers start at 1 (got {cell!r})")
    return values


def _read_tsv(path: Path, text: str) -> _Sheet:
    lines = text.splitlines()
    if not lines or not lines[0].startswith("# paralign"):
        raise InputError(path, "is not a paralign TSV (its first line must be the '# paralign …' header)")
    meta = dict(field.split("=", 1) for field in lines[0][2:].split(" | ") if "=" in field)
    missing = [key for key in ("source", "target", "src_lang", "tgt_lang") if key not in meta]
    if missing:
        raise InputError(path, f"header lacks {', '.join(missing)}")
    rows = list(csv.DictReader(lines[1:], delimiter="\t"))
    if rows and not {"src", "tgt"} <= set(rows[0]):
        raise InputError(path, "has no src and tgt columns")
    beads = []
    for row_number, row in enumerate(rows, start=3):
        src = _numbers(row.get("src") or "", path, row_number, "src")
        tgt = _numbers(row.get("tgt") or "", path, row_number, "tgt")
        try:
            confidence = float(row.get("confidence") or 1.0)
        except ValueError:
            raise InputError(path, f"row {row_number}: confidence {row.get('confidence')!r} is not a number") from None
        if src or tgt:
            beads.append(Bead(src, tgt, min(1.0, max(0.0, confidence))))
    return _Sheet(
        _resolve(meta["source"], path),
        _resolve(meta["target"], path),
        meta["src_lang"],
        meta["tgt_lang"],
        meta.get("model", ""),
        meta.get("presplit") == "yes",
        beads,
    )


def _read_json(path: Path, text: str) -> _Sheet:
    try:
        review = review_schema.from_json(json.loads(text))
    except (ValueError, KeyError, TypeError) as error:
        raise InputError(path, f"is not a paralign review JSON ({type(error).__name__}: {error})") from None
    return _Sheet(
        _resolve(review.source, path),
        _resolve(review.target, path),
        review.src_lang,
        review.tgt_lang,
        review.model,
        review.presplit,
        list(review.beads),
    )


def _segmented(path: Path, lang: str, presplit_input: bool) -> Segmentation:
    """A text read and split exactly as the original run did."""
    # Imported on use: segmenting loads NLTK, and naming this module's readers
    # (the format registry does) must not.
    from paralign.segment import presplit, segment

    return presplit(read_presplit(path, lang)) if presplit_input else segment(read_document(path, lang))


def load_corrections(path: Path | str) -> Alignment:
    """Rebuild the ``Alignment`` a corrected TSV or review JSON describes.

    Raises:
        InputError: the sheet is malformed, its texts are missing, or its
            beads skip, repeat or reorder sentences.
    """
    path = Path(path)
    try:
        text = read_bytes(path, "corrections file").decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(path, "is not UTF-8 text") from None
    sheet = _read_json(path, text) if text.lstrip().startswith("{") else _read_tsv(path, text)
    source = _segmented(sheet.source, sheet.src_lang, sheet.presplit)
    target = _segmented(sheet.target, sheet.tgt_lang, sheet.presplit)
    try:
        check_beads(sheet.beads, len(source.sentences), len(target.sentences))
    except ValueError as error:
        raise InputError(path, f"corrected beads are inconsistent: {error}") from None
    notes = pair_anchors(sheet.beads, [s.anchors for s in source.sentences], [s.anchors for s in target.sentences])
    return Alignment(
        source, target, tuple(sheet.beads), notes.pairs, notes.problems, model_name=sheet.model, presplit=sheet.presplit
    )


def read_corrected_beads(path: Path | str) -> list[BeadPair]:
    """The beads of a corrected TSV or review JSON, after ``load_corrections`` has checked them."""
    return [(bead.src, bead.tgt) for bead in load_corrections(path).beads]
