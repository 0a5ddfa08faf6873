"""``Alignment`` → a tab-separated sheet a reviewer can read and correct.

Columns: ``source``, ``target``, ``confidence``, then ``src`` and ``tgt``, the
1-based sentence numbers of the bead (``3,4`` or ``3 4``; empty for a gap),
which are what ``paralign export`` reads back: to fix an alignment, edit those
two columns (merge rows, move a sentence), never the texts. ``reviewed`` is
``yes`` for a bead a person changed or confirmed; write ``yes`` there to
confirm one. ``aligned_src`` and ``aligned_tgt`` keep the bead as the aligner
made it (leave them alone): a row whose ``src``/``tgt`` no longer match any of
them was edited, and is read back as reviewed with confidence 1.0.
``moved_tgt`` pairs a source sentence alone in its row with the target
sentence it translates out of order (a sentence the translator moved,
``Alignment.moves``), with the pair's confidence in ``moved_confidence``:
clear the number to unpair them, write one on such a row to pair them (an
empty confidence reads as confirmed, 1.0).

A first comment line records the input files (absolute, so the sheet exports
from any folder) with a hash of each text, the languages, the model and how
the texts were read (``presplit``, ``encoding``, ``input_format``,
``invalid_utf8`` when the run forced them), so the sheet alone is enough to
rebuild every export with the notes intact, and
``export`` can tell when a text changed since. Its values are escaped with
``review_schema.escape``, so a file name with a newline or `` | `` cannot break
it. Note markers appear as literal text.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from pathlib import Path

from paralign import review_schema as schema
from paralign._version import __version__
from paralign.export._inline import apply_notes_mode, sentence_pieces
from paralign.export._xml import atomic_write
from paralign.export.options import DEFAULT_OPTIONS, ExportOptions, NotesMode
from paralign.model import Alignment, Bead, Move, Segmentation

COLUMNS = (
    "source",
    "target",
    "confidence",
    "src",
    "tgt",
    "reviewed",
    "aligned_src",
    "aligned_tgt",
    "moved_tgt",
    "moved_confidence",
)
#: What separates the header's fields; ``review_schema.escape`` keeps it out of every value.
HEADER_SEPARATOR = " | "
#: What the ``reviewed`` column holds for a reviewed bead.
YES = "yes"
#: The header's field for ``--replace-invalid-utf8`` and its value (absent: invalid UTF-8 was refused).
INVALID_UTF8 = "invalid_utf8"
REPLACE = "replace"


def header_line(alignment: Alignment) -> str:
    """``# paralign 0.1.0 | version=2 | source=… | …``: what ``corrections`` needs to rebuild the alignment."""
    review = schema.review_of(alignment)
    fields = [
        f"paralign {__version__}",
        f"{schema.VERSION}={schema.SHEET_VERSION}",
        f"{schema.SOURCE}={schema.escape(str(review.source))}",
        f"{schema.SOURCE_SHA256}={review.source_sha256}",
        f"{schema.SRC_LANG}={review.src_lang}",
        f"{schema.TARGET}={schema.escape(str(review.target))}",
        f"{schema.TARGET_SHA256}={review.target_sha256}",
        f"{schema.TGT_LANG}={review.tgt_lang}",
        f"{schema.MODEL}={schema.escape(review.model)}",
    ]
    if alignment.presplit:
        fields.append(f"{schema.PRESPLIT}={YES}")
    if review.reading.encoding:
        fields.append(f"{schema.ENCODING}={schema.escape(review.reading.encoding)}")
    if review.reading.input_format:
        fields.append(f"{schema.INPUT_FORMAT}={review.reading.input_format}")
    if review.reading.replace_invalid_utf8:
        fields.append(f"{INVALID_UTF8}={REPLACE}")
    if not alignment.calibrated:
        fields.append("confidence=uncalibrated")
    return "# " + HEADER_SEPARATOR.join(fields)


def numbers(indices: tuple[int, ...]) -> str:
    """``(2, 3)`` → ``"3,4"``: sentence numbers as the sheet shows them, from 1."""
    return ",".join(str(i + 1) for i in indices)


#: What a spreadsheet takes as the start of a formula: a cell of text starting so gets an apostrophe first.
FORMULA_STARTS = ("=", "+", "-", "@")


def _side_text(segmentation: Segmentation, indices: tuple[int, ...]) -> str:
    """The bead side's text on one line; never a formula, since the texts may be anyone's (OWASP CSV injection).

    The text columns are for reading only (``corrections`` reads the numbers),
    so the apostrophe that keeps ``=HYPERLINK(…)`` inert costs nothing.
    """
    pieces = apply_notes_mode(sentence_pieces(segmentation, indices), NotesMode.TEXT, segmentation.document.text)
    text = " ".join("".join(p for p in pieces if isinstance(p, str)).split())
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def moved_cells(by_source: Mapping[int, Move], bead: Bead) -> tuple[str, str]:
    """``moved_tgt`` and ``moved_confidence`` of a bead's row: filled on the source row of a move only.

    ``by_source`` is ``{move.src: move}``, built once per sheet (not a scan of the moves per row).
    """
    move = by_source.get(bead.src[0]) if len(bead.src) == 1 and not bead.tgt else None
    return (numbers((move.tgt,)), f"{move.confidence:.4f}") if move else ("", "")


def build_tsv(alignment: Alignment) -> str:
    """The sheet: the header line, the column names, one row per bead."""
    stream = io.StringIO()
    stream.write(header_line(alignment) + "\n")
    writer = csv.writer(stream, delimiter="\t", quoting=csv.QUOTE_MINIMAL, lineterminator="\n")
    writer.writerow(COLUMNS)
    by_source = {move.src: move for move in alignment.moves}
    for bead in alignment.beads:
        writer.writerow(
            [
                _side_text(alignment.source, bead.src),
                _side_text(alignment.target, bead.tgt),
                f"{bead.confidence:.4f}",
                numbers(bead.src),
                numbers(bead.tgt),
                YES if bead.reviewed else "",
                numbers(bead.src),
                numbers(bead.tgt),
                *moved_cells(by_source, bead),
            ]
        )
    return stream.getvalue()


def tsv_bytes(alignment: Alignment, options: ExportOptions = DEFAULT_OPTIONS) -> bytes:
    """The sheet as UTF-8; markers always as text, whatever ``options.tmx_notes`` says."""
    return build_tsv(alignment).encode("utf-8")


def write_tsv(alignment: Alignment, path: Path) -> Path:
    """Build and write atomically; returns ``path``."""
    return atomic_write(path, tsv_bytes(alignment))
