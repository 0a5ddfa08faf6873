"""OpenDocument text (``.odt``) → ``Document``, with footnotes and endnotes as native anchors.

lxml over ``content.xml`` (and ``styles.xml`` for named styles) rather than
odfpy: odfpy builds a DOM of its own on a SAX parser we cannot bound as
``safe_xml`` does, and offers nothing for notes or tracked changes that the
XML does not say directly. What is read:

- ``office:text`` in reading order: ``text:h`` (headings), ``text:p``
  (a paragraph, or a heading or quotation by its style, followed up its
  parent styles: ``Heading…``, ``Title``, ``Subtitle``; ``Quotations``,
  ``Quote``), list items, table cells (each cell one block), sections;
- tracked insertions are in the text flow and are read; tracked deletions
  live in ``text:tracked-changes``, which is skipped, as are comments
  (``office:annotation``), hidden text (a style with ``text:display="none"``,
  hidden paragraphs and hidden-text fields), frames and drawings, indexes
  and the table of contents; page headers and footers are in
  ``styles.xml``'s master pages, which are not read as text; a field is read
  as the value it shows;
- ``text:note`` becomes an anchor labelled with the number it shows (its
  ``text:note-citation``, which LibreOffice writes from the document's start
  value); its ``text:note-body`` is the note's text. A document with both
  footnotes and endnotes numbers its endnotes after its footnotes, as Word
  documents are (``documents.docx``), since labels are numbers.
"""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from paralign.documents._builder import DocumentBuilder
from paralign.documents.archive import Archive
from paralign.errors import InputError
from paralign.model import BlockKind, Document

_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
_STYLE = "{urn:oasis:names:tc:opendocument:xmlns:style:1.0}"
_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_MANIFEST = "{urn:oasis:names:tc:opendocument:xmlns:manifest:1.0}"

_HEADING_STYLES = ("heading", "title", "subtitle")
_QUOTE_STYLES = {"quotations", "quote", "quotation"}
#: Containers whose content is read as blocks.
_BLOCK_CONTAINERS = {f"{_TEXT}section", f"{_TEXT}list", f"{_TEXT}list-header", f"{_TEXT}soft-page-break"}
#: Inline elements whose content is not text.
_INLINE_SKIPPED = {
    f"{_OFFICE}annotation",
    f"{_OFFICE}annotation-end",
    f"{_TEXT}hidden-text",
    f"{_TEXT}tracked-changes",
    f"{_TEXT}bookmark-ref",
    f"{_TEXT}ruby-text",
}
#: Frames, text boxes and shapes: outside the text flow.
_DRAWING = "{urn:oasis:names:tc:opendocument:xmlns:drawing:1.0}"
_MAX_STYLE_DEPTH = 20


class _Styles:
    """Paragraph and text styles by name, from ``styles.xml`` and ``content.xml``'s automatic styles."""

    def __init__(self, *roots: etree._Element | None) -> None:
        self._styles: dict[tuple[str, str], etree._Element] = {}
        for root in roots:
            if root is not None:
                for style in root.iter(f"{_STYLE}style"):
                    family, name = style.get(f"{_STYLE}family"), style.get(f"{_STYLE}name")
                    if family and name:
                        self._styles[(family, name)] = style

    def _chain(self, family: str, name: str | None) -> list[etree._Element]:
        chain: list[etree._Element] = []
        for _ in range(_MAX_STYLE_DEPTH):
            style = self._styles.get((family, name or ""))
            if style is None:
                break
            chain.append(style)
            name = style.get(f"{_STYLE}parent-style-name")
        return chain

    def paragraph_kind(self, name: str | None) -> BlockKind:
        for style in self._chain("paragraph", name):
            if style.get(f"{_STYLE}default-outline-level"):
                return BlockKind.HEADING
            names = {
                (style.get(f"{_STYLE}{key}") or "").replace("_20_", " ").lower() for key in ("name", "display-name")
            }
            if any(n.startswith(_HEADING_STYLES) for n in names):
                return BlockKind.HEADING
            if names & _QUOTE_STYLES:
                return BlockKind.QUOTE
        return BlockKind.PARAGRAPH

    def hidden(self, family: str, name: str | None) -> bool:
        for style in self._chain(family, name):
            properties = style.find(f"{_STYLE}text-properties")
            if properties is not None and properties.get(f"{_TEXT}display") == "none":
                return True
        return False


