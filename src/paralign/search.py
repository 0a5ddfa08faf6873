"""The search for the best monotone path of beads, and each bead's posterior probability on it.

Two passes over one dynamic programme (``paralign.dp``) give both the best
path (min-sum, Viterbi) and, with a soft minimum at the configured
temperature, the posterior probability of every bead on that path
(forward-backward); ``paralign.calibrate`` turns posteriors into
confidences.

Long documents never build an n×m matrix: the search is restricted to a band
around the path found on a copy of the documents with pairs of sentences
merged (recursively, coarse to fine), so time and memory grow linearly.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from paralign import dp
from paralign.band import Region, band_around, path_points
from paralign.config import AlignConfig
from paralign.costs import BLOCK_ROWS, Scorer, bead_shapes
from paralign.model import Bead
from paralign.sides import SideEmbeddings, approximate_windows, normalise, window_sizes_needed

#: Beads of the coarse search: on a copy with sentence pairs merged, 3 coarse sentences already span 6 fine ones.
_COARSE_BEAD_SIZE = 3

#: Below this many sentences on a side, coarsening would merge away the structure it is meant to find.
_MIN_COARSE_SENTENCES = 4


#: ``dp.forward``/``dp.backward``'s arguments: region bounds and offsets, costs, bead shapes, skip costs, temperature.
_DPArguments = tuple[
    np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, float
]


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
    def build(cls, scorer: Scorer, region: Region, shapes: list[tuple[int, int]]) -> _Grid:
        n, m = scorer.src.size, scorer.tgt.size
        offsets = np.concatenate([[0], np.cumsum(region.hi - region.lo + 1)]).astype(np.int64)
        beads = shapes[dp.FIRST_BEAD :]
        costs = np.full((len(beads), int(offsets[-1])), np.inf, dtype=np.float32)
        for k, (a, b) in enumerate(beads):
            for first in range(0, n - a + 1, BLOCK_ROWS):
                last = min(first + BLOCK_ROWS, n - a + 1)
                col_lo, col_hi = int(region.lo[first]), min(int(region.hi[first:last].max()), m - b)
                if col_hi < col_lo:
                    continue
                block = scorer.block_costs(slice(first, last), a, slice(col_lo, col_hi + 1), b)
                for i in range(first, last):
                    row_lo, row_hi = int(region.lo[i]), min(int(region.hi[i]), m - b)
                    if row_hi >= row_lo:
                        costs[k, offsets[i] : offsets[i] + row_hi - row_lo + 1] = block[
                            i - first, row_lo - col_lo : row_hi - col_lo + 1
                        ]
        # Contiguous int64 bounds (a banded region's are reversed views): one compiled signature serves every call.
        lo, hi = np.ascontiguousarray(region.lo, dtype=np.int64), np.ascontiguousarray(region.hi, dtype=np.int64)
        return cls(lo, hi, offsets, costs, shapes)

    def cell(self, i: int, j: int) -> int:
        return int(self.offsets[i] + j - self.lo[i])

    def _arguments(self, scorer: Scorer) -> _DPArguments:
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

    def forward(self, scorer: Scorer) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Best and soft-min cost of reaching every cell, and the back pointers (see ``dp.forward``)."""
        hard, soft, back = dp.forward(*self._arguments(scorer))
        return hard, soft, back

    def backward(self, scorer: Scorer) -> np.ndarray:
        """Soft-min cost from every cell to the end (see ``dp.backward``)."""
        after: np.ndarray = dp.backward(*self._arguments(scorer))
        return after

    def step(self, scorer: Scorer, i: int, j: int, shape_index: int) -> float:
        """Cost of the bead of ``shapes[shape_index]`` starting at ``(i, j)``."""
        if shape_index == dp.DELETION:
            return float(scorer.src_skip[i])
        if shape_index == dp.INSERTION:
            return float(scorer.tgt_skip[j])
        return float(self.costs[shape_index - dp.FIRST_BEAD, self.cell(i, j)])


def _search_region(src: SideEmbeddings, tgt: SideEmbeddings, config: AlignConfig) -> Region:
    """The full matrix for small inputs, else a band around the coarse path."""
    n, m = src.size, tgt.size
    if (n + 1) * (m + 1) <= config.max_full_cells or min(n, m) < _MIN_COARSE_SENTENCES:
        return Region.full(n, m)
    coarse_config = replace(config, max_bead_size=_COARSE_BEAD_SIZE)
    coarse_beads = _viterbi(_coarsen(src), _coarsen(tgt), coarse_config)
    return band_around(path_points(coarse_beads, scale=2), n, m, config.band)


