"""Exports: TMX and XLIFF for CAT tools, TEI and an HTML page for reviewers, TSV and ladder files.

One module per format. Each builds its file completely in memory
(``tmx_bytes(alignment, options)`` and the like: one signature for all) and
writes it atomically (temp file, rename). Which formats exist, their file
names and ``write_exports`` belong to ``paralign.formats``, the registry that
imports these modules (so this package does not import it back).
"""

from __future__ import annotations

from paralign.export.options import ExportOptions, NotesMode
from paralign.export.tei import build_tei, write_tei
from paralign.export.tmx import build_tmx, write_tmx

__all__ = [
    "ExportOptions",
    "NotesMode",
    "build_tei",
    "build_tmx",
    "write_tei",
    "write_tmx",
]
