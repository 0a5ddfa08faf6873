"""Accuracy of the default aligner on the Text+Berg German–French dev set.

Runs the real pipeline pieces (paralign's default embedder through
``pipeline.embed_sides``, ``align`` with ``AlignConfig()``, ``paralign.score``)
and prints strict/lax precision, recall and F1, what each gold bead type was
predicted as, how well the confidences are calibrated, and the wall time.

Usage::

    python benchmarks/accuracy.py [--bench-dir ../shared/bench/text-berg-dev]

The bench directory defaults to ``../shared/bench/text-berg-dev`` relative to
the repository root; the data is GPL-licensed and is never copied here.
"""

from __future__ import annotations

import argparse
import time
from collections import Counter, defaultdict
from pathlib import Path

from paralign.align import AlignConfig, align
from paralign.embed import SentenceTransformerEmbedder
from paralign.pipeline import embed_sides
from paralign.score import BeadPair, read_ladder, score

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_BENCH = REPO_ROOT.parent / "shared" / "bench" / "text-berg-dev"

#: Confidence bins of the calibration table: [low, high).
CONFIDENCE_BINS = ((0.0, 0.5), (0.5, 0.8), (0.8, 1.0001))


def read_sentences(path: Path) -> list[str]:
    """One sentence per line, exactly as given; only runs of whitespace are collapsed."""
    return [" ".join(line.split()) for line in path.read_text(encoding="utf-8").splitlines()]


def kind(bead: BeadPair) -> str:
    return f"{len(bead[0])}-{len(bead[1])}"


def print_confusion(gold: list[BeadPair], test: list[BeadPair]) -> None:
    """Per gold bead type: how many, how many found exactly, and what the misses became."""
    test_set = set(test)
    covering: dict[tuple[str, int], BeadPair] = {}
    for bead in test:
        for i in bead[0]:
            covering[("src", i)] = bead
        for j in bead[1]:
            covering[("tgt", j)] = bead
    totals: Counter[str] = Counter()
    found: Counter[str] = Counter()
    predicted_as: dict[str, Counter[str]] = defaultdict(Counter)
    for bead in gold:
        totals[kind(bead)] += 1
        if bead in test_set:
            found[kind(bead)] += 1
            continue
        overlapping = {covering[("src", i)] for i in bead[0]} | {covering[("tgt", j)] for j in bead[1]}
        predicted_as[kind(bead)][" + ".join(sorted(kind(b) for b in overlapping))] += 1
    print("\nGold bead type   count   exact   misses predicted as")
    for name in sorted(totals, key=lambda k: (-totals[k], k)):
        misses = ", ".join(f"{what} ×{count}" for what, count in predicted_as[name].most_common())
        print(f"  {name:<14} {totals[name]:>5}   {found[name]:>5}   {misses}")


def print_calibration(gold: list[BeadPair], test: list[BeadPair], confidences: list[float]) -> None:
    """Per confidence bin: how many beads, and the share that are strictly correct."""
    gold_set = set(gold)
    print("\nConfidence        beads   strict precision")
    for low, high in CONFIDENCE_BINS:
        hits = [bead in gold_set for bead, c in zip(test, confidences) if low <= c < high]
        share = f"{sum(hits) / len(hits):.3f}" if hits else "  -  "
        print(f"  [{low:.1f}, {min(high, 1.0):.1f}{']' if high > 1 else ')'}   {len(hits):>5}   {share}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bench-dir", type=Path, default=DEFAULT_BENCH, help="directory with dev.de, dev.fr, dev.gold")
    args = parser.parse_args()
    bench = args.bench_dir
    source, target = read_sentences(bench / "dev.de"), read_sentences(bench / "dev.fr")
    gold = read_ladder(bench / "dev.gold")
    config = AlignConfig()

    started = time.perf_counter()
    embedder = SentenceTransformerEmbedder.load()
    loaded = time.perf_counter()
    src_side, tgt_side = embed_sides([source, target], [None, None], embedder, config)
    embedded = time.perf_counter()
    beads = align(src_side, tgt_side, config)
    aligned = time.perf_counter()

    test = [(bead.src, bead.tgt) for bead in beads]
    scores = score([gold], [test])
    print(f"Text+Berg dev: {len(source)} de / {len(target)} fr sentences, ", end="")
    print(f"{len(gold)} gold beads, {len(test)} test beads")
    print(f"  strict  P {scores.precision_strict:.4f}  R {scores.recall_strict:.4f}  F1 {scores.f1_strict:.4f}")
    print(f"  lax     P {scores.precision_lax:.4f}  R {scores.recall_lax:.4f}  F1 {scores.f1_lax:.4f}")
    print_confusion(gold, test)
    print_calibration(gold, test, [bead.confidence for bead in beads])
    print(
        f"\nWall time: load model {loaded - started:.1f} s, embed {embedded - loaded:.1f} s, "
        f"align {aligned - embedded:.1f} s, total {aligned - started:.1f} s"
    )


if __name__ == "__main__":
    main()
