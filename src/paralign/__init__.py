"""paralign: align an article and its translation, map its notes, export TMX, TEI and more.

The whole job is one call, the exports another::

    from paralign import align_texts, write_exports
    alignment = align_texts("texts/bishkek-protocol.en.txt", "texts/bishkek-protocol.es.txt", "en", "es")
    write_exports(alignment, "exports")

Everything public is listed in ``__all__``; the modules behind it are the
stages (``read``, ``segment``, ``embed``, ``pipeline``, ``formats``, ``export``…)
for anyone who wants to run one on its own. ``align_texts`` is loaded on
first use, so that importing a stage that does not align (``paralign.export``,
``paralign.formats``) does not load NLTK, numba or torch.
"""

from __future__ import annotations

import typing

from paralign._version import __version__
from paralign.config import AlignConfig
from paralign.corrections import load_corrections
from paralign.embed import DEFAULT_MODEL, SentenceTransformerEmbedder
from paralign.errors import ExportError, InputError, ModelError, NotATranslation, ParalignError
from paralign.formats import FORMATS, NotesMode, write_exports
from paralign.ladder import read_beads
from paralign.model import Alignment, Bead, Document, FootnoteAnchor, FootnotePair, Segmentation, Sentence
from paralign.score import Scores, score

if typing.TYPE_CHECKING:
    from paralign.pipeline import align_texts

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


def __getattr__(name: str) -> object:
    """``align_texts`` on first use (PEP 562): its module loads NLTK, numba and the embedding stack."""
    if name == "align_texts":
        from paralign.pipeline import align_texts

        globals()[name] = align_texts
        return align_texts
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | {"align_texts"})
