"""Footnote markers: finding them in running text and pairing them across versions.

Publishers mark notes in many ways, and one article and its translation often
differ: the English cites ``[4]``, the Spanish edition carries the same note as
a number glued to the final punctuation (``región.505``) or set after a space
(``«incautados». 508 Además``). A bare number is ambiguous (``párrafo 5``,
``8 de mayo de 1994``), so numeric markers are only taken where they follow
closing punctuation and form an increasing run of note numbers.

Markers are *anchors*: they are lifted out of the text that gets embedded and
aligned, and put back as inline tags in the exports. Pairing uses the
alignment itself (which bead holds which marker), never a fixed offset.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import Enum

from paralign.model import Bead, Document, FootnoteAnchor, FootnotePair, NoteText


class MarkerStyle(str, Enum):
    """How a text marks its notes."""

    BRACKET = "bracket"  # [4], and in CJK text 【4】 or ［4］
    SUPERSCRIPT = "superscript"  # ⁴
    NUMERIC = "numeric"  # región.505 / «incautados». 508 / 地区。505阿塞拜疆
    PARENTHESIS = "parenthesis"  # 签署（4）。 / signed(4).
    CARET = "caret"  # signed^4


_SUPERSCRIPT_DIGITS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")
#: Where a number glued to closing punctuation may be a note in CJK text: the next character is a
#: CJK one or an opening quote (there is no space to look for).
_CJK_NEXT = "\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af「『“"
#: Counters and units that follow a number in Japanese, Chinese and Korean (3 つ, 2 番目, 5个, 3개, 10％):
#: a number before one of them is a quantity opening a sentence, not a note marker.
_CJK_COUNTERS = (
    "つ個枚番回人名年月日時分秒本件行列点度倍割種台冊週歳円階桁段章節項箇ヶか所ペ%％"
    "个位次条项种天岁页元万千百亿"
    "개번명장년월일시초가권회차살원단줄쪽배"
)

_PATTERNS: dict[MarkerStyle, re.Pattern[str]] = {
    MarkerStyle.BRACKET: re.compile(r"[\[【［](\d{1,4})[\]】］]"),
    MarkerStyle.SUPERSCRIPT: re.compile(r"(?<=\S)([⁰¹²³⁴⁵⁶⁷⁸⁹]{1,4})"),
    # A number right after closing punctuation (optionally one space between),
    # followed by a space and a non-digit, by the end of the block, or (in CJK text) by a CJK character.
    # Not the decimals of a number (``LibreOffice 4.1 或更高版本``), nor a number that counts something
    # (``。3 つの状態``, ``。2개``, ``。3个``): CJK sentences often start with one.
    MarkerStyle.NUMERIC: re.compile(
        rf"(?<=[.!?»”\"’)。！？」』）])(?<!\d\.)( ?)(\d{{1,4}})(?!\s?[{_CJK_COUNTERS}])"
        rf"(?=\s+[^\s\d]|\s*$|[{_CJK_NEXT}])"
    ),
    # A parenthesised number glued to a word or a full stop: not an enumeration, which
    # follows a space, the start of a line or a colon (步骤：（1）…; steps: (1) …).
    MarkerStyle.PARENTHESIS: re.compile(r"(?<=[^\s:：;；,，、(（])[（(](\d{1,3})[）)]"),
    MarkerStyle.CARET: re.compile(r"(?<=\S)\^(\d{1,4})"),
}

#: A note body at the start of a block in a notes section: "[1] “Bishkek…".
_NOTE_LINE = re.compile(r"\s*\[(\d{1,4})\]\s+")


def find_anchors(text: str, style: MarkerStyle, start: int = 0, end: int | None = None) -> list[FootnoteAnchor]:
    """Markers of ``style`` between ``start`` and ``end`` of ``text`` (all candidates, unfiltered)."""
    end = len(text) if end is None else end
    anchors = []
    for match in _PATTERNS[style].finditer(text, start, end):
        group = match.lastindex or 1
        label = match.group(group).translate(_SUPERSCRIPT_DIGITS)
        # The marker is the whole match (brackets, caret), but a numeric one is its digits alone.
        marker_start, marker_end = match.span(group) if style == MarkerStyle.NUMERIC else match.span()
        # Full-width digits (［１］) are labelled in ASCII, as the other side of the pair writes them.
        anchors.append(FootnoteAnchor(label if label.isascii() else str(int(label)), marker_start, marker_end))
    return anchors


def detect_anchors(document: Document) -> tuple[MarkerStyle | None, list[FootnoteAnchor]]:
    """Pick the document's marker style and return its markers in the body.

    Each style's candidates are filtered to the longest increasing run of note
    numbers (gaps of a few allowed, for notes a translation dropped); the style
    with the most surviving markers wins. A lone bare number after a full stop
    and a space is no run at all (``. 8 x 8 cells``), so it is not a note. A
    document whose format marks its notes (``Document.native_anchors``: Word,
    ODF, HTML, Markdown) has them already, so nothing is guessed: they are
    returned as they are, with no style.
    """
    if document.native_anchors:
        return None, list(document.native_anchors)
    best: tuple[MarkerStyle | None, list[FootnoteAnchor]] = (None, [])
    for style in MarkerStyle:
        candidates = [
            anchor for block in document.blocks for anchor in find_anchors(document.text, style, block.start, block.end)
        ]
        kept = _increasing_run(candidates)
        if style == MarkerStyle.NUMERIC and len(kept) == 1 and document.text[kept[0].start - 1].isspace():
            # One number set after a full stop and a space (". 8 x 8 cells") is no evidence of notes;
            # glued to the stop (región.505) it is.
            kept = []
        if len(kept) > len(best[1]):
            best = (style, kept)
    return best


def _increasing_run(anchors: list[FootnoteAnchor], max_gap: int = 5) -> list[FootnoteAnchor]:
    """Longest subsequence whose numbers increase by 1…``max_gap`` at each step."""
    if not anchors:
        return []
    numbers = [int(anchor.label) for anchor in anchors]
    length = [1] * len(anchors)
    parent = [-1] * len(anchors)
    for k in range(len(anchors)):
        for p in range(k):
            if 1 <= numbers[k] - numbers[p] <= max_gap and length[p] + 1 > length[k]:
                length[k], parent[k] = length[p] + 1, p
    k = max(range(len(anchors)), key=lambda index: (length[index], -index))
    run = []
    while k >= 0:
        run.append(anchors[k])
        k = parent[k]
    return run[::-1]


def split_note_section(document: Document) -> Document:
    """Move a trailing run of note bodies (``[1] “Bishkek…``) out of the blocks.

    Only a run at the very end counts: a bracketed number inside the body is a
    citation, not a note body.
    """
    blocks = list(document.blocks)
    notes: list[NoteText] = []
    while blocks:
        block = blocks[-1]
        match = _NOTE_LINE.match(document.text, block.start, block.end)
        if not match:
            break
        notes.append(NoteText(match.group(1), document.text[match.end() : block.end].strip(), block.start, block.end))
        blocks.pop()
    if not notes or not blocks:
        return document
    return replace(document, blocks=tuple(blocks), notes=tuple(reversed(notes)))


@dataclass(frozen=True)
class NoteMapping:
    """Pairs found, and the problems a translator should look at."""

    pairs: tuple[FootnotePair, ...]
    problems: tuple[str, ...]


def pair_anchors(
    beads: Sequence[Bead],
    src_anchors: Sequence[Sequence[FootnoteAnchor]],
    tgt_anchors: Sequence[Sequence[FootnoteAnchor]],
) -> NoteMapping:
    """Pair markers that fall in the same bead, in reading order.

    ``src_anchors[i]`` are the markers of source sentence ``i`` (likewise for
    the target). Within a bead the k-th source marker pairs with the k-th
    target marker. Markers left over, and pairs whose target numbers do not
    increase with the source numbers, are reported as problems.
    """
    pairs: list[FootnotePair] = []
    problems: list[str] = []
    for position, bead in enumerate(beads):
        src_here = [anchor for i in bead.src for anchor in src_anchors[i]]
        tgt_here = [anchor for j in bead.tgt for anchor in tgt_anchors[j]]
        for src_anchor, tgt_anchor in zip(src_here, tgt_here, strict=False):
            pairs.append(FootnotePair(src_anchor, tgt_anchor, position))
        for anchor in src_here[len(tgt_here) :]:
            problems.append(f"source note {anchor.label} has no target note in bead {position + 1}")
        for anchor in tgt_here[len(src_here) :]:
            problems.append(f"target note {anchor.label} has no source note in bead {position + 1}")
    for before, after in zip(pairs, pairs[1:], strict=False):
        if int(after.tgt_label) <= int(before.tgt_label) or int(after.src_label) <= int(before.src_label):
            problems.append(
                f"notes out of order: {before.src_label}→{before.tgt_label} then {after.src_label}→{after.tgt_label}"
            )
    return NoteMapping(tuple(pairs), tuple(problems))


def inline_pieces(text: str, start: int, end: int, anchors: Sequence[FootnoteAnchor]) -> list[str | FootnoteAnchor]:
    """``text[start:end]`` as text runs and markers, whitespace collapsed.

    This is how exports put each marker back where it stood: a run of text,
    then the ``FootnoteAnchor``, then the text after it.
    """
    pieces: list[str | FootnoteAnchor] = []
    cursor = start
    for anchor in sorted(anchors, key=lambda a: a.start):
        pieces.append(text[cursor : anchor.start])
        pieces.append(anchor)
        cursor = anchor.end
    pieces.append(text[cursor:end])
    tidy: list[str | FootnoteAnchor] = []
    for piece in pieces:
        if isinstance(piece, str):
            piece = re.sub(r"\s+", " ", piece)
            if not piece:
                continue
        tidy.append(piece)
    if tidy and isinstance(tidy[0], str):
        tidy[0] = tidy[0].lstrip()
    if tidy and isinstance(tidy[-1], str):
        tidy[-1] = tidy[-1].rstrip()
    return [piece for piece in tidy if piece != ""]
