"""Accuracy of paralign as users run it, on gold-aligned benchmark sets.

Every document is aligned by ``paralign.align_texts`` with its defaults and
``presplit_input=True`` — exactly what ``paralign align --presplit`` runs:
reading, the language check, the one-pass/two-pass switch and the beads the
exports write. Only the model is loaded once and handed to every call (it is
the default model; loading it per file would time the loader, not the
aligner). Nothing private is called.

For each set it prints strict/lax precision, recall and F1 (``paralign.scoring``,
Vecalign's semantics, micro-averaged over files), what each gold bead type
became, how often a sentence the translator dropped (a gold 1-0 or 0-1) was
absorbed into a neighbouring bead instead, the confidence calibration table
and the wall time.

Usage::

    python benchmarks/accuracy.py [--set DIR SRC TGT] ...

A set is a directory of ``NAME.SRC`` / ``NAME.TGT`` files, one sentence per
line, with a gold ladder ``NAME.SRCTGT``, ``NAME.gold`` or ``NAME.align``
(``[0, 1]:[2]`` per line, 0-based). With no ``--set``, the Text+Berg dev set
in ``../shared/bench/text-berg-dev`` (de fr) is scored. The held-out
Text+Berg test files (``bleualign_data/test*`` of Vecalign: ``--set DIR de fr``)
and zh–en sets (``--set DIR zh en``) use the same layout. No benchmark data is
kept in this repository.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

import gold_sets

from paralign import ParalignError, align_texts
from paralign.embed import SentenceTransformerEmbedder
from paralign.ladder import BeadPair, read_ladder
from paralign.scoring import score

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_BENCH = REPO_ROOT.parent / "shared" / "bench" / "text-berg-dev"

#: Confidence bins of the calibration table: [low, high).
CONFIDENCE_BINS = ((0.0, 0.5), (0.5, 0.8), (0.8, 1.0001))


@dataclass(frozen=True)
class Pair:
    """One document of a benchmark set: its two files and its gold ladder."""

    name: str
    source: Path
    target: Path
    gold: list[BeadPair]


@dataclass(frozen=True)
class Result:
    """What the aligner made of one set, pooled over its documents (sentence numbers offset per document)."""

    gold: list[BeadPair]
    test: list[BeadPair]
    confidences: list[float]


def find_pairs(directory: Path, src: str, tgt: str) -> list[Pair]:
    """Every document of a set (``gold_sets``), its gold ladder read."""
    return [
        Pair(source.with_suffix("").name, source, target, read_ladder(gold))
        for source, target, gold in gold_sets.documents(directory, src, tgt)
    ]


def kind(bead: BeadPair) -> str:
    return f"{len(bead[0])}-{len(bead[1])}"


def print_confusion(gold: list[BeadPair], test: list[BeadPair]) -> None:
    """Per gold bead type: how many, how many found exactly, and what the misses became."""
    test_set = set(test)
    covered = covering(test)
    totals: Counter[str] = Counter()
    found: Counter[str] = Counter()
    predicted_as: dict[str, Counter[str]] = defaultdict(Counter)
    for bead in gold:
        totals[kind(bead)] += 1
        if bead in test_set:
            found[kind(bead)] += 1
            continue
        overlapping = {covered[("src", i)] for i in bead[0]} | {covered[("tgt", j)] for j in bead[1]}
        predicted_as[kind(bead)][" + ".join(sorted(kind(b) for b in overlapping))] += 1
    print("\n  Gold bead type   count   exact   misses predicted as")
    for name in sorted(totals, key=lambda k: (-totals[k], k)):
        misses = ", ".join(f"{what} ×{count}" for what, count in predicted_as[name].most_common(4))
        print(f"    {name:<14} {totals[name]:>5}   {found[name]:>5}   {misses}")


def print_absorbed(gold: list[BeadPair], test: list[BeadPair]) -> None:
    """Sentences the translator dropped (gold 1-0/0-1): kept apart, or absorbed into a two-sided bead."""
    covered = covering(test)
    dropped = [bead for bead in gold if not (bead[0] and bead[1])]
    absorbed = 0
    for bead in dropped:
        key = ("src", bead[0][0]) if bead[0] else ("tgt", bead[1][0])
        mine = covered[key]
        absorbed += bool(mine[0] and mine[1])
    share = f"{absorbed / len(dropped):.1%}" if dropped else "-"
    print(f"\n  Dropped sentences (gold 1-0/0-1): {len(dropped)}, absorbed into a two-sided bead: {absorbed} ({share})")


def print_calibration(gold: list[BeadPair], test: list[BeadPair], confidences: list[float]) -> None:
    """Per confidence bin: how many beads, and the share that are strictly correct."""
    gold_set = set(gold)
    print("\n  Confidence        beads   strict precision")
    for low, high in CONFIDENCE_BINS:
        hits = [bead in gold_set for bead, c in zip(test, confidences, strict=True) if low <= c < high]
        share = f"{sum(hits) / len(hits):.3f}" if hits else "  -  "
        print(f"    [{low:.1f}, {min(high, 1.0):.1f}{']' if high > 1 else ')'}   {len(hits):>5}   {share}")


def covering(beads: list[BeadPair]) -> dict[tuple[str, int], BeadPair]:
    """The bead that holds each sentence, by ``("src", i)`` or ``("tgt", j)``."""
    covering: dict[tuple[str, int], BeadPair] = {}
    for bead in beads:
        for i in bead[0]:
            covering[("src", i)] = bead
        for j in bead[1]:
            covering[("tgt", j)] = bead
    return covering


def _offset(beads: list[BeadPair], src: int, tgt: int) -> list[BeadPair]:
    return [(tuple(i + src for i in s), tuple(j + tgt for j in t)) for s, t in beads]


def evaluate(title: str, pairs: list[Pair], src: str, tgt: str, embedder: SentenceTransformerEmbedder) -> None:
    """Align every pair through ``align_texts`` and print scores, confusion, absorption and calibration."""
    started = time.perf_counter()
    golds, tests = [], []
    pooled = Result([], [], [])
    n_src = n_tgt = 0
    for pair in pairs:
        try:
            alignment = align_texts(pair.source, pair.target, src, tgt, model=embedder, presplit_input=True)
        except ParalignError as error:
            # A user would get this error and no alignment: the pair scores as nothing found.
            print(f"  {pair.name}: {type(error).__name__}: {error}", file=sys.stderr)
            beads: list[BeadPair] = []
            confidences: list[float] = []
            sizes = (1 + max((i for s, _ in pair.gold for i in s), default=0), 0)
        else:
            beads = [(bead.src, bead.tgt) for bead in alignment.units]
            confidences = [bead.confidence for bead in alignment.units]
            sizes = (len(alignment.source.sentences), len(alignment.target.sentences))
        golds.append(pair.gold)
        tests.append(beads)
        pooled.gold.extend(_offset(pair.gold, n_src, n_tgt))
        pooled.test.extend(_offset(beads, n_src, n_tgt))
        pooled.confidences.extend(confidences)
        n_src, n_tgt = n_src + sizes[0], n_tgt + sizes[1]
    elapsed = time.perf_counter() - started
    scores = score(golds, tests)
    print(f"\n{title}: {len(pairs)} document(s), {n_src} {src} / {n_tgt} {tgt} sentences, ", end="")
    print(f"{len(pooled.gold)} gold beads, {len(pooled.test)} test beads")
    print(f"  strict  P {scores.precision_strict:.4f}  R {scores.recall_strict:.4f}  F1 {scores.f1_strict:.4f}")
    print(f"  lax     P {scores.precision_lax:.4f}  R {scores.recall_lax:.4f}  F1 {scores.f1_lax:.4f}")
    print_confusion(pooled.gold, pooled.test)
    print_absorbed(pooled.gold, pooled.test)
    print_calibration(pooled.gold, pooled.test, pooled.confidences)
    print(f"\n  Wall time (align_texts, model loaded): {elapsed:.1f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    gold_sets.add_set_option(parser, "../shared/bench/text-berg-dev de fr")
    args = parser.parse_args()
    sets = args.sets or [[str(DEFAULT_BENCH), "de", "fr"]]
    started = time.perf_counter()
    embedder = SentenceTransformerEmbedder.load()
    print(f"Model loaded in {time.perf_counter() - started:.1f} s")
    for directory, src, tgt in sets:
        evaluate(f"{directory} ({src}-{tgt})", find_pairs(Path(directory), src, tgt), src, tgt, embedder)


if __name__ == "__main__":
    main()
