"""File → ``Document``: decoding, clean-up, blocks.

Translators get files from Word, from the web and from clients' servers, so
reading is forgiving where the meaning is unambiguous (a BOM, CRLF line ends,
a Windows-1252 file) and records what it repaired in ``Document.warnings``; it
refuses, with an ``InputError`` naming the file, what is not text at all.

A block is a hard sentence boundary. Blank lines always separate blocks; a
single line break does too, unless the file is hard-wrapped (most lines of a
paragraph are long and stop mid-sentence), in which case the lines of a
paragraph are joined.
"""

from __future__ import annotations

import codecs
import os
import re
import stat
import unicodedata
from pathlib import Path
from typing import Literal

from paralign.errors import InputError
from paralign.footnotes import split_note_section
from paralign.model import Block, BlockKind, Document

#: Characters XML 1.0 cannot carry (C0 controls but tab and line feed, and the
#: non-characters U+FFFE/U+FFFF); they are removed, and counted.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

_BINARY_SIGNATURES = (b"\x89PNG", b"%PDF", b"PK\x03\x04", b"\xff\xd8\xff", b"GIF8", b"\x7fELF")

_LIST_ITEM = re.compile(r"(?:[-*•–]|\d{1,3}[.)]|[a-z][.)])\s+")
_MARKDOWN_HEADING = re.compile(r"#{1,6}\s+")
#: ``## Background ##``: Markdown's optional closing hashes.
_CLOSING_HASHES = re.compile(r"\s+#+\s*$")
#: ``==Background==``: a MediaWiki heading, the same run of ``=`` on both sides.
_WIKI_HEADING = re.compile(r"(={1,6})[ \t]*([^=\n].*?)[ \t]*\1[ \t]*$")
_MARKDOWN_QUOTE = re.compile(r">\s?")
#: Hard-wrapped text: lines no wider than this (e-mail, Project Gutenberg and
#: terminal text wrap at 60–80; 120 leaves room for wider editors)…
_MAX_WRAP_WIDTH = 120
#: …where at least this share of a paragraph's inner lines stop mid-sentence.
_MIN_MID_SENTENCE_SHARE = 0.5
#: A heading is short: at most this many characters and words (titles of
#: articles and sections; a longer unpunctuated line is a caption or a list).
_MAX_HEADING_CHARS = 150
_MAX_HEADING_WORDS = 20
#: Han characters and kana: in scripts without spaces each counts as a word, so a Chinese paragraph
#: of three sentences is not taken for a heading because ``split()`` sees one "word".
_IDEOGRAPHS = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_TERMINAL = re.compile(r"[.!?…:;»”\"')\]。！？：；」』）]\s*$|\d$")


#: What to do with invalid sequences in a file that is otherwise UTF-8: refuse it, or replace them with U+FFFD.
InvalidUtf8 = Literal["strict", "replace"]
#: Windows-1252 text is mostly ASCII: Western languages write at most about one letter in five with an accent.
_MAX_CP1252_HIGH_SHARE = 0.3
#: …and its high bytes are letters or typographic punctuation, not symbols and control-like signs.
_MIN_CP1252_TEXT_SHARE = 0.75
_ASCII_BYTES = bytes(range(0x80))
_CP1252_PUNCTUATION = frozenset("\u00a0‘’‚“”„–—…«»¡¿°€£¥§©®™•·´¨¹²³¼½¾×÷±µ¶")


