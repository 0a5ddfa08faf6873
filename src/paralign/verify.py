"""Is this a translation at all? Checks that stop a wrong pair before it pollutes a memory.

Two signals, each cheap: the language each text is written in (py3langid, a
numpy-only model inside its wheel) against what the user declared, and, after
alignment, the share of sentences that landed in confident beads. Unrelated
texts, a text paired with itself, or a pair given in the wrong order fail one
of them; a text given twice is caught before any of that, by its sentences.
The CLI turns a failure into exit code 3. ``--allow-low-confidence``
exports a pair in doubt anyway; a wrong language label has an override of
its own (``--allow-language-mismatch``), because it would mislabel every
segment of a translation memory.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from paralign.errors import LanguageMismatch
from paralign.languages import base_language
from paralign.model import LOW_CONFIDENCE, Alignment, Document, Segmentation

#: Below this share of sentences in beads of confidence ≥ LOW_CONFIDENCE, a pair is not a translation.
MIN_CONFIDENT_SHARE = 0.5
#: Texts shorter than this are too short to identify their language reliably.
MIN_CHARS_FOR_LANGUAGE = 200
#: A text is refused as another language only when the identifier is this sure:
#: names, numbers and quotations pull short or mixed texts towards neighbours
#: (Galician for Spanish), and a wrong refusal stops a translator cold.
MIN_LANGUAGE_PROBABILITY = 0.9
_SAMPLE_CHARS = 20_000
#: Sentences shorter than this (headings, names, numbers) may stay the same in a translation.
MIN_SAME_CHARS = 25
#: From this share of the target's longer sentences found verbatim in the source, the texts are the same.
MAX_SAME_SHARE = 0.5


@lru_cache(maxsize=1)
def _identifier() -> Any:
    from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_modelpath(Path(MODEL_DIR) / MODEL_FILE, norm_probs=True)


def detect_language(text: str) -> tuple[str, float]:
    """ISO 639-1 code and probability of the language ``text`` is written in."""
    code, probability = _identifier().classify(text[:_SAMPLE_CHARS])
    return str(code), float(probability)


#: Whether the language identifier stays loaded after a pair's check (``keep_language_model``).
_KEEP_IDENTIFIER: list[bool] = [False]


def keep_language_model() -> None:
    """Keep the language identifier loaded from pair to pair in this process.

    For a process that aligns many pairs (a batch worker): reloading it
    costs half a second per pair, which would be most of a short pair's
    overhead. A process aligning one pair lets it go (``language_mismatches``).
    """
    _KEEP_IDENTIFIER[0] = True


def language_mismatches(source: Document, target: Document) -> list[LanguageMismatch]:
    """The errors to raise for a source or target not in its declared language (empty if both are).

    The identifier's model (100 MB while loading, 70 MB held) is let go
    once both texts are checked, unless ``keep_language_model`` was called:
    it is needed once per pair, and holding it would add to the peak memory
    of the embedding that follows.
    """
    try:
        found = [language_mismatch(source, "source"), language_mismatch(target, "target")]
    finally:
        if not _KEEP_IDENTIFIER[0]:
            _identifier.cache_clear()
    return [mismatch for mismatch in found if mismatch]


def language_mismatch(document: Document, side: str) -> LanguageMismatch | None:
    """The error to raise if ``document`` (the ``side`` of a pair) is not in its declared language, else ``None``."""
    body = " ".join(document.text[block.start : block.end] for block in document.blocks)
    if len(body) < MIN_CHARS_FOR_LANGUAGE:
        return None
    detected, probability = detect_language(body)
    if detected != base_language(document.lang) and probability >= MIN_LANGUAGE_PROBABILITY:
        return LanguageMismatch(document.path, side, document.lang, detected, probability)
    return None


def _comparable(text: str) -> str:
    return " ".join(text.casefold().split())


def identity_problem(source: Segmentation, target: Segmentation) -> str | None:
    """A sentence saying the two texts are (nearly) the same text, or ``None``.

    A file given twice, or a translation saved over its original, aligns
    perfectly 1-1 and would fill a memory with segments copied into the
    wrong language. Sentences with at least ``MIN_SAME_CHARS`` characters
    are compared (casefolded, spaces collapsed): headings, numbers and names
    legitimately stay the same across a translation, whole sentences rarely do.
    """
    source_texts = {_comparable(s.text) for s in source.sentences if len(s.text) >= MIN_SAME_CHARS}
    long_target = [_comparable(s.text) for s in target.sentences if len(s.text) >= MIN_SAME_CHARS]
    if not source_texts or not long_target:
        return None
    same = sum(text in source_texts for text in long_target)
    if same / len(long_target) < MAX_SAME_SHARE:
        return None
    return (
        f"{target.document.path}: {same} of its {len(long_target)} sentences are word for word in "
        f"{source.document.path.name}; it is the same text, not a translation"
    )


def confident_share(alignment: Alignment) -> float:
    """Share of all sentences (both sides) that sit in two-sided beads of confidence ≥ LOW_CONFIDENCE."""
    total = len(alignment.source.sentences) + len(alignment.target.sentences)
    confident = sum(
        len(bead.src) + len(bead.tgt)
        for bead in alignment.beads
        if bead.src and bead.tgt and bead.confidence >= LOW_CONFIDENCE
    )
    return confident / total if total else 0.0


def alignment_problem(alignment: Alignment) -> str | None:
    """A sentence saying the texts do not look like translations of each other, or ``None``."""
    share = confident_share(alignment)
    if share < MIN_CONFIDENT_SHARE:
        return (
            f"{alignment.target.document.path}: only {share:.0%} of sentences align with confidence "
            f"≥ {LOW_CONFIDENCE}; it does not look like a translation of {alignment.source.document.path.name}"
        )
    return None
