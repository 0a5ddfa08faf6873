"""What every export needs from an alignment: bead text with markers in place.

Formats differ in how they spell a marker (``<ph>`` in TMX and XLIFF,
``<note>`` in TEI) but agree on where it stands and which note it pairs with;
that shared part lives here.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from pathlib import Path

from paralign.export.options import NotesMode
from paralign.footnotes import inline_pieces
from paralign.model import Alignment, FootnoteAnchor, Segmentation

Pieces = list[str | FootnoteAnchor]

#: Unicode categories shown as U+FFFD in a name: controls (a newline, a tab), lone surrogates
#: (a byte of a name that is not UTF-8), unassigned code points (XML's U+FFFE/U+FFFF) and line breaks.
_UNSHOWABLE = frozenset({"Cc", "Cs", "Cn", "Zl", "Zp"})


def display_name(path: Path) -> str:
    """A file's name as a person reads it in an export: what cannot be shown (or written in XML) as U+FFFD.

    Any name the system allows reaches the exports, but titles, headers and
    ``original`` attributes are for reading: a newline there would break a
    line, and a byte that is not UTF-8 cannot be encoded at all. Sheets keep
    the exact name (``review_schema.escape``); this is only how it is shown.
    """
    return display_text(path.name)


def display_text(text: str) -> str:
    """``text`` with every character of the ``_UNSHOWABLE`` categories replaced by U+FFFD."""
    return "".join("\ufffd" if unicodedata.category(c) in _UNSHOWABLE else c for c in text)


def sentence_pieces(segmentation: Segmentation, indices: Sequence[int]) -> Pieces:
    """The original text of consecutive sentences, markers as anchors, joined by a space."""
    text = segmentation.document.text
    pieces: Pieces = []
    for index in indices:
        sentence = segmentation.sentences[index]
        if pieces:
            pieces.append(" ")
        pieces.extend(inline_pieces(text, sentence.start, sentence.end, sentence.anchors))
    return pieces


def apply_notes_mode(pieces: Pieces, mode: NotesMode, text: str) -> Pieces:
    """Keep anchors (``tags``), spell them out (``text``) or drop them (``strip``)."""
    if mode == NotesMode.TAGS:
        return pieces
    result: Pieces = []
    for piece in pieces:
        if isinstance(piece, FootnoteAnchor):
            if mode == NotesMode.TEXT:
                result.append(text[piece.start : piece.end])
            continue
        result.append(piece)
    merged = "".join(p for p in result if isinstance(p, str))
    return [" ".join(merged.split())] if merged.strip() else []


def marker_numbers(alignment: Alignment) -> dict[FootnoteAnchor, int]:
    """Number every marker so that a note and its twin share one number.

    Pairs are numbered 1, 2, … in reading order; markers left unpaired get
    the numbers after them, source first. Every export numbers notes with
    this (TMX ``x``, XLIFF ``id``, TEI ``xml:id``, the page's note list), so
    note 3 is note 3 in all of them.
    """
    numbers: dict[FootnoteAnchor, int] = {}
    for number, pair in enumerate(alignment.footnote_pairs, start=1):
        numbers[pair.src] = numbers[pair.tgt] = number
    for anchor in alignment.source.anchors + alignment.target.anchors:
        numbers.setdefault(anchor, len(numbers) + 1)
    return numbers
