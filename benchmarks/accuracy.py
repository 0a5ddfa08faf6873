"""Accuracy of the default aligner on the Text+Berg German–French dev set.

Runs the real pipeline pieces (paralign's default embedder through
``pipeline.embed_sides``, ``align`` with ``AlignConfig()``, ``paralign.score``)
and prints strict/lax precision, recall and F1, what each gold bead type was
predicted as, how well the confidences are calibrated, and the wall time.

Usage::

    python benchmarks/accuracy.py [--bench-dir ../shared/bench/text-berg-dev] [--heldout DIR]

``--heldout`` scores, with the same settings, a set that was never tuned on:
a directory of ``NAME.de`` / ``NAME.fr`` / ``NAME.defr`` triples, such as the
Text+Berg *test* files in Vecalign's public ``bleualign_data/`` (the set the
published Bertalign and Vecalign figures are on). Nothing of it is kept here.

The bench directory defaults to ``../shared/bench/text-berg-dev`` relative to
the repository root; the data is GPL-licensed and is never copied here.
"""

from __future__ import annotations

import argparse
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
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


@dataclass(frozen=True)
class Document:
    """One aligned pair of a benchmark: its sentences and gold ladder."""

    name: str
    source: list[str]
    target: list[str]
    gold: list[BeadPair]


def heldout_documents(directory: Path) -> list[Document]:
    """Every ``NAME.de`` / ``NAME.fr`` / ``NAME.defr`` triple in ``directory`` (Vecalign's bleualign_data layout)."""
    documents = []
    for ladder in sorted(directory.glob("*.defr")):
        stem = ladder.with_suffix("")
        source, target = read_sentences(stem.with_suffix(".de")), read_sentences(stem.with_suffix(".fr"))
        documents.append(Document(stem.name, source, target, read_ladder(ladder)))
    if not documents:
        raise SystemExit(f"{directory}: no NAME.defr gold ladders found")
    return documents


def evaluate(title: str, documents: list[Document], embedder: SentenceTransformerEmbedder) -> None:
    """Align each document with the defaults and print micro-averaged scores, confusion and calibration."""
    config = AlignConfig()
    started = time.perf_counter()
    golds, tests, confidences = [], [], []
    for document in documents:
        sides = embed_sides([document.source, document.target], [None, None], embedder, config)
        beads = align(sides[0], sides[1], config)
        golds.append(document.gold)
        tests.append([(bead.src, bead.tgt) for bead in beads])
        confidences += [bead.confidence for bead in beads]
    elapsed = time.perf_counter() - started
    scores = score(golds, tests)
    sentences = (sum(len(d.source) for d in documents), sum(len(d.target) for d in documents))
    print(f"\n{title}: {len(documents)} document(s), {sentences[0]} de / {sentences[1]} fr sentences, ", end="")
    print(f"{sum(map(len, golds))} gold beads, {sum(map(len, tests))} test beads")
    print(f"  strict  P {scores.precision_strict:.4f}  R {scores.recall_strict:.4f}  F1 {scores.f1_strict:.4f}")
    print(f"  lax     P {scores.precision_lax:.4f}  R {scores.recall_lax:.4f}  F1 {scores.f1_lax:.4f}")
    pooled_gold, pooled_test = pooled(documents, golds, tests)
    print_confusion(pooled_gold, pooled_test)
    print_calibration(pooled_gold, pooled_test, confidences)
    print(f"\nWall time (embed + align): {elapsed:.1f} s")


def pooled(
    documents: list[Document], golds: list[list[BeadPair]], tests: list[list[BeadPair]]
) -> tuple[list[BeadPair], list[BeadPair]]:
    """All documents' beads as one, sentence numbers offset per document, for the pooled tables."""
    pooled_gold: list[BeadPair] = []
    pooled_test: list[BeadPair] = []
    src_offset = tgt_offset = 0
    for document, gold, test in zip(documents, golds, tests, strict=True):
        for beads, out in ((gold, pooled_gold), (test, pooled_test)):
            out += [(tuple(i + src_offset for i in s), tuple(j + tgt_offset for j in t)) for s, t in beads]
        src_offset += len(document.source)
        tgt_offset += len(document.target)
    return pooled_gold, pooled_test


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bench-dir", type=Path, default=DEFAULT_BENCH, help="directory with dev.de, dev.fr, dev.gold")
    parser.add_argument(
        "--heldout",
        type=Path,
        help="also score a held-out set never tuned on: a directory of NAME.de, NAME.fr, NAME.defr "
        "(e.g. the Text+Berg test files of Vecalign's bleualign_data/)",
    )
    args = parser.parse_args()
    bench = args.bench_dir
    dev = Document(
        "dev", read_sentences(bench / "dev.de"), read_sentences(bench / "dev.fr"), read_ladder(bench / "dev.gold")
    )
    started = time.perf_counter()
    embedder = SentenceTransformerEmbedder.load()
    print(f"Model loaded in {time.perf_counter() - started:.1f} s")
    evaluate("Text+Berg dev (tuning set)", [dev], embedder)
    if args.heldout:
        evaluate(f"Held-out {args.heldout}", heldout_documents(args.heldout), embedder)


if __name__ == "__main__":
    main()
