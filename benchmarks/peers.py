"""paralign against Bertalign with the same model, on the same sentences, with a paired bootstrap.

The issue that asks paralign to be "ahead of the same-model peers" names
Bertalign run with USE. This script measures that comparison instead of
quoting it: each document is aligned by ``paralign.align_texts`` with its
defaults and ``presplit_input=True`` (what ``paralign align --presplit``
runs), and by Bertalign's own two-pass kernels fed with the same sentences
(the ones paralign read, so gold indices mean the same thing to both) and
with USE embeddings of Bertalign's own windows (``PAD`` before the first
full window, ``BLANK_LINE`` for an empty line, sentences joined by a space,
UTF-8 byte lengths), at Bertalign's defaults (beads of up to 5 sentences,
top-3 first pass, window 5, skip -0.1, margin and length penalty on).

Bertalign is GPL and needs Python 3.12, so it is neither a dependency nor
imported as a package: pass the wheel (``pip download bertalign==2.0.1
--no-deps --python-version 3.12 --only-binary=:all:``) and only its
numerical core, ``bertalign/corelib.py``, is loaded from it. Nothing of it is
stored in this repository.

Both outputs are scored by ``paralign.scoring``. The difference is given with
a 95% interval from a paired bootstrap: each document is cut wherever gold and
both outputs have a bead boundary at the same place, and those chunks are
resampled (2,000 draws), so the interval says how much of a gap the choice of
sentences alone could make.

Usage::

    python benchmarks/peers.py --bertalign-wheel bertalign-2.0.1-py3-none-any.whl [--set DIR SRC TGT] ...
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import tempfile
import zipfile
from pathlib import Path
from types import ModuleType

import gold_sets
import numpy as np
from accuracy import DEFAULT_BENCH, Pair, find_pairs

from paralign import align_texts
from paralign.embed import SentenceTransformerEmbedder
from paralign.ladder import BeadPair
from paralign.scoring import score

#: Bertalign's defaults (``Bertalign.__init__``).
MAX_ALIGN, TOP_K, WINDOW, SKIP = 5, 3, 5, -0.1

#: Bootstrap draws and the seed that makes the interval repeatable.
DRAWS, SEED = 2000, 0


def load_corelib(wheel: Path, scratch: Path) -> ModuleType:
    """Bertalign's ``corelib`` module, extracted from the wheel into ``scratch`` and imported on its own."""
    with zipfile.ZipFile(wheel) as archive:
        source = archive.read("bertalign/corelib.py")
    path = scratch / "bertalign_corelib.py"
    path.write_bytes(source)
    spec = importlib.util.spec_from_file_location("bertalign_corelib", path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"{wheel}: no bertalign/corelib.py in it")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # numba's cache looks the module up by name
    spec.loader.exec_module(module)
    return module


def windows(sentences: list[str], embedder: SentenceTransformerEmbedder) -> tuple[np.ndarray, np.ndarray]:
    """Bertalign's overlap embeddings and byte lengths, shape ``(MAX_ALIGN - 1, n, …)``, made with USE."""
    lines = [s.strip() or "BLANK_LINE" for s in sentences]
    texts: list[str] = []
    for size in range(1, MAX_ALIGN):
        texts += ["PAD"] * min(size - 1, len(lines))
        texts += [" ".join(lines[i : i + size]) for i in range(len(lines) - size + 1)]
    vectors = np.asarray(embedder.encode(texts), dtype=np.float32).reshape(MAX_ALIGN - 1, len(lines), -1)
    lengths = np.array([len(t.encode("utf-8")) for t in texts], dtype=np.int64).reshape(MAX_ALIGN - 1, len(lines))
    return vectors, lengths


def bertalign(
    core: ModuleType, src: list[str], tgt: list[str], embedder: SentenceTransformerEmbedder
) -> list[BeadPair]:
    """Bertalign's two passes (``Bertalign.align_sents``) over USE windows."""
    src_vecs, src_lens = windows(src, embedder)
    tgt_vecs, tgt_lens = windows(tgt, embedder)
    ratio = float(src_lens[0].sum() / tgt_lens[0].sum())
    scores, indices = core.find_top_k_sents(src_vecs[0], tgt_vecs[0], k=TOP_K)
    first_types = core.get_alignment_types(2)
    first_w, first_path = core.find_first_search_path(len(src), len(tgt))
    pointers = core.first_pass_align(len(src), len(tgt), first_w, first_path, first_types, scores, indices)
    anchors = core.first_back_track(len(src), len(tgt), pointers, first_path, first_types)
    second_types = core.get_alignment_types(MAX_ALIGN)
    second_w, second_path = core.find_second_search_path(anchors, WINDOW, len(src), len(tgt))
    # The last two arguments: margin and length penalty on (numba takes them by position).
    pointers = core.second_pass_align(
        src_vecs, tgt_vecs, src_lens, tgt_lens, second_w, second_path, second_types, ratio, SKIP, True, True
    )
    beads = core.second_back_track(len(src), len(tgt), pointers, second_path, second_types)
    return [(tuple(int(i) for i in s), tuple(int(j) for j in t)) for s, t in beads]


