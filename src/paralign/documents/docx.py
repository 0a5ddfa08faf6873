"""Word (OOXML ``.docx``) → ``Document``, with footnotes and endnotes as native anchors.

lxml over the package's parts rather than python-docx: python-docx has no
footnote or endnote API and hides tracked changes and fields, which are
exactly what decides here what is body text. What is read:

- ``word/document.xml``'s body in reading order: paragraphs, tables (each
  cell one block), content controls; a paragraph's kind from its style,
  followed up its ``basedOn`` chain in ``word/styles.xml`` (``heading N``,
  ``Title`` or an outline level → heading; ``Quote``, ``Intense Quote``,
  ``Block Text``, LibreOffice's ``Quotations`` → quote; a numbering or a
  ``List…`` style → list item);
- tracked insertions and moves' destinations are text; deletions and moves'
  sources are not, nor hidden runs (``w:vanish``), comments, field codes
  (only a field's shown result is text), text boxes and drawings, the table
  of contents, nor page headers and footers (other parts, never opened);
- every ``w:footnoteReference``/``w:endnoteReference`` becomes an anchor
  numbered as Word shows it (from ``w:numStart``, 1 by default), its note's
  paragraphs from ``word/footnotes.xml``/``word/endnotes.xml`` its text.
  Labels must be numbers that pair across documents, so a document with
  both footnotes and endnotes numbers its endnotes after its footnotes
  (Word shows them as i, ii…), with a warning.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from lxml import etree

from paralign.documents._builder import DocumentBuilder
from paralign.documents.archive import Archive
from paralign.errors import InputError
from paralign.model import BlockKind, Document

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_W = f"{{{W_NS}}}"
_STRICT_NS = "http://purl.oclc.org/ooxml/wordprocessingml/main"

_QUOTE_STYLES = {"quote", "intense quote", "block text", "quotations", "quotation"}
_HEADING_STYLES = {"title", "subtitle"}
#: Elements inside a paragraph whose content is text (containers of runs).
_RUN_CONTAINERS = {
    f"{_W}{name}" for name in ("ins", "moveTo", "hyperlink", "smartTag", "customXml", "fldSimple", "dir", "bdo")
}
#: Elements that hold no body text: tracked deletions, moved-away text, and what lies outside the text flow.
_SKIPPED = {f"{_W}{name}" for name in ("del", "moveFrom", "pPr", "rPr", "instrText", "delText", "delInstrText")}
_MAX_STYLE_DEPTH = 20


def _attr(element: etree._Element | None, name: str) -> str | None:
    return None if element is None else element.get(f"{_W}{name}")


class _Styles:
    """What a paragraph style makes of a paragraph: heading, quote, list item or plain paragraph."""

    def __init__(self, root: etree._Element | None) -> None:
        self._styles: dict[str, etree._Element] = {}
        if root is not None:
            for style in root.iter(f"{_W}style"):
                style_id = _attr(style, "styleId")
                if style_id is not None and _attr(style, "type") in (None, "paragraph"):
                    self._styles[style_id] = style

    def chain(self, style_id: str | None) -> Iterator[etree._Element]:
        """The style and those it is based on (bounded: a loop of ``basedOn`` in a hostile file ends)."""
        for _ in range(_MAX_STYLE_DEPTH):
            style = self._styles.get(style_id or "")
            if style is None:
                return
            yield style
            style_id = _attr(style.find(f"{_W}basedOn"), "val")

    def kind(self, properties: etree._Element | None) -> BlockKind:
        style_id = _attr(None if properties is None else properties.find(f"{_W}pStyle"), "val")
        if _outline_level(properties) is not None:
            return BlockKind.HEADING
        numbered = properties is not None and properties.find(f"{_W}numPr") is not None
        for style in self.chain(style_id):
            name = (_attr(style.find(f"{_W}name"), "val") or "").lower()
            level = _outline_level(style.find(f"{_W}pPr"))
            if name.startswith("heading") or name in _HEADING_STYLES or level is not None:
                return BlockKind.HEADING
            if name in _QUOTE_STYLES:
                return BlockKind.QUOTE
            if name.startswith("list") or (style.find(f"{_W}pPr/{_W}numPr") is not None):
                numbered = True
        return BlockKind.LIST_ITEM if numbered else BlockKind.PARAGRAPH


def _outline_level(properties: etree._Element | None) -> int | None:
    """A paragraph's outline level, 0–8 (9, Word's "body text", is none)."""
    value = _attr(None if properties is None else properties.find(f"{_W}outlineLvl"), "val")
    return int(value) if value is not None and value.isdigit() and int(value) < 9 else None


def _hidden(run: etree._Element) -> bool:
    properties = run.find(f"{_W}rPr")
    if properties is None:
        return False
    for name in ("vanish", "webHidden", "specVanish"):
        flag = properties.find(f"{_W}{name}")
        if flag is not None and _attr(flag, "val") not in ("0", "false", "off"):
            return True
    return False


class _Text:
    """Walks paragraphs' runs, sending text and note references to ``emit``/``reference``.

    Complex fields span runs (``begin``, code, ``separate``, result, ``end``)
    and nest: text is shown only where every open field is past its separator.
    """

    def __init__(self, emit: Callable[[str], None], reference: Callable[[str, str], None]) -> None:
        self.emit = emit
        self.reference = reference
        self._fields: list[bool] = []  # per open field: past its separator (showing its result)?

    def paragraph(self, paragraph: etree._Element) -> None:
        self._content(paragraph)

    def _content(self, element: etree._Element) -> None:
        for child in element:
            tag = child.tag
            if tag == f"{_W}r":
                self._run(child)
            elif tag in _RUN_CONTAINERS:
                self._content(child)
            elif tag == f"{_W}sdt":
                self._content_of_control(child)

    def _content_of_control(self, control: etree._Element) -> None:
        content = control.find(f"{_W}sdtContent")
        if content is not None:
            self._content(content)

    def _run(self, run: etree._Element) -> None:
        hidden = _hidden(run)
        for child in run:
            tag = child.tag
            if tag == f"{_W}fldChar":
                self._field_char(_attr(child, "fldCharType"))
            elif not self._showing() or hidden or tag in _SKIPPED:
                continue
            elif tag == f"{_W}t":
                self.emit(child.text or "")
            elif tag in (f"{_W}tab", f"{_W}br", f"{_W}cr"):
                self.emit(" ")
            elif tag == f"{_W}noBreakHyphen":
                self.emit("-")
            elif tag in (f"{_W}footnoteReference", f"{_W}endnoteReference"):
                kind = "footnote" if tag == f"{_W}footnoteReference" else "endnote"
                self.reference(kind, _attr(child, "id") or "")

    def _field_char(self, kind: str | None) -> None:
        if kind == "begin":
            self._fields.append(False)
        elif kind == "separate" and self._fields:
            self._fields[-1] = True
        elif kind == "end" and self._fields:
            self._fields.pop()

    def _showing(self) -> bool:
        return all(self._fields)


class _Reader:
    """One docx: its styles, its notes, and the builder its body is read into."""

    def __init__(self, path: Path, archive: Archive, lang: str) -> None:
        self.path = path
        self.builder = DocumentBuilder(path, lang)
        self.styles = _Styles(archive.optional_xml("word/styles.xml"))
        self.notes = {kind: _note_texts(archive.optional_xml(f"word/{kind}s.xml"), kind) for kind in _NOTE_KINDS}
        settings = archive.optional_xml("word/settings.xml")
        self.counters: dict[str, int] = {}
        self.starts = {kind: _number_start(settings, kind) for kind in _NOTE_KINDS}
        self.text = _Text(self.builder.text, self._reference)

    def read(self, root: etree._Element) -> Document:
        body = root.find(f"{_W}body")
        if body is None:
            raise InputError(self.path, "has no document body (word/document.xml); save it again from Word")
        for section in body.iter(f"{_W}sectPr"):
            for kind in _NOTE_KINDS:
                start = _attr(section.find(f"{_W}{kind}Pr/{_W}numStart"), "val")
                if start is not None and start.isdigit():
                    self.starts[kind] = int(start)
        footnotes = sum(1 for _ in body.iter(f"{_W}footnoteReference"))
        if footnotes and any(True for _ in body.iter(f"{_W}endnoteReference")):
            self.starts["endnote"] = self.starts["footnote"] + footnotes
            self.builder.warn("endnotes numbered after the footnotes, so that every note has its own number")
        self._blocks(body)
        return self.builder.build()

    def _blocks(self, container: etree._Element) -> None:
        for child in container:
            tag = child.tag
            if tag == f"{_W}p":
                self.builder.start_block(self.styles.kind(child.find(f"{_W}pPr")))
                self.text.paragraph(child)
                self.builder.end_block()
            elif tag == f"{_W}tbl":
                self._table(child)
            elif tag == f"{_W}sdt" and not _is_table_of_contents(child):
                content = child.find(f"{_W}sdtContent")
                if content is not None:
                    self._blocks(content)
            elif tag in (f"{_W}customXml", f"{_W}ins", f"{_W}moveTo"):
                self._blocks(child)

    def _table(self, table: etree._Element) -> None:
        """Each cell one block, row by row; a nested table's cells are blocks of their own."""
        for cell in (cell for row in table.iterchildren(f"{_W}tr") for cell in row.iterchildren(f"{_W}tc")):
            self.builder.start_block(BlockKind.PARAGRAPH)
            for child in cell:
                if child.tag == f"{_W}p":
                    self.builder.text(" ")
                    self.text.paragraph(child)
                elif child.tag == f"{_W}tbl":
                    self._table(child)
                    self.builder.start_block(BlockKind.PARAGRAPH)
            self.builder.end_block()

    def _reference(self, kind: str, note_id: str) -> None:
        number = self.starts[kind] + self.counters.get(kind, 0)
        self.counters[kind] = self.counters.get(kind, 0) + 1
        label = str(number)
        self.builder.note_reference(label)
        self.builder.note(label, self.notes[kind].get(note_id, ""))


