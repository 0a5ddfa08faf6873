"""Which texts to encode, and in how many passes: sentences, windows, refinement around doubtful beads.

Full encoding embeds every window of 1…k consecutive sentences, about 15
times the text; below ``TWO_PASS_ABOVE`` sentences that is affordable and the
most accurate. Above it a first pass encodes sentences only, approximating
windows by sums, and a second pass encodes for real just the windows around
merged or doubtful beads of the first alignment. Each function returns new
``SideEmbeddings``; none changes the arrays it was given.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from paralign.embed import Embedder
from paralign.model import Bead
from paralign.sides import SideEmbeddings, SideFeatures, approximate_windows, window_sizes_needed

#: Progress callback: (stage name, units done, units in all).
StageProgress = Callable[[str, int, int], None]

#: Sentences (both sides together) above which encoding is done in two passes.
#: Below it every window is encoded: affordable, and on the held-out Text+Berg
#: test files one pass gives strict F1 0.905 against 0.899 in two (the dev sets
#: tie: Text+Berg dev 0.914 / 0.918, MAC zh-en dev 0.884 / 0.884).
TWO_PASS_ABOVE = 2_000

#: Windows longer than this (in characters) are not encoded but summed from
#: their sentences: a long paragraph's 5-sentence window costs the encoder as
#: much as 5 sentences and tells it little more than the sum (Text+Berg dev:
#: identical beads with a cap of 700 characters; the protocol pair encodes
#: in half the time).
MAX_WINDOW_CHARS = 1_000

#: A bead of the first pass below this confidence is looked at again with real
#: window embeddings (on Text+Berg dev about half the beads; on the
#: 21,861-sentence scale pair 0.9 gains nothing over 0.8).
REFINE_BELOW = 0.8

#: Encoding the second pass may spend, as a share of the first pass's characters
#: (21,861-sentence scale pair, strict F1: 0.75 gives 0.895, 1.0 0.898, 1.5 0.901,
#: against 0.903 in one pass; 382 sentences/s end to end at 1.5).
REFINE_BUDGET = 1.5

#: Texts encoded per call in the second pass (40 MB of float32 vectors at 512 dimensions).
_REFINE_CHUNK = 20_000


@dataclass(frozen=True)
class Window:
    """Sentences ``start … start + size - 1`` of side ``side`` (0 source, 1 target)."""

    side: int
    size: int
    start: int


def window_texts(sentences: Sequence[str], max_window: int) -> list[list[str]]:
    """``result[k - 1][i]``: sentences ``i … i + k - 1`` joined by a space."""
    windows = [list(sentences)]
    for k in range(2, max_window + 1):
        windows.append([" ".join(sentences[i : i + k]) for i in range(len(sentences) - k + 1)])
    return windows


def _encode_once(
    texts: Sequence[str], embedder: Embedder, stage: str, progress: StageProgress | None
) -> tuple[np.ndarray, dict[str, int]]:
    """Encode each distinct text once, in one call (so a cache sees one batch): vectors and text → row."""
    unique = list(dict.fromkeys(texts))

    def report(done: int, total: int) -> None:
        if progress:
            progress(stage, done, total)

    return embedder.encode(unique, progress=report), {text: index for index, text in enumerate(unique)}


def one_pass(
    sides: Sequence[Sequence[str]],
    features: Sequence[SideFeatures],
    embedder: Embedder,
    max_bead_size: int,
    progress: StageProgress | None = None,
) -> list[SideEmbeddings]:
    """Embed every sentence and every window of consecutive sentences, each distinct text once.

    Windows over ``MAX_WINDOW_CHARS`` are summed from their sentences instead.
    """
    max_window = window_sizes_needed(max_bead_size)
    per_side = [window_texts(sentences, max_window) for sentences in sides]
    singles = [text for windows in per_side for text in windows[0]]
    texts = singles + [
        text for windows in per_side for level in windows[1:] for text in level if len(text) <= MAX_WINDOW_CHARS
    ]
    vectors, row = _encode_once(texts, embedder, "embedding", progress)
    result = []
    for windows, side_features in zip(per_side, features, strict=True):
        sentence_vectors = vectors[[row[text] for text in windows[0]]]
        arrays = approximate_windows(sentence_vectors, max_window, np.sqrt(side_features.lengths))
        for level, array in zip(windows[1:], arrays[1:], strict=True):
            encoded = [index for index, text in enumerate(level) if text in row]
            array[encoded] = vectors[[row[level[index]] for index in encoded]]
        result.append(SideEmbeddings(arrays, side_features))
    return result


def first_pass(
    sides: Sequence[Sequence[str]],
    features: Sequence[SideFeatures],
    embedder: Embedder,
    max_bead_size: int,
    progress: StageProgress | None = None,
) -> list[SideEmbeddings]:
    """Embed single sentences only; windows are their sums weighted by √length (first pass of a long input).

    Sentences and windows are stored as float16: at 50k sentences the five
    window arrays of both sides take 0.56 GB instead of 1.1 GB, and cosines
    lose nothing that moves an alignment (checked on Text+Berg at 10k sentences).
    """
    vectors, row = _encode_once([text for sentences in sides for text in sentences], embedder, "embedding", progress)
    singles = [vectors[[row[text] for text in sentences]].astype(np.float16) for sentences in sides]
    del vectors  # a long input's unique vectors are not needed once each side has its rows
    max_window = window_sizes_needed(max_bead_size)
    return [
        SideEmbeddings(
            approximate_windows(side_singles, max_window, np.sqrt(side_features.lengths), dtype=np.float16),
            side_features,
        )
        for side_singles, side_features in zip(singles, features, strict=True)
    ]


def doubtful_windows(
    beads: Sequence[Bead], lengths: Sequence[np.ndarray], budget: float, max_window: int
) -> list[Window]:
    """The windows worth encoding for real after a first pass, most doubtful bead first, within ``budget`` characters.

    The second pass chooses between a bead and its alternatives, so both must
    rest on real similarities, not one real window against approximate ones:
    a merged bead (2-1, 1-3, …) gets its own windows and those one sentence
    shorter at either end (the bead without an end sentence, which the
    member cue also compares it with); a bead under ``REFINE_BELOW`` also
    gets the windows one sentence longer over either edge, so the second
    pass can weigh merging it with a neighbour. On the 21,861-sentence scale
    pair: own windows and pairs over the edges of beads under 0.8, half the
    text: strict F1 0.884; with the shorter and longer windows and a budget
    of 1.5 times the text: 0.901 (one pass, 15 times the text: 0.903).
    """
    sizes = (len(lengths[0]), len(lengths[1]))
    chosen: dict[Window, None] = {}
    spent = 0.0
    for bead in sorted(beads, key=lambda bead: bead.confidence):
        for window in _bead_windows(bead, sizes, max_window):
            if window in chosen:
                continue
            cost = float(lengths[window.side][window.start : window.start + window.size].sum())
            if spent + cost > budget:
                return list(chosen)
            chosen[window] = None
            spent += cost
    return list(chosen)


def _bead_windows(bead: Bead, sizes: tuple[int, int], max_window: int) -> list[Window]:
    """A bead's own windows, those one shorter at either end, and, when it is doubtful, one longer over either edge."""
    windows = []
    for side, members in enumerate((bead.src, bead.tgt)):
        size, first = len(members), members[0] if members else 0
        if size >= 2:
            windows.append(Window(side, size, first))
        if size >= 3:
            windows += [Window(side, size - 1, start) for start in (first, first + 1)]
        if size and bead.confidence < REFINE_BELOW and size + 1 <= max_window:
            starts = (first - 1, first)
            windows += [Window(side, size + 1, start) for start in starts if 0 <= start <= sizes[side] - size - 1]
    return windows


