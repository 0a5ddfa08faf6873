"""What a bead costs: similarity margin, length, numbers, blocks, members; numpy over the sides' arrays.

How a bead of ``a`` source and ``b`` target sentences is priced (lower is better)::

    cost(bead) = (a + b) / 2 * distance + length_penalty + shape_penalty
                 + number_penalty + block_penalty + member_penalty + direction_penalty
    distance   = (1 - cos(x, y)) / (1 - (knn(x) + knn(y)) / 2)

``knn(x)`` is the mean similarity of window ``x`` to its ``neighbours``
nearest sentences of the other side, searched inside the DP's region (the
ratio margin of Artetxe & Schwenk, read as a distance). Dividing by it
cancels "hub" sentences that are close to everything and rewards a pair
that stands out from its local competitors, which matters in a text that
keeps talking about the same mountains. Leaving a sentence unaligned costs
``skip_cost``, less for word-less lines (OCR debris, stray captions), which
translators and gold standards leave unaligned. A merged bead also pays
when one of its end sentences seems not to belong: when the bead matches
better without it (``member_penalty``), or when what it adds to the window
does not point towards the other side (``direction_penalty``). A bead across
a heading edge is impossible (infinite cost): a heading is its own bead.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from paralign.band import Region
from paralign.config import AlignConfig
from paralign.sides import SideEmbeddings, rows32

#: Rows per dense block of bead costs and neighbour searches. A block spans
#: the columns of all its rows, so in a diagonal band a small block wastes
#: little: 32 rows of a 21-wide band need ~60 columns, 128 rows ~175.
BLOCK_ROWS = 32

#: Smoothing of the length ratio, in characters: two short lines (a heading,
#: a caption) differ in length by chance more than two paragraphs do.
_LENGTH_SMOOTHING = 10.0

#: Shortest step between two embeddings whose direction is read; below it a sentence adds nothing.
_MIN_SPAN = 1e-4

#: Floor of the margin normaliser: a window whose neighbours are all near
#: copies of it (a repeated line) would otherwise divide by almost nothing.
_MIN_NORMALISER = 0.05


def bead_shapes(max_bead_size: int) -> list[tuple[int, int]]:
    """All bead shapes ``(n_src, n_tgt)`` up to ``max_bead_size`` sentences, skips first."""
    shapes = [(1, 0), (0, 1)]
    shapes += [(a, b) for total in range(2, max_bead_size + 1) for a in range(1, total) for b in (total - a,)]
    return shapes


@dataclass(frozen=True)
class Scorer:
    """Bead costs for one pair of sides inside one search region; built once, shared by every pass."""

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
    src_blocks: np.ndarray
    tgt_blocks: np.ndarray
    src_headings: np.ndarray
    tgt_headings: np.ndarray
    length_ratio: float
    config: AlignConfig

    @classmethod
    def build(cls, src: SideEmbeddings, tgt: SideEmbeddings, region: Region, config: AlignConfig) -> Scorer:
        if region.cells == (src.size + 1) * (tgt.size + 1):
            # Every block spans all columns: convert float16 windows once, not once per block.
            src, tgt = _float32(src), _float32(tgt)
        src_norms, tgt_norms = _normalisers(src, tgt, region, config.neighbours)
        max_window = min(len(src.windows), len(tgt.windows))
        src_total = float(src.features.lengths.sum()) or 1.0
        tgt_total = float(tgt.features.lengths.sum()) or 1.0
        return cls(
            src=src,
            tgt=tgt,
            src_norms=src_norms,
            tgt_norms=tgt_norms,
            src_bags=_window_bags(src.features.number_bags, max_window),
            tgt_bags=_window_bags(tgt.features.number_bags, max_window),
            src_skip=_skip_costs(src, config),
            tgt_skip=_skip_costs(tgt, config),
            src_cumlen=np.concatenate([[0.0], np.cumsum(src.features.lengths, dtype=np.float64)]),
            tgt_cumlen=np.concatenate([[0.0], np.cumsum(tgt.features.lengths, dtype=np.float64)]),
            src_blocks=src.features.block_boundaries(),
            tgt_blocks=tgt.features.block_boundaries(),
            src_headings=src.features.heading_boundaries(),
            tgt_headings=tgt.features.heading_boundaries(),
            length_ratio=tgt_total / src_total,
            config=config,
        )

    def block_costs(self, rows: slice, a: int, cols: slice, b: int) -> np.ndarray:
        """Costs of beads taking src ``i … i+a-1`` and tgt ``j … j+b-1``, for all ``i`` in ``rows``, ``j`` in ``cols``.

        Computed for a dense block at once, so the work is a few matrix
        products rather than one small product per DP cell.
        """
        config = self.config
        similarity = rows32(self.src.windows[a - 1][rows]) @ rows32(self.tgt.windows[b - 1][cols]).T
        normaliser = 0.5 * (self.src_norms[a - 1][rows, None] + self.tgt_norms[b - 1][None, cols])
        distance = (1.0 - similarity) / np.maximum(normaliser, _MIN_NORMALISER)
        i = np.arange(rows.start, rows.stop)[:, None]
        j = np.arange(cols.start, cols.stop)[None, :]
        src_len = self.src_cumlen[i + a] - self.src_cumlen[i]
        tgt_len = self.tgt_cumlen[j + b] - self.tgt_cumlen[j]
        length_penalty = np.abs(
            np.log((tgt_len + _LENGTH_SMOOTHING) / (self.length_ratio * src_len + _LENGTH_SMOOTHING))
        )
        straddles = (self.src_blocks[i + a - 1] > self.src_blocks[i]).astype(np.float64) + (
            self.tgt_blocks[j + b - 1] > self.tgt_blocks[j]
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
        if size > 2 and (config.member_weight or config.direction_weight):
            deficit, direction = self._member_cues(rows, a, cols, b, similarity)
            cost += config.member_weight * deficit
            cost += config.direction_weight * np.maximum(0.0, config.direction_floor - direction)
        across_heading = (self.src_headings[i + a - 1] > self.src_headings[i]) | (
            self.tgt_headings[j + b - 1] > self.tgt_headings[j]
        )
        return np.where(across_heading, np.inf, cost)

    def _member_cues(
        self, rows: slice, a: int, cols: slice, b: int, similarity: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Two tests of the end sentences of a merged bead: the deficit, and the worst direction.

        *Deficit*: how much better the bead matches without one of its end
        sentences (0 when every member adds to it). A sentence that belongs
        makes the match better; one the translator dropped, glued to a
        neighbour, makes it worse.

        *Direction*: for each end sentence, the cosine between what it adds
        to the window (the window minus the window without it) and the way
        from the window without it to the other side's window; the lowest
        over the bead's end sentences. A sentence that belongs moves the
        window towards its translation; one that was dropped moves it
        anywhere. Unlike the deficit this does not depend on how far the
        sentence moves the window, so a short sentence glued to a long
        neighbour, which moves it by a few hundredths, is judged as well.
        """
        deficit = np.zeros_like(similarity)
        direction = np.full_like(similarity, np.inf)
        n_rows, n_cols = similarity.shape
        if a > 1:
            windows = rows32(self.src.windows[a - 1][rows])
            others = rows32(self.tgt.windows[b - 1][cols])
            for first in (rows.start, rows.start + 1):
                without = rows32(self.src.windows[a - 2][first : first + n_rows])
                sub = without @ others.T
                deficit = np.maximum(deficit, sub - similarity)
                direction = np.minimum(direction, _turn(windows, without, others, similarity, sub))
        if b > 1:
            windows = rows32(self.tgt.windows[b - 1][cols])
            others = rows32(self.src.windows[a - 1][rows])
            for first in (cols.start, cols.start + 1):
                without = rows32(self.tgt.windows[b - 2][first : first + n_cols])
                sub = without @ others.T
                deficit = np.maximum(deficit, (sub - similarity.T).T)
                direction = np.minimum(direction, _turn(windows, without, others, similarity.T, sub).T)
        return deficit, direction

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
        result: np.ndarray = ((src_count[:, None] > 0) | (tgt_count[None, :] > 0)).astype(np.float64)
        src_some, tgt_some = np.flatnonzero(src_count), np.flatnonzero(tgt_count)
        if len(src_some) and len(tgt_some):
            shared = src_bags[src_some].astype(np.float32) @ tgt_bags[tgt_some].T.astype(np.float32)
            union = src_count[src_some, None] + tgt_count[None, tgt_some] - shared
            result[np.ix_(src_some, tgt_some)] = 1.0 - shared / np.maximum(union, 1.0)
        return result


