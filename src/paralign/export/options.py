"""What a user chooses about the exports, passed to every format's serializer alike."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class NotesMode(str, Enum):
    """How note markers travel into a translation memory.

    ``tags``: inline codes (``<ph type="fnote">``), as the TMX spec recommends;
    ``text``: the marker as literal text (``región.505``), for plain-text sources;
    ``strip``: markers dropped, for the cleanest reusable memory.
    """

    TAGS = "tags"
    TEXT = "text"
    STRIP = "strip"


@dataclass(frozen=True)
class ExportOptions:
    """The choices some formats take (``--tmx-notes``).

    Every serializer takes the whole set and reads what concerns it, so the
    format registry calls them all the same way.
    """

    tmx_notes: NotesMode = NotesMode.TAGS


DEFAULT_OPTIONS = ExportOptions()
