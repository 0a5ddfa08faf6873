"""``Alignment`` → the de-facto standard bead file of sentence aligners.

One bead per line, 0-based sentence numbers, ``[0, 1]:[2]``, with the bead's
confidence as a third field (``[0, 1]:[2]:0.9731``), as Vecalign and
Bertalign read and write it, and as ``paralign evaluate`` scores it.
"""

from __future__ import annotations

from pathlib import Path

from paralign.export._xml import atomic_write
from paralign.model import Alignment
from paralign.score import format_ladder


def build_ladder(alignment: Alignment) -> str:
    return format_ladder(((b.src, b.tgt) for b in alignment.beads), (b.confidence for b in alignment.beads))


def write_ladder(alignment: Alignment, path: Path) -> Path:
    return atomic_write(path, build_ladder(alignment).encode("utf-8"))
