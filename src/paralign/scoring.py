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
from array import array
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass

import numpy as np

from paralign.ladder import BeadPair

__all__ = ["BeadSet", "Scores", "score", "score_sets", "scores_json"]


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


#: A side of a bead packs into 32 bits when it is a run of consecutive sentences: 27 bits of start, 5 of length.
_LENGTH_BITS = 5
_MAX_RUN = (1 << _LENGTH_BITS) - 1
_MAX_START = 1 << 27


@dataclass(frozen=True)
class BeadSet:
    """One file's beads, deduplicated and kept compact, so a file of millions of beads scores in bounded memory.

    A bead whose sides are runs of consecutive sentences (nearly all of
    them) is one 64-bit key: source start and length, target start and
    length. Any other bead is kept as it is, in ``irregular``. Beads empty on
    both sides are dropped, as the scoring ignores them.

    Attributes:
        keys: the packed beads, sorted and unique (``uint64``).
        irregular: the beads that do not pack.
        sentences: how many source and target sentences the beads cover
            (highest index + 1), to tell whether two files align the same texts.
    """

    keys: np.ndarray
    irregular: frozenset[BeadPair]
    sentences: tuple[int, int]

    @classmethod
    def of(cls, beads: Iterable[BeadPair]) -> BeadSet:
        """Pack ``beads`` (a list, or a stream straight from a file)."""
        packed = array("Q")
        irregular: set[BeadPair] = set()
        last_src = last_tgt = -1
        for src, tgt in beads:
            if src:
                last_src = max(last_src, *src)
            if tgt:
                last_tgt = max(last_tgt, *tgt)
            key = _pack(src, tgt)
            if key is None:
                irregular.add((tuple(src), tuple(tgt)))
            elif key:
                packed.append(key)
        keys = np.unique(np.frombuffer(packed, dtype=np.uint64)) if packed else np.zeros(0, np.uint64)
        return cls(keys, frozenset(irregular), (last_src + 1, last_tgt + 1))

    def both_sided(self) -> BeadSet:
        """The beads non-empty on both sides (what recall counts)."""
        lengths = self.keys & np.uint64(_MAX_RUN), (self.keys >> np.uint64(32)) & np.uint64(_MAX_RUN)
        keys = self.keys[(lengths[0] > 0) & (lengths[1] > 0)]
        return BeadSet(keys, frozenset(bead for bead in self.irregular if bead[0] and bead[1]), self.sentences)

    def links(self) -> np.ndarray:
        """Every aligned sentence pair ``(i, j)`` as ``i << 32 | j``, sorted and unique (what lax hits look up)."""
        chunks = [pairs for _, pairs in _expand_in_chunks(self.keys)]
        chunks.append(np.array([(i << 32) | j for src, tgt in self.irregular for i in src for j in tgt], np.uint64))
        links = np.concatenate(chunks)
        del chunks
        links.sort()
        return links


def _pack(src: Sequence[int], tgt: Sequence[int]) -> int | None:
    """The 64-bit key of a bead whose sides are runs (0 for an empty bead), else ``None``."""
    packed_src, packed_tgt = _pack_side(src), _pack_side(tgt)
    if packed_src is None or packed_tgt is None:
        return None
    return packed_tgt << 32 | packed_src


def _pack_side(side: Sequence[int]) -> int | None:
    if not side:
        return 0
    start, length = side[0], len(side)
    if length > _MAX_RUN or not 0 <= start < _MAX_START - length:
        return None
    if length > 1 and tuple(side) != tuple(range(start, start + length)):
        return None
    return start << _LENGTH_BITS | length


#: Beads expanded into sentence pairs at a time: bounds the temporaries of ``_expand`` (about 100 bytes a bead: 25 MB).
_CHUNK = 1 << 18


def _expand_in_chunks(keys: np.ndarray) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """``_expand`` over ``keys`` a chunk at a time; owners are positions in ``keys``."""
    for start in range(0, len(keys), _CHUNK):
        owners, pairs = _expand(keys[start : start + _CHUNK])
        yield owners + start, pairs