class _Reader:
    def __init__(self, path: Path, styles: _Styles, lang: str, endnote_start: int | None) -> None:
        self.path = path
        self.styles = styles
        self.builder = DocumentBuilder(path, lang)
        self.counters = {"footnote": 0, "endnote": 0}
        self.endnote_start = endnote_start

    def blocks(self, container: etree._Element, kind: BlockKind | None = None) -> None:
        """Block-level content; ``kind`` overrides paragraphs' own kinds (list items)."""
        for child in container:
            tag = child.tag
            if tag == f"{_TEXT}h":
                self._paragraph(child, BlockKind.HEADING)
            elif tag == f"{_TEXT}p":
                self._paragraph(child, kind or self.styles.paragraph_kind(child.get(f"{_TEXT}style-name")))
            elif tag == f"{_TEXT}list-item":
                self.blocks(child, BlockKind.LIST_ITEM)
            elif tag in _BLOCK_CONTAINERS:
                self.blocks(child, kind)
            elif tag == f"{_TEXT}hidden-paragraph" and child.get(f"{_TEXT}is-hidden") != "true":
                self.blocks(child, kind)
            elif tag == f"{_TABLE}table":
                self._table(child)

    def _table(self, table: etree._Element) -> None:
        """Each cell one block, in row order (header rows and row groups included)."""
        for row in table.iter(f"{_TABLE}table-row"):
            if next(row.iterancestors(f"{_TABLE}table")) is not table:
                continue  # a nested table's rows: read with their own table
            for cell in row.iterchildren(f"{_TABLE}table-cell"):
                self.builder.start_block(BlockKind.PARAGRAPH)
                for child in cell:
                    if child.tag == f"{_TABLE}table":
                        self._table(child)
                        self.builder.start_block(BlockKind.PARAGRAPH)
                    else:
                        self.builder.text(" ")
                        self._inline(child)
                self.builder.end_block()

    def _paragraph(self, paragraph: etree._Element, kind: BlockKind) -> None:
        self.builder.start_block(kind)
        self._inline(paragraph)
        self.builder.end_block()

    def _inline(self, element: etree._Element) -> None:
        """An element's text, its children's, and the text after each child."""
        if element.text:
            self.builder.text(element.text)
        for child in element:
            self._inline_child(child)
            if child.tail:
                self.builder.text(child.tail)

    def _inline_child(self, child: etree._Element) -> None:
        tag = child.tag
        if not isinstance(tag, str) or tag in _INLINE_SKIPPED or tag.startswith(_DRAWING):
            return
        if tag == f"{_TEXT}note":
            self._note(child)
        elif tag == f"{_TEXT}s":
            self.builder.text(" ")
        elif tag in (f"{_TEXT}tab", f"{_TEXT}line-break"):
            self.builder.text(" ")
        elif tag == f"{_TEXT}span" and self.styles.hidden("text", child.get(f"{_TEXT}style-name")):
            return
        else:
            self._inline(child)

    def _note(self, note: etree._Element) -> None:
        note_class = "endnote" if note.get(f"{_TEXT}note-class") == "endnote" else "footnote"
        self.counters[note_class] += 1
        citation = (note.findtext(f"{_TEXT}note-citation") or "").strip()
        if note_class == "endnote" and self.endnote_start is not None:
            label = str(self.endnote_start + self.counters[note_class] - 1)
        else:
            label = citation if citation.isdigit() else str(self.counters[note_class])
        self.builder.note_reference(label)
        body = note.find(f"{_TEXT}note-body")
        self.builder.note(label, _plain_text(body) if body is not None else "")


def _plain_text(element: etree._Element) -> str:
    """A note body's text, paragraphs joined by spaces (no notes nest in notes)."""
    paragraphs = element.iter(f"{_TEXT}p", f"{_TEXT}h")
    return " ".join("".join(str(text) for text in paragraph.itertext()) for paragraph in paragraphs)


def read_odt(path: Path, data: bytes, lang: str) -> Document:
    """Read an ``.odt`` (its bytes ``data``) into a ``Document`` with native note anchors.

    Raises:
        InputError: a damaged, hostile or password-protected package.
    """
    archive = Archive(path, data)
    manifest = archive.optional_xml("META-INF/manifest.xml")
    if manifest is not None and next(manifest.iter(f"{_MANIFEST}encryption-data"), None) is not None:
        raise InputError(path, "is password-protected; open it in LibreOffice, remove the password and save it again")
    content = archive.xml("content.xml")
    text = content.find(f"{_OFFICE}body/{_OFFICE}text")
    if text is None:
        raise InputError(path, "has no text body (content.xml): not an OpenDocument text")
    notes = [note.get(f"{_TEXT}note-class") for note in text.iter(f"{_TEXT}note")]
    endnote_start = None
    if "endnote" in notes and "footnote" in notes:
        footnote_labels = [
            (note.findtext(f"{_TEXT}note-citation") or "").strip()
            for note in text.iter(f"{_TEXT}note")
            if note.get(f"{_TEXT}note-class") != "endnote"
        ]
        endnote_start = max((int(label) for label in footnote_labels if label.isdigit()), default=0) + 1
    reader = _Reader(path, _Styles(archive.optional_xml("styles.xml"), content), lang, endnote_start)
    if endnote_start is not None:
        reader.builder.warn("endnotes numbered after the footnotes, so that every note has its own number")
    reader.blocks(text)
    return reader.builder.build()
