"""Text → the per-sentence arrays the aligner uses besides embeddings (``sides.SideFeatures``).

Kept out of the aligner so that it stays numpy only: surface cues that need
the text (numbers, whether a line has words) and the document's structure
(blocks, headings) are read here, once, before any alignment.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

import numpy as np

from paralign.model import BlockKind, Segmentation
from paralign.sides import NUMBER_BUCKETS, SideFeatures

#: Digits of any script: ``\d`` takes full-width ``１２`` and Arabic-Indic ``١٢`` too, and ``int`` reads them.
_NUMBER = re.compile(r"\d+")
#: Chinese and Japanese numerals where they are unmistakably numbers: a year written digit by digit
#: (一九九四年) and a month or day (五月, 十八日, 四十五日). A lone 一 or 十 is far more often a word than a number.
_HAN_NUMBER = re.compile(r"([〇零一二三四五六七八九]{4})(?=年)|([一二三四五六七八九十]{1,3})(?=[月日号])")
_HAN_DIGITS = {c: k for k, c in enumerate("〇一二三四五六七八九")} | {"零": 0}
#: A word of two letters, one ideograph, kana or Hangul syllable, or a number of three digits:
#: a line without one is debris (``h * "``, ``24 a !``). Marks are dropped before the search, since
#: Thai and Indic vowel signs would otherwise break a word into one-letter pieces.
_WORD = re.compile(r"[^\W\d_]{2,}|[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff]|\d{3,}")


def segmentation_features(segmentation: Segmentation) -> SideFeatures:
    """The features of a segmented document: its sentences' text, blocks and headings."""
    sentences = segmentation.sentences
    blocks = [sentence.block for sentence in sentences]
    starts = np.array([k == 0 or blocks[k] != blocks[k - 1] for k in range(len(blocks))], dtype=bool)
    kinds = [segmentation.document.blocks[block].kind for block in blocks]
    headings = np.array(
        [bool(starts[k]) and k > 0 and BlockKind.HEADING in (kinds[k], kinds[k - 1]) for k in range(len(kinds))],
        dtype=bool,
    )
    return text_features([sentence.text for sentence in sentences], starts, headings)


def text_features(
    texts: Sequence[str], block_starts: np.ndarray | None = None, heading_edges: np.ndarray | None = None
) -> SideFeatures:
    """Features of sentences given as text; without block starts or heading edges, all in one block."""
    n = len(texts)
    none = np.zeros(n, dtype=bool)
    return SideFeatures(
        lengths=np.array([len(text) for text in texts], dtype=np.float64),
        number_bags=number_bags(texts),
        wordless=np.array([_WORD.search(_without_marks(text)) is None for text in texts], dtype=bool),
        block_starts=none if block_starts is None else block_starts,
        heading_edges=none if heading_edges is None else heading_edges,
    )


def number_bags(texts: Sequence[str]) -> np.ndarray:
    """``result[i, h]`` is 1 when sentence ``i`` contains a number hashing to bucket ``h``.

    Numbers (altitudes, dates, page numbers) survive translation unchanged,
    so a bead whose sides share them is very likely right.
    """
    bags = np.zeros((len(texts), NUMBER_BUCKETS), dtype=np.uint8)
    for i, text in enumerate(texts):
        for number in _NUMBER.findall(text) + _han_numbers(text):
            bags[i, int(number) % NUMBER_BUCKETS] = 1
    return bags


def _han_numbers(text: str) -> list[str]:
    """The numbers ``_HAN_NUMBER`` finds, in Arabic digits: 一九九四年 → 1994, 十八日 → 18, 十月 → 10."""
    numbers = []
    for year, day in _HAN_NUMBER.findall(text):
        if year:
            numbers.append("".join(str(_HAN_DIGITS[c]) for c in year))
        else:
            tens, _, units = day.rpartition("十")
            if "十" in day:
                value = (_HAN_DIGITS.get(tens, 1) if tens else 1) * 10 + (_HAN_DIGITS[units] if units else 0)
            else:
                value = _HAN_DIGITS[day[-1]] if len(day) == 1 else -1
            if 0 < value < 100:
                numbers.append(str(value))
    return numbers


def _without_marks(text: str) -> str:
    """``text`` without combining marks (categories Mn, Mc), which ``\\w`` does not count as letters."""
    return "".join(c for c in text if unicodedata.category(c) not in ("Mn", "Mc"))
