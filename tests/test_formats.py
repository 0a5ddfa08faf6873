"""Every export format keeps one contract, as translate-toolkit's stores inherit ``TestTranslationStore``.

``FormatContract`` holds the tests; a format's class names its registry entry
(``fmt = REGISTRY["tmx"]``) and says how to read its output: which note pairs
it records, which schema it follows. The contract: the file name comes from
the registry, a write that fails midway leaves the earlier export whole and
no temp file behind, the protocol's note pairs are in the file, the file is
valid where a schema exists, and the registry's reader gives back every bead.
A format added to the registry without a class here fails
``test_every_registered_format_has_a_contract_class``.
"""

from __future__ import annotations

import csv
import dataclasses
import json
import os
from pathlib import Path
from typing import ClassVar

import docx
import lxml.html
import openpyxl
import pytest
from typer.testing import CliRunner

from paralign.cli import app
from paralign.corrections import read_corrected_beads
from paralign.errors import ExportError
from paralign.export.html import DATA_ID
from paralign.export.options import DEFAULT_OPTIONS, ExportOptions
from paralign.export.validate import validate_tei, validate_tmx, validate_xliff
from paralign.export.xliff import XLIFF_NS
from paralign.formats import DEFAULT_FORMATS, FORMATS, REGISTRY, Format, export_paths, write_exports
from paralign.ladder import TEI_NS
from paralign.model import Alignment, FootnoteAnchor, Segmentation
from paralign.safe_xml import parse_untrusted

STEM = "bishkek-protocol.en-es"
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"

NotePairs = list[tuple[str, str]]


def bead_pairs(alignment: Alignment) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    return [(bead.src, bead.tgt) for bead in alignment.beads]