def _coarsen(side: SideEmbeddings) -> SideEmbeddings:
    """Merge sentence pairs (2i, 2i+1) into one coarse sentence."""
    if len(side.windows) >= 2:
        merged = side.windows[1][0::2]
    else:
        merged = normalise(side.windows[0][0:-1:2] + side.windows[0][1::2]).astype(np.float32)
    if side.size % 2:
        merged = np.concatenate([merged, side.windows[0][-1:]])
    return SideEmbeddings(approximate_windows(merged, 2), side.features.coarsened())


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
    """Best path only (no posteriors): used for the coarse passes."""
    region = _search_region(src, tgt, config)
    scorer = Scorer.build(src, tgt, region, config)
    grid = _Grid.build(scorer, region, bead_shapes(config.max_bead_size))
    _, _, back = grid.forward(scorer)
    return [_bead(i, j, grid.shapes[k], 1.0) for i, j, k in _traceback(grid, back, src.size, tgt.size)]


def _bead(i: int, j: int, shape: tuple[int, int], posterior: float) -> Bead:
    a, b = shape
    return Bead(tuple(range(i, i + a)), tuple(range(j, j + b)), posterior)


def best_path(src: SideEmbeddings, tgt: SideEmbeddings, config: AlignConfig) -> list[Bead]:
    """The best monotone path of beads; each bead's ``confidence`` holds its raw posterior probability.

    Args:
        src: source windows and features.
        tgt: target windows and features.
        config: tuning knobs.

    Returns:
        Beads in order, covering every sentence of both sides exactly once.
        Map the posteriors through ``paralign.calibrate`` before showing them.

    Example:
        >>> beads = best_path(src_side, tgt_side, AlignConfig())
        >>> [(b.src, b.tgt) for b in beads][:2]
        [((0,), ()), ((1,), (0,))]
    """
    return solve(src, tgt, config)[0]


@dataclass(frozen=True)
class Lattice:
    """What the search knows once it has run: the price of any bead, and the posterior of any bead in its region.

    ``paralign.moves`` asks it about beads the path did not take (a bead
    without its end sentence, a pair out of order), priced exactly as the
    path's own.
    """

    scorer: Scorer
    grid: _Grid
    soft: np.ndarray
    after: np.ndarray
    total: float

    def cost(self, src: tuple[int, ...], tgt: tuple[int, ...]) -> float:
        """The cost of the bead ``src``:``tgt`` (consecutive indices; skips priced per sentence)."""
        if not tgt:
            return float(sum(self.scorer.src_skip[i] for i in src))
        if not src:
            return float(sum(self.scorer.tgt_skip[j] for j in tgt))
        return float(self.pair_costs(src, tgt[0], tgt[0] + 1, len(tgt))[0])

    def pair_costs(self, src: tuple[int, ...], first: int, stop: int, b: int = 1) -> np.ndarray:
        """Costs of the beads ``src``:``j … j+b-1`` for every ``j`` in ``first … stop-1``."""
        costs: np.ndarray = self.scorer.block_costs(slice(src[0], src[0] + 1), len(src), slice(first, stop), b)[0]
        return costs

    def posterior(self, i: int, j: int, bead: Bead) -> float:
        """Probability that a path takes ``bead`` from cell ``(i, j)``; 0 where the search region excludes it."""
        a, b = len(bead.src), len(bead.tgt)
        if not (self._inside(i, j) and self._inside(i + a, j + b)):
            return 0.0
        cost = (
            self.soft[self.grid.cell(i, j)] + self.cost(bead.src, bead.tgt) + self.after[self.grid.cell(i + a, j + b)]
        )
        return min(1.0, float(np.exp(-(cost - self.total) / self.scorer.config.temperature)))

    def _inside(self, i: int, j: int) -> bool:
        return i < len(self.grid.lo) and int(self.grid.lo[i]) <= j <= int(self.grid.hi[i])


def solve(src: SideEmbeddings, tgt: SideEmbeddings, config: AlignConfig) -> tuple[list[Bead], Lattice | None]:
    """``best_path``'s beads, and the lattice they were found in (``None`` when a side is empty)."""
    n, m = src.size, tgt.size
    if n == 0 or m == 0:
        return [Bead((i,), (), 1.0) for i in range(n)] + [Bead((), (j,), 1.0) for j in range(m)], None
    max_window = min(len(src.windows), len(tgt.windows))
    if max_window < window_sizes_needed(config.max_bead_size):
        raise ValueError(
            f"beads of up to {config.max_bead_size} sentences need windows of "
            f"{window_sizes_needed(config.max_bead_size)}, got {max_window}"
        )
    shapes = [(a, b) for a, b in bead_shapes(config.max_bead_size) if a <= n and b <= m]
    region = _search_region(src, tgt, config)
    scorer = Scorer.build(src, tgt, region, config)
    grid = _Grid.build(scorer, region, shapes)
    _, soft, back = grid.forward(scorer)
    after = grid.backward(scorer)
    total = float(soft[grid.cell(n, m)])
    beads = []
    for i, j, shape_index in _traceback(grid, back, n, m):
        a, b = shapes[shape_index]
        cost = soft[grid.cell(i, j)] + grid.step(scorer, i, j, shape_index) + after[grid.cell(i + a, j + b)]
        posterior = float(np.exp(-(cost - total) / config.temperature))
        beads.append(_bead(i, j, (a, b), min(1.0, max(0.0, posterior))))
    return beads, Lattice(scorer, grid, soft, after, total)
