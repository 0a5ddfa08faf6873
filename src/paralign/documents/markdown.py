"""Markdown → ``Document``: CommonMark blocks, ``[^1]`` footnote references as anchors.

markdown-it-py (CommonMark, with tables enabled) and the footnote plugin of
mdit-py-plugins: the reference implementations' port, already installed
with rich, which parses to a token stream with block nesting, so that a
paragraph inside a quote or a list item is of that kind without any
guessing. Headings (``#`` and underlined), paragraphs, quotes, list items
and table cells are blocks; code blocks and raw HTML are not prose and are
left out; inline markup is dropped and its text kept (a link's text, code
spans' content; not images).

A footnote reference is labelled with its label when that is a number
(``[^505]`` → ``505``, as the author numbered it), otherwise with the number
markdown-it shows for it (``[^note]`` → its place, 1, 2…); the definition's
paragraphs are the note's text.
"""

from __future__ import annotations

from pathlib import Path

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.footnote import footnote_plugin

from paralign.documents._builder import DocumentBuilder
from paralign.errors import InputError
from paralign.model import BlockKind, Document
from paralign.read import InvalidUtf8, clean, decode

_KINDS = {
    "blockquote_open": BlockKind.QUOTE,
    "list_item_open": BlockKind.LIST_ITEM,
    "th_open": BlockKind.PARAGRAPH,
    "td_open": BlockKind.PARAGRAPH,
}
_CLOSES = {"blockquote_close", "list_item_close", "th_close", "td_close"}
_INLINE_TEXT = {"text", "code_inline"}
_BREAKS = {"softbreak", "hardbreak"}


def _label(meta: dict[str, object]) -> str:
    label = meta.get("label")
    if isinstance(label, str) and label.isdigit():
        return label
    number = meta.get("id")
    return str(number + 1) if isinstance(number, int) else "0"


def _inline_text(token: Token) -> str:
    return "".join(
        child.content if child.type in _INLINE_TEXT else " " if child.type in _BREAKS else ""
        for child in token.children or []
    )


def read_markdown(
    path: Path, data: bytes, lang: str, encoding: str | None = None, errors: InvalidUtf8 = "strict"
) -> Document:
    """Read Markdown (the file's bytes ``data``) into a ``Document`` with its footnote references as anchors.

    Raises:
        InputError: undecodable, or no text at all.
    """
    source, warnings = decode(data, path, encoding, errors)
    source, clean_warnings = clean(source)
    tokens = MarkdownIt("commonmark").use(footnote_plugin).enable("table").parse(source)
    builder = DocumentBuilder(path, lang)
    notes: dict[str, list[str]] = {}
    kinds = [BlockKind.PARAGRAPH]
    note_label: str | None = None
    for token in tokens:
        if token.type == "footnote_open":
            note_label = _label(token.meta)
            notes.setdefault(note_label, [])
        elif token.type == "footnote_close":
            note_label = None
        elif note_label is not None:
            if token.type == "inline":
                notes[note_label].append(_inline_text(token))
        elif token.type in _KINDS:
            kinds.append(_KINDS[token.type])
        elif token.type in _CLOSES:
            kinds.pop()
            builder.end_block()
        elif token.type == "heading_open":
            builder.start_block(BlockKind.HEADING)
        elif token.type == "paragraph_open":
            builder.start_block(kinds[-1])
        elif token.type == "inline":
            if not builder.in_block:
                builder.start_block(kinds[-1])
            _inline(builder, token)
        elif token.type.endswith("_close"):
            builder.end_block()
    for label, paragraphs in notes.items():
        builder.note(label, " ".join(paragraphs))
    for warning in warnings + clean_warnings:
        builder.warn(warning)
    document = builder.build()
    if not document.blocks:
        raise InputError(path, "holds no text")
    return document


def _inline(builder: DocumentBuilder, token: Token) -> None:
    for child in token.children or []:
        if child.type in _INLINE_TEXT:
            builder.text(child.content)
        elif child.type in _BREAKS:
            builder.text(" ")
        elif child.type == "footnote_ref":
            builder.note_reference(_label(child.meta))