def _turn(
    windows: np.ndarray, without: np.ndarray, others: np.ndarray, similarity: np.ndarray, sub: np.ndarray
) -> np.ndarray:
    """``cos(w - v, y - v)`` for every window ``w`` (row), its sub-window ``v`` and every other-side window ``y``.

    Built from the products the deficit already has (``similarity`` = w·y,
    ``sub`` = v·y), so it costs a few dot products per row. A sub-window
    equal to its window (an empty sentence) adds no direction: 0.
    """
    wv = np.einsum("rd,rd->r", windows, without)
    vv = np.einsum("rd,rd->r", without, without)
    ww = np.einsum("rd,rd->r", windows, windows)
    yy = np.einsum("cd,cd->c", others, others)
    added = np.sqrt(np.maximum(ww + vv - 2.0 * wv, 0.0))
    way = np.sqrt(np.maximum(yy[None, :] + vv[:, None] - 2.0 * sub, _MIN_SPAN**2))
    along = (similarity - sub) - (wv - vv)[:, None]
    moved = added > _MIN_SPAN
    return np.where(moved[:, None], along / (np.maximum(added, _MIN_SPAN)[:, None] * way), 0.0)


def _window_bags(bags: np.ndarray, max_window: int) -> tuple[np.ndarray, ...]:
    """Bags of numbers of every window of 1…``max_window`` sentences (a union, so 0/1)."""
    windows = [bags]
    running = bags.copy()
    for k in range(2, max_window + 1):
        running = np.maximum(running[:-1], bags[k - 1 :])
        windows.append(running)
    return tuple(windows)


