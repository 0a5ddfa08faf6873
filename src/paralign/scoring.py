"""Strict and lax precision, recall and F1 of alignments against gold beads.

The semantics are those of the sentence-alignment literature (Sennrich & Volk,
W11-4624, as implemented in Vecalign's ``score.py``), so our figures compare
with published ones:

* a test bead is a **strict** hit when the identical bead is in gold;
* it is a **lax** hit when it is a strict hit, or when one of its source
  sentences and one of its target sentences are aligned to each other in some
  gold bead (so a one-sided bead is a lax hit only when it is exact);
* **precision** counts every test bead (insertions and deletions included);
* **recall** counts the gold beads that are non-empty on both sides, matched
  against the test beads that are non-empty on both sides;
* counts are summed over all files before dividing (micro-average).

The bead files scored here are read by ``paralign.ladder``.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass

from paralign.ladder import BeadPair

__all__ = ["Scores", "score", "scores_json"]


@dataclass(frozen=True)
class Scores:
    """Strict and lax precision, recall and F1, each in [0, 1]."""

    precision_strict: float
    recall_strict: float
    f1_strict: float
    precision_lax: float
    recall_lax: float
    f1_lax: float

    def as_dict(self) -> dict[str, float]:
        return asdict(self)


@dataclass(frozen=True)
class _Counts:
    strict_hits: int = 0
    lax_hits: int = 0
    total: int = 0

    def __add__(self, other: _Counts) -> _Counts:
        return _Counts(self.strict_hits + other.strict_hits, self.lax_hits + other.lax_hits, self.total + other.total)


def _count_hits(reference: Iterable[BeadPair], candidates: Iterable[BeadPair]) -> _Counts:
    """How many of ``candidates`` are strict and lax hits against ``reference``."""
    reference_set = {bead for bead in reference if bead[0] or bead[1]}
    linked: dict[int, set[int]] = defaultdict(set)
    for src, tgt in reference_set:
        for i in src:
            linked[i].update(tgt)
    strict = lax = total = 0
    for src, tgt in {bead for bead in candidates if bead[0] or bead[1]}:
        total += 1
        if (src, tgt) in reference_set:
            strict += 1
            lax += 1
        elif any(j in linked[i] for i in src for j in tgt):
            lax += 1
    return _Counts(strict, lax, total)


def _ratio(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def _f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def _both_sided(beads: Iterable[BeadPair]) -> list[BeadPair]:
    return [bead for bead in beads if bead[0] and bead[1]]


def score(gold: Sequence[Sequence[BeadPair]], test: Sequence[Sequence[BeadPair]]) -> Scores:
    """Micro-averaged scores of ``test`` against ``gold``, one list of beads per file.

    Example:
        >>> score([[((0,), (0,)), ((1,), (1,))]], [[((0,), (0,)), ((1,), ())]]).precision_strict
        0.5
    """
    if len(gold) != len(test):
        raise ValueError(f"{len(gold)} gold files but {len(test)} test files")
    precision = _Counts()
    recall = _Counts()
    for gold_beads, test_beads in zip(gold, test, strict=True):
        precision += _count_hits(gold_beads, test_beads)
        recall += _count_hits(_both_sided(test_beads), _both_sided(gold_beads))
    p_strict, p_lax = _ratio(precision.strict_hits, precision.total), _ratio(precision.lax_hits, precision.total)
    r_strict, r_lax = _ratio(recall.strict_hits, recall.total), _ratio(recall.lax_hits, recall.total)
    return Scores(p_strict, r_strict, _f1(p_strict, r_strict), p_lax, r_lax, _f1(p_lax, r_lax))


def scores_json(scores: Scores) -> str:
    return json.dumps(scores.as_dict(), indent=2)
