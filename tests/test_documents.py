"""Word, OpenDocument, HTML, Markdown and PDF read into the same ``Document`` the plain text gives.

The fixtures under ``tests/data/documents`` were made by LibreOffice from the
protocol texts and a hand-made document (``make_fixtures.py``): what the
readers meet is a real word processor's markup. The protocol in every format
must segment exactly as the ``.txt`` pair does, note markers in the same
sentences, so the aligner sees the same input (its beads are compared in
``test_documents_align.py``). Refusals (legacy, encrypted, scanned, hostile
archives) are one ``InputError`` line, in bounded time and memory.
"""

from __future__ import annotations

import io
import struct
import time
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT, TEXTS
from typer.testing import CliRunner

from paralign.cli import app
from paralign.documents import InputFormat, detect_format, read_document
from paralign.errors import InputError
from paralign.model import BlockKind, Segmentation
from paralign.segment import segment

DOCUMENTS = ROOT / "tests" / "data" / "documents"
FORMATS = ["docx", "odt", "html", "md", "pdf"]

H, P, L, Q = BlockKind.HEADING, BlockKind.PARAGRAPH, BlockKind.LIST_ITEM, BlockKind.QUOTE
#: What a reader must find in ``features.*``: heading levels, a footnote, tracked changes, a comment,
#: hidden text, a date field (its shown value, not its code), a list, a quotation, a table, an endnote.
FEATURES = [
    (H, "The Title of the Article"),
    (P, "The first paragraph cites a source.1 It goes on after the note."),
    (H, "A Section"),
    (P, "Kept text. Words that were inserted stay."),
    (P, "A commented sentence. Dated 5/8/94."),
    (L, "The first item."),
    (L, "The second item."),
    (Q, "Quoted words of someone else."),
    (P, "Cell one."),
    (P, "Cell two."),
    (P, "Cell three."),
    (P, "Cell four."),
    (P, "The last paragraph has a second note2 and an endnote.3"),
]
NOTES = [("1", "The first footnote."), ("2", "The second footnote."), ("3", "The endnote.")]


@pytest.mark.parametrize("fmt", ["docx", "odt", "html"])
def test_structure_of_a_word_processor_document(fmt: str) -> None:
    document = read_document(DOCUMENTS / f"features.{fmt}", "en")
    expected = list(FEATURES)
    if fmt == "html":  # LibreOffice's HTML export writes tracked deletions as plain text: nothing marks them
        expected[3] = (P, "Kept text. These words were deleted. Words that were inserted stay.")
    assert [(block.kind, document.text[block.start : block.end]) for block in document.blocks] == expected
    assert [(a.label, document.text[a.start : a.end]) for a in document.native_anchors] == [
        ("1", "1"),
        ("2", "2"),
        ("3", "3"),
    ]
    assert [(note.label, note.text) for note in document.notes] == NOTES
    assert all(document.text[note.start : note.end] == note.text for note in document.notes)
    assert "Running head" not in document.text and "Page" not in document.text
    assert "comment" not in document.text.replace("commented", "")


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("lang", ["en", "es"])
def test_protocol_segments_as_the_text_does(fmt: str, lang: str) -> None:
    """Same sentences, same block kinds, the same note labels in the same sentences, and the notes' texts."""
    plain = segment(read_document(TEXTS / f"bishkek-protocol.{lang}.txt", lang))
    rich = segment(read_document(DOCUMENTS / f"bishkek-protocol.{lang}.{fmt}", lang))

    def seen(segmentation: Segmentation) -> list[tuple[str, BlockKind, list[str]]]:
        blocks = segmentation.document.blocks
        return [(s.text, blocks[s.block].kind, [a.label for a in s.anchors]) for s in segmentation.sentences]

    assert seen(rich) == seen(plain)
    assert len(rich.document.notes) == 7
    assert rich.document.notes[1].text.startswith("De Waal, Thomas, Black Garden")


def test_native_markers_never_start_a_sentence() -> None:
    """``«incautados».508 Además``: the note stays at the end of its sentence, lifted out of the text."""
    spanish = segment(read_document(DOCUMENTS / "bishkek-protocol.es.docx", "es"))
    holder = next(s for s in spanish.sentences if [a.label for a in s.anchors] == ["508"])
    assert holder.text.endswith("«incautados».")
    assert spanish.document.text[holder.anchors[0].start : holder.anchors[0].end] == "508"
    assert not any(s.text[:1].isdigit() for s in spanish.sentences)


