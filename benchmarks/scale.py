"""Speed, memory and accuracy of the whole pipeline on long documents.

Builds German–French pairs of 1k, 10k and 50k source sentences from real text
(the Text+Berg dev set, repeated), writes each to two files, one sentence
per line, aligns them end to end through ``paralign.align_texts`` with
``presplit_input=True`` (what ``paralign align --presplit`` runs), the
default model and no embedding cache, and prints, per size, sentences per second (source and
target sentences counted together, encoding included; loading the model and
the compiled DP not), the peak RSS of the process that did the work, and
strict/lax F1 against the repeated gold ladder.

How a pair is built: the gold beads are cut into chunks (runs of 4–12 beads,
cut only where both sides are contiguous, so a chunk is a real passage and
its translation); every copy of the dev set is cut afresh and its chunks are
shuffled with a seeded ``numpy`` Generator, the same order on both sides, so
the pair is still a translation but repeated copies are not the same
sequence. Copies after the first also write some ASCII letters in their
fullwidth form (a pattern per copy and sentence, identical on both
sides): the model's NFKC normalisation maps it back, so the vectors and the
gold are those of the real text, but the strings differ, so the pipeline's deduplication cannot turn
50 copies into one and the encoder does all the work a real 50k-sentence
book would cost. Lengths and surface cues are unchanged.

Each size runs in a fresh subprocess, so ``ru_maxrss`` is that size's own
peak. Usage::

    python benchmarks/scale.py [--sizes 1000,10000,50000] [--compare 1000] [--bench-dir ../shared/bench/text-berg-dev]

Sizes in ``--compare`` are also aligned with each path forced (every window
encoded, or two passes), so the cost of the long-input path shows as F1 on
the same pair.

The data is GPL-licensed and read from the bench directory, never copied here.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from paralign import align_texts
from paralign.embed import SentenceTransformerEmbedder
from paralign.ladder import BeadPair, read_ladder
from paralign.scoring import score

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_BENCH = REPO_ROOT.parent / "shared" / "bench" / "text-berg-dev"
SEED = 20240607
#: ``chr(ord("A") + FULLWIDTH_OFFSET)`` is ``Ａ``, which NFKC maps back to ``A``.
FULLWIDTH_OFFSET = 0xFEE0
#: ``--path`` → ``align_texts(two_pass=…)``: the defaults' choice, or one path forced.
PATHS = {"auto": None, "one-pass": False, "two-pass": True}


@dataclass(frozen=True)
class Chunk:
    """A passage: source lines ``src``, target lines ``tgt`` and the gold beads between them (local indices)."""

    src: tuple[str, ...]
    tgt: tuple[str, ...]
    beads: tuple[BeadPair, ...]


@dataclass(frozen=True)
class Pair:
    """A long synthetic pair and its gold ladder."""

    src: list[str]
    tgt: list[str]
    gold: list[BeadPair]


def read_sentences(path: Path) -> list[str]:
    """One sentence per line, as ``benchmarks/accuracy.py`` reads them."""
    return [" ".join(line.split()) for line in path.read_text(encoding="utf-8").splitlines()]


def cut_points(gold: list[BeadPair], n: int, m: int) -> list[tuple[int, int, int]]:
    """``(bead, src line, tgt line)`` where everything before is exactly the lines before, on both sides.

    The gold ladder has a few crossings (a target line put between others);
    a passage may only start where none straddles.
    """
    points = [(0, 0, 0)]
    src_max = tgt_max = -1
    src_rest, tgt_rest = [n] * (len(gold) + 1), [m] * (len(gold) + 1)
    for k in range(len(gold) - 1, -1, -1):
        src_rest[k] = min([src_rest[k + 1], *gold[k][0]])
        tgt_rest[k] = min([tgt_rest[k + 1], *gold[k][1]])
    for k, (src, tgt) in enumerate(gold, start=1):
        src_max, tgt_max = max([src_max, *src]), max([tgt_max, *tgt])
        if src_rest[k] > src_max and tgt_rest[k] > tgt_max:
            points.append((k, src_max + 1 if k < len(gold) else n, tgt_max + 1 if k < len(gold) else m))
    return points


def chunks_of_copy(src: list[str], tgt: list[str], gold: list[BeadPair], rng: np.random.Generator) -> list[Chunk]:
    """One copy of the dev set cut into passages of 4–12 gold beads at random cut points."""
    points = cut_points(gold, len(src), len(tgt))
    chunks = []
    start = 0
    while start < len(points) - 1:
        want = points[start][0] + int(rng.integers(4, 13))
        stop = next((p for p in range(start + 1, len(points)) if points[p][0] >= want), len(points) - 1)
        (k0, i0, j0), (k1, i1, j1) = points[start], points[stop]
        beads = tuple((tuple(i - i0 for i in s), tuple(j - j0 for j in t)) for s, t in gold[k0:k1])
        chunks.append(Chunk(tuple(src[i0:i1]), tuple(tgt[j0:j1]), beads))
        start = stop
    return chunks


def disguise(line: str, copy: int, index: int) -> str:
    """The line with the ASCII letters picked by the bits of ``copy`` (rotated by ``index``) in fullwidth form.

    ``Ｓtelle`` for ``Stelle``: the reader keeps it (NFC leaves fullwidth
    forms alone, and it is no whitespace to collapse), the model's NFKC
    normalisation maps it back, so the vector is the real text's. A line
    with six ASCII letters has 64 distinct disguises, enough for 50 copies.
    """
    letters = [k for k, char in enumerate(line) if char.isascii() and char.isalpha()]
    if copy == 0 or not letters:
        return line
    chars = list(line)
    for bit in range(copy.bit_length()):
        if (copy >> bit) & 1:
            k = letters[(bit + index) % len(letters)]
            chars[k] = chr(ord(chars[k]) + FULLWIDTH_OFFSET)
    return "".join(chars)


def build_pair(bench: Path, size: int, seed: int = SEED) -> Pair:
    """Shuffled copies of the dev set until the source side reaches ``size`` lines (cut at a bead)."""
    src, tgt = read_sentences(bench / "dev.de"), read_sentences(bench / "dev.fr")
    gold = read_ladder(bench / "dev.gold")
    rng = np.random.default_rng(seed)
    pair = Pair([], [], [])
    copy = 0
    while len(pair.src) < size:
        chunks = chunks_of_copy(src, tgt, gold, rng)
        for chunk in (chunks[k] for k in rng.permutation(len(chunks))):
            if len(pair.src) >= size:
                break
            append_chunk(pair, chunk, copy)
        copy += 1
    return pair


def append_chunk(pair: Pair, chunk: Chunk, copy: int) -> None:
    i0, j0 = len(pair.src), len(pair.tgt)
    pair.src.extend(disguise(line, copy, i0 + k) for k, line in enumerate(chunk.src))
    pair.tgt.extend(disguise(line, copy, i0 + k) for k, line in enumerate(chunk.tgt))
    pair.gold.extend((tuple(i + i0 for i in s), tuple(j + j0 for j in t)) for s, t in chunk.beads)


def measure(bench: Path, size: int, two_pass: bool | None) -> dict[str, float]:
    """Align one size end to end as a user does (model and compiled DP loaded first, not timed); in the child.

    The pair is written to two files, one sentence per line, and aligned by
    ``align_texts(..., presplit_input=True)``: reading, the language check,
    the path the defaults choose (or the one ``two_pass`` forces), the beads.
    """
    pair = build_pair(bench, size)
    embedder = SentenceTransformerEmbedder.load()
    embedder.encode(["warm up"])
    with tempfile.TemporaryDirectory() as scratch:
        files = [Path(scratch) / f"scale.{lang}" for lang in ("de", "fr")]
        for path, lines in zip(files, (pair.src[:20], pair.tgt[:20]), strict=False):
            path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        # Load the compiled DP too (compiled once per install, like the model it is not timed).
        align_texts(*files, "de", "fr", model=embedder, presplit_input=True, allow_low_confidence=True)
        for path, lines in zip(files, (pair.src, pair.tgt), strict=False):
            path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        started = time.perf_counter()
        alignment = align_texts(*files, "de", "fr", model=embedder, presplit_input=True, two_pass=two_pass)
        seconds = time.perf_counter() - started
    scores = score([pair.gold], [[(bead.src, bead.tgt) for bead in alignment.units]])
    return {
        "src": len(pair.src),
        "tgt": len(pair.tgt),
        "seconds": seconds,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "strict": scores.f1_strict,
        "lax": scores.f1_lax,
    }


def run_child(bench: Path, size: int, path: str) -> dict[str, float]:
    """``measure`` in a fresh interpreter, so its peak RSS is this size's alone."""
    command = [sys.executable, __file__, "--child", str(size), "--path", path, "--bench-dir", str(bench)]
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,50000", help="source sentences per pair, comma-separated")
    parser.add_argument("--bench-dir", type=Path, default=DEFAULT_BENCH, help="directory with dev.de, dev.fr, dev.gold")
    parser.add_argument(
        "--compare",
        default="1000",
        help="sizes also aligned with the other path forced (one-pass / two-pass), to compare F1; comma-separated",
    )
    parser.add_argument("--path", choices=PATHS, default="auto", help=argparse.SUPPRESS)
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.bench_dir, args.child, PATHS[args.path])))
        return
    compare = {int(text) for text in args.compare.split(",") if text}
    print("sentences/s counts source + target sentences; time is align_texts(presplit_input=True) end to end")
    print(
        "(encoding included; loading the model and compiled DP, and building the pair, not); default model, no cache."
    )
    header = f"{'source':>7} {'target':>7} {'path':>9} {'seconds':>8} {'sent/s':>7} {'peak RSS':>9}"
    print(header + f" {'strict F1':>9} {'lax F1':>7}")
    for size in (int(text) for text in args.sizes.split(",")):
        for path in ("auto", "one-pass", "two-pass") if size in compare else ("auto",):
            r = run_child(args.bench_dir, size, path)
            rate = (r["src"] + r["tgt"]) / r["seconds"]
            print(
                f"{r['src']:>7} {r['tgt']:>7} {path:>9} {r['seconds']:>8.1f} {rate:>7.0f} {r['peak_mb']:>6.0f} MB"
                f" {r['strict']:>9.3f} {r['lax']:>7.3f}",
                flush=True,
            )


if __name__ == "__main__":
    main()
