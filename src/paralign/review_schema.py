"""What a reviewer's sheet records: one schema for the review JSON and the TSV header, written and read here.

The HTML review page (``export.html``) embeds the alignment as this JSON
(``to_json``); its "Export JSON" button downloads the same structure with the
reviewer's corrections applied, as ``<source stem>.review.json``, and
``corrections.load_corrections`` reads that file back (``from_json``). The
page's script spells no key itself: it reads the few it needs from
``page_keys()``, which the page embeds beside the data. So the field names
below are the only copy::

    {
      "version": 2,                                  # absent in sheets of paralign 0.1 (see below)
      "source": "/home/ana/texts/bishkek-protocol.en.txt",
      "source_sha256": "5f1c…",                      # of the text paralign read (see ``text_sha256``)
      "target": "/home/ana/texts/bishkek-protocol.es.txt",
      "target_sha256": "09ab…",
      "src_lang": "en",
      "tgt_lang": "es",
      "model": "use-multilingual-v3",                # how it was aligned (may be "")
      "presplit": false,                             # true: one sentence per line input
      "encoding": null,                              # forced with --encoding, else null (detected)
      "input_format": null,                          # forced with --input-format ("md" …), else null
      "replace_invalid_utf8": false,                 # true: read with --replace-invalid-utf8
      "calibrated": true,                            # false: confidences are raw posteriors
      "beads": [
        {"src": [0], "tgt": [], "confidence": 0.9912, "kind": "1-0", "reviewed": false},
        {"src": [1], "tgt": [0], "confidence": 1.0, "kind": "1-1", "reviewed": true},
        ...
      ],
      "moves": [                                     # absent in older sheets: none
        {"src": 17, "tgt": 10, "confidence": 0.8731}
      ]
    }

``src``/``tgt`` are 0-based sentence indices (consecutive, every sentence of
each side in exactly one bead, as ``model.check_beads`` requires);
``confidence`` is in [0, 1], rounded to 4 decimals; ``kind`` is informative
(derived from the lengths of ``src`` and ``tgt``; a reader ignores it).
``reviewed`` is set by the page on every bead the reviewer confirms or
changes (merges, splits, moves a sentence into or out of); a reviewed bead is read back with
confidence ``CONFIRMED`` whatever its ``confidence`` says. ``moves`` pair a source and
a target sentence that translate each other out of order (``model.Move``): each
stands alone in its own 1-0 or 0-1 bead, and ``corrections`` checks that it still does.

A sheet is input a stranger may have written, so ``from_json`` checks every
type strictly (``"presplit": "false"`` is refused, not read as true; ``5.9``
is not an index; ``NaN`` is not a confidence) and says what is wrong in one
line. Paths and the model name are stored with ``escape`` (percent-encoding
of ``%``, ``|``, unprintable characters and bytes that are not UTF-8), so any
file name survives the TSV header and the JSON; ``version`` tells an escaped
sheet from one of paralign 0.1, whose values are read as written.
"""

from __future__ import annotations

import codecs
import hashlib
import os
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from paralign.documents import InputFormat
from paralign.model import Alignment, Bead, Move, ReadOptions

VERSION = "version"
SOURCE = "source"
SOURCE_SHA256 = "source_sha256"
TARGET = "target"
TARGET_SHA256 = "target_sha256"
SRC_LANG = "src_lang"
TGT_LANG = "tgt_lang"
MODEL = "model"
PRESPLIT = "presplit"
ENCODING = "encoding"
INPUT_FORMAT = "input_format"
REPLACE_INVALID_UTF8 = "replace_invalid_utf8"
CALIBRATED = "calibrated"
BEADS = "beads"
MOVES = "moves"
#: Keys of one bead.
BEAD_SRC = "src"
BEAD_TGT = "tgt"
CONFIDENCE = "confidence"
KIND = "kind"
REVIEWED = "reviewed"