@pytest.mark.parametrize(
    ("name", "markup"),
    [
        (
            "word",
            '<p class=MsoNormal>A claim.<a style="mso-footnote-id:ftn1" href="#_ftn1" name="_ftnref1" title="">'
            "<span class=MsoFootnoteReference>[1]</span></a> More.</p>"
            "<div style='mso-element:footnote-list'><hr><div style='mso-element:footnote' id=ftn1>"
            '<p class=MsoFootnoteText><a href="#_ftnref1" name="_ftn1" title="">[1]</a> The source.</p></div></div>',
        ),
        (
            "pandoc",
            '<p>A claim.<a href="#fn1" class="footnote-ref" id="fnref1" role="doc-noteref"><sup>1</sup></a> More.</p>'
            '<section id="footnotes" class="footnotes" role="doc-endnotes"><hr /><ol>'
            '<li id="fn1"><p>The source.<a href="#fnref1" class="footnote-back" role="doc-backlink">↩︎</a></p></li>'
            "</ol></section>",
        ),
        (
            "markdown-it",
            '<p>A claim.<sup class="footnote-ref"><a href="#fn1" id="fnref1">[1]</a></sup> More.</p>'
            '<hr class="footnotes-sep"><section class="footnotes"><ol class="footnotes-list">'
            '<li id="fn1" class="footnote-item"><p>The source. <a href="#fnref1" class="footnote-backref">↩︎</a></p>'
            "</li></ol></section>",
        ),
    ],
)
def test_html_note_markup(name: str, markup: str, tmp_path: Path) -> None:
    page = tmp_path / f"{name}.html"
    page.write_text(f"<!DOCTYPE html><html><body><h1>Title</h1>{markup}</body></html>", encoding="utf-8")
    document = read_document(page, "en")
    assert [document.text[b.start : b.end] for b in document.blocks] == ["Title", "A claim.1 More."]
    assert [(note.label, note.text) for note in document.notes] == [("1", "The source.")]


