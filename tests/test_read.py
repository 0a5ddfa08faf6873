from __future__ import annotations

from pathlib import Path

import pytest
from conftest import EN, ES, TEXTS

from paralign.errors import InputError
from paralign.model import BlockKind
from paralign.read import read_document, split_blocks


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
