"""``Alignment`` → a side-by-side workbook for reviewers (openpyxl), which ``paralign export`` reads back.

Sheet ``alignment``: one row per bead under a frozen header, the columns of
the TSV (``export.tsv``) with two more for the reader's eye: ``flags``
(``low-confidence`` under ``model.LOW_CONFIDENCE``, ``gap`` for a one-sided
bead, ``reviewed``) and ``notes`` (the bead's note pairs, ``1→505``). Texts
wrap; rows under the confidence threshold are shaded. As in the TSV, a
reviewer edits ``src``/``tgt`` (1-based sentence numbers, ``3,4``) and may
write ``yes`` under ``reviewed``; ``aligned_src``/``aligned_tgt`` keep the
aligner's beads; ``moved_tgt`` pairs a sentence the translator moved (flag
``moved`` on both of its rows). Sheet ``paralign`` holds the TSV's header line in ``A1``
(files, hashes, languages, model), so ``corrections`` rebuilds the exports
from the workbook alone.

Text cells are stored as strings, never formulas, whatever they start with
(a hostile ``=HYPERLINK(…)`` stays text). openpyxl is imported on use, so
naming this format costs ``paralign --help`` nothing.
"""

from __future__ import annotations

import io
import zipfile
from datetime import datetime

from paralign.export._inline import apply_notes_mode, sentence_pieces
from paralign.export._zip import reproducible
from paralign.export.options import DEFAULT_OPTIONS, ExportOptions, NotesMode
from paralign.export.tsv import COLUMNS as TSV_COLUMNS
from paralign.export.tsv import YES, header_line, moved_cells, numbers
from paralign.model import LOW_CONFIDENCE, Alignment, Bead, Segmentation

BEADS_SHEET = "alignment"
HEADER_SHEET = "paralign"
COLUMNS = ("source", "target", "confidence", "flags", "notes", *TSV_COLUMNS[3:])
_TEXT_WIDTH = 60
_LOW_FILL = "FFF4CCCC"
_HEADER_FILL = "FFDDDDDD"
#: The date the workbook says it was made: fixed, so that one alignment always gives the same bytes.
_FIXED_DATE = datetime(2000, 1, 1)


def _text(segmentation: Segmentation, indices: tuple[int, ...]) -> str:
    pieces = apply_notes_mode(sentence_pieces(segmentation, indices), NotesMode.TEXT, segmentation.document.text)
    return " ".join("".join(p for p in pieces if isinstance(p, str)).split())


def _flags(bead: Bead, moved: set[tuple[tuple[int, ...], tuple[int, ...]]]) -> str:
    flags = []
    if bead.confidence < LOW_CONFIDENCE:
        flags.append("low-confidence")
    if (bead.src, bead.tgt) in moved:
        flags.append("moved")
    elif not bead.src or not bead.tgt:
        flags.append("gap")
    if bead.reviewed:
        flags.append("reviewed")
    return ", ".join(flags)


def xlsx_bytes(alignment: Alignment, options: ExportOptions = DEFAULT_OPTIONS) -> bytes:
    """The workbook; markers as text (``región.505``), whatever ``options.tmx_notes`` says."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment as CellAlignment
    from openpyxl.styles import Font, PatternFill
    from openpyxl.writer.excel import ExcelWriter

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None  # a new workbook has its one sheet
    sheet.title = BEADS_SHEET
    sheet.append(COLUMNS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor=_HEADER_FILL)
    notes: dict[int, list[str]] = {}
    for pair in alignment.footnote_pairs:
        notes.setdefault(pair.bead, []).append(f"{pair.src_label}→{pair.tgt_label}")
    wrap = CellAlignment(wrap_text=True, vertical="top")
    low = PatternFill("solid", fgColor=_LOW_FILL)
    moved: set[tuple[tuple[int, ...], tuple[int, ...]]] = {((m.src,), ()) for m in alignment.moves}
    moved |= {((), (m.tgt,)) for m in alignment.moves}
    by_source = {move.src: move for move in alignment.moves}
    for position, bead in enumerate(alignment.beads):
        row = [
            _text(alignment.source, bead.src),
            _text(alignment.target, bead.tgt),
            round(bead.confidence, 4),
            _flags(bead, moved),
            ", ".join(notes.get(position, [])),
            numbers(bead.src),
            numbers(bead.tgt),
            YES if bead.reviewed else "",
            numbers(bead.src),
            numbers(bead.tgt),
            *moved_cells(by_source, bead),
        ]
        sheet.append(row)
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text, even when it starts with "=": never a formula
            cell.alignment = wrap
            if bead.confidence < LOW_CONFIDENCE:
                cell.fill = low
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    widths = (_TEXT_WIDTH, _TEXT_WIDTH, 11, 16, 14, 8, 8, 9, 11, 11, 10, 16)
    for letter, width in zip("ABCDEFGHIJKL", widths, strict=True):
        sheet.column_dimensions[letter].width = width
    header = workbook.create_sheet(HEADER_SHEET)
    header["A1"] = header_line(alignment)
    header["A1"].data_type = "s"
    header["A2"] = "What paralign export needs to rebuild the exports from this workbook: leave it as it is."
    # Workbook.save stamps the time of the save; the writer it wraps keeps the fixed dates set here.
    workbook.properties.created = workbook.properties.modified = _FIXED_DATE
    stream = io.BytesIO()
    ExcelWriter(workbook, zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED)).save()
    return reproducible(stream.getvalue())
