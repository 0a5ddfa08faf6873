"""PDF → ``Document`` from its text layer: what survives of a laid-out page.

pypdf (pure Python, no system library, kept by an active team; pdfplumber
would add pdfminer.six for layout we do not use). A PDF holds positioned
lines, not paragraphs or notes, so this reader rebuilds what it can and the
rest is lost (README, "Documents"):

- paragraphs: a line clearly shorter than the page's longest, ending like a
  sentence, ends its paragraph; a paragraph cut by a page break is joined
  again when the page's last line does not end like a sentence;
- running heads and page numbers: a line that stands first (or last) on
  most pages, digits aside, is dropped;
- notes at the foot of a page: the page's last lines, when they start with
  consecutive numbers (``505De Waal…``, ``1 “Bishkek…``) the first of which
  stands after punctuation in the page's body (``región.505``), are taken
  out of the body and become the document's notes section;
- headings, quotes and list items are then found as in plain text
  (``read.split_blocks``), and note markers as in plain text (digits after
  punctuation), since a PDF's superscript is only a smaller glyph.

A PDF without a text layer (a scan) is refused: OCR is a job of its own.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from pathlib import Path

from pypdf import PdfReader
from pypdf.errors import PyPdfError

from paralign.documents._builder import DocumentBuilder
from paralign.errors import InputError
from paralign.model import Document
from paralign.read import clean, split_blocks

_SENTENCE_END = re.compile(r"[.!?…:;»”\"')\]]\d{0,4}\s*$")
#: A paragraph's last line is shorter than this share of the page's longest line.
_SHORT_LINE = 0.85
_DIGITS = re.compile(r"\d+")
#: A note's first line at a page's foot: its number, glued to the text or a space before it.
_NOTE_START = re.compile(r"(\d{1,4})(?:\s+(?=[^\s\d])|(?=[^\W\d_]|[“\"«(‘]))")


def _page_lines(reader: PdfReader, path: Path) -> list[list[str]]:
    try:
        return [
            [line.strip() for line in (page.extract_text() or "").splitlines() if line.strip()] for page in reader.pages
        ]
    except (PyPdfError, ValueError, KeyError, TypeError, RecursionError) as error:
        raise InputError(path, f"is a damaged PDF ({type(error).__name__}); export it again") from None


def _running_lines(pages: list[list[str]]) -> set[str]:
    """Lines that open or close most pages (digits aside): running heads, footers, page numbers."""
    if len(pages) < 2:
        return set()
    ends = Counter(_DIGITS.sub("#", line) for lines in pages if lines for line in {lines[0], lines[-1]})
    return {line for line, count in ends.items() if count > len(pages) // 2}


def _foot_notes(lines: list[str]) -> tuple[list[str], list[tuple[str, str]]]:
    """A page's body lines, and the notes at its foot as ``(number, text)``."""
    for start, line in enumerate(lines):
        first = _NOTE_START.match(line)
        if first is None or not re.search(rf"[.!?»”\"’)]\s?{first.group(1)}(?!\d)", " ".join(lines[:start])):
            continue
        notes: list[tuple[str, str]] = []
        for note_line in lines[start:]:
            match = _NOTE_START.match(note_line)
            if match and (not notes or int(match.group(1)) == int(notes[-1][0]) + 1):
                notes.append((match.group(1), note_line[match.end() :]))
            else:
                notes[-1] = (notes[-1][0], f"{notes[-1][1]} {note_line}")
        return lines[:start], notes
    return lines, []


def _joined(lines: list[str]) -> str:
    """A paragraph's lines as one: a line ending in a hyphen after a letter (``conflict-``) runs on without a space."""
    text = lines[0]
    for line in lines[1:]:
        text += line if text.endswith("-") and text[-2:-1].isalpha() else " " + line
    return text


def _paragraphs(pages: list[list[str]]) -> list[str]:
    """The body's paragraphs across pages, then the notes as ``[n] text`` paragraphs (a notes section)."""
    running = _running_lines(pages)
    paragraphs: list[str] = []
    notes: list[tuple[str, str]] = []
    current: list[str] = []
    for lines in pages:
        body, page_notes = _foot_notes([line for line in lines if _DIGITS.sub("#", line) not in running])
        notes += page_notes
        longest = max((len(line) for line in body), default=0)
        for line in body:
            current.append(line)
            if len(line) < _SHORT_LINE * longest and _SENTENCE_END.search(line):
                paragraphs.append(_joined(current))
                current = []
    if current:
        paragraphs.append(_joined(current))
    return paragraphs + [f"[{number}] {text}" for number, text in notes]


def read_pdf(path: Path, data: bytes, lang: str) -> Document:
    """Read a PDF's text layer (the file's bytes ``data``) into a ``Document``.

    Raises:
        InputError: damaged, password-protected, or without a text layer.
    """
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise InputError(path, "is a password-protected PDF; save an unprotected copy or give the .docx")
    except (PyPdfError, ValueError, KeyError, TypeError, RecursionError) as error:
        raise InputError(path, f"is a damaged PDF ({type(error).__name__}); export it again") from None
    paragraphs = _paragraphs(_page_lines(reader, path))
    if not any(any(char.isalpha() for char in paragraph) for paragraph in paragraphs):
        raise InputError(path, "is a PDF without a text layer (a scan?); run OCR on it or give the original .docx")
    text, warnings = clean("\n\n".join(paragraphs))
    builder = DocumentBuilder(path, lang)
    for block in split_blocks(text):
        builder.start_block(block.kind)
        builder.text(text[block.start : block.end])
    builder.warn("read from a PDF's text layer: paragraphs rebuilt from line lengths, notes from the pages' feet")
    for warning in warnings:
        builder.warn(warning)
    return builder.build()
