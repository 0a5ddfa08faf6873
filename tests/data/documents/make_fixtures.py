"""Make the document fixtures with a real word processor: LibreOffice, headless.

Run from the repository root (``soffice`` on the PATH; Debian: libreoffice-writer)::

    .venv/bin/python tests/data/documents/make_fixtures.py

Each document is first written as flat OpenDocument XML (``.fodt``, built
with lxml from the texts), then LibreOffice converts it to ``.docx``, ``.odt``,
``.html`` and ``.pdf``, so the fixtures hold what Word and LibreOffice users
actually send: LibreOffice's own footnote, list, table and tracked-change
markup. The Markdown versions of the protocol are written here directly
(``[^1]`` references, definitions at the end).

- ``bishkek-protocol.{en,es}.*``: the protocol pair of ``texts/``, its blocks
  as the plain-text reader finds them (the question as a heading, the quoted
  paragraph as a quotation), every ``[1]``/``505`` marker replaced by a native
  footnote with the note's text; the Spanish notes are numbered from 505, as
  in the Spanish edition.
- ``features.*``: headings, a list, a table, a quotation, footnotes and an
  endnote, tracked changes (an insertion, a deletion), a comment, hidden
  text, a date field, and a page header and footer that must not be read.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from lxml import etree

from paralign.footnotes import detect_anchors
from paralign.model import BlockKind
from paralign.read import read_document

HERE = Path(__file__).resolve().parent
TEXTS = HERE.parents[2] / "texts"

NS = {
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "style": "urn:oasis:names:tc:opendocument:xmlns:style:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "fo": "urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0",
    "dc": "http://purl.org/dc/elements/1.1/",
}


def q(name: str) -> str:
    prefix, local = name.split(":")
    return f"{{{NS[prefix]}}}{local}"


def sub(parent: etree._Element, name: str, text: str | None = None, **attributes: str) -> etree._Element:
    """``text_style_name="x"`` sets ``text:style-name``: the prefix, then the name with dashes."""
    names = {key: key.replace("_", ":", 1).replace("_", "-") for key in attributes}
    element = etree.SubElement(parent, q(name), {q(names[key]): value for key, value in attributes.items()})
    element.text = text
    return element


def skeleton(footnote_start: int = 0) -> tuple[etree._Element, etree._Element]:
    """A flat ODT with the styles the fixtures use; returns the root and ``office:text``."""
    root = etree.Element(q("office:document"), nsmap=NS)
    root.set(q("office:version"), "1.3")
    root.set(q("office:mimetype"), "application/vnd.oasis.opendocument.text")
    styles = sub(root, "office:styles")
    sub(styles, "style:style", style_name="Standard", style_family="paragraph")
    for level in (1, 2):
        sub(
            styles,
            "style:style",
            style_name=f"Heading_20_{level}",
            style_display_name=f"Heading {level}",
            style_family="paragraph",
            style_default_outline_level=str(level),
        )
    sub(styles, "style:style", style_name="Quotations", style_family="paragraph")
    sub(
        styles,
        "text:notes-configuration",
        text_note_class="footnote",
        style_num_format="1",
        text_start_value=str(footnote_start),
        text_footnotes_position="page",
        text_start_numbering_at="document",
    )
    automatic = sub(root, "office:automatic-styles")
    hidden = sub(automatic, "style:style", style_name="T1", style_family="text")
    sub(hidden, "style:text-properties", text_display="none")
    sub(automatic, "style:page-layout", style_name="pm1")
    master = sub(sub(root, "office:master-styles"), "style:master-page", style_name="Standard")
    master.set(q("style:page-layout-name"), "pm1")
    sub(sub(master, "style:header"), "text:p", "Running head: not body text")
    footer = sub(sub(master, "style:footer"), "text:p", "Page ")
    sub(footer, "text:page-number", "1")
    return root, sub(sub(root, "office:body"), "office:text")


def note(parent: etree._Element, number: int, body: str, note_class: str = "footnote") -> etree._Element:
    element = sub(parent, "text:note", text_id=f"{note_class}{number}", text_note_class=note_class)
    sub(element, "text:note-citation", str(number))
    sub(sub(element, "text:note-body"), "text:p", body)
    return element


def protocol(lang: str, footnote_start: int) -> etree._Element:
    """The protocol text of ``lang`` with native footnotes where its markers stood."""
    document = read_document(TEXTS / f"bishkek-protocol.{lang}.txt", lang)
    english_notes = read_document(TEXTS / "bishkek-protocol.en.txt", "en").notes
    _, anchors = detect_anchors(document)
    root, body = skeleton(footnote_start)
    number = 0
    for block in document.blocks:
        if block.kind == BlockKind.HEADING:
            paragraph = sub(body, "text:h", text_style_name="Heading_20_1", text_outline_level="1")
        else:
            style = "Quotations" if block.kind == BlockKind.QUOTE else "Standard"
            paragraph = sub(body, "text:p", text_style_name=style)
        cursor, tail = block.start, None
        for anchor in (a for a in anchors if block.start <= a.start < block.end):
            text = document.text[cursor : anchor.start].rstrip(" ")
            if tail is None:
                paragraph.text = text
            else:
                tail.tail = text
            tail = note(paragraph, footnote_start + number + 1, english_notes[number].text)
            number += 1
            cursor = anchor.end
        rest = document.text[cursor : block.end]
        if tail is None:
            paragraph.text = rest
        else:
            tail.tail = rest
    return root


def features() -> etree._Element:
    """A hand-made document with every structure the readers must keep or leave out."""
    root, body = skeleton()
    changes = sub(body, "text:tracked-changes")
    for change_id, kind, deleted in (("ct1", "deletion", "These words were deleted. "), ("ct2", "insertion", None)):
        region = sub(changes, "text:changed-region", text_id=change_id)
        change = sub(region, f"text:{kind}")
        info = sub(change, "office:change-info")
        sub(info, "dc:creator", "Reviewer")
        sub(info, "dc:date", "2024-05-08T10:00:00")
        if deleted:
            sub(change, "text:p", deleted)
    sub(body, "text:h", "The Title of the Article", text_style_name="Heading_20_1", text_outline_level="1")
    first = sub(body, "text:p", "The first paragraph cites a source.", text_style_name="Standard")
    note(first, 1, "The first footnote.").tail = " It goes on after the note."
    sub(body, "text:h", "A Section", text_style_name="Heading_20_2", text_outline_level="2")
    tracked = sub(body, "text:p", "Kept text. ", text_style_name="Standard")
    sub(tracked, "text:change", text_change_id="ct1").tail = "Words "
    sub(tracked, "text:change-start", text_change_id="ct2").tail = "that were inserted "
    sub(tracked, "text:change-end", text_change_id="ct2").tail = "stay."
    commented = sub(body, "text:p", "A commented sentence.", text_style_name="Standard")
    annotation = sub(commented, "office:annotation")
    sub(annotation, "dc:creator", "Reviewer")
    sub(annotation, "text:p", "This comment is not body text.")
    sub(commented, "text:span", " Hidden words.", text_style_name="T1").tail = " Dated "
    sub(commented, "text:date", "8 May 1994", text_date_value="1994-05-08", text_fixed="true").tail = "."
    items = sub(body, "text:list")
    for text in ("The first item.", "The second item."):
        sub(sub(items, "text:list-item"), "text:p", text, text_style_name="Standard")
    sub(body, "text:p", "Quoted words of someone else.", text_style_name="Quotations")
    table = sub(body, "table:table", table_name="Table1")
    sub(table, "table:table-column", table_number_columns_repeated="2")
    for row in (("Cell one.", "Cell two."), ("Cell three.", "Cell four.")):
        table_row = sub(table, "table:table-row")
        for text in row:
            sub(sub(table_row, "table:table-cell", office_value_type="string"), "text:p", text)
    last = sub(body, "text:p", "The last paragraph has a second note", text_style_name="Standard")
    note(last, 2, "The second footnote.").tail = " and an endnote."
    note(last, 1, "The endnote.", "endnote")
    return root


def markdown(lang: str) -> str:
    """The protocol in Markdown: ``[^n]`` where the markers were, the notes defined at the end."""
    document = read_document(TEXTS / f"bishkek-protocol.{lang}.txt", lang)
    english_notes = read_document(TEXTS / "bishkek-protocol.en.txt", "en").notes
    _, anchors = detect_anchors(document)
    lines = []
    for block in document.blocks:
        text = document.text[block.start : block.end]
        for anchor in reversed([a for a in anchors if block.start <= a.start < block.end]):
            start, end = anchor.start - block.start, anchor.end - block.start
            text = text[:start].rstrip(" ") + f"[^{anchor.label}]" + text[end:]
        prefix = {BlockKind.HEADING: "# ", BlockKind.QUOTE: "> "}.get(block.kind, "")
        lines.append(prefix + text)
    labels = [anchor.label for anchor in anchors]
    lines += [f"[^{label}]: {note.text}" for label, note in zip(labels, english_notes, strict=True)]
    return "\n\n".join(lines) + "\n"


CONVERSIONS = {"docx": "docx:MS Word 2007 XML", "odt": "odt", "html": "html:HTML (StarWriter)", "pdf": "pdf"}


def convert(fodt: Path, out: Path, formats: list[str]) -> None:
    for fmt in formats:
        subprocess.run(
            ["soffice", "--headless", "--convert-to", CONVERSIONS[fmt], "--outdir", str(out), str(fodt)],
            check=True,
            capture_output=True,
            timeout=120,
        )


def main() -> None:
    if shutil.which("soffice") is None:
        sys.exit("soffice not found: install LibreOffice (Debian: libreoffice-writer)")
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        sources = {
            "bishkek-protocol.en": (protocol("en", 0), ["docx", "odt", "html", "pdf"]),
            "bishkek-protocol.es": (protocol("es", 504), ["docx", "odt", "html", "pdf"]),
            "features": (features(), ["docx", "odt", "html"]),
        }
        for stem, (root, formats) in sources.items():
            fodt = work / f"{stem}.fodt"
            fodt.write_bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))
            convert(fodt, work, formats)
            for fmt in formats:
                shutil.copyfile(work / f"{stem}.{fmt}", HERE / f"{stem}.{fmt}")
    for lang in ("en", "es"):
        (HERE / f"bishkek-protocol.{lang}.md").write_text(markdown(lang), encoding="utf-8")
    # LibreOffice stamps the HTML with its version and the time: keep the fixtures stable.
    for page in HERE.glob("*.html"):
        text = re.sub(r'<meta name="(generator|created|changed)"[^>]*>\s*', "", page.read_text(encoding="utf-8"))
        page.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
