"""``Alignment`` → a bilingual Word file: a two-column table, source left, target right (python-docx).

The layout reviewers and translators trade in Word ("bilingual table"):
one row per bead (a sentence the translator moved beside its translation,
where the source sentence stands: ``Alignment.units``), the header row names
the languages and repeats on every page, a one-sided bead leaves its other
cell empty, and rows under
``model.LOW_CONFIDENCE`` are shaded so they catch the eye. Note markers
stand where they stood, as superscript (``región⁵⁰⁵``), and each paired note
is listed after the table with both sides' note texts. python-docx writes
the package (imported on use: naming this format costs ``paralign --help``
nothing); it is read back by python-docx in the tests.
"""

from __future__ import annotations

import io
from datetime import datetime, timezone

from paralign.export._inline import display_name, sentence_pieces
from paralign.export._zip import reproducible
from paralign.export.options import DEFAULT_OPTIONS, ExportOptions
from paralign.model import LOW_CONFIDENCE, Alignment, FootnoteAnchor, Segmentation

_LOW_SHADE = "F4CCCC"
#: The date the file says it was made: fixed, so that one alignment always gives the same bytes.
_FIXED_DATE = datetime(2000, 1, 1, tzinfo=timezone.utc)


def docx_bytes(alignment: Alignment, options: ExportOptions = DEFAULT_OPTIONS) -> bytes:
    """The bilingual table as a ``.docx``; markers as superscript text whatever ``options.tmx_notes`` says."""
    from docx import Document
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.table import _Cell

    source, target = alignment.source.document, alignment.target.document
    document = Document()
    document.core_properties.created = document.core_properties.modified = _FIXED_DATE
    document.core_properties.title = f"{display_name(source.path)} ↔ {display_name(target.path)}"
    document.add_heading(
        f"{display_name(source.path)} ({source.lang}) ↔ {display_name(target.path)} ({target.lang})", 1
    )
    table = document.add_table(rows=1, cols=2)
    table.style = "Table Grid"
    header = table.rows[0]
    header.cells[0].text, header.cells[1].text = source.lang, target.lang
    repeat = OxmlElement("w:tblHeader")
    header._tr.get_or_add_trPr().append(repeat)

    def fill(cell: _Cell, segmentation: Segmentation, indices: tuple[int, ...], shaded: bool) -> None:
        paragraph = cell.paragraphs[0]
        text = segmentation.document.text
        for piece in sentence_pieces(segmentation, indices):
            if isinstance(piece, FootnoteAnchor):
                paragraph.add_run(text[piece.start : piece.end]).font.superscript = True
            else:
                paragraph.add_run(piece)
        if shaded:
            shade = OxmlElement("w:shd")
            shade.set(qn("w:val"), "clear")
            shade.set(qn("w:fill"), _LOW_SHADE)
            cell._tc.get_or_add_tcPr().append(shade)

    for bead in alignment.units:
        row = table.add_row()
        low = bead.confidence < LOW_CONFIDENCE
        fill(row.cells[0], alignment.source, bead.src, low)
        fill(row.cells[1], alignment.target, bead.tgt, low)
    if alignment.footnote_pairs:
        document.add_heading("Notes", 2)
        src_notes = {note.label: note.text for note in source.notes}
        tgt_notes = {note.label: note.text for note in target.notes}
        for pair in alignment.footnote_pairs:
            line = f"{pair.src_label} → {pair.tgt_label}: {src_notes.get(pair.src_label, '')}"
            if tgt_notes.get(pair.tgt_label):
                line += f" | {tgt_notes[pair.tgt_label]}"
            document.add_paragraph(line, style="List Bullet")
    stream = io.BytesIO()
    document.save(stream)
    return reproducible(stream.getvalue())