#: The sheet layout this paralign writes: escaped values, text hashes, reviewed beads.
SHEET_VERSION = 2
#: The confidence of a bead the reviewer confirmed or changed.
CONFIRMED = 1.0
#: Decimals a confidence keeps in the JSON.
CONFIDENCE_DIGITS = 4
#: Digits a sentence number may have: a billion sentences is more than any text; longer is garbage.
MAX_NUMBER_DIGITS = 9
#: Characters a stored path or model name may have (after unescaping): far beyond any real path.
MAX_NAME_CHARS = 4096
#: Characters an encoding's name may have: Python's longest alias is under 30.
MAX_CODEC_CHARS = 64


@dataclass(frozen=True)
class Review:
    """The content of a sheet: which texts (and their hashes), aligned how, and the beads.

    A hash is ``None`` only for a sheet of paralign 0.1, which recorded none.
    """

    source: Path
    target: Path
    src_lang: str
    tgt_lang: str
    model: str
    presplit: bool
    beads: tuple[Bead, ...]
    source_sha256: str | None = None
    target_sha256: str | None = None
    calibrated: bool = True
    reading: ReadOptions = ReadOptions()
    moves: tuple[Move, ...] = ()


def text_sha256(text: str) -> str:
    """The hash a sheet records of a text: of the decoded text paralign read (``Document.text``), UTF-8.

    The decoded text, not the file's bytes, because sentence numbers index
    into it: re-saving a file in another encoding or with other line ends
    changes nothing a sheet points at and still matches, while any change to
    the characters (or to how the bytes decode) is caught.
    """
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def escape(value: str) -> str:
    """``value`` with ``%``, ``|`` and unprintable characters percent-encoded; bytes that were not UTF-8 too.

    Ordinary names (spaces and accents included) stay as they are, so the
    sheet stays readable; a newline, a tab or the TSV header's `` | `` cannot
    break a line or a field. A surrogate-escaped byte of a non-UTF-8 file name
    (how Python spells it on Linux) becomes that byte, so ``unescape`` gives
    the same name back.
    """
    return "".join(
        character if character.isprintable() and character not in "%|" else _percent(character) for character in value
    )


def _percent(character: str) -> str:
    try:
        data = character.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a lone surrogate no file system gave: it cannot name a file anyway
        data = "\ufffd".encode()
    return "".join(f"%{byte:02X}" for byte in data)


def unescape(value: str) -> str:
    """The text ``escape`` encoded; bytes that are not UTF-8 come back surrogate-escaped, as ``os.fsdecode`` gives."""
    return os.fsdecode(urllib.parse.unquote_to_bytes(value))


def review_of(alignment: Alignment) -> Review:
    """What the page shows of ``alignment``, before any review; paths made absolute (any folder can export)."""
    source, target = alignment.source.document, alignment.target.document
    return Review(
        Path(os.path.abspath(source.path)),
        Path(os.path.abspath(target.path)),
        source.lang,
        target.lang,
        alignment.model_name,
        alignment.presplit,
        alignment.beads,
        text_sha256(source.text),
        text_sha256(target.text),
        alignment.calibrated,
        alignment.reading,
        alignment.moves,
    )


def to_json(review: Review) -> dict[str, object]:
    """The JSON object, keys in the documented order; names escaped, confidences rounded."""
    return {
        VERSION: SHEET_VERSION,
        SOURCE: escape(str(review.source)),
        SOURCE_SHA256: review.source_sha256,
        TARGET: escape(str(review.target)),
        TARGET_SHA256: review.target_sha256,
        SRC_LANG: review.src_lang,
        TGT_LANG: review.tgt_lang,
        MODEL: escape(review.model),
        PRESPLIT: review.presplit,
        ENCODING: review.reading.encoding,
        INPUT_FORMAT: review.reading.input_format,
        REPLACE_INVALID_UTF8: review.reading.replace_invalid_utf8,
        CALIBRATED: review.calibrated,
        BEADS: [
            {
                BEAD_SRC: list(bead.src),
                BEAD_TGT: list(bead.tgt),
                CONFIDENCE: round(bead.confidence, CONFIDENCE_DIGITS),
                KIND: bead.kind,
                REVIEWED: bead.reviewed,
            }
            for bead in review.beads
        ],
        MOVES: [
            {BEAD_SRC: move.src, BEAD_TGT: move.tgt, CONFIDENCE: round(move.confidence, CONFIDENCE_DIGITS)}
            for move in review.moves
        ],
    }


