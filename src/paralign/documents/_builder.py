"""A ``Document`` assembled from a structured file, block by block, with its notes.

The readers walk their format's tree (Word's runs, ODF's spans, HTML's
elements, Markdown's tokens) and tell this builder what they meet: a block of
some kind starts, text, a note reference, a note's own text. The builder
keeps the one text every offset points into:

    body blocks, one blank line apart   "Title\\n\\nThe Protocol … region.1 Next …"
    then the notes, one blank line apart "\\n\\n“Bishkek Protocol,” May 5, 1994 …"

A note reference is written into the body as its number, glued where it
stood, and recorded as a native anchor slicing that number; segmentation
lifts it out before sentence splitting, so it never starts a sentence and is
never aligned as text. The notes' own texts lie after the body, outside every
block: read for TEI and the review page, never aligned.

Whitespace is collapsed as a browser would (word processors' runs and HTML
source lines break anywhere), text is NFC-normalised piece by piece, and
characters XML cannot carry are dropped and counted, as ``read.clean`` does
for plain text.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from paralign.footnotes import split_note_section
from paralign.model import Block, BlockKind, Document, FootnoteAnchor, NoteText

_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_WHITESPACE = re.compile(r"[\s\u00a0\u2028\u2029]+")
_BLOCK_SEPARATOR = "\n\n"


class DocumentBuilder:
    """Collects blocks, note references and note texts; ``build`` makes the ``Document``."""

    def __init__(self, path: Path, lang: str) -> None:
        self.path = path
        self.lang = lang
        self._pieces: list[str] = []
        self._length = 0
        self._blocks: list[Block] = []
        self._anchors: list[FootnoteAnchor] = []
        self._notes: dict[str, str] = {}
        self._warnings: list[str] = []
        self._kind: BlockKind | None = None
        self._block_start = 0
        self._space_pending = False
        self._removed = 0

    def start_block(self, kind: BlockKind) -> None:
        """End the current block, if any, and start one of ``kind``."""
        self.end_block()
        self._kind = kind
        self._append(_BLOCK_SEPARATOR if self._blocks else "")
        self._block_start = self._length
        self._space_pending = False

    def end_block(self) -> None:
        """Close the current block; one with neither text nor a note reference leaves no trace."""
        if self._kind is None:
            return
        if self._length == self._block_start:
            self._truncate_to_block_start()
        else:
            self._blocks.append(Block(self._kind, self._block_start, self._length))
        self._kind = None

    def _truncate_to_block_start(self) -> None:
        separator = len(_BLOCK_SEPARATOR) if self._blocks else 0
        while self._length > self._block_start - separator:
            piece = self._pieces.pop()
            self._length -= len(piece)

    @property
    def in_block(self) -> bool:
        return self._kind is not None

    def text(self, text: str) -> None:
        """Running text of the current block (a paragraph is started if none is open)."""
        if self._kind is None:
            self.start_block(BlockKind.PARAGRAPH)
        text = self._tidy(text)
        if not text:
            return
        leading, trailing = text[0] == " ", text[-1] == " "
        words = text.strip()
        if (leading or self._space_pending) and self._length > self._block_start and words:
            self._append(" ")
        if words:
            self._append(words)
            self._space_pending = trailing
        else:
            self._space_pending = True

    def note_reference(self, label: str) -> None:
        """A note reference here, written as its number (``label``, digits) and kept as a native anchor."""
        if self._kind is None:
            self.start_block(BlockKind.PARAGRAPH)
        if self._space_pending and self._length > self._block_start:
            self._append(" ")
            self._space_pending = False
        start = self._length
        self._append(label)
        self._anchors.append(FootnoteAnchor(label, start, self._length))

    def note(self, label: str, text: str) -> None:
        """The text of note ``label`` (its paragraphs already joined); read, never aligned."""
        self._notes[label] = " ".join(self._tidy(text).split())

    def warn(self, warning: str) -> None:
        self._warnings.append(warning)

    def build(self) -> Document:
        """The ``Document``: body blocks, then the texts of the notes that are referenced, after the body."""
        self.end_block()
        notes: list[NoteText] = []
        for anchor in self._anchors:
            body = self._notes.pop(anchor.label, None)
            if body:
                self._append(_BLOCK_SEPARATOR)
                notes.append(NoteText(anchor.label, body, self._length, self._length + len(body)))
                self._append(body)
        warnings = list(self._warnings)
        if self._removed:
            warnings.append(
                f"{self._removed} control character{'s' if self._removed != 1 else ''} illegal in XML removed"
            )
        document = Document(
            self.path,
            self.lang,
            "".join(self._pieces),
            tuple(self._blocks),
            tuple(notes),
            tuple(warnings),
            tuple(self._anchors),
        )
        # A document without native notes may still end with typed ones ("[1] …"), as plain text does.
        return document if self._anchors else split_note_section(document)

    def _append(self, piece: str) -> None:
        self._pieces.append(piece)
        self._length += len(piece)

    def _tidy(self, text: str) -> str:
        text, removed = _XML_ILLEGAL.subn("", text)
        self._removed += removed
        return _WHITESPACE.sub(" ", unicodedata.normalize("NFC", text))
