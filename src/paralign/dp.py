"""The dynamic-programming core: forward and backward passes over a banded grid.

Kept apart from the scoring (``align``) because it is the one place where
speed hinges on plain loops: every cell of the search region looks back along
each bead shape, and in Python that costs a few numpy calls per row and shape,
the bulk of the aligner's time on a long book. The loops are compiled with
numba (cached on disk, so a process compiles them at most once per install),
without the GIL, so the progress display keeps turning while a long book is searched.

The grid is stored row by row: row ``i`` (``0 … n`` source sentences
consumed) holds the columns ``lo[i] … hi[i]`` (target sentences consumed),
and cell ``(i, j)`` lives at ``offsets[i] + j - lo[i]`` of every flat array.
``costs[k, cell(i, j)]`` is the cost of the bead of shape
``(shape_a[k], shape_b[k])`` that starts at ``(i, j)``. Skips are priced per
sentence by ``src_skip`` (a deletion, shape ``(1, 0)``) and ``tgt_skip`` (an
insertion, ``(0, 1)``). Back pointers name shapes as ``bead_shapes`` orders
them: 0 is ``(1, 0)``, 1 is ``(0, 1)``, and ``k + 2`` is ``costs[k]``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, TypeVar, cast

import numba
import numpy as np

DELETION = 0
INSERTION = 1
#: Back pointers of the shapes in ``costs`` start after the two skips.
FIRST_BEAD = 2


_Function = TypeVar("_Function", bound=Callable[..., Any])


def _compiled(**options: Any) -> Callable[[_Function], _Function]:
    """``numba.njit`` with an on-disk cache, or without one where no cache directory is writable.

    numba refuses to decorate a cached function when neither the package
    directory nor the user's cache directory can be written (a read-only
    install run by a user without a home); compiling per process is slower
    to start but aligns the same.
    """

    def decorate(function: _Function) -> _Function:
        try:
            return cast(_Function, numba.njit(cache=True, **options)(function))
        except RuntimeError:
            return cast(_Function, numba.njit(**options)(function))

    return decorate


@_compiled(inline="always")
def _soft_add(best: float, total: float, value: float, temperature: float) -> tuple[float, float]:
    """Fold ``value`` into a running soft minimum kept as ``best - T log(total)`` (a stable log-sum-exp)."""
    if value == math.inf:
        return best, total
    if value < best:
        return value, total * math.exp((value - best) / temperature) + 1.0
    return best, total + math.exp((best - value) / temperature)


@_compiled(nogil=True)
def forward(
    lo: np.ndarray,
    hi: np.ndarray,
    offsets: np.ndarray,
    costs: np.ndarray,
    shape_a: np.ndarray,
    shape_b: np.ndarray,
    src_skip: np.ndarray,
    tgt_skip: np.ndarray,
    temperature: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Best (``hard``) and soft-min (``soft``) cost of reaching each cell from ``(0, 0)``, and back pointers.

    Ties go to the shape met first: deletion, then the beads in order, then
    insertion, so the best path is the same whatever the floating-point noise
    in the soft pass.
    """
    n = len(lo) - 1
    cells = offsets[n + 1]
    hard = np.full(cells, math.inf)
    soft = np.full(cells, math.inf)
    back = np.full(cells, -1, dtype=np.int8)
    for i in range(n + 1):
        for j in range(lo[i], hi[i] + 1):
            here = offsets[i] + j - lo[i]
            if i == 0 and j == 0:
                hard[here] = 0.0
                soft[here] = 0.0
                continue
            best, arg = math.inf, -1
            soft_best, soft_total = math.inf, 0.0
            if i >= 1 and lo[i - 1] <= j <= hi[i - 1]:
                before = offsets[i - 1] + j - lo[i - 1]
                step = src_skip[i - 1]
                if hard[before] + step < best:
                    best, arg = hard[before] + step, DELETION
                soft_best, soft_total = _soft_add(soft_best, soft_total, soft[before] + step, temperature)
            for k in range(len(shape_a)):
                pi, pj = i - shape_a[k], j - shape_b[k]
                if pi < 0 or pj < lo[pi] or pj > hi[pi]:
                    continue
                before = offsets[pi] + pj - lo[pi]
                step = costs[k, before]
                if hard[before] + step < best:
                    best, arg = hard[before] + step, FIRST_BEAD + k
                soft_best, soft_total = _soft_add(soft_best, soft_total, soft[before] + step, temperature)
            if j >= 1 and j - 1 >= lo[i]:
                step = tgt_skip[j - 1]
                if hard[here - 1] + step < best:
                    best, arg = hard[here - 1] + step, INSERTION
                soft_best, soft_total = _soft_add(soft_best, soft_total, soft[here - 1] + step, temperature)
            hard[here] = best
            back[here] = arg
            if soft_total > 0.0:
                soft[here] = soft_best - temperature * math.log(soft_total)
    return hard, soft, back


@_compiled(nogil=True)
def backward(
    lo: np.ndarray,
    hi: np.ndarray,
    offsets: np.ndarray,
    costs: np.ndarray,
    shape_a: np.ndarray,
    shape_b: np.ndarray,
    src_skip: np.ndarray,
    tgt_skip: np.ndarray,
    temperature: float,
) -> np.ndarray:
    """Soft-min cost of going from each cell to ``(n, m)``: with ``forward``, every bead's posterior."""
    n = len(lo) - 1
    m = hi[n]
    after = np.full(offsets[n + 1], math.inf)
    for i in range(n, -1, -1):
        for j in range(hi[i], lo[i] - 1, -1):
            here = offsets[i] + j - lo[i]
            if i == n and j == m:
                after[here] = 0.0
                continue
            soft_best, soft_total = math.inf, 0.0
            if i < n and lo[i + 1] <= j <= hi[i + 1]:
                value = after[offsets[i + 1] + j - lo[i + 1]] + src_skip[i]
                soft_best, soft_total = _soft_add(soft_best, soft_total, value, temperature)
            for k in range(len(shape_a)):
                ni, nj = i + shape_a[k], j + shape_b[k]
                if ni > n or nj < lo[ni] or nj > hi[ni]:
                    continue
                value = after[offsets[ni] + nj - lo[ni]] + costs[k, here]
                soft_best, soft_total = _soft_add(soft_best, soft_total, value, temperature)
            if j < hi[i]:
                soft_best, soft_total = _soft_add(soft_best, soft_total, after[here + 1] + tgt_skip[j], temperature)
            if soft_total > 0.0:
                after[here] = soft_best - temperature * math.log(soft_total)
    return after
