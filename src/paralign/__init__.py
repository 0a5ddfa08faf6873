"""paralign: align an article and its translation, map its notes, export TMX, TEI and more.

The whole job is one call, the exports another::

    from paralign import align_texts, write_exports
    alignment = align_texts("texts/bishkek-protocol.en.txt", "texts/bishkek-protocol.es.txt", "en", "es")
    write_exports(alignment, "exports")

Everything public is listed in ``__all__``; the modules behind it are the
stages (``read``, ``segment``, ``embed``, ``pipeline``, ``formats``, ``export``…)
for anyone who wants to run one on its own. Every public name is loaded on
first use, so that importing a stage that does not align (``paralign.export``,
``paralign.formats``) does not load numba or torch, and ``import
paralign`` itself loads nothing (the command line installs its signal
handlers right after it).
"""

from __future__ import annotations

from paralign._version import __version__

#: ``typing.TYPE_CHECKING`` without importing ``typing`` (14 ms before the command's signal handlers are in).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from paralign.config import AlignConfig
    from paralign.corrections import load_corrections
    from paralign.embed import DEFAULT_MODEL, SentenceTransformerEmbedder
    from paralign.errors import (
        ExportError,
        InputError,
        LanguageMismatch,
        ModelError,
        NotATranslation,
        ParalignError,
    )
    from paralign.formats import FORMATS, NotesMode, write_exports
    from paralign.ladder import read_beads
    from paralign.model import Alignment, Bead, Document, FootnoteAnchor, FootnotePair, Segmentation, Sentence
    from paralign.pipeline import align_texts
    from paralign.scoring import Scores, score

del TYPE_CHECKING  # not part of the API

#: Where each public name lives: ``import paralign`` loads none of them (the
#: command line's first import must be instant, and interruptible), each is
#: imported on first use (PEP 562).
_HOMES = {
    "AlignConfig": "paralign.config",
    "load_corrections": "paralign.corrections",
    "DEFAULT_MODEL": "paralign.embed",
    "SentenceTransformerEmbedder": "paralign.embed",
    "ExportError": "paralign.errors",
    "InputError": "paralign.errors",
    "LanguageMismatch": "paralign.errors",
    "ModelError": "paralign.errors",
    "NotATranslation": "paralign.errors",
    "ParalignError": "paralign.errors",
    "FORMATS": "paralign.formats",
    "NotesMode": "paralign.formats",
    "write_exports": "paralign.formats",
    "read_beads": "paralign.ladder",
    "Alignment": "paralign.model",
    "Bead": "paralign.model",
    "Document": "paralign.model",
    "FootnoteAnchor": "paralign.model",
    "FootnotePair": "paralign.model",
    "Segmentation": "paralign.model",
    "Sentence": "paralign.model",
    "align_texts": "paralign.pipeline",
    "Scores": "paralign.scoring",
    "score": "paralign.scoring",
}

__all__ = [
    "AlignConfig",
    "Alignment",
    "Bead",
    "DEFAULT_MODEL",
    "Document",
    "ExportError",
    "FORMATS",
    "FootnoteAnchor",
    "FootnotePair",
    "InputError",
    "LanguageMismatch",
    "ModelError",
    "NotATranslation",
    "NotesMode",
    "ParalignError",
    "Scores",
    "Segmentation",
    "Sentence",
    "SentenceTransformerEmbedder",
    "align_texts",
    "load_corrections",
    "read_beads",
    "score",
    "write_exports",
    "__version__",
]


def __getattr__(name: str) -> object:
    """A public name, imported from its module on first use."""
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_HOMES))