@pytest.mark.slow  # the protocol pair, aligned with the real model
class FormatContract:
    """The tests every format inherits; subclasses set ``fmt`` and override the hooks that apply."""

    fmt: ClassVar[Format]

    # --- hooks -----------------------------------------------------------------------------------------------

    def note_pairs(self, path: Path, alignment: Alignment) -> NotePairs | None:
        """The (source, target) note markers the file records as pairs, in order; ``None``: it carries no notes."""
        return None

    def spelled(self, segmentation: Segmentation, anchor: FootnoteAnchor) -> str:
        """A marker as the format records it: by default as written in the text (``[1]``, ``505``)."""
        return segmentation.document.text[anchor.start : anchor.end]

    def schema_errors(self, path: Path) -> list[str] | None:
        """Errors against the format's schema; ``None``: the format has no schema."""
        return None

    # --- the contract --------------------------------------------------------------------------------------------

    @pytest.fixture
    def written(self, protocol: Alignment, tmp_path: Path) -> Path:
        (path,) = write_exports(protocol, tmp_path, [self.fmt.name])
        return path

    def test_file_is_named_by_the_registry(self, written: Path) -> None:
        assert written.name == f"{STEM}{self.fmt.suffix}"

    def test_file_holds_what_the_serializer_builds(self, protocol: Alignment, written: Path) -> None:
        assert written.read_bytes() == self.fmt.serialize(protocol, DEFAULT_OPTIONS)

    def test_failing_serializer_leaves_the_earlier_export(self, protocol: Alignment, tmp_path: Path) -> None:
        def failing(alignment: Alignment, options: ExportOptions) -> bytes:
            raise RuntimeError("serializer failed")

        path = tmp_path / f"{STEM}{self.fmt.suffix}"
        path.write_bytes(b"earlier export")
        with pytest.raises(RuntimeError, match="serializer failed"):
            dataclasses.replace(self.fmt, serialize=failing).write(protocol, path)
        assert [p.name for p in tmp_path.iterdir()] == [path.name]
        assert path.read_bytes() == b"earlier export"

    def test_write_failing_midway_leaves_the_earlier_export(
        self, protocol: Alignment, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """The disk fails after the temp file holds the data, before the rename (``fsync``)."""

        def failing_fsync(fd: int) -> None:
            raise OSError(5, "Input/output error")

        path = tmp_path / f"{STEM}{self.fmt.suffix}"
        path.write_bytes(b"earlier export")
        monkeypatch.setattr(os, "fsync", failing_fsync)
        with pytest.raises(ExportError, match="cannot be written"):
            write_exports(protocol, tmp_path, [self.fmt.name])
        assert [p.name for p in tmp_path.iterdir()] == [path.name]
        assert path.read_bytes() == b"earlier export"

    def test_note_pairs_are_recorded(self, protocol: Alignment, written: Path) -> None:
        found = self.note_pairs(written, protocol)
        if found is None:
            pytest.skip(f"{self.fmt.name} carries no notes")
        expected = [
            (self.spelled(protocol.source, pair.src), self.spelled(protocol.target, pair.tgt))
            for pair in protocol.footnote_pairs
        ]
        assert found == expected and len(found) == 7

    def test_valid_against_its_schema(self, written: Path) -> None:
        errors = self.schema_errors(written)
        if errors is None:
            pytest.skip(f"{self.fmt.name} has no schema")
        assert errors == []

    def test_reader_gives_back_every_bead(self, protocol: Alignment, written: Path) -> None:
        if self.fmt.reader is None:
            pytest.skip(f"{self.fmt.name} is not read back")
        assert self.fmt.reader(written) == bead_pairs(protocol)


def _phs_paired_by(
    source: list[tuple[str | None, str | None]], target: list[tuple[str | None, str | None]]
) -> NotePairs:
    """Inline codes of one unit, (key, text) per side, paired by key (TMX ``x``, XLIFF ``id``)."""
    by_key = dict(target)
    return [(text or "", by_key[key] or "") for key, text in source if key in by_key]


class TestTmx(FormatContract):
    fmt = REGISTRY["tmx"]

    def note_pairs(self, path: Path, alignment: Alignment) -> NotePairs:
        pairs: NotePairs = []
        for tu in parse_untrusted(path).getroot().iter("tu"):
            src_seg, tgt_seg = tu.findall("tuv/seg")
            pairs += _phs_paired_by(
                [(ph.get("x"), ph.text) for ph in src_seg.iter("ph")],
                [(ph.get("x"), ph.text) for ph in tgt_seg.iter("ph")],
            )
        return pairs

    def schema_errors(self, path: Path) -> list[str]:
        return validate_tmx(parse_untrusted(path))


class TestTei(FormatContract):
    fmt = REGISTRY["tei"]

    def spelled(self, segmentation: Segmentation, anchor: FootnoteAnchor) -> str:
        return anchor.label  # <note n="1">: the label, without the brackets

    def note_pairs(self, path: Path, alignment: Alignment) -> NotePairs:
        notes = list(parse_untrusted(path).getroot().iter(f"{{{TEI_NS}}}note"))
        by_id = {note.get(XML_ID): note for note in notes}
        return [
            (by_id[note.get("corresp", "")[1:]].get("n") or "", note.get("n") or "")
            for note in notes
            if note.get("corresp") is not None
        ]

    def schema_errors(self, path: Path) -> list[str]:
        return validate_tei(parse_untrusted(path))


class TestXliff(FormatContract):
    fmt = REGISTRY["xliff"]

    def note_pairs(self, path: Path, alignment: Alignment) -> NotePairs:
        x = f"{{{XLIFF_NS}}}"
        pairs: NotePairs = []
        for unit in parse_untrusted(path).getroot().iter(f"{x}trans-unit"):
            source, target = unit.find(f"{x}source"), unit.find(f"{x}target")
            pairs += _phs_paired_by(
                [(ph.get("id"), ph.text) for ph in source.iter(f"{x}ph")],
                [(ph.get("id"), ph.text) for ph in target.iter(f"{x}ph")],
            )
        return pairs

    def schema_errors(self, path: Path) -> list[str]:
        return validate_xliff(parse_untrusted(path))


class TestHtml(FormatContract):
    fmt = REGISTRY["html"]

    def note_pairs(self, path: Path, alignment: Alignment) -> NotePairs:
        """Badges ``[1]↔505`` in a row's source and target cells that share a ``data-note``."""
        pairs: NotePairs = []
        for row in lxml.html.fromstring(path.read_bytes()).xpath("//tr[contains(@class, 'bead')]"):
            source = [(sup.get("data-note"), sup.text_content()) for sup in row.xpath("td[@class='src']//sup")]
            target = [(sup.get("data-note"), sup.text_content()) for sup in row.xpath("td[@class='tgt']//sup")]
            pairs += [(src.split("↔")[0], tgt.split("↔")[1]) for src, tgt in _phs_paired_by(source, target)]
        return pairs

    def test_review_json_round_trips_through_corrections(
        self, protocol: Alignment, written: Path, tmp_path: Path
    ) -> None:
        """The page's way back: "Export JSON" before any review downloads exactly the embedded JSON."""
        (script,) = lxml.html.fromstring(written.read_bytes()).xpath(f"//script[@id='{DATA_ID}']")
        review = tmp_path / "bishkek-protocol.review.json"
        review.write_text(json.dumps(json.loads(script.text), indent=1), encoding="utf-8")
        assert read_corrected_beads(review) == bead_pairs(protocol)


class TestTsv(FormatContract):
    fmt = REGISTRY["tsv"]

    def note_pairs(self, path: Path, alignment: Alignment) -> NotePairs:
        """Markers as literal text: a pair's two markers stand in its bead's row, source and target column."""
        rows = list(csv.DictReader(path.read_text(encoding="utf-8").splitlines()[1:], delimiter="\t"))
        pairs: NotePairs = []
        for pair in alignment.footnote_pairs:
            src, tgt = self.spelled(alignment.source, pair.src), self.spelled(alignment.target, pair.tgt)
            if src in rows[pair.bead]["source"] and tgt in rows[pair.bead]["target"]:
                pairs.append((src, tgt))
        return pairs


class TestXlsx(FormatContract):
    fmt = REGISTRY["xlsx"]

    def note_pairs(self, path: Path, alignment: Alignment) -> NotePairs:
        """Markers as literal text in a bead's row, and the pair named in its ``notes`` cell (``1→505``)."""
        rows = list(openpyxl.load_workbook(path)["alignment"].iter_rows(min_row=2, values_only=True))
        pairs: NotePairs = []
        for pair in alignment.footnote_pairs:
            source, target, _, _, notes = rows[pair.bead][:5]
            src, tgt = self.spelled(alignment.source, pair.src), self.spelled(alignment.target, pair.tgt)
            if src in str(source) and tgt in str(target) and f"{pair.src_label}→{pair.tgt_label}" in str(notes):
                pairs.append((src, tgt))
        return pairs


class TestDocx(FormatContract):
    fmt = REGISTRY["docx"]

    def note_pairs(self, path: Path, alignment: Alignment) -> NotePairs:
        """Superscript runs of a row's two cells, paired in order (python-docx reads the table back)."""
        pairs: NotePairs = []
        for row in docx.Document(str(path)).tables[0].rows[1:]:
            source, target = (
                [run.text for paragraph in cell.paragraphs for run in paragraph.runs if run.font.superscript]
                for cell in row.cells
            )
            pairs += list(zip(source, target, strict=True))
        return pairs


class TestLadder(FormatContract):
    fmt = REGISTRY["ladder"]


# --- the registry itself (no model needed) ---------------------------------------------------------------------


def test_every_registered_format_has_a_contract_class() -> None:
    classes = FormatContract.__subclasses__()
    assert sorted(cls.fmt.name for cls in classes) == sorted(REGISTRY)
    assert all(cls.fmt is REGISTRY[cls.fmt.name] for cls in classes)


def test_names_and_suffixes_come_from_the_registry() -> None:
    assert FORMATS == tuple(REGISTRY) == ("tmx", "tei", "xliff", "html", "tsv", "xlsx", "docx", "ladder")
    assert set(DEFAULT_FORMATS) <= set(REGISTRY)
    suffixes = [fmt.suffix for fmt in REGISTRY.values()]
    assert len(set(suffixes)) == len(suffixes)
    paths = export_paths("out", Path("texts/bishkek-protocol.en.txt"), "en", "es", FORMATS)
    assert {name: path.name for name, path in paths.items()} == {
        name: f"{STEM}{fmt.suffix}" for name, fmt in REGISTRY.items()
    }


def test_unknown_format_lists_the_registry() -> None:
    with pytest.raises(
        ExportError, match="unknown export format 'pdf'; choose from tmx, tei, xliff, html, tsv, xlsx, docx, ladder"
    ):
        export_paths("out", Path("a.en.txt"), "en", "es", ["tmx", "pdf"])


def test_cli_help_describes_every_format() -> None:
    result = CliRunner().invoke(app, ["align", "--help"], env={"COLUMNS": "400", "NO_COLOR": "1"})
    assert result.exit_code == 0
    text = " ".join(result.output.replace("│", " ").split())
    for fmt in REGISTRY.values():
        assert f"{fmt.name} ({fmt.description})" in text