def from_json(data: object) -> Review:
    """A parsed review JSON back as a ``Review``, every value's type checked.

    ``model`` (default ``""``), ``presplit`` (default false), ``encoding``
    and ``input_format`` (default null), ``replace_invalid_utf8`` (default
    false), ``calibrated`` (default true), a bead's ``confidence`` (default ``CONFIRMED``) and
    ``reviewed`` (default false) and ``moves`` (default none) may be missing; ``kind`` is ignored. Language
    codes and hashes are returned as written: ``corrections`` checks them
    against the registry and the texts, and beads against the sentences.

    Raises:
        ValueError: a required key is missing or a value has the wrong type
            or range; the message is one line, beads numbered from 1.
    """
    if not isinstance(data, Mapping):
        raise ValueError(f"the top level is {_json_type(data)}, not an object")
    version = data.get(VERSION, 1)
    if version not in (1, SHEET_VERSION) or isinstance(version, bool):
        raise ValueError(f"'{VERSION}' is {version!r}; this paralign reads sheets of version 1 and {SHEET_VERSION}")
    name = unescape if version == SHEET_VERSION else str
    beads = data.get(BEADS)
    if not isinstance(beads, list):
        raise ValueError(f"'{BEADS}' must be a list of beads, not {_json_type(beads)}")
    moves = data.get(MOVES, [])
    if not isinstance(moves, list):
        raise ValueError(f"'{MOVES}' must be a list of moves, not {_json_type(moves)}")
    return Review(
        _path(name(_text(data, SOURCE)), SOURCE),
        _path(name(_text(data, TARGET)), TARGET),
        _text(data, SRC_LANG),
        _text(data, TGT_LANG),
        _name(name(_text(data, MODEL, "")), MODEL),
        _flag(data, PRESPLIT, False),
        tuple(_bead(item, number) for number, item in enumerate(beads, start=1)),
        _hash(data, SOURCE_SHA256) if version == SHEET_VERSION else None,
        _hash(data, TARGET_SHA256) if version == SHEET_VERSION else None,
        _flag(data, CALIBRATED, True),
        ReadOptions(_encoding(data), _input_format(data), _flag(data, REPLACE_INVALID_UTF8, False)),
        tuple(_move(item, number) for number, item in enumerate(moves, start=1)),
    )


def _encoding(data: Mapping[str, object]) -> str | None:
    """The recorded ``--encoding``: null, or a codec Python knows (anything else could not read the texts)."""
    value = data.get(ENCODING)
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > MAX_CODEC_CHARS:
        raise ValueError(f"'{ENCODING}' must be null or the name of an encoding, not {value!r:.40}")
    try:
        codecs.lookup(value)
    except LookupError:
        raise ValueError(f"'{ENCODING}' is {value!r:.40}, not an encoding Python knows") from None
    return value


def _input_format(data: Mapping[str, object]) -> str | None:
    """The recorded ``--input-format``: null, or one of ``documents.InputFormat``."""
    value = data.get(INPUT_FORMAT)
    if value is None:
        return None
    names = [member.value for member in InputFormat]
    if value not in names:
        raise ValueError(f"'{INPUT_FORMAT}' must be null or one of {', '.join(names)}, not {value!r:.40}")
    return str(value)


def _bead(item: object, number: int) -> Bead:
    if not isinstance(item, Mapping):
        raise ValueError(f"bead {number} is {_json_type(item)}, not an object")
    reviewed = _flag(item, REVIEWED, False, f"bead {number}: ")
    confidence = _confidence(item, f"bead {number}")
    return Bead(
        _indices(item, BEAD_SRC, number),
        _indices(item, BEAD_TGT, number),
        CONFIRMED if reviewed else confidence,
        reviewed,
    )


