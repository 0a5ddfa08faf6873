"""One side of a pair as the aligner sees it: window embeddings and sentence features, arrays only.

The aligner never reads text. Everything it uses is computed before it runs
and handed over here: the embedding of every window of 1…k consecutive
sentences (so a 2-1 bead is scored by a real similarity), and per sentence
its length, the numbers it mentions, whether it has any word at all, and
where blocks and headings begin (``paralign.features`` reads those from the
text).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: Buckets of the hashed bag of numbers; a prime, so that n % buckets spreads years and altitudes.
NUMBER_BUCKETS = 127

#: Rows per block when summing approximate windows (bounds the float64 scratch to ~16 MB at 512 dimensions).
_APPROXIMATE_ROWS = 4096


@dataclass(frozen=True)
class SideFeatures:
    """Per-sentence facts besides the embedding, each an array of one row per sentence.

    Attributes:
        lengths: characters per sentence (float64), for the length prior.
        number_bags: ``[i, h]`` is 1 when sentence ``i`` mentions a number
            hashing to bucket ``h`` (uint8, ``NUMBER_BUCKETS`` columns).
        wordless: no word of two letters and no number of three digits (OCR
            debris, page furniture), so cheaper to leave unaligned.
        block_starts: the sentence opens a block (paragraph, item, quote…).
        heading_edges: the sentence opens a heading or the block after one;
            no bead may cross such an edge.
    """

    lengths: np.ndarray
    number_bags: np.ndarray
    wordless: np.ndarray
    block_starts: np.ndarray
    heading_edges: np.ndarray

    @classmethod
    def plain(cls, lengths: np.ndarray) -> SideFeatures:
        """Sentences of these lengths and nothing else known: no numbers, all words, one block."""
        n = len(lengths)
        none = np.zeros(n, dtype=bool)
        bags = np.zeros((n, NUMBER_BUCKETS), dtype=np.uint8)
        return cls(np.asarray(lengths, dtype=np.float64), bags, none, none, none)

    @property
    def size(self) -> int:
        return len(self.lengths)

    def block_boundaries(self) -> np.ndarray:
        """``result[k]``: block boundaries up to sentence ``k``.

        Window ``i…k`` straddles one if ``result[k] > result[i]``.
        """
        return _running_count(self.block_starts)

    def heading_boundaries(self) -> np.ndarray:
        """Like ``block_boundaries``, counting only the edges of headings."""
        return _running_count(self.heading_edges)

    def coarsened(self) -> SideFeatures:
        """Sentences ``2i`` and ``2i + 1`` merged into one, for the coarse search of a long text.

        Blocks and headings are dropped: the coarse path only places the band.
        """
        starts = np.arange(0, self.size, 2)
        merged_bags = np.maximum.reduceat(self.number_bags, starts, axis=0) if self.size else self.number_bags
        merged_wordless = np.logical_and.reduceat(self.wordless, starts) if self.size else self.wordless
        none = np.zeros(len(starts), dtype=bool)
        lengths = np.add.reduceat(self.lengths, starts) if self.size else self.lengths
        return SideFeatures(lengths, merged_bags, merged_wordless, none, none)


def _running_count(starts: np.ndarray) -> np.ndarray:
    """How many of ``starts[1…k]`` are set, for each ``k`` (the first sentence opens the text, not a boundary)."""
    marks = starts.astype(np.int64)
    return np.cumsum(marks) - marks[:1]


@dataclass(frozen=True)
class SideEmbeddings:
    """One side: ``windows[k - 1][i]`` is the unit-norm embedding of sentences ``i … i + k - 1`` read together.

    Shape ``(n - k + 1, dim)``, float32 or (to halve the memory of a long
    input) float16.
    """

    windows: tuple[np.ndarray, ...]
    features: SideFeatures

    @property
    def size(self) -> int:
        return self.features.size


def window_sizes_needed(max_bead_size: int) -> int:
    """The longest window a side needs embedded for beads up to ``max_bead_size`` (the other side has one)."""
    return max_bead_size - 1


def approximate_windows(
    sentences: np.ndarray, max_window: int, weights: np.ndarray | None = None, dtype: type = np.float32
) -> tuple[np.ndarray, ...]:
    """Windows as normalised (optionally weighted) sums of sentence embeddings, for when encoding them is not worth it.

    With ``weights`` (e.g. the square root of each sentence's length) a long
    sentence pulls the window towards itself, as it does when the window is
    encoded for real: on Text+Berg dev that brings the sums closer to the true
    window embeddings (mean cosine 0.87 -> 0.91 for pairs). ``dtype`` is that
    of the windows of 2 or more sentences (float16 halves a long input's memory).
    """
    summands = sentences if weights is None else sentences * weights[:, None].astype(np.float32)
    windows = [sentences] + [
        np.empty((max(len(sentences) - k + 1, 0), sentences.shape[1]), dtype) for k in range(2, max_window + 1)
    ]
    # Row blocks, so the float64 sums of a long document never exist all at once.
    for start in range(0, len(sentences), _APPROXIMATE_ROWS):
        running = summands[start : start + _APPROXIMATE_ROWS].astype(np.float64)
        for k in range(2, max_window + 1):
            stop = min(start + _APPROXIMATE_ROWS, len(sentences) - k + 1)
            if stop <= start:
                break
            running = running[: stop - start] + summands[start + k - 1 : stop + k - 1]
            windows[k - 1][start:stop] = normalise(running)
    return tuple(windows)


def normalise(vectors: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length (a zero row stays zero)."""
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    normalised: np.ndarray = vectors / np.maximum(norms, 1e-12)
    return normalised


def rows32(vectors: np.ndarray) -> np.ndarray:
    """Rows as float32 for a matrix product: windows of a long input may be stored as float16 to halve their memory."""
    return vectors.astype(np.float32, copy=False)
