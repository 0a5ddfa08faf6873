"""Any supported file → ``Document``: the format found from the bytes, then its reader.

Formats are told by content, not by name, because files travel renamed
(``article.docx`` saved from a web mail as ``article``, a Word "web page"
named ``.doc``): a zip holding ``[Content_Types].xml`` and
``word/document.xml`` is Word (OOXML), a zip whose ``mimetype`` member is
``application/vnd.oasis.opendocument.text`` is OpenDocument, ``%PDF`` is PDF,
markup opening with ``<!DOCTYPE html>`` or ``<html`` is HTML. Markdown is
plain text, so nothing in its bytes tells it from a ``.txt``: a ``.md`` or
``.markdown`` file is read as Markdown, anything else as text, and
``--input-format`` (``input_format``) overrides every guess.

What cannot be read is refused with what to do instead: a legacy ``.doc``
or any other OLE2 file, a password-protected Office file (also OLE2, holding
an ``EncryptionInfo`` stream), RTF, a zip that is no text document.

This module imports only ``read`` and the zip guard (lxml, which the
exports load anyway); each format's reader (markdown-it-py, pypdf) is
imported when a file of that format is read, so ``paralign --help`` stays instant.
"""

from __future__ import annotations

import re
from enum import Enum
from pathlib import Path

from paralign.documents.archive import EMPTY_ZIP_MAGIC, ZIP_MAGIC, Archive
from paralign.errors import InputError
from paralign.model import Document, ReadOptions
from paralign.read import InvalidUtf8, read_bytes, read_presplit
from paralign.read import read_document as read_text_document

__all__ = ["InputFormat", "detect_format", "read_document", "read_input"]


class InputFormat(str, Enum):
    """What ``--input-format`` may name; ``None`` (the default) detects it."""

    TXT = "txt"
    MD = "md"
    HTML = "html"
    DOCX = "docx"
    ODT = "odt"
    PDF = "pdf"


_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
#: The stream an encrypted OOXML file keeps inside its OLE2 wrapper (names are UTF-16 in the directory).
_ENCRYPTION_INFO = "EncryptionInfo".encode("utf-16-le")
_RTF_MAGIC = b"{\\rtf"
_PDF_MAGIC = b"%PDF-"
_ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
_HTML_START = re.compile(
    rb"\A(?:\xef\xbb\xbf)?\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*(?:<!doctype\s+html|<html[\s>])",
    re.IGNORECASE | re.DOTALL,
)
_MARKDOWN_SUFFIXES = {".md", ".markdown"}
_HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
#: What to say about a file we cannot read, by what it is.
SAVE_AS = "open it in Word or LibreOffice and save it as .docx or .odt"


def detect_format(path: Path, data: bytes) -> InputFormat:
    """The format of ``data`` (the file at ``path``), from its bytes; the name decides only Markdown.

    Raises:
        InputError: a format paralign cannot read (legacy Office, RTF,
            password-protected, a zip that is no text document), with what to do.
    """
    if data.startswith(_OLE2_MAGIC):
        if _ENCRYPTION_INFO in data:
            raise InputError(path, "is password-protected; remove the password in Word (File > Info) and save it again")
        raise InputError(path, f"is a legacy Office file (Word 97–2003 .doc or similar); {SAVE_AS}")
    if data.startswith(_RTF_MAGIC):
        raise InputError(path, f"is an RTF file, which paralign does not read; {SAVE_AS}")
    if data.startswith(_PDF_MAGIC):
        return InputFormat.PDF
    if data.startswith((ZIP_MAGIC, EMPTY_ZIP_MAGIC)):
        return _zip_format(path, data)
    if _HTML_START.match(data[:4096]):
        return InputFormat.HTML
    suffix = path.suffix.lower()
    if suffix in _MARKDOWN_SUFFIXES:
        return InputFormat.MD
    if suffix in _HTML_SUFFIXES:
        return InputFormat.HTML
    return InputFormat.TXT


def _zip_format(path: Path, data: bytes) -> InputFormat:
    archive = Archive(path, data)
    if "word/document.xml" in archive.names and "[Content_Types].xml" in archive.names:
        return InputFormat.DOCX
    if "mimetype" in archive.names:
        mimetype = archive.read("mimetype").strip()
        if mimetype == _ODT_MIMETYPE:
            return InputFormat.ODT
        kind = mimetype.decode("ascii", "replace").rpartition(".")[2][:40]
        raise InputError(path, f"is an OpenDocument {kind}, not a text document; give an .odt, .docx or .txt")
    if "[Content_Types].xml" in archive.names:
        raise InputError(path, "is an Office file but not a Word document (a spreadsheet or slides?); give a .docx")
    raise InputError(path, "is a zip archive, not a document; give a .docx, .odt, .html, .md, .pdf or .txt file")


def read_document(
    path: Path | str,
    lang: str,
    encoding: str | None = None,
    errors: InvalidUtf8 = "strict",
    input_format: InputFormat | str | None = None,
) -> Document:
    """Read a text, a Word or OpenDocument file, a web page, Markdown or a PDF into a ``Document``.

    Args:
        path: the file.
        lang: its language (BCP 47).
        encoding: for plain text, Markdown and HTML: force the encoding.
        errors: for plain text, Markdown and HTML: ``"replace"`` invalid UTF-8
            sequences instead of refusing the file (``read.decode``).
        input_format: read as this format instead of detecting it.

    Raises:
        InputError: the file cannot be read as its format, or is of a format
            paralign refuses; one line naming it and what to do.
    """
    path = Path(path)
    chosen = InputFormat(input_format) if input_format is not None else None
    if chosen is InputFormat.TXT:
        return read_text_document(path, lang, encoding, errors)
    data = read_bytes(path)
    if not data:
        raise InputError(path, "is empty")
    fmt = chosen or detect_format(path, data)
    if fmt is InputFormat.TXT:
        return read_text_document(path, lang, encoding, errors)
    if fmt is InputFormat.DOCX:
        from paralign.documents.docx import read_docx

        return read_docx(path, data, lang)
    if fmt is InputFormat.ODT:
        from paralign.documents.odt import read_odt

        return read_odt(path, data, lang)
    if fmt is InputFormat.HTML:
        from paralign.documents.html import read_html

        return read_html(path, data, lang, encoding, errors)
    if fmt is InputFormat.MD:
        from paralign.documents.markdown import read_markdown

        return read_markdown(path, data, lang, encoding, errors)
    from paralign.documents.pdf import read_pdf

    return read_pdf(path, data, lang)


def read_input(path: Path | str, lang: str, presplit: bool, reading: ReadOptions) -> Document:
    """A text read the way an alignment run reads it: line by line when pre-split, else by its format.

    ``reading`` holds the run's options (encoding, reader, invalid UTF-8).
    ``align_texts`` and a sheet's rebuild (``corrections``) both read through
    here, so a rebuild reads the very text the run aligned.
    """
    errors: InvalidUtf8 = "replace" if reading.replace_invalid_utf8 else "strict"
    if presplit:
        return read_presplit(path, lang, reading.encoding, errors)
    return read_document(path, lang, reading.encoding, errors, reading.input_format)
