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
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from paralign.errors import InputError
from paralign.read import read_bytes

BeadPair = tuple[tuple[int, ...], tuple[int, ...]]

_LADDER_LINE = re.compile(r"^\s*\[([\d,\s]*)\]\s*:\s*\[([\d,\s]*)\]\s*(?::\s*\S+\s*)?$")


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
    for gold_beads, test_beads in zip(gold, test):
        precision += _count_hits(gold_beads, test_beads)
        both_sided = lambda beads: [bead for bead in beads if bead[0] and bead[1]]  # noqa: E731
        recall += _count_hits(both_sided(test_beads), both_sided(gold_beads))
    p_strict, p_lax = _ratio(precision.strict_hits, precision.total), _ratio(precision.lax_hits, precision.total)
    r_strict, r_lax = _ratio(recall.strict_hits, recall.total), _ratio(recall.lax_hits, recall.total)
    return Scores(p_strict, r_strict, _f1(p_strict, r_strict), p_lax, r_lax, _f1(p_lax, r_lax))


def parse_ladder(text: str, path: Path | str = "<ladder>") -> list[BeadPair]:
    """Read the de-facto standard bead file: ``[0, 1]:[2]`` per line, optional ``:score``."""
    beads: list[BeadPair] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        match = _LADDER_LINE.match(line)
        if not match:
            raise InputError(path, f"line {number} is not a bead like [0, 1]:[2] ({line.strip()[:40]!r})")
        src, tgt = (tuple(int(x) for x in group.replace(",", " ").split()) for group in match.groups())
        beads.append((src, tgt))
    return beads


def read_ladder(path: Path | str) -> list[BeadPair]:
    """``parse_ladder`` on a file, with errors that name it."""
    path = Path(path)
    return _parse_ladder_bytes(read_bytes(path, "alignment file"), path)


def _parse_ladder_bytes(data: bytes, path: Path) -> list[BeadPair]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(path, "is not UTF-8 text") from None
    return parse_ladder(text, path)


def read_beads(path: Path | str) -> list[BeadPair]:
    """Beads from a ladder file or from a paralign TEI export (sniffed by its first character); one read."""
    path = Path(path)
    data = read_bytes(path, "alignment file")
    if data[:64].lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        # Imported here: the export package imports this module for its ladder writer.
        from paralign.export.tei import read_links

        return read_links(path, data)
    return _parse_ladder_bytes(data, path)


def format_ladder(beads: Iterable[BeadPair], confidences: Iterable[float] | None = None) -> str:
    """Beads as ladder lines; with confidences, a third ``:score`` field."""
    lines = []
    scores = list(confidences) if confidences is not None else None
    for position, (src, tgt) in enumerate(beads):
        line = f"{list(src)}:{list(tgt)}"
        if scores is not None:
            line += f":{scores[position]:.4f}"
        lines.append(line)
    return "\n".join(lines) + ("\n" if lines else "")


def scores_json(scores: Scores) -> str:
    return json.dumps(scores.as_dict(), indent=2)
