from __future__ import annotations

import codecs
import contextlib
import os
import time
from pathlib import Path

import pytest
from conftest import EN, ES, TEXTS
from hypothesis import given, settings
from hypothesis import strategies as st

from paralign.errors import InputError
from paralign.model import BlockKind
from paralign.read import _BINARY_SIGNATURES as BINARY_SIGNATURES
from paralign.read import TEXT_LIMIT, decode, read_bytes, read_document, split_blocks

ENGLISH = EN.read_text(encoding="utf-8")


def test_english_blocks_title_quote_and_note_section() -> None:
    document = read_document(EN, "en")
    kinds = [block.kind for block in document.blocks]
    assert kinds[0] == BlockKind.HEADING
    assert kinds.count(BlockKind.QUOTE) == 1
    assert document.text[document.blocks[kinds.index(BlockKind.QUOTE)].start :].startswith("The Bishkek meeting")
    assert [note.label for note in document.notes] == ["1", "2", "3", "4", "5", "6", "7"]
    assert document.notes[2].text == "De Waal, Black Garden, p. 238."
    assert all(block.end <= document.notes[0].start for block in document.blocks)


def test_spanish_one_paragraph_per_line() -> None:
    document = read_document(ES, "es")
    assert len(document.blocks) == 8
    assert document.notes == ()
    assert document.warnings == ()


def test_hard_wrapped_paragraphs_are_joined() -> None:
    text = (
        "The first paragraph runs over several lines because it was\n"
        "wrapped at a fixed width by an old editor, and it goes on\n"
        "for a while before it finally stops here.\n\n"
        "A second paragraph is also wrapped at the same width so that\n"
        "the lines break in the middle of sentences, as they do.\n"
    )
    blocks = split_blocks(text)
    assert len(blocks) == 2
    assert text[blocks[0].start : blocks[0].end].endswith("finally stops here.")


@pytest.mark.parametrize(
    ("line", "kind"),
    [("# Heading", BlockKind.HEADING), ("> Quoted text.", BlockKind.QUOTE), ("- an item", BlockKind.LIST_ITEM)],
)
def test_markdown_prefixes_set_the_kind_and_are_stripped(line: str, kind: BlockKind) -> None:
    text = f"Intro paragraph that is long enough to be prose.\n\n{line}\n"
    block = split_blocks(text)[1]
    assert block.kind == kind
    assert text[block.start : block.end] == line.split(" ", 1)[1]


def test_missing_file_names_the_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file") as caught:
        read_document(tmp_path / "nope.txt", "en")
    assert "nope.txt" in str(caught.value)


@pytest.mark.parametrize(
    ("line", "title"),
    [
        ("==Background==", "Background"),
        ("= Bishkek Protocol =", "Bishkek Protocol"),
        ("=== Signatories ===", "Signatories"),
        ("## Background ##", "Background"),
        ("## Background", "Background"),
    ],
)
def test_wiki_and_markdown_headings_are_headings_without_markup(line: str, title: str) -> None:
    intro, body = "Intro paragraph that is long enough to be prose.", "The paragraph under the heading, which is prose."
    text = f"{intro}\n\n{line}\n{body}\n"
    blocks = split_blocks(text)
    assert [block.kind for block in blocks] == [BlockKind.PARAGRAPH, BlockKind.HEADING, BlockKind.PARAGRAPH]
    assert text[blocks[1].start : blocks[1].end] == title


def test_wiki_article_headings_stay_apart_from_their_paragraphs() -> None:
    document = read_document(TEXTS / "bishkek-protocol-wiki.en.txt", "en")
    headings = [document.text[b.start : b.end] for b in document.blocks if b.kind == BlockKind.HEADING]
    assert headings[:3] == ["Bishkek Protocol", "Background", "Signatories"]
    assert not any("=" in heading or "\n" in heading for heading in headings)


# --- Decoding never guesses wrong silently; reads are bounded ---------------------------------------------------------

SPANISH = ES.read_text(encoding="utf-8")
ONE_BAD_SEQUENCE = SPANISH.encode("utf-8")[:500] + b"\xed\xa0\x80" + SPANISH.encode("utf-8")[500:]


