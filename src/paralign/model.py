"""The plain, immutable data that flows between paralign's stages.

Every stage takes these frozen dataclasses and returns new ones; nothing here
knows about NLTK, torch, lxml or files. The invariants that catch bugs early
(offsets inside the text, beads monotonic and covering every sentence once)
are checked in ``__post_init__`` because they are cheap and the boundary
between stages is where a bug is cheapest to find.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

#: Beads under this confidence are flagged for review in every export.
LOW_CONFIDENCE = 0.5


class BlockKind(str, Enum):
    """What a block of the source text is; exports keep the distinction."""

    HEADING = "heading"
    PARAGRAPH = "paragraph"
    QUOTE = "quote"
    LIST_ITEM = "list_item"


@dataclass(frozen=True)
class Block:
    """A paragraph-level unit of a document: a hard sentence boundary.

    ``start``/``end`` slice ``Document.text``.
    """

    kind: BlockKind
    start: int
    end: int


@dataclass(frozen=True)
class FootnoteAnchor:
    """A note marker in the running text (``[4]``, ``505`` in ``región.505``).

    ``label`` is the marker's number as written (``"4"``, ``"505"``);
    ``start``/``end`` slice the marker itself out of ``Document.text``
    (brackets included, surrounding spaces excluded).
    """

    label: str
    start: int
    end: int


@dataclass(frozen=True)
class NoteText:
    """The body of a note, as found in a notes section (``[1] “Bishkek…``)."""

    label: str
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Document:
    """A decoded, NFC-normalised text split into blocks.

    ``text`` is what every offset in paralign points into. ``notes`` are the
    note bodies found after the body text; ``body_end`` is where the body stops
    (the notes section, if any, lies after it). ``warnings`` records what
    reading had to repair (a BOM, CRLF line ends, a legacy encoding).
    ``native_anchors`` are the note references a word processor or a markup
    language marked as such (a Word ``w:footnoteReference``, an ODF
    ``text:note``, a Markdown ``[^1]``), each slicing the marker the reader
    wrote into ``text`` at the reference's place: they are notes by
    construction, so they are used instead of guessing markers from digits.
    """

    path: Path
    lang: str
    text: str
    blocks: tuple[Block, ...]
    notes: tuple[NoteText, ...] = ()
    warnings: tuple[str, ...] = ()
    native_anchors: tuple[FootnoteAnchor, ...] = ()

    def __post_init__(self) -> None:
        for block in self.blocks:
            if not 0 <= block.start <= block.end <= len(self.text):
                raise ValueError(f"block {block} lies outside the text of {self.path}")
        for anchor in self.native_anchors:
            if not 0 <= anchor.start < anchor.end <= len(self.text):
                raise ValueError(f"note anchor {anchor} lies outside the text of {self.path}")


@dataclass(frozen=True)
class Sentence:
    """One sentence of a document, with its note markers lifted out.

    Offsets always slice the original text, markers included, so an export
    can put each anchor back where it stood::

        Document.text:  "… a la región.505 Las delegaciones …"
                                ^start            ^end
        text:           "… a la región."      (marker removed, spaces tidied)
        anchors:        (FootnoteAnchor("505", start=…, end=…),)

    ``text`` is what gets embedded and aligned; ``block`` indexes
    ``Document.blocks``.
    """

    index: int
    start: int
    end: int
    text: str
    anchors: tuple[FootnoteAnchor, ...]
    block: int


@dataclass(frozen=True)
class Segmentation:
    """A document and its sentences, in order."""

    document: Document
    sentences: tuple[Sentence, ...]

    def __post_init__(self) -> None:
        for position, sentence in enumerate(self.sentences):
            if sentence.index != position:
                raise ValueError(f"sentence {position} of {self.document.path} has index {sentence.index}")

    @property
    def anchors(self) -> tuple[FootnoteAnchor, ...]:
        return tuple(anchor for sentence in self.sentences for anchor in sentence.anchors)


@dataclass(frozen=True)
class Bead:
    """A unit of alignment: consecutive source and target sentence indices.

    A bead with one empty side is an insertion (0-1) or a deletion (1-0).
    ``confidence`` in [0, 1] estimates the probability that the bead is right.
    ``reviewed`` is True when a person changed or confirmed the bead (its
    confidence is then 1.0): every export that can shows it, so a reviewer's
    decision is never mistaken for the aligner's guess.
    """

    src: tuple[int, ...]
    tgt: tuple[int, ...]
    confidence: float
    reviewed: bool = False

    @property
    def kind(self) -> str:
        """The bead's shape, ``"2-1"`` for two source and one target sentence."""
        return f"{len(self.src)}-{len(self.tgt)}"


@dataclass(frozen=True)
class Move:
    """A source and a target sentence that translate each other out of order: the translator moved one.

    A monotone path cannot pair them, so on it each stands alone (a 1-0 and a
    0-1 bead); the move links the two. ``src``/``tgt`` are sentence indices,
    which stay valid however the beads around them are edited.
    """

    src: int
    tgt: int
    confidence: float


@dataclass(frozen=True)
class FootnotePair:
    """A source note marker and its twin in the target, and the bead holding both."""

    src: FootnoteAnchor
    tgt: FootnoteAnchor
    bead: int

    @property
    def src_label(self) -> str:
        return self.src.label

    @property
    def tgt_label(self) -> str:
        return self.tgt.label