_NOTE_KINDS = ("footnote", "endnote")


def _is_table_of_contents(control: etree._Element) -> bool:
    gallery = control.find(f"{_W}sdtPr/{_W}docPartObj/{_W}docPartGallery")
    return (_attr(gallery, "val") or "").lower().startswith("table of contents")


def _number_start(settings: etree._Element | None, kind: str) -> int:
    start = _attr(None if settings is None else settings.find(f"{_W}{kind}Pr/{_W}numStart"), "val")
    return int(start) if start is not None and start.isdigit() else 1


def _note_texts(root: etree._Element | None, kind: str) -> dict[str, str]:
    """Note id → its paragraphs' text (separators and the note's own number mark left out)."""
    texts: dict[str, str] = {}
    if root is None:
        return texts
    for note in root.iter(f"{_W}{kind}"):
        if _attr(note, "type") not in (None, "normal"):
            continue
        pieces: list[str] = []
        reader = _Text(pieces.append, lambda kind, note_id: None)
        for paragraph in note.iter(f"{_W}p"):
            reader.paragraph(paragraph)
            pieces.append(" ")
        texts[_attr(note, "id") or ""] = "".join(pieces)
    return texts


def read_docx(path: Path, data: bytes, lang: str) -> Document:
    """Read a ``.docx`` (its bytes ``data``) into a ``Document`` with native note anchors.

    Raises:
        InputError: a damaged or hostile package (``archive.Archive``), or a
            Word file in the Strict variant of OOXML, which this reader does not know.
    """
    archive = Archive(path, data)
    root = archive.xml("word/document.xml")
    if root.tag.startswith(f"{{{_STRICT_NS}}}"):
        raise InputError(path, "is Strict Open XML; save it in Word as a plain Word Document (.docx)")
    return _Reader(path, archive, lang).read(root)