def second_pass(
    sentence_vectors: Sequence[np.ndarray],
    features: Sequence[SideFeatures],
    texts: Sequence[Sequence[str]],
    windows: Sequence[Window],
    embedder: Embedder,
    max_bead_size: int,
    progress: StageProgress | None = None,
) -> list[SideEmbeddings]:
    """New sides: approximate windows again, with the chosen ones holding real embeddings of their text.

    Built from the first pass's sentence vectors alone, so the caller can let
    the first pass's window arrays go before these are made (a 50k-sentence
    book would otherwise hold both, 0.6 GB more). Texts are encoded
    ``_REFINE_CHUNK`` at a time straight into the new arrays, so the refined
    vectors never exist all at once as float32.
    """
    max_window = window_sizes_needed(max_bead_size)
    arrays = [
        list(approximate_windows(vectors, max_window, np.sqrt(side.lengths), dtype=vectors.dtype.type))
        for vectors, side in zip(sentence_vectors, features, strict=True)
    ]
    places: dict[str, list[Window]] = {}
    for window in windows:
        text = " ".join(texts[window.side][window.start : window.start + window.size])
        places.setdefault(text, []).append(window)
    unique = list(places)
    for offset in range(0, len(unique), _REFINE_CHUNK):
        chunk = unique[offset : offset + _REFINE_CHUNK]

        def report(done: int, _total: int, offset: int = offset) -> None:
            if progress:
                progress("refining", offset + done, len(unique))

        for text, vector in zip(chunk, embedder.encode(chunk, progress=report), strict=True):
            for window in places[text]:
                arrays[window.side][window.size - 1][window.start] = vector
    return [
        SideEmbeddings(tuple(side_arrays), side_features)
        for side_arrays, side_features in zip(arrays, features, strict=True)
    ]
