"""Sentences the translator moved: a source and a target sentence that translate each other out of order.

A monotone path cannot pair them. It leaves each alone (a 1-0 and a 0-1
bead) or glues one to a neighbouring bead, and a translation memory built
from it loses the pair. After the search, each sentence left alone is
offered to the sentences of the other side within ``move_reach`` beads that
are alone too or stand at the end of a merged bead; a pair is kept when it
is cheaper, by more than ``move_penalty``, than what the path did with the
two sentences::

    gain = cost(bead of x) + cost(bead of y)
           - cost(bead of x without x) - cost(bead of y without y) - cost(x : y) - move_penalty

(a sentence alone costs its skip; a bead without it costs nothing). Every
price is the search's own (``search.Lattice``), so a pair the path could
have taken in order never gains: the path was already the cheapest. Pairs
are taken greedily, largest gain first, each bead at most once. The path's
beads stay monotone (a sentence taken out of a merged bead becomes a 1-0 or
0-1 bead beside it) and a ``Move`` links the two; ``model.paired`` gives
the beads with the pairs in place.

A move's raw confidence is the two-way posterior of "paired" against "as the
path had it", ``1 / (1 + exp(-gain / temperature))``, at the search's
temperature; ``paralign.calibrate`` maps it like a bead's posterior.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from paralign.config import AlignConfig
from paralign.model import Bead, Move
from paralign.search import Lattice


@dataclass(frozen=True)
class _Candidate:
    """A sentence that could be paired out of order: alone in bead ``bead``, or at one end of it."""

    bead: int
    sentence: int
    rest: Bead | None
    first: bool


def find_moves(beads: list[Bead], lattice: Lattice | None, config: AlignConfig) -> tuple[list[Bead], list[Move]]:
    """The path's beads with moved sentences taken out of merged beads, and the moves that pair them."""
    if lattice is None or config.move_reach == 0 or not beads:
        return beads, []
    sources = [c for k, bead in enumerate(beads) for c in _candidates(k, bead, bead.src, source=True)]
    targets_of = {k: _candidates(k, bead, bead.tgt, source=False) for k, bead in enumerate(beads)}
    bead_costs: dict[int, float] = {}
    savings: dict[_Candidate, float] = {}

    def saving(candidate: _Candidate) -> float:
        """What taking the sentence out saves: its bead's cost less what is left of the bead (once per candidate)."""
        if candidate not in savings:
            k = candidate.bead
            if k not in bead_costs:
                bead_costs[k] = lattice.cost(beads[k].src, beads[k].tgt)
            rest = candidate.rest
            savings[candidate] = bead_costs[k] - (lattice.cost(rest.src, rest.tgt) if rest else 0.0)
        return savings[candidate]

    found = []
    for x in sources:
        reach = range(max(0, x.bead - config.move_reach), min(len(beads), x.bead + config.move_reach + 1))
        near = [y for k in reach if k != x.bead for y in targets_of[k] if x.rest is None or y.rest is None]
        if not near:
            continue
        low = min(y.sentence for y in near)
        pair_costs = lattice.pair_costs((x.sentence,), low, max(y.sentence for y in near) + 1)
        for y in near:
            gain = saving(x) + saving(y) - float(pair_costs[y.sentence - low]) - config.move_penalty
            if gain > 0:
                found.append((gain, x, y))
    found.sort(key=lambda item: -item[0])
    used: set[int] = set()
    replaced: dict[int, list[Bead]] = {}
    moves = []
    for gain, x, y in found:
        if x.bead in used or y.bead in used:
            continue
        used |= {x.bead, y.bead}
        moves.append(Move(x.sentence, y.sentence, 1.0 / (1.0 + math.exp(-gain / config.temperature))))
        for candidate, alone in ((x, Bead((x.sentence,), (), 0.0)), (y, Bead((), (y.sentence,), 0.0))):
            if candidate.rest is not None:
                parts = [alone, candidate.rest] if candidate.first else [candidate.rest, alone]
                replaced[candidate.bead] = parts
    if not replaced:
        return beads, sorted(moves, key=lambda move: move.src)
    return _with_posteriors(beads, replaced, lattice), sorted(moves, key=lambda move: move.src)


def _candidates(k: int, bead: Bead, side: tuple[int, ...], source: bool) -> list[_Candidate]:
    """The sentences of ``bead`` on one side that could move: the only one of a gap, or either end of a merge."""
    other = bead.tgt if source else bead.src
    if len(side) == 1 and not other:
        return [_Candidate(k, side[0], None, first=True)]
    if len(side) < 2 or not other:
        return []
    ends = []
    for first, sentence, rest_side in ((True, side[0], side[1:]), (False, side[-1], side[:-1])):
        rest = Bead(rest_side, bead.tgt, 0.0) if source else Bead(bead.src, rest_side, 0.0)
        ends.append(_Candidate(k, sentence, rest, first))
    return ends


def _with_posteriors(beads: list[Bead], replaced: dict[int, list[Bead]], lattice: Lattice) -> list[Bead]:
    """``beads`` with the split ones replaced, each new bead given its posterior from where it starts."""
    result = []
    i = j = 0
    for k, bead in enumerate(beads):
        for part in replaced.get(k, [bead]):
            if k in replaced:
                part = Bead(part.src, part.tgt, lattice.posterior(i, j, part))
            result.append(part)
            i, j = i + len(part.src), j + len(part.tgt)
    return result