def decode(
    data: bytes, path: Path, encoding: str | None = None, errors: InvalidUtf8 = "strict"
) -> tuple[str, list[str]]:
    """Bytes → text, with a warning for every repair made.

    Order of trust: an explicit ``encoding``, then a BOM, then UTF-8, then
    Windows-1252 (what Word's "plain text" gives on Western systems). A file
    that is UTF-8 but for a few invalid sequences is refused, naming the first
    one's byte offset, because decoding it all as Windows-1252 would garble
    every accent without a word: ``errors="replace"`` replaces those
    sequences with U+FFFD instead, and counts them in a warning. Windows-1252
    is chosen only when the bytes look like it (``_looks_like_cp1252``).
    """
    if encoding is not None:
        return _decode_declared(data, path, encoding, errors), []
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(codec), [f"byte order mark removed ({codec.upper()})"]
            except UnicodeDecodeError as error:
                raise InputError(
                    path, f"starts with a {codec} byte order mark but is not valid {codec} at byte {error.start}"
                ) from None
    if data.startswith(_BINARY_SIGNATURES) or data.count(b"\x00") > len(data) // 10:
        raise InputError(path, "is a binary file, not text")
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError as error:
        first_invalid = error.start
    replaced = data.decode("utf-8", "replace")
    invalid = replaced.count("\ufffd") - data.count("\ufffd".encode())
    valid_multibyte = len(replaced) - len(replaced.encode("ascii", "ignore")) - invalid
    if valid_multibyte < invalid and _looks_like_cp1252(data):
        return data.decode("cp1252"), ["not UTF-8: decoded as Windows-1252 (pass --encoding to override)"]
    if valid_multibyte == 0:
        raise InputError(path, "is neither UTF-8 nor Windows-1252 text; pass --encoding")
    count = f"{invalid:,} invalid UTF-8 sequence{'s' if invalid != 1 else ''}"
    if errors == "replace":
        return replaced, [f"{count} replaced with U+FFFD (the first at byte {first_invalid})"]
    raise InputError(
        path, f"invalid UTF-8 at byte {first_invalid} ({count} in otherwise UTF-8 text; refused rather than guessed)"
    )


def _decode_declared(data: bytes, path: Path, encoding: str, errors: InvalidUtf8) -> str:
    try:
        return data.decode(encoding, errors)
    except LookupError:
        raise InputError(path, f"unknown encoding {encoding!r}") from None
    except UnicodeDecodeError as error:
        raise InputError(path, f"not valid {encoding} at byte {error.start}") from None


def _looks_like_cp1252(data: bytes) -> bool:
    """Mostly ASCII, every byte defined in Windows-1252, and the others letters or typographic punctuation."""
    high_bytes = data.translate(None, _ASCII_BYTES)
    if len(high_bytes) > _MAX_CP1252_HIGH_SHARE * len(data):
        return False
    try:
        high = high_bytes.decode("cp1252")
    except UnicodeDecodeError:
        return False
    wordlike = sum(1 for char in high if char.isalpha() or char in _CP1252_PUNCTUATION)
    return wordlike >= _MIN_CP1252_TEXT_SHARE * len(high)


def clean(text: str) -> tuple[str, list[str]]:
    """Normalise line ends and Unicode (NFC), drop XML-illegal characters."""
    warnings: list[str] = []
    if "\r" in text:
        warnings.append("CRLF or CR line ends converted to LF")
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    text, removed = _XML_ILLEGAL.subn("", text)
    if removed:
        warnings.append(f"{removed} control character{'s' if removed != 1 else ''} illegal in XML removed")
    text = text.replace("\u00a0", " ").replace("\u2028", "\n").replace("\u2029", "\n\n")
    return unicodedata.normalize("NFC", text), warnings


#: Size limits, so that no file can exhaust memory: a text (a book is 1–5 MB; the aligner's own
#: limits bite long before 100 MB), and a bead file for ``evaluate``, which is streamed.
TEXT_LIMIT = 100 * 1024 * 1024
ALIGNMENT_LIMIT = 2 * 1024 * 1024 * 1024
_FILE_KINDS = ((stat.S_ISFIFO, "a pipe (FIFO)"), (stat.S_ISCHR, "a device"), (stat.S_ISBLK, "a device"))


