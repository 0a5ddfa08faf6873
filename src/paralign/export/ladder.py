"""``Alignment`` → the de-facto standard bead file of sentence aligners.

One bead per line, 0-based sentence numbers, ``[0, 1]:[2]``, with the bead's
confidence as a third field (``[0, 1]:[2]:0.9731``), as Vecalign and
Bertalign read and write it, and as ``paralign evaluate`` scores it. The
format itself (written and read) is ``paralign.ladder``'s.
"""

from __future__ import annotations

from pathlib import Path

from paralign.export._xml import atomic_write
from paralign.export.options import DEFAULT_OPTIONS, ExportOptions
from paralign.ladder import format_ladder
from paralign.model import Alignment


def build_ladder(alignment: Alignment) -> str:
    return format_ladder(((b.src, b.tgt) for b in alignment.units), (b.confidence for b in alignment.units))


def ladder_bytes(alignment: Alignment, options: ExportOptions = DEFAULT_OPTIONS) -> bytes:
    """The ladder as UTF-8 (no option concerns it)."""
    return build_ladder(alignment).encode("utf-8")


def write_ladder(alignment: Alignment, path: Path) -> Path:
    """Build and write atomically; returns ``path``."""
    return atomic_write(path, ladder_bytes(alignment))
