"""Monotonic sentence alignment by dynamic programming over embeddings.

The aligner sees, for each side, the embeddings of every window of 1…k
consecutive sentences (so a 2-1 bead is scored by a real similarity between
the two sentences read together and their translation), the sentences'
lengths and, when the caller has them, the sentences' texts, from which it
reads two cheap surface cues: the numbers a sentence contains and how many
letters it has. It returns ``Bead``s covering every sentence exactly once.

How a bead is scored (lower cost is better)::

    cost(bead) = size(bead) / 2 * distance + length_penalty + shape_penalty
                 + number_penalty + block_penalty + member_penalty
    distance   = (1 - cos(x, y)) / (1 - (knn(x) + knn(y)) / 2)

``knn(x)`` is the mean similarity of ``x`` to its ``neighbours`` nearest
sentences of the other side, searched inside the DP band (the ratio margin of
Artetxe & Schwenk, read as a distance). Dividing by it cancels "hub"
sentences that are close to everything and rewards a pair that stands out
from its local competitors, which matters in a text that keeps talking about
the same mountains. A deletion or insertion costs ``skip_cost`` per sentence,
less for lines with almost no letters (OCR debris, stray captions), which
translators and gold standards leave unaligned.

Two passes over the same dynamic programme give both the best path (min-sum,
Viterbi) and, with a soft minimum at temperature ``temperature``, the
posterior probability of every bead on that path (forward-backward). That
posterior, mapped through a calibration curve fitted on Text+Berg dev (and
checked on its held-out test files), is the bead's confidence. This module
prices the beads; the passes themselves, plain loops compiled with numba, are
in ``paralign.dp``.

Long documents never build an n×m matrix: the search is restricted to a band
around the path found on a copy of the documents with pairs of sentences
merged (recursively, coarse to fine), so time and memory grow linearly.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from paralign import dp
from paralign.model import Bead

_INF = np.inf

#: Buckets of the hashed bag of numbers; a prime, so that n % buckets spreads years and altitudes.
_NUMBER_BUCKETS = 127
_NUMBER = re.compile(r"\d+")
_WORD = re.compile(r"[^\W\d_]{2,}|\d{3,}")

#: Calibration of confidences: the forward-backward posterior (at the default
#: temperature 0.15) is mapped piecewise-linearly through these knots, fit on
#: the two tuning sets (Text+Berg de-fr dev, MAC zh-en dev) with the default
#: costs: beads with posterior >= 0.945 were strictly correct 97.2% / 100% of
#: the time (-> confidence >= 0.8); 0.37 is the largest posterior under which
#: neither set has a majority of correct beads (MAC dev 38% correct, Text+Berg
#: dev none under it) (-> confidence < 0.5). Refit if the temperature or the
#: costs change (``benchmarks/accuracy.py`` prints the table).
_POSTERIOR_KNOTS = (0.0, 0.37, 0.945, 1.0)
_CONFIDENCE_KNOTS = (0.0, 0.5, 0.8, 1.0)

#: Rows per dense block of bead costs and neighbour searches. A block spans
#: the columns of all its rows, so in a diagonal band a small block wastes
#: little: 32 rows of a 21-wide band need ~60 columns, 128 rows ~175.
_BLOCK_ROWS = 32

#: Rows per block when summing approximate windows (bounds the float64 scratch).
_APPROXIMATE_ROWS = 4096


@dataclass(frozen=True)
class AlignConfig:
    """Tuning knobs of the aligner; the defaults were tuned on Text+Berg dev.

    Attributes:
        max_bead_size: largest number of sentences in one bead (source plus
            target); 6 allows up to 1-5, 2-4, 3-3.
        skip_cost: cost of leaving one sentence unaligned (1-0 or 0-1), in
            units of normalised distance.
        shape_penalty: extra cost per sentence beyond a 1-1 bead, a prior that
            most beads are 1-1.
        length_weight: weight of the length-ratio penalty.
        block_penalty: cost of a bead whose sentences on one side straddle a
            paragraph (block) boundary; translators rarely merge across one.
        neighbours: how many nearest neighbours define a sentence's typical
            similarity for the margin; 0 falls back to a random sample.
        number_weight: cost of a bead whose two sides mention entirely
            different numbers (scaled down by the share they have in common).
        member_weight: cost per unit of cosine by which a merged bead matches
            better without one of its end sentences: a sentence the
            translator dropped, glued to a neighbour, makes the match worse,
            while a sentence that belongs to the bead makes it better.
        junk_skip_factor: skip cost of a line with no word in it (OCR
            debris such as ``h * "``), as a share of ``skip_cost``.
        temperature: softness of the posterior.
        band: half-width, in sentences, of the search band around the
            coarse path for long documents.
        max_full_cells: DP cells above which the coarse-to-fine search starts.
        seed: seed of the random sample used by the fallback normaliser.
    """

    max_bead_size: int = 6
    skip_cost: float = 1.0
    shape_penalty: float = 0.4
    length_weight: float = 0.4
    block_penalty: float = 1.0
    neighbours: int = 8
    number_weight: float = 0.6
    member_weight: float = 2.0
    member_floor: float = 0.25
    junk_skip_factor: float = 0.5
    temperature: float = 0.15
    band: int = 10
    max_full_cells: int = 1_500_000
    seed: int = 0

    def __post_init__(self) -> None:
        if self.max_bead_size < 2:
            raise ValueError(f"max_bead_size must be at least 2, got {self.max_bead_size}")
        if self.temperature <= 0:
            raise ValueError(f"temperature must be positive, got {self.temperature}")
        if self.neighbours < 0:
            raise ValueError(f"neighbours must be non-negative, got {self.neighbours}")


@dataclass(frozen=True)
class SideEmbeddings:
    """One side as the aligner sees it.

    ``windows[k - 1][i]`` is the unit-norm embedding of sentences
    ``i … i + k - 1`` read together, shape ``(n - k + 1, dim)``, float32 or
    (to halve the memory of a long input) float16; ``lengths``
    holds each sentence's length in characters; ``texts``, when given, the
    sentences themselves (used only for numbers and letter counts).
    ``block_starts`` marks sentences that open a block (paragraph, item…);
    ``heading_edges`` those that open a heading or the block after one.
    """

    windows: tuple[np.ndarray, ...]
    lengths: np.ndarray
    block_starts: np.ndarray | None = None
    texts: tuple[str, ...] | None = None
    heading_edges: np.ndarray | None = None

    @property
    def size(self) -> int:
        return len(self.lengths)

    def boundaries(self) -> np.ndarray:
        """``result[k]``: block boundaries up to sentence ``k``; window ``i…k`` straddles one if ``result[k] > result[i]``."""
        return _running_count(self.block_starts, self.size)

    def heading_boundaries(self) -> np.ndarray:
        """Like ``boundaries``, counting only the edges of headings, which no bead may straddle."""
        return _running_count(self.heading_edges, self.size)


def _running_count(starts: np.ndarray | None, size: int) -> np.ndarray:
    """How many of ``starts[1…k]`` are set, for each ``k`` (the first sentence opens the text, not a boundary)."""
    if starts is None:
        return np.zeros(size, dtype=np.int64)
    marks = starts.astype(np.int64)
    return np.cumsum(marks) - marks[:1]


def bead_shapes(max_bead_size: int) -> list[tuple[int, int]]:
    """All bead shapes ``(n_src, n_tgt)`` up to ``max_bead_size`` sentences, skips first."""
    shapes = [(1, 0), (0, 1)]
    shapes += [(a, b) for total in range(2, max_bead_size + 1) for a in range(1, total) for b in (total - a,)]
    return shapes


def window_sizes_needed(max_bead_size: int) -> int:
    """The longest window a side needs embedded for beads up to ``max_bead_size``."""
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
            windows[k - 1][start:stop] = _normalise(running)
    return tuple(windows)


# ---------------------------------------------------------------------------
# Surface cues from the texts


def _number_bags(texts: Sequence[str] | None, n: int) -> np.ndarray:
    """``result[i, h]`` is 1 when sentence ``i`` contains a number hashing to bucket ``h``.

    Numbers (altitudes, dates, page numbers) survive translation unchanged,
    so a bead whose sides share them is very likely right. Without texts every
    bag is empty and the cue is silent.
    """
    bags = np.zeros((n, _NUMBER_BUCKETS), dtype=np.uint8)
    for i, text in enumerate(texts or ()):
        for number in _NUMBER.findall(text):
            bags[i, int(number) % _NUMBER_BUCKETS] = 1
    return bags


def _window_bags(bags: np.ndarray, max_window: int) -> tuple[np.ndarray, ...]:
    """Bags of numbers of every window of 1…``max_window`` sentences (a union, so 0/1)."""
    windows = [bags]
    running = bags.copy()
    for k in range(2, max_window + 1):
        running = np.maximum(running[:-1], bags[k - 1 :])
        windows.append(running)
    return tuple(windows)


def _is_junk(texts: Sequence[str] | None, n: int) -> np.ndarray:
    """``True`` for lines without a single word of two letters or number of three digits.

    Such lines are OCR debris or stray page furniture (``h * "``, ``24 a !``);
    gold standards leave them unaligned, while the embedding of a real
    sentence hardly moves when one is glued to it, so without help the DP
    swallows them into the nearest bead.
    """
    if texts is None:
        return np.zeros(n, dtype=bool)
    return np.array([_WORD.search(text) is None for text in texts], dtype=bool)


# ---------------------------------------------------------------------------
# Scoring


@dataclass(frozen=True)
class _Scorer:
    """Bead costs for one pair of sides; built once, shared by every pass."""

    src: SideEmbeddings
    tgt: SideEmbeddings
    src_norms: tuple[np.ndarray, ...]
    tgt_norms: tuple[np.ndarray, ...]
    src_bags: tuple[np.ndarray, ...]
    tgt_bags: tuple[np.ndarray, ...]
    src_skip: np.ndarray
    tgt_skip: np.ndarray
    src_cumlen: np.ndarray
    tgt_cumlen: np.ndarray
    src_boundaries: np.ndarray
    tgt_boundaries: np.ndarray
    src_headings: np.ndarray
    tgt_headings: np.ndarray
    length_ratio: float
    config: AlignConfig

    @classmethod
    def build(cls, src: SideEmbeddings, tgt: SideEmbeddings, region: _Region, config: AlignConfig) -> _Scorer:
        if region.cells == (src.size + 1) * (tgt.size + 1):
            # Every block spans all columns: convert float16 windows once, not once per block.
            src, tgt = _float32(src), _float32(tgt)
        src_norms, tgt_norms = _normalisers(src, tgt, region, config)
        max_window = min(len(src.windows), len(tgt.windows))
        src_total = float(src.lengths.sum()) or 1.0
        tgt_total = float(tgt.lengths.sum()) or 1.0
        return cls(
            src=src,
            tgt=tgt,
            src_norms=src_norms,
            tgt_norms=tgt_norms,
            src_bags=_window_bags(_number_bags(src.texts, src.size), max_window),
            tgt_bags=_window_bags(_number_bags(tgt.texts, tgt.size), max_window),
            src_skip=_skip_costs(src, config),
            tgt_skip=_skip_costs(tgt, config),
            src_cumlen=np.concatenate([[0.0], np.cumsum(src.lengths, dtype=np.float64)]),
            tgt_cumlen=np.concatenate([[0.0], np.cumsum(tgt.lengths, dtype=np.float64)]),
            src_boundaries=src.boundaries(),
            tgt_boundaries=tgt.boundaries(),
            src_headings=src.heading_boundaries(),
            tgt_headings=tgt.heading_boundaries(),
            length_ratio=tgt_total / src_total,
            config=config,
        )

    def block_costs(self, rows: slice, a: int, cols: slice, b: int) -> np.ndarray:
        """Costs of beads taking src ``i … i+a-1`` and tgt ``j … j+b-1``, for all ``i`` in ``rows``, ``j`` in ``cols``.

        Computed for a dense block at once, so the work is a few matrix
        products rather than one small product per DP cell.
        """
        config = self.config
        similarity = _rows32(self.src.windows[a - 1][rows]) @ _rows32(self.tgt.windows[b - 1][cols]).T
        normaliser = 0.5 * (self.src_norms[a - 1][rows, None] + self.tgt_norms[b - 1][None, cols])
        distance = (1.0 - similarity) / np.maximum(normaliser, 0.05)
        i = np.arange(rows.start, rows.stop)[:, None]
        j = np.arange(cols.start, cols.stop)[None, :]
        src_len = self.src_cumlen[i + a] - self.src_cumlen[i]
        tgt_len = self.tgt_cumlen[j + b] - self.tgt_cumlen[j]
        length_penalty = np.abs(np.log((tgt_len + 10.0) / (self.length_ratio * src_len + 10.0)))
        straddles = (self.src_boundaries[i + a - 1] > self.src_boundaries[i]).astype(np.float64) + (
            self.tgt_boundaries[j + b - 1] > self.tgt_boundaries[j]
        )
        size = a + b
        cost = (
            0.5 * size * distance
            + config.length_weight * length_penalty
            + config.shape_penalty * (size - 2)
            + config.block_penalty * straddles
        )
        if config.number_weight:
            cost += config.number_weight * self._number_mismatch(rows, a, cols, b)
        if config.member_weight and size > 2:
            cost += config.member_weight * self._member_deficit(rows, a, cols, b, similarity)
        # A heading is its own bead: never merged with the paragraph after (or before) it.
        across_heading = (self.src_headings[i + a - 1] > self.src_headings[i]) | (
            self.tgt_headings[j + b - 1] > self.tgt_headings[j]
        )
        return np.where(across_heading, _INF, cost)

    def _member_deficit(self, rows: slice, a: int, cols: slice, b: int, similarity: np.ndarray) -> np.ndarray:
        """How much better the bead matches without one of its end sentences (0 when every member adds to it).

        A sentence that belongs to a merged bead makes the match better; one
        the translator dropped, glued to a neighbour, makes it worse.
        """
        deficit = np.zeros_like(similarity)
        n_rows, n_cols = similarity.shape
        if a > 1:
            tgt_windows = _rows32(self.tgt.windows[b - 1][cols])
            for first in (rows.start, rows.start + 1):
                sub = _rows32(self.src.windows[a - 2][first : first + n_rows]) @ tgt_windows.T
                deficit = np.maximum(deficit, sub - similarity)
        if b > 1:
            src_windows = _rows32(self.src.windows[a - 1][rows])
            for first in (cols.start, cols.start + 1):
                sub = src_windows @ _rows32(self.tgt.windows[b - 2][first : first + n_cols]).T
                deficit = np.maximum(deficit, sub - similarity)
        return deficit

    def _number_mismatch(self, rows: slice, a: int, cols: slice, b: int) -> np.ndarray:
        """Jaccard distance between the numbers of the two sides; 0 when neither has any.

        Most sentences mention no number, so the bags are compared only
        between the windows that do: where one side has numbers and the other
        none the distance is 1 without any arithmetic.
        """
        src_bags = self.src_bags[a - 1][rows]
        tgt_bags = self.tgt_bags[b - 1][cols]
        src_count = src_bags.sum(axis=1, dtype=np.float32)
        tgt_count = tgt_bags.sum(axis=1, dtype=np.float32)
        result = ((src_count[:, None] > 0) | (tgt_count[None, :] > 0)).astype(np.float64)
        src_some, tgt_some = np.flatnonzero(src_count), np.flatnonzero(tgt_count)
        if len(src_some) and len(tgt_some):
            shared = src_bags[src_some].astype(np.float32) @ tgt_bags[tgt_some].T.astype(np.float32)
            union = src_count[src_some, None] + tgt_count[None, tgt_some] - shared
            result[np.ix_(src_some, tgt_some)] = 1.0 - shared / np.maximum(union, 1.0)
        return result


@dataclass(frozen=True)
class _Grid:
    """The search region laid out flat, with the cost of every bead that starts inside it, computed once.

    ``costs[k, offsets[i] + j - lo[i]]`` is the cost of the bead of shape
    ``shapes[k + 2]`` (the skips come first and are priced per sentence)
    starting at cell ``(i, j)``. The forward and backward passes share it,
    and it holds one float per region cell and shape: linear in the band.
    """

    lo: np.ndarray
    hi: np.ndarray
    offsets: np.ndarray
    costs: np.ndarray
    shapes: list[tuple[int, int]]

    @classmethod
    def build(cls, scorer: _Scorer, region: _Region, shapes: list[tuple[int, int]]) -> _Grid:
        n, m = scorer.src.size, scorer.tgt.size
        offsets = np.concatenate([[0], np.cumsum(region.hi - region.lo + 1)]).astype(np.int64)
        beads = shapes[dp.FIRST_BEAD :]
        costs = np.full((len(beads), int(offsets[-1])), _INF, dtype=np.float32)
        for k, (a, b) in enumerate(beads):
            for first in range(0, n - a + 1, _BLOCK_ROWS):
                last = min(first + _BLOCK_ROWS, n - a + 1)
                col_lo, col_hi = int(region.lo[first]), min(int(region.hi[first:last].max()), m - b)
                if col_hi < col_lo:
                    continue
                block = scorer.block_costs(slice(first, last), a, slice(col_lo, col_hi + 1), b)
                for i in range(first, last):
                    lo, hi = int(region.lo[i]), min(int(region.hi[i]), m - b)
                    if hi >= lo:
                        costs[k, offsets[i] : offsets[i] + hi - lo + 1] = block[
                            i - first, lo - col_lo : hi - col_lo + 1
                        ]
        # Contiguous int64 bounds (a banded region's are reversed views): one compiled signature serves every call.
        lo, hi = np.ascontiguousarray(region.lo, dtype=np.int64), np.ascontiguousarray(region.hi, dtype=np.int64)
        return cls(lo, hi, offsets, costs, shapes)

    def cell(self, i: int, j: int) -> int:
        return int(self.offsets[i] + j - self.lo[i])

    def _arguments(self, scorer: _Scorer) -> tuple:
        """The DP's arguments, all contiguous arrays of fixed types."""
        beads = np.array(self.shapes[dp.FIRST_BEAD :], dtype=np.int64).reshape(-1, 2)
        return (
            self.lo,
            self.hi,
            self.offsets,
            self.costs,
            np.ascontiguousarray(beads[:, 0]),
            np.ascontiguousarray(beads[:, 1]),
            np.ascontiguousarray(scorer.src_skip, dtype=np.float64),
            np.ascontiguousarray(scorer.tgt_skip, dtype=np.float64),
            float(scorer.config.temperature),
        )

    def forward(self, scorer: _Scorer) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Best and soft-min cost of reaching every cell, and the back pointers (see ``dp.forward``)."""
        return dp.forward(*self._arguments(scorer))

    def backward(self, scorer: _Scorer) -> np.ndarray:
        """Soft-min cost from every cell to the end (see ``dp.backward``)."""
        return dp.backward(*self._arguments(scorer))

    def step(self, scorer: _Scorer, i: int, j: int, shape_index: int) -> float:
        """Cost of the bead of ``shapes[shape_index]`` starting at ``(i, j)``."""
        if shape_index == dp.DELETION:
            return float(scorer.src_skip[i])
        if shape_index == dp.INSERTION:
            return float(scorer.tgt_skip[j])
        return float(self.costs[shape_index - dp.FIRST_BEAD, self.cell(i, j)])


def _skip_costs(side: SideEmbeddings, config: AlignConfig) -> np.ndarray:
    """``skip_cost`` per sentence, scaled by ``junk_skip_factor`` for lines without words."""
    return np.where(_is_junk(side.texts, side.size), config.junk_skip_factor, 1.0) * config.skip_cost


def _normalisers(
    src: SideEmbeddings, tgt: SideEmbeddings, region: _Region, config: AlignConfig
) -> tuple[tuple[np.ndarray, ...], tuple[np.ndarray, ...]]:
    """Per window, the distance to its typical counterpart on the other side.

    With ``neighbours`` > 0 that is one minus the mean similarity to the
    nearest target sentences a bead from this window could reach inside the
    search region (a local ratio margin; linear in the band). Otherwise it is
    the mean distance to a random sample (Vecalign's normaliser).
    """
    if config.neighbours == 0:
        rng = np.random.default_rng(config.seed)
        src_sample = _sample(src.windows[0], rng)
        tgt_sample = _sample(tgt.windows[0], rng)
        return (
            tuple(_mean_distance(w, tgt_sample) for w in src.windows),
            tuple(_mean_distance(w, src_sample) for w in tgt.windows),
        )
    n, m = src.size, tgt.size
    columns = region.transposed(m)
    src_norms = []
    for a, windows in enumerate(src.windows, start=1):
        starts = np.arange(len(windows))
        lo, hi = region.lo[starts], region.hi[np.minimum(starts + a, n)] + 1
        src_norms.append(1.0 - _knn_similarity(windows, tgt.windows[0], lo, hi, config.neighbours))
    tgt_norms = []
    for b, windows in enumerate(tgt.windows, start=1):
        starts = np.arange(len(windows))
        lo, hi = columns.lo[starts], columns.hi[np.minimum(starts + b, m)] + 1
        tgt_norms.append(1.0 - _knn_similarity(windows, src.windows[0], lo, hi, config.neighbours))
    return tuple(src_norms), tuple(tgt_norms)


def _knn_similarity(windows: np.ndarray, others: np.ndarray, lo: np.ndarray, hi: np.ndarray, k: int) -> np.ndarray:
    """Mean similarity of each window ``r`` to its ``k`` nearest among ``others[lo[r]:hi[r]]``.

    Rows are taken in chunks and compared with the span of columns the chunk
    needs; the region is a monotone band, so the work stays linear.
    """
    result = np.zeros(len(windows))
    if len(others) == 0:
        return result
    lo = np.clip(lo, 0, len(others) - 1)
    hi = np.clip(hi, lo + 1, len(others))
    for start in range(0, len(windows), _BLOCK_ROWS):
        stop = min(start + _BLOCK_ROWS, len(windows))
        first, last = int(lo[start:stop].min()), int(hi[start:stop].max())
        block = _rows32(windows[start:stop]) @ _rows32(others[first:last]).T
        columns = np.arange(first, last)
        outside = (columns < lo[start:stop, None]) | (columns >= hi[start:stop, None])
        block[outside] = -np.inf
        top_k = min(k, last - first)
        nearest = -np.partition(-block, top_k - 1, axis=1)[:, :top_k]
        finite = np.isfinite(nearest)
        result[start:stop] = np.where(finite, nearest, 0.0).sum(axis=1) / np.maximum(finite.sum(axis=1), 1)
    return result


def _sample(vectors: np.ndarray, rng: np.random.Generator, size: int = 256) -> np.ndarray:
    if len(vectors) <= size:
        return vectors
    return vectors[rng.choice(len(vectors), size=size, replace=False)]


def _mean_distance(windows: np.ndarray, sample: np.ndarray) -> np.ndarray:
    """Mean cosine distance from each window to a random sample of the other side."""
    if len(windows) == 0 or len(sample) == 0:
        return np.ones(len(windows))
    distances = np.empty(len(windows))
    for start in range(0, len(windows), 4096):
        block = _rows32(windows[start : start + 4096])
        distances[start : start + len(block)] = 1.0 - (block @ _rows32(sample).T).mean(axis=1)
    return distances


def _float32(side: SideEmbeddings) -> SideEmbeddings:
    """``side`` with float32 windows (a copy only of those stored as float16)."""
    return replace(side, windows=tuple(_rows32(windows) for windows in side.windows))


def _rows32(vectors: np.ndarray) -> np.ndarray:
    """Rows as float32 for a matrix product: windows of a long input may be stored as float16 to halve their memory."""
    return vectors.astype(np.float32, copy=False)


def _normalise(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)


# ---------------------------------------------------------------------------
# Search region


@dataclass(frozen=True)
class _Region:
    """For each DP row ``i`` (0…n), the inclusive column range ``lo[i]…hi[i]`` searched."""

    lo: np.ndarray
    hi: np.ndarray

    @classmethod
    def full(cls, n: int, m: int) -> _Region:
        return cls(np.zeros(n + 1, dtype=np.int64), np.full(n + 1, m, dtype=np.int64))

    def transposed(self, m: int) -> _Region:
        """For each column ``j`` (0…m), the rows whose range contains it (the band is monotone)."""
        columns = np.arange(m + 1)
        first = np.searchsorted(self.hi, columns, side="left")
        last = np.searchsorted(self.lo, columns, side="right") - 1
        return _Region(first.astype(np.int64), np.maximum(last, first).astype(np.int64))

    @property
    def cells(self) -> int:
        return int((self.hi - self.lo + 1).sum())


def _search_region(src: SideEmbeddings, tgt: SideEmbeddings, config: AlignConfig) -> _Region:
    """The full matrix for small inputs, else a band around the coarse path."""
    n, m = src.size, tgt.size
    if (n + 1) * (m + 1) <= config.max_full_cells or min(n, m) < 4:
        return _Region.full(n, m)
    coarse_config = replace(config, max_bead_size=3)
    coarse_beads = _viterbi(_coarsen(src), _coarsen(tgt), coarse_config)
    points = _path_points(coarse_beads, scale=2)
    return _band_around(points, n, m, config.band)


def _coarsen(side: SideEmbeddings) -> SideEmbeddings:
    """Merge sentence pairs (2i, 2i+1) into one coarse sentence."""
    if len(side.windows) >= 2:
        merged = side.windows[1][0::2]
    else:
        merged = _normalise(side.windows[0][0:-1:2] + side.windows[0][1::2]).astype(np.float32)
    if side.size % 2:
        merged = np.concatenate([merged, side.windows[0][-1:]])
    lengths = np.add.reduceat(side.lengths, np.arange(0, side.size, 2))
    texts = None
    if side.texts is not None:
        texts = tuple(" ".join(side.texts[k : k + 2]) for k in range(0, side.size, 2))
    return SideEmbeddings(approximate_windows(merged, 2), lengths, texts=texts)


def _path_points(beads: Sequence[Bead], scale: int) -> list[tuple[int, int]]:
    """The DP cells a coarse path passes through, scaled up to the fine grid."""
    points = [(0, 0)]
    i = j = 0
    for bead in beads:
        a, b = len(bead.src) * scale, len(bead.tgt) * scale
        steps = max(a, b)
        for step in range(1, steps + 1):
            points.append((i + round(a * step / steps), j + round(b * step / steps)))
        i, j = i + a, j + b
    return points


def _band_around(points: list[tuple[int, int]], n: int, m: int, width: int) -> _Region:
    lo = np.full(n + 1, m, dtype=np.int64)
    hi = np.zeros(n + 1, dtype=np.int64)
    for i, j in points:
        rows = slice(max(0, min(i, n) - width), min(n, i + width) + 1)
        lo[rows] = np.minimum(lo[rows], j - width)
        hi[rows] = np.maximum(hi[rows], j + width)
    lo = np.clip(lo, 0, m)
    hi = np.clip(hi, 0, m)
    # Rows never touched get the range of their neighbours; keep the band monotone.
    lo = np.minimum.accumulate(lo[::-1])[::-1]
    hi = np.maximum.accumulate(hi)
    lo[0], hi[-1] = 0, m
    return _Region(lo, np.maximum(hi, lo))


# ---------------------------------------------------------------------------
# Dynamic programme


def _traceback(grid: _Grid, back: np.ndarray, n: int, m: int) -> list[tuple[int, int, int]]:
    """Walk the back pointers from (n, m); returns beads as (i, j, shape index), in order."""
    path = []
    i, j = n, m
    while i > 0 or j > 0:
        shape_index = int(back[grid.cell(i, j)])
        if shape_index < 0:
            raise RuntimeError(f"alignment traceback hit an unreachable cell ({i}, {j})")
        a, b = grid.shapes[shape_index]
        i, j = i - a, j - b
        path.append((i, j, shape_index))
    path.reverse()
    return path


def _viterbi(src: SideEmbeddings, tgt: SideEmbeddings, config: AlignConfig) -> list[Bead]:
    """Best path only (no confidences): used for the coarse passes."""
    region = _search_region(src, tgt, config)
    scorer = _Scorer.build(src, tgt, region, config)
    grid = _Grid.build(scorer, region, bead_shapes(config.max_bead_size))
    _, _, back = grid.forward(scorer)
    return [_bead(i, j, grid.shapes[k], 1.0) for i, j, k in _traceback(grid, back, src.size, tgt.size)]


def _bead(i: int, j: int, shape: tuple[int, int], confidence: float) -> Bead:
    a, b = shape
    return Bead(tuple(range(i, i + a)), tuple(range(j, j + b)), confidence)


def align(src: SideEmbeddings, tgt: SideEmbeddings, config: AlignConfig | None = None) -> list[Bead]:
    """Align two sides; every bead carries its calibrated posterior probability as confidence.

    Args:
        src: source windows and lengths.
        tgt: target windows and lengths.
        config: tuning knobs; defaults suit most prose.

    Returns:
        Beads in order, covering every sentence of both sides exactly once.

    Example:
        >>> beads = align(src_side, tgt_side)
        >>> [(b.src, b.tgt) for b in beads][:2]
        [((0,), ()), ((1,), (0,))]
    """
    config = config or AlignConfig()
    n, m = src.size, tgt.size
    if n == 0 or m == 0:
        return [Bead((i,), (), 1.0) for i in range(n)] + [Bead((), (j,), 1.0) for j in range(m)]
    max_window = min(len(src.windows), len(tgt.windows))
    if max_window < config.max_bead_size - 1:
        raise ValueError(
            f"beads of up to {config.max_bead_size} sentences need windows of {config.max_bead_size - 1}, "
            f"got {max_window}"
        )
    shapes = bead_shapes(config.max_bead_size)
    shapes = [(a, b) for a, b in shapes if a <= n and b <= m]
    region = _search_region(src, tgt, config)
    scorer = _Scorer.build(src, tgt, region, config)
    grid = _Grid.build(scorer, region, shapes)
    _, soft, back = grid.forward(scorer)
    after = grid.backward(scorer)
    total = soft[grid.cell(n, m)]
    beads = []
    for i, j, shape_index in _traceback(grid, back, n, m):
        a, b = shapes[shape_index]
        cost = soft[grid.cell(i, j)] + grid.step(scorer, i, j, shape_index) + after[grid.cell(i + a, j + b)]
        posterior = float(np.exp(-(cost - total) / config.temperature))
        beads.append(_bead(i, j, (a, b), calibrated(posterior)))
    return beads


def calibrated(posterior: float) -> float:
    """Map a bead's posterior onto a confidence whose bins mean what they say (see ``_POSTERIOR_KNOTS``)."""
    return float(np.interp(min(1.0, max(0.0, posterior)), _POSTERIOR_KNOTS, _CONFIDENCE_KNOTS))
