"""The part of the DP grid that is searched: all of it for short texts, a band around a coarse path for long ones."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from paralign.model import Bead


@dataclass(frozen=True)
class Region:
    """For each DP row ``i`` (0…n), the inclusive column range ``lo[i]…hi[i]`` searched."""

    lo: np.ndarray
    hi: np.ndarray

    @classmethod
    def full(cls, n: int, m: int) -> Region:
        return cls(np.zeros(n + 1, dtype=np.int64), np.full(n + 1, m, dtype=np.int64))

    def transposed(self, m: int) -> Region:
        """For each column ``j`` (0…m), the rows whose range contains it (the band is monotone)."""
        columns = np.arange(m + 1)
        first = np.searchsorted(self.hi, columns, side="left")
        last = np.searchsorted(self.lo, columns, side="right") - 1
        return Region(first.astype(np.int64), np.maximum(last, first).astype(np.int64))

    @property
    def cells(self) -> int:
        return int((self.hi - self.lo + 1).sum())


def path_points(beads: Sequence[Bead], scale: int) -> list[tuple[int, int]]:
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


def band_around(points: list[tuple[int, int]], n: int, m: int, width: int) -> Region:
    """Every cell within ``width`` rows and columns of a point, made monotone and reaching both corners."""
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
    return Region(lo, np.maximum(hi, lo))
