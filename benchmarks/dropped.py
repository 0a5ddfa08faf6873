"""Does a sentence the translator dropped stay a 1-0 bead, or is it absorbed into a neighbour?

Two ways to build pairs with dropped sentences, both aligned through
``paralign.align_texts`` with its defaults:

- **raw article pairs** (default: the protocol pair in ``texts/``): for every
  1-1 bead of the full pair's alignment, the target sentence is cut out of
  the target file (its offsets come from paralign's own segmenter), and the
  shortened pair is aligned again. The source sentence should now be a 1-0
  bead; the script counts how often it is absorbed into a two-sided bead
  instead, and how often any other bead changed.
- **gold sets** (``--set DIR SRC TGT``, the layout of ``accuracy.py``): in
  each document, one side of every tenth gold 1-1 bead is deleted (source
  and target in turn), so its partner becomes a gold 1-0 or 0-1; the
  shortened files are aligned as ``paralign align --presplit`` does and
  scored against the shortened gold. Prints strict F1 and how many of the
  dropped sentences (the new ones and those the gold already had) were
  absorbed.

Usage::

    python benchmarks/dropped.py [--pair SOURCE TARGET SRC_LANG TGT_LANG]
    python benchmarks/dropped.py --set ../shared/bench/text-berg-dev de fr [--set …]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import gold_sets
from accuracy import covering

from paralign import ParalignError, align_texts
from paralign.embed import SentenceTransformerEmbedder
from paralign.ladder import BeadPair, read_ladder
from paralign.scoring import score

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PAIR = (
    REPO_ROOT / "texts" / "bishkek-protocol.en.txt",
    REPO_ROOT / "texts" / "bishkek-protocol.es.txt",
    "en",
    "es",
)


#: In gold sets, one side of every this-many-th gold 1-1 bead is deleted.
EVERY = 10


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--pair", nargs=4, metavar=("SOURCE", "TARGET", "SRC_LANG", "TGT_LANG"))
    gold_sets.add_set_option(parser, "none: the raw --pair is used")
    args = parser.parse_args()
    embedder = SentenceTransformerEmbedder.load()
    if args.sets:
        for directory, src, tgt in args.sets:
            gold_set(Path(directory), src, tgt, embedder)
        return
    source, target, src_lang, tgt_lang = args.pair or DEFAULT_PAIR
    article_pair(Path(source), Path(target), src_lang, tgt_lang, embedder)


def article_pair(
    source: Path, target: Path, src_lang: str, tgt_lang: str, embedder: SentenceTransformerEmbedder
) -> None:
    """Each target sentence of a 1-1 bead cut out of the raw target in turn, the pair re-aligned each time."""
    started = time.perf_counter()
    full = align_texts(source, target, src_lang, tgt_lang, model=embedder)
    text = full.target.document.text
    units = full.units
    one_to_one = [bead for bead in units if len(bead.src) == len(bead.tgt) == 1]
    kept = absorbed = others_changed = 0
    with tempfile.TemporaryDirectory() as scratch:
        for bead in one_to_one:
            dropped = full.target.sentences[bead.tgt[0]]
            end = dropped.end + (1 if text[dropped.end : dropped.end + 1] == " " else 0)
            shortened = Path(scratch) / target.name
            shortened.write_text(text[: dropped.start] + text[end:], encoding="utf-8")
            alignment = align_texts(source, shortened, src_lang, tgt_lang, model=embedder, allow_low_confidence=True)
            mine = next(b for b in alignment.units if bead.src[0] in b.src)
            if mine.tgt:
                absorbed += 1
                print(f"  source sentence {bead.src[0]} absorbed into a {mine.kind} bead")
            else:
                kept += 1
            expected = {(b.src, tuple(j - (j > bead.tgt[0]) for j in b.tgt)) for b in units if b is not bead} | {
                (bead.src, ())
            }
            others_changed += len(expected - {(b.src, b.tgt) for b in alignment.units}) > 0
    print(f"{source.name} / {target.name}: {len(one_to_one)} pairs with one target sentence dropped")
    print(f"  kept as 1-0: {kept}; absorbed into a neighbouring bead: {absorbed} ({absorbed / len(one_to_one):.1%})")
    print(f"  pairs where any other bead changed: {others_changed}")
    print(f"  wall time: {time.perf_counter() - started:.1f} s")


def gold_set(directory: Path, src: str, tgt: str, embedder: SentenceTransformerEmbedder) -> None:
    """Every document of a gold set with one side of every ``EVERY``-th 1-1 bead deleted, aligned presplit."""
    started = time.perf_counter()
    golds: list[list[BeadPair]] = []
    tests: list[list[BeadPair]] = []
    counts = {"new": [0, 0], "gold": [0, 0]}  # dropped sentences: [absorbed, all]
    with tempfile.TemporaryDirectory() as scratch:
        for source, target, gold_path in gold_sets.documents(directory, src, tgt):
            lines = [_lines(source), _lines(target)]
            gold = read_ladder(gold_path)
            gone = _deleted(gold)
            kept = [[i for i in range(len(side)) if i not in gone[n]] for n, side in enumerate(lines)]
            files = []
            for n, (path, side) in enumerate(zip((source, target), lines, strict=True)):
                files.append(Path(scratch) / path.name)
                files[-1].write_text("".join(side[i] + "\n" for i in kept[n]), encoding="utf-8")
            number = [{old: new for new, old in enumerate(side)} for side in kept]
            shortened = [
                (tuple(number[0][i] for i in s if i in number[0]), tuple(number[1][j] for j in t if j in number[1]))
                for s, t in gold
            ]
            shortened = [bead for bead in shortened if bead[0] or bead[1]]
            # The sentences whose partner was deleted: ("src", i) or ("tgt", j), numbered in the shortened files.
            new = {("src", number[0][s[0]]) for s, t in gold if len(s) == len(t) == 1 and t[0] in gone[1]}
            new |= {("tgt", number[1][t[0]]) for s, t in gold if len(s) == len(t) == 1 and s[0] in gone[0]}
            try:
                alignment = align_texts(files[0], files[1], src, tgt, model=embedder, presplit_input=True)
                test = [(bead.src, bead.tgt) for bead in alignment.units]
            except ParalignError as error:
                print(f"  {source.name}: {type(error).__name__}: {error}", file=sys.stderr)
                test = []
            golds.append(shortened)
            tests.append(test)
            covered = covering(test)
            for s, t in shortened:
                if s and t:
                    continue
                key = ("src", s[0]) if s else ("tgt", t[0])
                kind = "new" if key in new else "gold"
                counts[kind][0] += bool(key in covered and covered[key][0] and covered[key][1])
                counts[kind][1] += 1
    scores = score(golds, tests)
    print(f"\n{directory} ({src}-{tgt}): one side of every {EVERY}th gold 1-1 bead deleted")
    print(f"  strict F1 {scores.f1_strict:.4f}  lax F1 {scores.f1_lax:.4f}")
    for kind, label in (("new", "deleted partners"), ("gold", "dropped in the gold already")):
        absorbed, total = counts[kind]
        share = f"{absorbed / total:.1%}" if total else "-"
        print(f"  {label}: {total}, absorbed into a two-sided bead: {absorbed} ({share})")
    print(f"  wall time: {time.perf_counter() - started:.1f} s")


def _lines(path: Path) -> list[str]:
    """A pre-split file's lines, as ``read_presplit`` counts them (a last line break ends the last line)."""
    text = path.read_text(encoding="utf-8")
    lines = text.split("\n")
    return lines[:-1] if text.endswith("\n") else lines


def _deleted(gold: list[BeadPair]) -> tuple[set[int], set[int]]:
    """Sentences to delete: of every ``EVERY``-th gold 1-1 bead, the source and the target side in turn."""
    ones = [bead for bead in gold if len(bead[0]) == len(bead[1]) == 1]
    gone: tuple[set[int], set[int]] = (set(), set())
    for turn, bead in enumerate(ones[EVERY // 2 :: EVERY]):
        gone[turn % 2].add(bead[turn % 2][0])
    return gone


if __name__ == "__main__":
    main()