def _expand(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For packed beads: the position in ``keys`` of each of their sentence pairs, and the pairs as ``i << 32 | j``."""
    side_mask = np.uint64((1 << 32) - 1)
    src, tgt = keys & side_mask, keys >> np.uint64(32)
    src_start, src_len = (src >> np.uint64(_LENGTH_BITS)).astype(np.int64), (src & np.uint64(_MAX_RUN)).astype(np.int64)
    tgt_start, tgt_len = (tgt >> np.uint64(_LENGTH_BITS)).astype(np.int64), (tgt & np.uint64(_MAX_RUN)).astype(np.int64)
    per_bead = src_len * tgt_len
    owners = np.repeat(np.arange(len(keys), dtype=np.int64), per_bead)
    offset = np.arange(len(owners), dtype=np.int64) - (np.cumsum(per_bead) - per_bead)[owners]
    width = np.maximum(tgt_len[owners], 1)
    i = src_start[owners] + offset // width
    j = tgt_start[owners] + offset % width
    return owners, (i.astype(np.uint64) << np.uint64(32)) | j.astype(np.uint64)


def _contains(sorted_values: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Which of ``values`` are in ``sorted_values``: binary searches, no sorted copy of both (as ``isin`` makes)."""
    if not len(sorted_values):
        return np.zeros(len(values), dtype=bool)
    positions = np.minimum(np.searchsorted(sorted_values, values), len(sorted_values) - 1)
    found: np.ndarray = sorted_values[positions] == values
    return found


def _count_hits(reference: BeadSet, candidates: BeadSet) -> _Counts:
    """How many of ``candidates`` are strict and lax hits against ``reference``."""
    links = reference.links()
    hits = np.zeros(len(candidates.keys), dtype=bool)
    strict = 0
    for start in range(0, len(candidates.keys), _CHUNK):
        exact = _contains(reference.keys, candidates.keys[start : start + _CHUNK])
        strict += int(exact.sum())
        hits[start : start + _CHUNK] = exact
    for owners, pairs in _expand_in_chunks(candidates.keys):
        hits[owners[_contains(links, pairs)]] = True
    strict += len(candidates.irregular & reference.irregular)
    lax = int(hits.sum())
    for bead in candidates.irregular:
        if bead in reference.irregular or _any_linked(bead, links):
            lax += 1
    return _Counts(strict, lax, len(candidates.keys) + len(candidates.irregular))


def _any_linked(bead: BeadPair, links: np.ndarray) -> bool:
    pairs = np.array([(i << 32) | j for i in bead[0] for j in bead[1]], dtype=np.uint64)
    return bool(_contains(links, pairs).any())


def _ratio(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def _f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def score(gold: Sequence[Iterable[BeadPair]], test: Sequence[Iterable[BeadPair]]) -> Scores:
    """Micro-averaged scores of ``test`` against ``gold``, one list of beads per file.

    Example:
        >>> score([[((0,), (0,)), ((1,), (1,))]], [[((0,), (0,)), ((1,), ())]]).precision_strict
        0.5
    """
    if len(gold) != len(test):
        raise ValueError(f"{len(gold)} gold files but {len(test)} test files")
    return score_sets([(BeadSet.of(g), BeadSet.of(t)) for g, t in zip(gold, test, strict=True)])


def score_sets(pairs: Iterable[tuple[BeadSet, BeadSet]]) -> Scores:
    """``score`` over already packed ``(gold, test)`` files: what ``evaluate`` streams its files into."""
    precision = _Counts()
    recall = _Counts()
    for gold, test in pairs:
        precision += _count_hits(gold, test)
        recall += _count_hits(test.both_sided(), gold.both_sided())
    p_strict, p_lax = _ratio(precision.strict_hits, precision.total), _ratio(precision.lax_hits, precision.total)
    r_strict, r_lax = _ratio(recall.strict_hits, recall.total), _ratio(recall.lax_hits, recall.total)
    return Scores(p_strict, r_strict, _f1(p_strict, r_strict), p_lax, r_lax, _f1(p_lax, r_lax))


def scores_json(scores: Scores) -> str:
    return json.dumps(scores.as_dict(), indent=2)
