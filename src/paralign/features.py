"""Text → the per-sentence arrays the aligner uses besides embeddings (``sides.SideFeatures``).

Kept out of the aligner so that it stays numpy only: surface cues that need
the text (numbers, whether a line has words) and the document's structure
(blocks, headings) are read here, once, before any alignment.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from paralign.model import BlockKind, Segmentation
from paralign.sides import NUMBER_BUCKETS, SideFeatures

_NUMBER = re.compile(r"\d+")
#: A word of two letters or a number of three digits: a line without one is debris (``h * "``, ``24 a !``).
_WORD = re.compile(r"[^\W\d_]{2,}|\d{3,}")


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
        wordless=np.array([_WORD.search(text) is None for text in texts], dtype=bool),
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
        for number in _NUMBER.findall(text):
            bags[i, int(number) % NUMBER_BUCKETS] = 1
    return bags