def open_regular(path: Path, kind: str = "text file", limit: int = TEXT_LIMIT) -> int:
    """A descriptor on ``path``, which must be a regular file no larger than ``limit`` bytes.

    Opened without blocking, so a FIFO is refused at once instead of hanging,
    and checked on the descriptor itself (``fstat``), so a path swapped after
    the check cannot slip a device in. ``kind`` completes "…, not a …".

    Raises:
        InputError: missing, unreadable, not a regular file, or too large.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY)
    except FileNotFoundError:
        raise InputError(path, "no such file") from None
    except OSError as error:
        raise InputError(path, f"cannot be read ({error.strerror or error})") from None
    try:
        _check_regular(path, os.fstat(fd), kind, limit)
    except BaseException:
        os.close(fd)
        raise
    return fd


def _check_regular(path: Path, status: os.stat_result, kind: str, limit: int) -> None:
    if stat.S_ISDIR(status.st_mode):
        raise InputError(path, f"is a directory, not {_a(kind)}")
    if not stat.S_ISREG(status.st_mode):
        what = next((name for test, name in _FILE_KINDS if test(status.st_mode)), "not a regular file")
        raise InputError(path, f"is {what}, not {_a(kind)}; give a regular file")
    if status.st_size > limit:
        raise InputError(path, f"is {_megabytes(status.st_size)}; {_a(kind)} may be at most {_megabytes(limit)}")


def _a(kind: str) -> str:
    """``a text file``, ``an alignment file``."""
    return f"{'an' if kind[:1] in 'aeiou' else 'a'} {kind}"


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:,.0f} MB" if size >= 1024 * 1024 else f"{size:,} bytes"


def read_bytes(path: Path | str, kind: str = "text file", limit: int = TEXT_LIMIT) -> bytes:
    """A user's file, whole; every way it can fail becomes an ``InputError`` naming it.

    Only regular files of at most ``limit`` bytes are read (``open_regular``);
    ``kind`` completes "is a directory, not a …" in the message.
    """
    path = Path(path)
    fd = open_regular(path, kind, limit)
    try:
        with open(fd, "rb") as stream:
            data = stream.read(limit + 1)
    except OSError as error:
        raise InputError(path, f"cannot be read ({error.strerror or error})") from None
    if len(data) > limit:  # it grew since fstat
        raise InputError(path, f"is larger than {_megabytes(limit)}, the limit for {_a(kind)}")
    return data


def read_text(path: Path | str, encoding: str | None = None, errors: InvalidUtf8 = "strict") -> tuple[str, list[str]]:
    """A file's text, decoded and cleaned, with the warnings of what was repaired.

    ``errors="replace"`` replaces the invalid sequences of an otherwise UTF-8
    file (``decode``) instead of refusing it.

    Raises:
        InputError: the file is missing, not a regular file, over ``TEXT_LIMIT``,
            empty, binary or undecodable.
    """
    path = Path(path)
    data = read_bytes(path)
    if not data:
        raise InputError(path, "is empty")
    text, warnings = decode(data, path, encoding, errors)
    text, clean_warnings = clean(text)
    if not text.strip():
        raise InputError(path, "contains only whitespace")
    return text, warnings + clean_warnings


def read_document(path: Path | str, lang: str, encoding: str | None = None, errors: InvalidUtf8 = "strict") -> Document:
    """Read a plain-text file into a ``Document`` with its blocks and notes (``errors`` as in ``read_text``)."""
    text, warnings = read_text(path, encoding, errors)
    document = Document(Path(path), lang, text, tuple(split_blocks(text)), warnings=tuple(warnings))
    return split_note_section(document)


def read_presplit(path: Path | str, lang: str, encoding: str | None = None, errors: InvalidUtf8 = "strict") -> Document:
    """Read a file with one sentence per line: the whole text is one block, line k is sentence k.

    One block, not one per line: a line break in pre-split input ends a
    sentence, not a paragraph, so the aligner must stay free to merge lines
    into one bead (a 2-1 across a "paragraph" would otherwise pay the block
    penalty, which cost 27 points of strict F1 on Text+Berg dev). Blank lines
    stay sentences, so sentence numbers stay line numbers (as in gold
    alignment files); a final line break does not start a sentence.
    ``errors`` is as in ``read_text``.
    """
    text, warnings = read_text(path, encoding, errors)
    blocks = (Block(BlockKind.PARAGRAPH, 0, len(text)),)
    return Document(Path(path), lang, text, blocks, warnings=tuple(warnings))


def line_spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of every line of ``text``, without its line break; no empty line after a final break."""
    spans = _line_spans(text)
    if len(spans) > 1 and spans[-1][0] == spans[-1][1] == len(text):
        spans.pop()
    return spans


def split_blocks(text: str) -> list[Block]:
    """Find the paragraphs, headings, quotes and list items of a text."""
    lines = _line_spans(text)
    chunks: list[list[tuple[int, int]]] = [[]]
    for start, end in lines:
        if text[start:end].strip():
            chunks[-1].append((start, end))
        elif chunks[-1]:
            chunks.append([])
    if not chunks[-1]:
        chunks.pop()
    hard_wrapped = _is_hard_wrapped(text, chunks)
    spans: list[tuple[int, int]] = []
    for chunk in chunks:
        if hard_wrapped:
            spans.extend(_join_wrapped(text, chunk))
        else:
            spans.extend(chunk)
    blocks: list[Block] = []
    for start, end in spans:
        blocks.append(_classify(text, start, end, previous=blocks[-1] if blocks else None))
    return _mark_headings(text, blocks)


