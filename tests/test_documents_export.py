"""The bilingual workbook and Word table, read back by their own libraries; the edited workbook's way back.

No model: the alignment is built by hand over the protocol's ``.docx`` pair
(native notes), so these run in the fast tier.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx
import openpyxl
import pytest
from test_documents import DOCUMENTS

from paralign.corrections import load_corrections
from paralign.documents import read_document
from paralign.errors import InputError
from paralign.footnotes import pair_anchors
from paralign.formats import write_exports
from paralign.model import Alignment, Bead
from paralign.segment import segment


@pytest.fixture
def alignment() -> Alignment:
    """The protocol's .docx pair with the beads the aligner finds (its heading left out), bead 5 doubtful."""
    source = segment(read_document(DOCUMENTS / "bishkek-protocol.en.docx", "en"))
    target = segment(read_document(DOCUMENTS / "bishkek-protocol.es.docx", "es"))
    beads = (Bead((0,), (), 0.99),) + tuple(Bead((i + 1,), (i,), 0.3 if i == 4 else 0.97) for i in range(22))
    notes = pair_anchors(beads, [s.anchors for s in source.sentences], [s.anchors for s in target.sentences])
    return Alignment(source, target, beads, notes.pairs, notes.problems, model_name="use-multilingual-v3")


def test_workbook_is_what_a_reviewer_needs(alignment: Alignment, tmp_path: Path) -> None:
    (path,) = write_exports(alignment, tmp_path, ["xlsx"])
    sheet = openpyxl.load_workbook(path)["alignment"]
    assert [cell.value for cell in sheet[1]][:5] == ["source", "target", "confidence", "flags", "notes"]
    assert sheet.freeze_panes == "A2"
    assert sheet["A3"].alignment.wrap_text
    assert sheet["D7"].value == "low-confidence" and sheet["A7"].fill.fgColor.rgb == "FFF4CCCC"
    assert sheet["D2"].value == "gap" and sheet["A3"].fill.fill_type is None
    notes = [row[0] for row in sheet.iter_rows(min_row=2, min_col=5, max_col=5, values_only=True) if row[0]]
    assert notes == [f"{n}→{n + 504}" for n in range(1, 8)]


def test_edited_workbook_comes_back_as_reviewed_beads(alignment: Alignment, tmp_path: Path) -> None:
    """Merge rows 3 and 4 (beads 2 and 3) as a reviewer would in a spreadsheet, numbers typed as numbers."""
    (path,) = write_exports(alignment, tmp_path, ["xlsx"])
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["alignment"]
    sheet["F3"], sheet["G3"] = "2 3", "1,2"
    sheet["F4"], sheet["G4"] = None, None
    sheet["H5"] = "yes"
    sheet["F6"] = 5  # unchanged, but typed as a number
    edited = tmp_path / "edited.xlsx"
    workbook.save(edited)
    corrected = load_corrections(edited)
    assert corrected.beads[1] == Bead((1, 2), (0, 1), 1.0, reviewed=True)
    assert corrected.beads[2] == Bead((3,), (2,), 1.0, reviewed=True)
    assert corrected.beads[4] == Bead((5,), (4,), 0.3)
    assert [(p.src_label, p.tgt_label) for p in corrected.footnote_pairs][:3] == [
        ("1", "505"),
        ("2", "506"),
        ("3", "507"),
    ]


def test_workbook_errors_name_the_row(alignment: Alignment, tmp_path: Path) -> None:
    (path,) = write_exports(alignment, tmp_path, ["xlsx"])
    workbook = openpyxl.load_workbook(path)
    workbook["alignment"]["F7"] = "six"
    workbook.save(path)
    with pytest.raises(InputError, match=r"row 7: column src must hold sentence numbers"):
        load_corrections(path)


def test_workbook_with_a_dtd_is_refused(alignment: Alignment, tmp_path: Path) -> None:
    (path,) = write_exports(alignment, tmp_path, ["xlsx"])
    hostile = tmp_path / "hostile.xlsx"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(hostile, "w") as target:
        for name in source.namelist():
            data = source.read(name)
            if name == "xl/workbook.xml":
                data = b'<!DOCTYPE w [<!ENTITY a "aaaa">]>' + data
            target.writestr(name, data)
    with pytest.raises(InputError, match="part xl/workbook.xml declares a DTD"):
        load_corrections(hostile)


def test_text_that_looks_like_a_formula_stays_text(alignment: Alignment, tmp_path: Path) -> None:
    (path,) = write_exports(alignment, tmp_path, ["xlsx"])
    workbook = openpyxl.load_workbook(path)
    assert all(
        cell.data_type == "s" for row in workbook["alignment"].iter_rows(max_col=2) for cell in row if cell.value
    )


def test_word_table_has_both_texts_side_by_side(alignment: Alignment, tmp_path: Path) -> None:
    (path,) = write_exports(alignment, tmp_path, ["docx"])
    document = docx.Document(io.BytesIO(path.read_bytes()))
    (table,) = document.tables
    assert len(table.rows) == 1 + len(alignment.beads) and len(table.columns) == 2
    assert [cell.text for cell in table.rows[0].cells] == ["en", "es"]
    assert table.rows[1].cells[1].text == ""  # the heading has no Spanish counterpart
    assert table.rows[2].cells[1].text.startswith("El Protocolo de Bishkek se firmó")
    assert "w:shd" in table.rows[6 + 0].cells[0]._tc.xml  # the doubtful bead is shaded
    notes = [p.text for p in document.paragraphs if "→" in p.text]
    assert notes[0].startswith("1 → 505: “Bishkek Protocol,”") and len(notes) == 7
