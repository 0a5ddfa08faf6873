"""paralign: align an article and its translation, map its notes, export TMX and TEI.

The whole job is one call::

    from paralign import align_texts, write_exports
    alignment = align_texts("texts/bishkek-protocol.en.txt", "texts/bishkek-protocol.es.txt")
    write_exports(alignment, "exports")
"""

from __future__ import annotations

__version__ = "0.1.0"
