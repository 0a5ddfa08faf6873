"""``Alignment`` → a tab-separated sheet a reviewer can read and correct.

Columns: ``source``, ``target``, ``confidence``, then ``src`` and ``tgt``, the
1-based sentence numbers of the bead (``3,4``; empty for a gap), which are
what ``paralign export`` reads back: to fix an alignment, edit those two
columns (merge rows, move a sentence), never the texts. A first comment line
records the input files, languages and model, so the sheet alone is enough to
rebuild every export with the notes intact. Note markers appear as literal text.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from paralign._version import __version__
from paralign.export._inline import apply_notes_mode, sentence_pieces
from paralign.export._xml import atomic_write
from paralign.export.options import DEFAULT_OPTIONS, ExportOptions, NotesMode
from paralign.model import Alignment, Segmentation

COLUMNS = ("source", "target", "confidence", "src", "tgt")


def header_line(alignment: Alignment) -> str:
    """``# paralign 0.1.0 | source=… | src_lang=en | …``: what ``corrections`` needs to rebuild the alignment."""
    source, target = alignment.source.document, alignment.target.document
    fields = [
        f"paralign {__version__}",
        f"source={source.path}",
        f"src_lang={source.lang}",
        f"target={target.path}",
        f"tgt_lang={target.lang}",
        f"model={alignment.model_name}",
    ]
    if alignment.presplit:
        fields.append("presplit=yes")
    if not alignment.calibrated:
        fields.append("confidence=uncalibrated")
    return "# " + " | ".join(fields)


def _side_text(segmentation: Segmentation, indices: tuple[int, ...]) -> str:
    pieces = apply_notes_mode(sentence_pieces(segmentation, indices), NotesMode.TEXT, segmentation.document.text)
    return " ".join("".join(p for p in pieces if isinstance(p, str)).split())


def build_tsv(alignment: Alignment) -> str:
    """The sheet: the header line, the column names, one row per bead."""
    stream = io.StringIO()
    stream.write(header_line(alignment) + "\n")
    writer = csv.writer(stream, delimiter="\t", quoting=csv.QUOTE_MINIMAL, lineterminator="\n")
    writer.writerow(COLUMNS)
    for bead in alignment.beads:
        writer.writerow(
            [
                _side_text(alignment.source, bead.src),
                _side_text(alignment.target, bead.tgt),
                f"{bead.confidence:.4f}",
                ",".join(str(i + 1) for i in bead.src),
                ",".join(str(j + 1) for j in bead.tgt),
            ]
        )
    return stream.getvalue()


def tsv_bytes(alignment: Alignment, options: ExportOptions = DEFAULT_OPTIONS) -> bytes:
    """The sheet as UTF-8; markers always as text, whatever ``options.tmx_notes`` says."""
    return build_tsv(alignment).encode("utf-8")


def write_tsv(alignment: Alignment, path: Path) -> Path:
    """Build and write atomically; returns ``path``."""
    return atomic_write(path, tsv_bytes(alignment))