def _line_spans(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for match in re.finditer("\n", text):
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(text)))
    return spans


def _is_hard_wrapped(text: str, chunks: list[list[tuple[int, int]]]) -> bool:
    """True when multi-line paragraphs mostly break mid-sentence at a fixed width."""
    inner = [(s, e) for chunk in chunks if len(chunk) > 1 for s, e in chunk[:-1] if not _is_heading_line(text[s:e])]
    if len(inner) < 3:
        return False
    widths = [e - s for s, e in inner]
    mid_sentence = sum(1 for s, e in inner if not _TERMINAL.search(text[s:e]))
    return max(widths) <= _MAX_WRAP_WIDTH and mid_sentence >= _MIN_MID_SENTENCE_SHARE * len(inner)


def _join_wrapped(text: str, chunk: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Lines of a hard-wrapped paragraph become one span; list items stay apart."""
    spans: list[tuple[int, int]] = []
    after_heading = False
    for start, end in chunk:
        line = text[start:end]
        heading = _is_heading_line(line)
        if spans and not heading and not after_heading and not _LIST_ITEM.match(line.lstrip()):
            spans[-1] = (spans[-1][0], end)
        else:
            spans.append((start, end))
        after_heading = heading
    return spans


def _is_heading_line(line: str) -> bool:
    """A line marked up as a heading (``## Background``, ``==Background==``): never part of a wrapped paragraph."""
    stripped = line.strip()
    return bool(_MARKDOWN_HEADING.match(stripped) or _WIKI_HEADING.match(stripped))


def _classify(text: str, start: int, end: int, previous: Block | None) -> Block:
    """Decide a span's kind and strip its markup prefix and surrounding blanks."""
    line = text[start:end]
    stripped = line.lstrip()
    start += len(line) - len(stripped)
    end = start + len(stripped.rstrip())
    wiki = _WIKI_HEADING.match(text, start, end)
    if wiki:
        return Block(BlockKind.HEADING, wiki.start(2), wiki.end(2))
    heading = _MARKDOWN_HEADING.match(text, start, end)
    if heading:
        closing = _CLOSING_HASHES.search(text, heading.end(), end)
        return Block(BlockKind.HEADING, heading.end(), closing.start() if closing else end)
    quote = _MARKDOWN_QUOTE.match(text, start, end)
    if quote:
        return Block(BlockKind.QUOTE, quote.end(), end)
    item = _LIST_ITEM.match(text, start, end)
    if item and not re.match(r"\d{1,3}[.)]\s+\d", text[start:end]):
        # A bullet is layout and is dropped; a number or letter ("2.", "b)") is content.
        bullet = text[start] in "-*•–"
        return Block(BlockKind.LIST_ITEM, item.end() if bullet else start, end)
    if (
        previous is not None
        and text[previous.start : previous.end].rstrip().endswith(":")
        and previous.kind != BlockKind.HEADING
    ):
        return Block(BlockKind.QUOTE, start, end)
    return Block(BlockKind.PARAGRAPH, start, end)


def _mark_headings(text: str, blocks: list[Block]) -> list[Block]:
    """A short block that does not end like a sentence and is followed by prose is a heading."""
    marked = []
    for position, block in enumerate(blocks):
        body = text[block.start : block.end]
        followed_by_prose = position + 1 < len(blocks) and (
            blocks[position + 1].end - blocks[position + 1].start
        ) > len(body)
        if (
            block.kind == BlockKind.PARAGRAPH
            and followed_by_prose
            and len(body) <= _MAX_HEADING_CHARS
            and len(body.split()) + len(_IDEOGRAPHS.findall(body)) <= _MAX_HEADING_WORDS
            and not re.search(r"[.:;,。：；，]\s*$", body)
            and "\n" not in body
        ):
            block = Block(BlockKind.HEADING, block.start, block.end)
        marked.append(block)
    return marked