def _skip_costs(side: SideEmbeddings, config: AlignConfig) -> np.ndarray:
    """``skip_cost`` per sentence, scaled by ``junk_skip_factor`` for lines without words."""
    return np.where(side.features.wordless, config.junk_skip_factor, 1.0) * config.skip_cost


def _normalisers(
    src: SideEmbeddings, tgt: SideEmbeddings, region: Region, neighbours: int
) -> tuple[tuple[np.ndarray, ...], tuple[np.ndarray, ...]]:
    """Per window, the distance to its typical counterpart on the other side.

    That is one minus the mean similarity to the ``neighbours`` nearest
    sentences of the other side that a bead from this window could reach
    inside the search region (a local ratio margin; linear in the band).
    """
    n, m = src.size, tgt.size
    columns = region.transposed(m)
    src_norms = []
    for a, windows in enumerate(src.windows, start=1):
        starts = np.arange(len(windows))
        lo, hi = region.lo[starts], region.hi[np.minimum(starts + a, n)] + 1
        src_norms.append(1.0 - _knn_similarity(windows, tgt.windows[0], lo, hi, neighbours))
    tgt_norms = []
    for b, windows in enumerate(tgt.windows, start=1):
        starts = np.arange(len(windows))
        lo, hi = columns.lo[starts], columns.hi[np.minimum(starts + b, m)] + 1
        tgt_norms.append(1.0 - _knn_similarity(windows, src.windows[0], lo, hi, neighbours))
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
    for start in range(0, len(windows), BLOCK_ROWS):
        stop = min(start + BLOCK_ROWS, len(windows))
        first, last = int(lo[start:stop].min()), int(hi[start:stop].max())
        block = rows32(windows[start:stop]) @ rows32(others[first:last]).T
        columns = np.arange(first, last)
        outside = (columns < lo[start:stop, None]) | (columns >= hi[start:stop, None])
        block[outside] = -np.inf
        top_k = min(k, last - first)
        nearest = -np.partition(-block, top_k - 1, axis=1)[:, :top_k]
        finite = np.isfinite(nearest)
        result[start:stop] = np.where(finite, nearest, 0.0).sum(axis=1) / np.maximum(finite.sum(axis=1), 1)
    return result


def _float32(side: SideEmbeddings) -> SideEmbeddings:
    """``side`` with float32 windows (a copy only of those stored as float16)."""
    return SideEmbeddings(tuple(rows32(windows) for windows in side.windows), side.features)
