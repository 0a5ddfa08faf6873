"""The aligner's settings, every one validated here, with the defaults tuned on the dev sets.

Defaults were tuned on Text+Berg de–fr dev and MAC zh–en dev only (see
``benchmarks/TUNING.md``); the confidence calibration (``paralign.calibrate``)
was fitted with them, so changing a cost setting leaves confidences
uncalibrated, and the alignment says so.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields
from typing import Any


@dataclass(frozen=True)
class AlignConfig:
    """Tuning knobs of the aligner.

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
        neighbours: how many nearest sentences of the other side define a
            window's typical similarity for the margin.
        number_weight: cost of a bead whose two sides mention entirely
            different numbers (scaled down by the share they have in common).
        member_weight: cost per unit of cosine by which a merged bead matches
            better without one of its end sentences: a sentence the
            translator dropped, glued to a neighbour, makes the match worse,
            while a sentence that belongs to the bead makes it better.
        direction_weight: cost per unit by which a merged bead's worst
            direction falls below ``direction_floor``. The direction of an
            end sentence is the cosine between what it adds to the window
            and the way from the window without it to the other side: a
            sentence that belongs moves the window towards its translation,
            one the translator dropped moves it anywhere, and that holds
            however little a short sentence moves a long window.
        direction_floor: the direction from which a member counts as
            belonging (costs nothing).
        junk_skip_factor: skip cost of a line with no word in it (OCR
            debris such as ``h * "``), as a share of ``skip_cost``.
        move_penalty: how much cheaper than the path's own beads a pair out
            of order must be to count as a sentence the translator moved
            (``paralign.moves``).
        move_reach: how many beads apart the two sentences of a move may
            stand; 0 keeps the alignment strictly monotone.
        temperature: softness of the posterior.
        band: half-width, in sentences, of the search band around the
            coarse path for long documents.
        max_full_cells: DP cells above which the coarse-to-fine search starts.
    """

    max_bead_size: int = 6
    skip_cost: float = 1.0
    shape_penalty: float = 0.4
    length_weight: float = 0.4
    block_penalty: float = 1.0
    neighbours: int = 8
    number_weight: float = 0.6
    member_weight: float = 2.0
    direction_weight: float = 3.0
    direction_floor: float = 0.1
    junk_skip_factor: float = 0.5
    move_penalty: float = 0.75
    move_reach: int = 10
    temperature: float = 0.15
    band: int = 10
    max_full_cells: int = 1_500_000

    def __post_init__(self) -> None:
        problems = [
            f"{name} must be {rule}, got {getattr(self, name)!r}"
            for name, (rule, holds) in _RULES.items()
            if not holds(getattr(self, name))
        ]
        if problems:
            raise ValueError("; ".join(problems))

    def cost_settings(self) -> dict[str, object]:
        """The settings that shape costs and posteriors (all but the search's band and its size limit)."""
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name not in _SEARCH_ONLY}


#: Settings that only bound the search: they change neither costs nor, in practice, posteriors.
_SEARCH_ONLY = ("band", "max_full_cells")


#: A rule: what the value must be, in words, and the test of it.
_Rule = tuple[str, Callable[[Any], bool]]


def _int_at_least(low: int) -> _Rule:
    return f"an integer >= {low}", lambda value: isinstance(value, int) and value >= low


def _non_negative() -> _Rule:
    return "a number >= 0", lambda value: isinstance(value, (int, float)) and value >= 0


def _positive() -> _Rule:
    return "a number > 0", lambda value: isinstance(value, (int, float)) and value > 0


_RULES: dict[str, _Rule] = {
    "max_bead_size": _int_at_least(2),
    "skip_cost": _positive(),
    "shape_penalty": _non_negative(),
    "length_weight": _non_negative(),
    "block_penalty": _non_negative(),
    "neighbours": _int_at_least(1),
    "number_weight": _non_negative(),
    "member_weight": _non_negative(),
    "direction_weight": _non_negative(),
    "direction_floor": ("a number in [-1, 1]", lambda value: isinstance(value, (int, float)) and -1 <= value <= 1),
    "junk_skip_factor": ("a number in (0, 1]", lambda value: isinstance(value, (int, float)) and 0 < value <= 1),
    "move_penalty": _non_negative(),
    "move_reach": _int_at_least(0),
    "temperature": _positive(),
    "band": _int_at_least(1),
    "max_full_cells": _int_at_least(1),
}