def test_html_hidden_deleted_and_scripted_text_is_not_body(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(
        "<html><head><title>T</title><style>p{}</style></head><body><nav>Menu</nav>"
        "<p>Seen <del>gone</del><ins>added</ins> <span style='display:none'>hidden</span>text.</p>"
        "<script>var x = 1;</script><p hidden>Hidden paragraph.</p><blockquote><p>Quoted.</p></blockquote>"
        "<table><tr><td>Cell <b>one</b></td><td><p>Cell two</p></td></tr></table></body></html>",
        encoding="utf-8",
    )
    document = read_document(page, "en")
    assert [(b.kind, document.text[b.start : b.end]) for b in document.blocks] == [
        (P, "Seen added text."),
        (Q, "Quoted."),
        (P, "Cell one"),
        (P, "Cell two"),
    ]


def test_markdown_by_name_or_by_option(tmp_path: Path) -> None:
    source = "# Title\n\nA claim.[^n] More.\n\n[^n]: The source.\n"
    notes = tmp_path / "notes.txt"
    notes.write_text(source, encoding="utf-8")
    (tmp_path / "notes.md").write_text(source, encoding="utf-8")
    as_text = read_document(notes, "en")
    assert as_text.native_anchors == () and "[^n]" in as_text.text
    for document in (read_document(tmp_path / "notes.md", "en"), read_document(notes, "en", input_format="md")):
        assert [document.text[b.start : b.end] for b in document.blocks] == ["Title", "A claim.1 More."]
        assert [(note.label, note.text) for note in document.notes] == [("1", "The source.")]


def test_formats_are_told_by_content_not_name(tmp_path: Path) -> None:
    for fmt, expected in (("docx", InputFormat.DOCX), ("odt", InputFormat.ODT), ("pdf", InputFormat.PDF)):
        renamed = tmp_path / f"renamed-{fmt}.txt"
        renamed.write_bytes((DOCUMENTS / f"bishkek-protocol.en.{fmt}").read_bytes())
        assert detect_format(renamed, renamed.read_bytes()) == expected
    assert detect_format(Path("page.txt"), b"\xef\xbb\xbf  <!DOCTYPE html><html>") == InputFormat.HTML
    assert detect_format(Path("notes.txt"), b"# Title") == InputFormat.TXT
    assert detect_format(Path("notes.markdown"), b"# Title") == InputFormat.MD


def test_pdf_keeps_the_text_and_notes_but_guesses_the_rest() -> None:
    document = read_document(DOCUMENTS / "bishkek-protocol.es.pdf", "es")
    assert document.native_anchors == ()  # markers are found in the text, as in plain text
    assert [note.label for note in document.notes] == [str(n) for n in range(505, 512)]
    assert "Running head" not in document.text and "Page 2" not in document.text
    assert any("PDF" in warning for warning in document.warnings)


# --- refusals ---------------------------------------------------------------------------------------------------


def _zip(members: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return stream.getvalue()


_DOCX_TYPES = b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'
_BODY = b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body/></w:document>'


def _docx(document_xml: bytes) -> bytes:
    return _zip({"[Content_Types].xml": _DOCX_TYPES, "word/document.xml": document_xml})


def _lying_sizes() -> bytes:
    """A member that declares 1,000 bytes and inflates to 2 MB (its headers patched)."""
    data = bytearray(_docx(b"<w:document>" + b" " * 2_000_000 + b"</w:document>"))
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        start = 0
        while (start := data.find(signature, start)) >= 0:
            name_length = struct.unpack_from("<H", data, start + (26 if signature == b"PK\x03\x04" else 28))[0]
            name_at = start + (30 if signature == b"PK\x03\x04" else 46)
            if data[name_at : name_at + name_length] == b"word/document.xml":
                struct.pack_into("<I", data, start + offset, 1000)
            start += 4
    return bytes(data)


def _scanned_pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    stream = io.BytesIO()
    writer.write(stream)
    return stream.getvalue()


REFUSALS = [
    ("legacy.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "legacy Office file.*save it as .docx"),
    (
        "locked.docx",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100) + "EncryptionInfo".encode("utf-16-le"),
        "password-protected",
    ),
    ("letter.rtf", b"{\\rtf1\\ansi Hello}", "RTF file.*save it as .docx"),
    ("archive.zip", _zip({"a.txt": b"hello"}), "zip archive, not a document"),
    ("sheet.xlsx", _zip({"[Content_Types].xml": _DOCX_TYPES, "xl/workbook.xml": b"<w/>"}), "not a Word document"),
    ("sheet.ods", _zip({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet"}), "OpenDocument spreadsheet"),
    ("scan.pdf", _scanned_pdf(), "without a text layer.*OCR"),
    ("bomb.docx", _docx(b"<a>" + b" " * 20_000_000 + b"</a>"), "inflates more than 200 to 1"),
    # zipfile stops at the declared size and fails the CRC; either way no more than 1,000 bytes are inflated
    ("liar.docx", _lying_sizes(), "word/document.xml (cannot be unpacked|inflates past its declared size)"),
    ("climb.docx", _zip({"[Content_Types].xml": b"", "../../evil": b"x"}), "outside the archive"),
    (
        "laughs.docx",
        _docx(b'<!DOCTYPE d [<!ENTITY a "aaaa">]><w:document>&a;</w:document>'),
        "part word/document.xml declares XML entities",
    ),
    ("broken.docx", b"PK\x03\x04" + bytes(100), "damaged zip"),
    ("empty.docx", _docx(_BODY.replace(b"<w:body/>", b"")), "has no document body"),
]


@pytest.mark.parametrize(("name", "data", "message"), REFUSALS, ids=[case[0] for case in REFUSALS])
def test_refusals_are_one_line_in_bounded_time(name: str, data: bytes, message: str, tmp_path: Path) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    started = time.monotonic()
    with pytest.raises(InputError, match=message) as caught:
        read_document(path, "en")
    assert time.monotonic() - started < 2
    assert str(caught.value).startswith(f"{path}: ") and "\n" not in str(caught.value)


def test_cli_refuses_a_legacy_doc_and_writes_nothing(tmp_path: Path) -> None:
    legacy = tmp_path / "article.en.doc"
    legacy.write_bytes(REFUSALS[0][1])
    out = tmp_path / "out"
    arguments = ["align", str(legacy), str(TEXTS / "bishkek-protocol.es.txt"), "--out", str(out), "-q"]
    result = CliRunner().invoke(app, arguments)
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        f"paralign: error: {legacy}: is a legacy Office file (Word 97–2003 .doc or similar); "
        "open it in Word or LibreOffice and save it as .docx or .odt"
    ]
    assert not out.exists() or list(out.iterdir()) == []
