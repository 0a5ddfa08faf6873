"""paralign: align an article and its translation, map its notes, export TMX, TEI and more.

The whole job is one call, the exports another::

    from paralign import align_texts, write_exports
    alignment = align_texts("texts/bishkek-protocol.en.txt", "texts/bishkek-protocol.es.txt", "en", "es")
    write_exports(alignment, "exports")

Everything public is listed in ``__all__``; the modules behind it are the
stages (``read``, ``segment``, ``embed``, ``align``, ``export``…) for anyone who
wants to run one on its own.
"""

from __future__ import annotations

__version__ = "0.1.0"

from paralign.config import AlignConfig
from paralign.corrections import load_corrections
from paralign.embed import DEFAULT_MODEL, SentenceTransformerEmbedder
from paralign.errors import ExportError, InputError, ModelError, NotATranslation, ParalignError
from paralign.export import FORMATS, NotesMode, write_exports
from paralign.model import Alignment, Bead, Document, FootnoteAnchor, FootnotePair, Segmentation, Sentence
from paralign.pipeline import align_texts
from paralign.score import Scores, read_beads, score

__all__ = [
    "DEFAULT_MODEL",
    "FORMATS",
    "AlignConfig",
    "Alignment",
    "Bead",
    "Document",
    "ExportError",
    "FootnoteAnchor",
    "FootnotePair",
    "InputError",
    "ModelError",
    "NotATranslation",
    "NotesMode",
    "ParalignError",
    "Scores",
    "Segmentation",
    "Sentence",
    "SentenceTransformerEmbedder",
    "__version__",
    "align_texts",
    "load_corrections",
    "read_beads",
    "score",
    "write_exports",
]
