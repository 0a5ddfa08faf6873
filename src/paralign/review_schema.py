"""The review JSON: one schema for the page that embeds and exports it and the reader that loads it back.

The HTML review page (``export.html``) embeds the alignment as this JSON
(``to_json``); its "Export JSON" button downloads the same structure with the
reviewer's corrections applied, as ``<source stem>.review.json``, and
``corrections.load_corrections`` reads that file back (``from_json``). The
page's script spells no key itself: it reads the few it needs from
``page_keys()``, which the page embeds beside the data. So the field names
below are the only copy::

    {
      "source": "texts/bishkek-protocol.en.txt",   # the path as given to paralign
      "target": "texts/bishkek-protocol.es.txt",
      "src_lang": "en",
      "tgt_lang": "es",
      "model": "use-multilingual-v3",              # how it was aligned (may be "")
      "presplit": false,                           # true: one sentence per line input
      "beads": [
        {"src": [0], "tgt": [], "confidence": 0.9912, "kind": "1-0"},
        {"src": [1], "tgt": [0], "confidence": 1.0, "kind": "1-1"},
        ...
      ]
    }

``src``/``tgt`` are 0-based sentence indices (consecutive, every sentence of
each side in exactly one bead, as ``model.check_beads`` requires);
``confidence`` is in [0, 1], rounded to 4 decimals; ``kind`` is informative
(derived from the lengths of ``src`` and ``tgt``; a reader ignores it).
``model`` and ``presplit`` let ``load_corrections`` re-read and re-segment the
texts exactly as the original run did. The only correction the page offers so
far is confirming a bead, recorded as ``"confidence": 1.0`` (``CONFIRMED``);
the format already carries any re-bracketing of sentences a richer editor may
produce.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from paralign.model import Alignment, Bead

SOURCE = "source"
TARGET = "target"
SRC_LANG = "src_lang"
TGT_LANG = "tgt_lang"
MODEL = "model"
PRESPLIT = "presplit"
BEADS = "beads"
#: Keys of one bead.
BEAD_SRC = "src"
BEAD_TGT = "tgt"
CONFIDENCE = "confidence"
KIND = "kind"

#: The confidence of a bead the reviewer confirmed.
CONFIRMED = 1.0
#: Decimals a confidence keeps in the JSON.
CONFIDENCE_DIGITS = 4


@dataclass(frozen=True)
class Review:
    """The content of a review JSON: which texts, aligned how, and the beads."""

    source: str
    target: str
    src_lang: str
    tgt_lang: str
    model: str
    presplit: bool
    beads: tuple[Bead, ...]


def review_of(alignment: Alignment) -> Review:
    """What the page shows of ``alignment``, before any review."""
    source, target = alignment.source.document, alignment.target.document
    return Review(
        str(source.path),
        str(target.path),
        source.lang,
        target.lang,
        alignment.model_name,
        alignment.presplit,
        alignment.beads,
    )


def to_json(review: Review) -> dict[str, object]:
    """The JSON object, keys in the documented order; confidences rounded."""
    return {
        SOURCE: review.source,
        TARGET: review.target,
        SRC_LANG: review.src_lang,
        TGT_LANG: review.tgt_lang,
        MODEL: review.model,
        PRESPLIT: review.presplit,
        BEADS: [
            {
                BEAD_SRC: list(bead.src),
                BEAD_TGT: list(bead.tgt),
                CONFIDENCE: round(bead.confidence, CONFIDENCE_DIGITS),
                KIND: bead.kind,
            }
            for bead in review.beads
        ],
    }


def from_json(data: object) -> Review:
    """A parsed review JSON back as a ``Review``.

    ``model`` (default ``""``), ``presplit`` (default false) and a bead's
    ``confidence`` (default ``CONFIRMED``) may be missing; ``kind`` is ignored.

    Raises:
        KeyError, TypeError, ValueError: a required key is missing or a value
            has the wrong type (the caller names the file).
    """
    if not isinstance(data, Mapping):
        raise TypeError(f"the top level is a {type(data).__name__}, not an object")
    beads = tuple(
        Bead(
            tuple(int(i) for i in item[BEAD_SRC]),
            tuple(int(j) for j in item[BEAD_TGT]),
            float(item.get(CONFIDENCE, CONFIRMED)),
        )
        for item in data[BEADS]
    )
    return Review(
        _text(data, SOURCE),
        _text(data, TARGET),
        _text(data, SRC_LANG),
        _text(data, TGT_LANG),
        _text(data, MODEL, ""),
        bool(data.get(PRESPLIT, False)),
        beads,
    )


def _text(data: Mapping[str, object], key: str, default: str | None = None) -> str:
    value = data[key] if default is None else data.get(key, default)
    if not isinstance(value, str):
        raise TypeError(f"{key!r} must be a string, not {type(value).__name__}")
    return value


def page_keys() -> dict[str, object]:
    """What the page's script needs to know of the schema, embedded beside the data.

    The script copies the embedded data whole and changes only what a review
    changes, so it needs the keys it touches and the confirmed confidence.
    """
    return {"source": SOURCE, "beads": BEADS, "confidence": CONFIDENCE, "confirmed": CONFIRMED}
