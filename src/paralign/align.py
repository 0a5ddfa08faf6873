"""Monotonic sentence alignment by dynamic programming over embeddings.

The aligner sees only numbers: for each side, the embeddings of every window
of 1…k consecutive sentences (so a 2-1 bead is scored by a real similarity
between the two sentences read together and their translation) and the
sentences' lengths. It returns ``Bead``s covering every sentence exactly once.

How a bead is scored (lower cost is better)::

    cost(bead) = size(bead) * distance + length_penalty + shape_penalty
    distance   = (1 - cos(x, y)) / mean((1 - cos(x, y_rand)), (1 - cos(x_rand, y)))

The normalisation (after Vecalign) divides by how far each side lies from
random sentences of the other side, which cancels "hub" sentences that are
close to everything. A deletion or insertion costs ``skip_cost`` per sentence.

Two passes over the same dynamic programme give both the best path (min-sum,
Viterbi) and, with a soft minimum at temperature ``temperature``, the
posterior probability of every bead on that path (forward-backward). That
posterior is the bead's confidence: the share of all plausible alignments
that agree with it.

Long documents never build an n×m matrix: the search is restricted to a band
around the path found on a copy of the documents with pairs of sentences
merged (recursively, coarse to fine), so time and memory grow linearly.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from paralign.model import Bead

_INF = np.inf


@dataclass(frozen=True)
class AlignConfig:
    """Tuning knobs of the aligner; the defaults were tuned on Text+Berg dev.

    Attributes:
        max_bead_size: largest number of sentences in one bead (source plus
            target); 4 allows 1-1, 1-2, 2-1, 2-2, 1-3, 3-1.
        skip_cost: cost of leaving one sentence unaligned (1-0 or 0-1), in
            units of normalised distance.
        shape_penalty: extra cost per sentence beyond a 1-1 bead, a prior that
            most beads are 1-1.
        length_weight: weight of the length-ratio penalty.
        block_penalty: cost of a bead whose sentences on one side straddle a
            paragraph (block) boundary; translators rarely merge across one.
        temperature: softness of the posterior; calibrates confidences.
        band: half-width, in sentences, of the search band around the
            coarse path for long documents.
        max_full_cells: DP cells above which the coarse-to-fine search starts.
        seed: seed of the random sample used for the distance normaliser.
    """

    max_bead_size: int = 4
    skip_cost: float = 0.7
    shape_penalty: float = 0.25
    length_weight: float = 0.25
    temperature: float = 0.15
    block_penalty: float = 1.0
    band: int = 10
    max_full_cells: int = 1_500_000
    seed: int = 0

    def __post_init__(self) -> None:
        if self.max_bead_size < 2:
            raise ValueError(f"max_bead_size must be at least 2, got {self.max_bead_size}")
        if self.temperature <= 0:
            raise ValueError(f"temperature must be positive, got {self.temperature}")


@dataclass(frozen=True)
class SideEmbeddings:
    """One side as the aligner sees it.

    ``windows[k - 1][i]`` is the unit-norm embedding of sentences
    ``i … i + k - 1`` read together, shape ``(n - k + 1, dim)``; ``lengths``
    holds each sentence's length in characters.
    """

    windows: tuple[np.ndarray, ...]
    lengths: np.ndarray
    block_starts: np.ndarray | None = None

    @property
    def size(self) -> int:
        return len(self.lengths)

    def boundaries(self) -> np.ndarray:
        """``result[k]``: block boundaries up to sentence ``k``; window ``i…k`` straddles one if ``result[k] > result[i]``."""
        if self.block_starts is None:
            return np.zeros(self.size, dtype=np.int64)
        marks = self.block_starts.astype(np.int64)
        return np.cumsum(marks) - marks[:1]

    def reversed(self) -> SideEmbeddings:
        """The same side read backwards: window i now ends where it started."""
        starts = None
        if self.block_starts is not None:
            # A block start before sentence i becomes a block end after it, i.e. a start before i-1.
            ends = np.concatenate([self.block_starts[1:], [True]])
            starts = ends[::-1].copy()
        return SideEmbeddings(tuple(w[::-1] for w in self.windows), self.lengths[::-1], starts)


def bead_shapes(max_bead_size: int) -> list[tuple[int, int]]:
    """All bead shapes ``(n_src, n_tgt)`` up to ``max_bead_size`` sentences, skips first."""
    shapes = [(1, 0), (0, 1)]
    shapes += [
        (a, b) for total in range(2, max_bead_size + 1) for a in range(1, total) for b in (total - a,)
    ]
    return shapes


def window_sizes_needed(max_bead_size: int) -> int:
    """The longest window a side needs embedded for beads up to ``max_bead_size``."""
    return max_bead_size - 1


def approximate_windows(sentences: np.ndarray, max_window: int) -> tuple[np.ndarray, ...]:
    """Windows as normalised sums of sentence embeddings, for when encoding them is not worth it."""
    windows = [sentences]
    running = sentences.astype(np.float64)
    for k in range(2, max_window + 1):
        running = running[:-1] + sentences[k - 1 :]
        windows.append(_normalise(running).astype(np.float32))
    return tuple(windows)


# ---------------------------------------------------------------------------
# Scoring


@dataclass(frozen=True)
class _Scorer:
    """Bead costs for one pair of sides; built once, shared by every pass."""

    src: SideEmbeddings
    tgt: SideEmbeddings
    src_norms: tuple[np.ndarray, ...]
    tgt_norms: tuple[np.ndarray, ...]
    src_cumlen: np.ndarray
    tgt_cumlen: np.ndarray
    src_boundaries: np.ndarray
    tgt_boundaries: np.ndarray
    length_ratio: float
    config: AlignConfig

    @classmethod
    def build(cls, src: SideEmbeddings, tgt: SideEmbeddings, config: AlignConfig) -> _Scorer:
        rng = np.random.default_rng(config.seed)
        src_sample = _sample(src.windows[0], rng)
        tgt_sample = _sample(tgt.windows[0], rng)
        src_total = float(src.lengths.sum()) or 1.0
        tgt_total = float(tgt.lengths.sum()) or 1.0
        return cls(
            src=src,
            tgt=tgt,
            src_norms=tuple(_mean_distance(w, tgt_sample) for w in src.windows),
            tgt_norms=tuple(_mean_distance(w, src_sample) for w in tgt.windows),
            src_cumlen=np.concatenate([[0.0], np.cumsum(src.lengths, dtype=np.float64)]),
            tgt_cumlen=np.concatenate([[0.0], np.cumsum(tgt.lengths, dtype=np.float64)]),
            src_boundaries=src.boundaries(),
            tgt_boundaries=tgt.boundaries(),
            length_ratio=tgt_total / src_total,
            config=config,
        )

    def reversed(self) -> _Scorer:
        src, tgt = self.src.reversed(), self.tgt.reversed()
        return _Scorer(
            src=src,
            tgt=tgt,
            src_norms=tuple(n[::-1] for n in self.src_norms),
            tgt_norms=tuple(n[::-1] for n in self.tgt_norms),
            src_cumlen=self.src_cumlen[-1] - self.src_cumlen[::-1],
            tgt_cumlen=self.tgt_cumlen[-1] - self.tgt_cumlen[::-1],
            src_boundaries=src.boundaries(),
            tgt_boundaries=tgt.boundaries(),
            length_ratio=self.length_ratio,
            config=self.config,
        )

    def skip_costs(self, side: str) -> np.ndarray:
        """Cost of leaving each sentence of ``side`` unaligned."""
        n = self.src.size if side == "src" else self.tgt.size
        return np.full(n, self.config.skip_cost)

    def costs(self, i: int, a: int, js: np.ndarray, b: int) -> np.ndarray:
        """Costs of beads taking src ``i … i+a-1`` and tgt ``j … j+b-1`` for each ``j`` in ``js``."""
        src_vec = self.src.windows[a - 1][i]
        similarity = self.tgt.windows[b - 1][js] @ src_vec
        normaliser = 0.5 * (self.src_norms[a - 1][i] + self.tgt_norms[b - 1][js])
        distance = (1.0 - similarity) / np.maximum(normaliser, 1e-6)
        src_len = self.src_cumlen[i + a] - self.src_cumlen[i]
        tgt_len = self.tgt_cumlen[js + b] - self.tgt_cumlen[js]
        length_penalty = np.abs(np.log((tgt_len + 10.0) / (self.length_ratio * src_len + 10.0)))
        straddles = (self.src_boundaries[i + a - 1] > self.src_boundaries[i]) + (
            self.tgt_boundaries[js + b - 1] > self.tgt_boundaries[js]
        )
        config = self.config
        size = a + b
        return (
            0.5 * size * distance
            + config.length_weight * length_penalty
            + config.shape_penalty * (size - 2)
            + config.block_penalty * straddles
        )


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
        block = windows[start : start + 4096]
        distances[start : start + len(block)] = 1.0 - (block @ sample.T).mean(axis=1)
    return distances


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

    def reversed(self, m: int) -> _Region:
        return _Region(m - self.hi[::-1], m - self.lo[::-1])

    @property
    def cells(self) -> int:
        return int((self.hi - self.lo + 1).sum())


def _search_region(scorer_src: SideEmbeddings, scorer_tgt: SideEmbeddings, config: AlignConfig) -> _Region:
    """The full matrix for small inputs, else a band around the coarse path."""
    n, m = scorer_src.size, scorer_tgt.size
    if (n + 1) * (m + 1) <= config.max_full_cells or min(n, m) < 4:
        return _Region.full(n, m)
    coarse_src, coarse_tgt = _coarsen(scorer_src), _coarsen(scorer_tgt)
    coarse_config = AlignConfig(
        max_bead_size=3,
        skip_cost=config.skip_cost,
        shape_penalty=config.shape_penalty,
        length_weight=config.length_weight,
        temperature=config.temperature,
        band=config.band,
        max_full_cells=config.max_full_cells,
        seed=config.seed,
    )
    coarse_beads, _ = _viterbi(coarse_src, coarse_tgt, coarse_config)
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
    return SideEmbeddings(approximate_windows(merged, 2), lengths)


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


@dataclass
class _Fill:
    """DP tables for one pass, stored row by row over the region."""

    hard: list[np.ndarray]
    soft: list[np.ndarray]
    back: list[np.ndarray]


def _fill(scorer: _Scorer, region: _Region, shapes: list[tuple[int, int]], keep_hard: bool) -> _Fill:
    """Forward pass: best (hard) and soft-min (soft) cost to reach every cell."""
    n, m = scorer.src.size, scorer.tgt.size
    temperature = scorer.config.temperature
    src_skip = scorer.skip_costs("src")
    tgt_skip = scorer.skip_costs("tgt")
    tgt_skip_cum = np.concatenate([[0.0], np.cumsum(tgt_skip)])
    hard_rows: list[np.ndarray] = []
    soft_rows: list[np.ndarray] = []
    back_rows: list[np.ndarray] = []
    for i in range(n + 1):
        lo, hi = int(region.lo[i]), int(region.hi[i])
        cols = np.arange(lo, hi + 1)
        hard = np.full(len(cols), _INF)
        soft_terms: list[np.ndarray] = []
        back = np.full(len(cols), -1, dtype=np.int8)
        if i == 0 and lo == 0:
            hard[0] = 0.0
            start = np.full(len(cols), _INF)
            start[0] = 0.0
            soft_terms.append(start)
        for shape_index, (a, b) in enumerate(shapes):
            if a == 0 or a > i:
                continue
            prev_lo, prev_hi = int(region.lo[i - a]), int(region.hi[i - a])
            first = max(lo, prev_lo + b, b)
            last = min(hi, prev_hi + b, m)
            if first > last:
                continue
            js = np.arange(first - b, last + 1 - b)
            if b == 0:
                step = np.full(len(js), src_skip[i - 1])
            else:
                if js[-1] + b > m or i - a + a > n:
                    continue
                step = scorer.costs(i - a, a, js, b)
            slot = slice(first - lo, last + 1 - lo)
            candidate = hard_rows[i - a][js - prev_lo] + step if keep_hard else None
            if candidate is not None:
                better = candidate < hard[slot]
                hard[slot] = np.where(better, candidate, hard[slot])
                back[slot] = np.where(better, shape_index, back[slot])
            term = np.full(len(cols), _INF)
            term[slot] = soft_rows[i - a][js - prev_lo] + step
            soft_terms.append(term)
        soft = _softmin(soft_terms, temperature) if soft_terms else np.full(len(cols), _INF)
        # Insertions (0-1) move along the row: a prefix scan, not a loop over j.
        offsets = tgt_skip_cum[cols]
        if keep_hard:
            scanned = np.minimum.accumulate(hard - offsets) + offsets
            # Compare against "best at j-1, then insert", not against the scan
            # itself, whose rounding would flag cells that no insertion beat.
            via_insert = np.full(len(cols), _INF)
            via_insert[1:] = scanned[:-1] + tgt_skip[cols[1:] - 1]
            inserted = via_insert < hard
            hard = np.where(inserted, via_insert, hard)
            back = np.where(inserted, shapes.index((0, 1)), back).astype(np.int8)
        soft = -temperature * np.logaddexp.accumulate(-(soft - offsets) / temperature) + offsets
        hard_rows.append(hard)
        soft_rows.append(soft)
        back_rows.append(back)
    return _Fill(hard_rows, soft_rows, back_rows)


def _softmin(terms: list[np.ndarray], temperature: float) -> np.ndarray:
    stacked = np.vstack(terms)
    best = stacked.min(axis=0)
    finite = np.isfinite(best)
    result = np.full(stacked.shape[1], _INF)
    if finite.any():
        shifted = np.exp(-(stacked[:, finite] - best[finite]) / temperature)
        result[finite] = best[finite] - temperature * np.log(shifted.sum(axis=0))
    return result


def _traceback(fill: _Fill, region: _Region, shapes: list[tuple[int, int]], n: int, m: int) -> list[tuple[int, int, int]]:
    """Walk the back pointers from (n, m); returns beads as (i, j, shape index), in order."""
    path = []
    i, j = n, m
    while i > 0 or j > 0:
        shape_index = int(fill.back[i][j - region.lo[i]])
        if shape_index < 0:
            raise RuntimeError(f"alignment traceback hit an unreachable cell ({i}, {j})")
        a, b = shapes[shape_index]
        i, j = i - a, j - b
        path.append((i, j, shape_index))
    path.reverse()
    return path


def _viterbi(src: SideEmbeddings, tgt: SideEmbeddings, config: AlignConfig) -> tuple[list[Bead], float]:
    """Best path only (no confidences): used for the coarse passes."""
    shapes = bead_shapes(config.max_bead_size)
    scorer = _Scorer.build(src, tgt, config)
    region = _search_region(src, tgt, config)
    fill = _fill(scorer, region, shapes, keep_hard=True)
    path = _traceback(fill, region, shapes, src.size, tgt.size)
    beads = [_bead(i, j, shapes[k], 1.0) for i, j, k in path]
    return beads, float(fill.hard[-1][-1])


def _bead(i: int, j: int, shape: tuple[int, int], confidence: float) -> Bead:
    a, b = shape
    return Bead(tuple(range(i, i + a)), tuple(range(j, j + b)), confidence)


def align(src: SideEmbeddings, tgt: SideEmbeddings, config: AlignConfig | None = None) -> list[Bead]:
    """Align two sides; every bead carries its posterior probability as confidence.

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
    scorer = _Scorer.build(src, tgt, config)
    region = _search_region(src, tgt, config)
    forward = _fill(scorer, region, shapes, keep_hard=True)
    backward_region = region.reversed(m)
    backward = _fill(scorer.reversed(), backward_region, shapes, keep_hard=False)
    total = forward.soft[-1][-1]
    beads = []
    for i, j, shape_index in _traceback(forward, region, shapes, n, m):
        a, b = shapes[shape_index]
        before = forward.soft[i][j - region.lo[i]]
        after_row = n - (i + a)
        after = backward.soft[after_row][(m - (j + b)) - backward_region.lo[after_row]]
        if a and b:
            step = scorer.costs(i, a, np.array([j]), b)[0]
        else:
            step = scorer.skip_costs("src")[i] if a else scorer.skip_costs("tgt")[j]
        posterior = float(np.exp(-(before + step + after - total) / config.temperature))
        beads.append(_bead(i, j, (a, b), min(1.0, max(0.0, posterior))))
    return beads