def _move(item: object, number: int) -> Move:
    if not isinstance(item, Mapping):
        raise ValueError(f"move {number} is {_json_type(item)}, not an object")
    confidence = _confidence(item, f"move {number}")
    indices = []
    for key in (BEAD_SRC, BEAD_TGT):
        value = item.get(key)
        if type(value) is not int or not 0 <= value < 10**MAX_NUMBER_DIGITS:
            raise ValueError(f"move {number}: '{key}' must be a 0-based sentence index, not {value!r:.40}")
        indices.append(value)
    return Move(indices[0], indices[1], confidence)


def _confidence(item: Mapping[str, object], where: str) -> float:
    """A bead's or move's ``confidence``: a number from 0 to 1, ``CONFIRMED`` when missing."""
    confidence = item.get(CONFIDENCE, CONFIRMED)
    if isinstance(confidence, bool) or not isinstance(confidence, int | float) or not 0 <= confidence <= 1:
        # NaN fails the range test too: every comparison with it is false.
        raise ValueError(f"{where}: '{CONFIDENCE}' must be a number from 0 to 1, not {confidence!r}")
    return float(confidence)


def _indices(item: Mapping[str, object], key: str, number: int) -> tuple[int, ...]:
    values = item.get(key)
    if not isinstance(values, list) or not all(type(v) is int and 0 <= v < 10**MAX_NUMBER_DIGITS for v in values):
        raise ValueError(f"bead {number}: '{key}' must be a list of 0-based sentence indices, not {values!r:.80}")
    return tuple(values)


def _text(data: Mapping[str, object], key: str, default: str | None = None) -> str:
    if default is None and key not in data:
        raise ValueError(f"'{key}' is missing")
    value = data.get(key, default)
    if not isinstance(value, str):
        raise ValueError(f"'{key}' must be a string, not {_json_type(value)}")
    return value


def _name(value: str, key: str) -> str:
    if "\x00" in value or len(value) > MAX_NAME_CHARS:
        raise ValueError(f"'{key}' is not a file or model name (a NUL character, or over {MAX_NAME_CHARS} characters)")
    return value


def _path(value: str, key: str) -> Path:
    if not value:
        raise ValueError(f"'{key}' is empty; it must name the text that was aligned")
    return Path(_name(value, key))


def _flag(data: Mapping[str, object], key: str, default: bool, where: str = "") -> bool:
    value = data.get(key, default)
    if not isinstance(value, bool):
        raise ValueError(f"{where}'{key}' must be true or false, not {value!r:.40}")
    return value


def _hash(data: Mapping[str, object], key: str) -> str:
    value = _text(data, key)
    if not _is_sha256(value):
        raise ValueError(f"'{key}' must be 64 hexadecimal digits, not {value!r:.80}")
    return value


def _is_sha256(value: str) -> bool:
    """Whether ``value`` is a hex SHA-256 digest as ``text_sha256`` writes it."""
    return len(value) == 64 and all(c in "0123456789abcdef" for c in value)


def _json_type(value: object) -> str:
    names = {dict: "an object", list: "a list", str: "a string", bool: "a boolean", type(None): "null"}
    return names.get(type(value), "a number")


def page_keys() -> dict[str, object]:
    """What the page's script needs to know of the schema, embedded beside the data.

    The script copies the embedded data whole and rewrites only the beads (an
    editor changes them all) and the moves (it keeps those whose two sentences
    still stand alone), so it needs the bead and move keys, the source (for
    the download's name) and the confidence of a bead a reviewer decided.
    """
    return {
        "source": SOURCE,
        "beads": BEADS,
        "moves": MOVES,
        "src": BEAD_SRC,
        "tgt": BEAD_TGT,
        "confidence": CONFIDENCE,
        "kind": KIND,
        "reviewed": REVIEWED,
        "confirmed": CONFIRMED,
    }