def test_utf8_with_one_invalid_sequence_is_refused_with_its_offset() -> None:
    with pytest.raises(InputError) as caught:
        decode(ONE_BAD_SEQUENCE, Path("es.txt"))
    assert str(caught.value) == (
        "es.txt: invalid UTF-8 at byte 500 "
        "(3 invalid UTF-8 sequences in otherwise UTF-8 text; refused rather than guessed)"
    )


def test_invalid_utf8_replaced_and_counted_on_request() -> None:
    text, warnings = decode(ONE_BAD_SEQUENCE, Path("es.txt"), errors="replace")
    before, after = SPANISH.encode("utf-8")[:500].decode("utf-8"), SPANISH.encode("utf-8")[500:].decode("utf-8")
    assert text == before + "\ufffd" * 3 + after
    assert warnings == ["3 invalid UTF-8 sequences replaced with U+FFFD (the first at byte 500)"]


@pytest.mark.parametrize(
    "text",
    [SPANISH, ENGLISH.replace("'", "’").replace('"', "”") + " – naïve café"],
    ids=["Spanish accents", "English typographic quotes"],
)
def test_windows_1252_is_chosen_when_the_bytes_look_like_it(text: str) -> None:
    decoded, warnings = decode(text.encode("cp1252"), Path("t.txt"))
    assert decoded == text
    assert warnings == ["not UTF-8: decoded as Windows-1252 (pass --encoding to override)"]


def test_mostly_symbols_are_not_taken_for_windows_1252() -> None:
    data = ("Zahlen " + "¤¦¬¯¸ˆ‰†‡" * 20).encode("cp1252")
    with pytest.raises(InputError, match=r"is neither UTF-8 nor Windows-1252 text; pass --encoding"):
        decode(data, Path("t.txt"))


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda tmp: Path("/dev/zero"), "/dev/zero: is a device, not a text file; give a regular file"),
        (lambda tmp: Path("/dev/urandom"), "/dev/urandom: is a device, not a text file; give a regular file"),
        (lambda tmp: _fifo(tmp), "{tmp}/pipe: is a pipe (FIFO), not a text file; give a regular file"),
        (lambda tmp: tmp, "{tmp}: is a directory, not a text file"),
    ],
    ids=["/dev/zero", "/dev/urandom", "FIFO", "directory"],
)
def test_inputs_that_are_not_regular_files_are_refused_at_once(make, message: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    started = time.monotonic()
    with pytest.raises(InputError) as caught:
        read_document(make(tmp_path), "en")
    assert time.monotonic() - started < 2
    assert str(caught.value) == message.format(tmp=tmp_path)


def _fifo(tmp: Path) -> Path:
    os.mkfifo(tmp / "pipe")
    return tmp / "pipe"


def test_oversized_text_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    with open(path, "wb") as stream:
        stream.truncate(TEXT_LIMIT + 1)  # sparse: no disk used
    with pytest.raises(InputError) as caught:
        read_bytes(path)
    assert str(caught.value) == f"{path}: is 100 MB; a text file may be at most 100 MB"


@settings(max_examples=300, deadline=None)
@given(st.text(st.characters(codec="utf-8")))
def test_valid_utf8_always_decodes_exactly(text: str) -> None:
    data = text.encode("utf-8")
    try:
        decoded, warnings = decode(data, Path("t.txt"))
    except InputError as error:  # the only refusals of valid UTF-8: what looks binary
        assert str(error) == "t.txt: is a binary file, not text"
        assert data.count(b"\x00") > len(data) // 10 or data.startswith(BINARY_SIGNATURES)
        return
    if data.startswith(codecs.BOM_UTF8):
        assert decoded == text[1:]
    else:
        assert (decoded, warnings) == (text, [])


@settings(max_examples=500, deadline=None)
@given(st.binary(max_size=400), st.sampled_from(["strict", "replace"]))
def test_any_bytes_decode_or_give_an_input_error(data: bytes, errors: str) -> None:
    try:
        text, _ = decode(data, Path("t.txt"), errors=errors)  # type: ignore[arg-type]
    except InputError as error:
        assert str(error).startswith("t.txt: ") and "\n" not in str(error)
        return
    if not data.startswith(codecs.BOM_UTF8):
        with contextlib.suppress(UnicodeDecodeError):
            assert text == data.decode("utf-8")  # valid UTF-8 is never taken for anything else