def _boundaries(beads: list[BeadPair]) -> set[tuple[int, int]]:
    """Points ``(source, target)`` that cut the beads, in their order, cleanly: each bead wholly before or after.

    Read from positions, not counts, so a gold ladder that leaves a sentence
    out or has a bead with a gap (a caption inside a sentence) still has
    clean points after it.
    """
    before_src = before_tgt = 0
    after_src, after_tgt = [sys.maxsize] * (len(beads) + 1), [sys.maxsize] * (len(beads) + 1)
    for k in range(len(beads) - 1, -1, -1):
        src, tgt = beads[k]
        after_src[k] = min(after_src[k + 1], min(src, default=sys.maxsize))
        after_tgt[k] = min(after_tgt[k + 1], min(tgt, default=sys.maxsize))
    points = set()
    for k, (src, tgt) in enumerate(beads):
        before_src, before_tgt = max(before_src, max(src, default=-1) + 1), max(before_tgt, max(tgt, default=-1) + 1)
        if before_src <= after_src[k + 1] and before_tgt <= after_tgt[k + 1]:
            points.add((before_src, before_tgt))
    return points


def chunk_counts(gold: list[BeadPair], test: list[BeadPair], cuts: list[tuple[int, int]]) -> np.ndarray:
    """Per chunk: test beads, strict hits, two-sided gold beads, those found (the terms of strict P and R)."""
    counts = np.zeros((len(cuts), 4))
    gold_set, test_set = set(gold), set(test)

    def chunk(bead: BeadPair) -> int:
        end = (max(bead[0], default=-1) + 1, max(bead[1], default=-1) + 1)
        return next(k for k, cut in enumerate(cuts) if end[0] <= cut[0] and end[1] <= cut[1])

    for bead in test:
        counts[chunk(bead), 0] += 1
        counts[chunk(bead), 1] += bead in gold_set
    for bead in gold:
        if bead[0] and bead[1]:
            counts[chunk(bead), 2] += 1
            counts[chunk(bead), 3] += bead in test_set
    return counts


def strict_f1(counts: np.ndarray) -> float:
    precision = counts[:, 1].sum() / max(counts[:, 0].sum(), 1.0)
    recall = counts[:, 3].sum() / max(counts[:, 2].sum(), 1.0)
    return float(2 * precision * recall / (precision + recall)) if precision + recall else 0.0


def compare(
    title: str, pairs: list[Pair], src: str, tgt: str, core: ModuleType, embedder: SentenceTransformerEmbedder
) -> None:
    """Align each pair both ways, print both scores and the bootstrap interval of the difference."""
    golds, ours, theirs = [], [], []
    ours_chunks, theirs_chunks = [], []
    for pair in pairs:
        alignment = align_texts(pair.source, pair.target, src, tgt, model=embedder, presplit_input=True)
        mine = [(bead.src, bead.tgt) for bead in alignment.units]
        peer = bertalign(
            core,
            [s.text for s in alignment.source.sentences],
            [s.text for s in alignment.target.sentences],
            embedder,
        )
        golds.append(pair.gold)
        ours.append(mine)
        theirs.append(peer)
        # The last chunk ends past everything, so a gold ladder that leaves sentences out still has a chunk.
        cuts = sorted(_boundaries(pair.gold) & _boundaries(mine) & _boundaries(peer)) + [(sys.maxsize, sys.maxsize)]
        ours_chunks.append(chunk_counts(pair.gold, mine, cuts))
        theirs_chunks.append(chunk_counts(pair.gold, peer, cuts))
    a, b = np.concatenate(ours_chunks), np.concatenate(theirs_chunks)
    rng = np.random.default_rng(SEED)
    draws = rng.integers(0, len(a), size=(DRAWS, len(a)))
    differences = np.array([strict_f1(a[d]) - strict_f1(b[d]) for d in draws])
    low, high = np.percentile(differences, [2.5, 97.5])
    mine_score, peer_score = score(golds, ours), score(golds, theirs)
    print(f"\n{title}: {len(pairs)} document(s), {len(a)} chunks")
    for name, result in (("paralign (align_texts defaults)", mine_score), ("Bertalign 2.0.1 kernels, USE", peer_score)):
        print(f"  {name:<34} strict P {result.precision_strict:.4f}  R {result.recall_strict:.4f}", end="")
        print(f"  F1 {result.f1_strict:.4f}   lax F1 {result.f1_lax:.4f}")
    gap = mine_score.f1_strict - peer_score.f1_strict
    print(f"  difference in strict F1 {gap:+.4f}, 95% bootstrap interval [{low:+.4f}, {high:+.4f}]")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--bertalign-wheel", type=Path, required=True, help="bertalign-2.0.1-py3-none-any.whl")
    gold_sets.add_set_option(parser, "../shared/bench/text-berg-dev de fr")
    args = parser.parse_args()
    sets = args.sets or [[str(DEFAULT_BENCH), "de", "fr"]]
    embedder = SentenceTransformerEmbedder.load()
    with tempfile.TemporaryDirectory() as scratch:
        core = load_corelib(args.bertalign_wheel, Path(scratch))
        for directory, src, tgt in sets:
            pairs = find_pairs(Path(directory), src, tgt)
            compare(f"{directory} ({src}-{tgt})", pairs, src, tgt, core, embedder)


if __name__ == "__main__":
    main()