@dataclass(frozen=True)
class ReadOptions:
    """How the two texts were read, besides their languages and ``presplit``: what a rebuild must repeat.

    A sheet records them, so ``paralign export`` reads the texts back exactly
    as the run that aligned them did: a text forced to KOI8-R, or a ``.txt``
    read as Markdown, would otherwise decode or parse to another text, and the
    sheet's hash would call it changed.

    Attributes:
        encoding: the encoding forced for both texts (``--encoding``); ``None``: detected.
        input_format: the reader forced for both (``--input-format``, an
            ``InputFormat`` value); ``None``: told from each file's content.
        replace_invalid_utf8: invalid UTF-8 sequences were replaced with U+FFFD
            (``--replace-invalid-utf8``) instead of refused.
    """

    encoding: str | None = None
    input_format: str | None = None
    replace_invalid_utf8: bool = False


@dataclass(frozen=True)
class Alignment:
    """The result of the whole job: two segmented texts, beads and note pairs.

    ``footnote_problems`` lists markers that could not be paired or that pair
    out of order, in words a translator can act on. ``model_name``,
    ``presplit`` and ``reading`` record how it was made, so exports can say so and a
    corrected sheet can be rebuilt the same way. ``calibrated`` is False
    when confidences are raw posteriors (non-default aligner settings, for
    which the calibration was not fitted). ``warnings`` holds what a
    reviewer should know (repairs made while reading, doubts that the pair
    is a translation at all). ``moves`` link sentences the translator moved
    (a 1-0 and a 0-1 bead of ``beads`` that translate each other); ``units``
    is the bead list with them paired, which the exports for use write.
    """

    source: Segmentation
    target: Segmentation
    beads: tuple[Bead, ...]
    footnote_pairs: tuple[FootnotePair, ...] = ()
    footnote_problems: tuple[str, ...] = ()
    model_name: str = field(default="")
    presplit: bool = False
    warnings: tuple[str, ...] = ()
    calibrated: bool = True
    reading: ReadOptions = ReadOptions()
    moves: tuple[Move, ...] = ()

    def __post_init__(self) -> None:
        check_beads(self.beads, len(self.source.sentences), len(self.target.sentences))
        check_moves(self.beads, self.moves)

    @property
    def units(self) -> tuple[Bead, ...]:
        """The beads as a reader takes them: ``paired(beads, moves)``."""
        return paired(self.beads, self.moves)


def paired(beads: tuple[Bead, ...] | list[Bead], moves: tuple[Move, ...] | list[Move]) -> tuple[Bead, ...]:
    """The beads with each moved pair as one 1-1 bead where its source sentence stands, its target's 0-1 bead gone.

    This is what a translation memory, a TEI edition and an evaluation want:
    the moved sentence with its translation. The monotone ``beads`` stay what
    the review page edits.
    """
    if not moves:
        return tuple(beads)
    by_src = {move.src: move for move in moves}
    moved_tgt = {move.tgt for move in moves}
    units = []
    for bead in beads:
        if len(bead.src) == 1 and not bead.tgt and bead.src[0] in by_src:
            move = by_src[bead.src[0]]
            units.append(Bead((move.src,), (move.tgt,), move.confidence))
        elif not (len(bead.tgt) == 1 and not bead.src and bead.tgt[0] in moved_tgt):
            units.append(bead)
    return tuple(units)


def lone_sentences(beads: tuple[Bead, ...] | list[Bead]) -> tuple[set[int], set[int]]:
    """The source sentences alone in a 1-0 bead and the target sentences alone in a 0-1 bead: what a move may link."""
    return (
        {bead.src[0] for bead in beads if len(bead.src) == 1 and not bead.tgt},
        {bead.tgt[0] for bead in beads if len(bead.tgt) == 1 and not bead.src},
    )


def check_moves(beads: tuple[Bead, ...] | list[Bead], moves: tuple[Move, ...] | list[Move]) -> None:
    """Raise ``ValueError`` unless each move links a 1-0 bead's sentence to a 0-1 bead's, each sentence once."""
    if not moves:
        return
    alone_src, alone_tgt = lone_sentences(beads)
    for move in moves:
        if move.src not in alone_src or move.tgt not in alone_tgt:
            raise ValueError(f"move {move.src}→{move.tgt} does not link a 1-0 bead to a 0-1 bead")
        if not 0.0 <= move.confidence <= 1.0:
            raise ValueError(f"move {move.src}→{move.tgt} confidence {move.confidence} outside [0, 1]")
    if len({m.src for m in moves}) < len(moves) or len({m.tgt for m in moves}) < len(moves):
        raise ValueError("a sentence is in more than one move")


def check_beads(beads: tuple[Bead, ...] | list[Bead], n_src: int, n_tgt: int) -> None:
    """Raise ``ValueError`` unless the beads are monotonic and cover each sentence once."""
    next_src = next_tgt = 0
    for position, bead in enumerate(beads):
        if not bead.src and not bead.tgt:
            raise ValueError(f"bead {position} is empty on both sides")
        for side, indices, expected in (("source", bead.src, next_src), ("target", bead.tgt, next_tgt)):
            if indices and indices != tuple(range(expected, expected + len(indices))):
                raise ValueError(f"bead {position} {side} {indices} does not continue at {expected}")
        if not 0.0 <= bead.confidence <= 1.0:
            raise ValueError(f"bead {position} confidence {bead.confidence} outside [0, 1]")
        next_src += len(bead.src)
        next_tgt += len(bead.tgt)
    if (next_src, next_tgt) != (n_src, n_tgt):
        raise ValueError(f"beads cover {next_src}/{n_src} source and {next_tgt}/{n_tgt} target sentences")
