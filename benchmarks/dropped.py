"""Does a sentence the translator dropped stay a 1-0 bead, or is it absorbed into a neighbour?

Builds article pairs from the raw texts in ``texts/`` as translators deliver
them: for every 1-1 bead of the full pair's alignment, the target sentence is
cut out of the target file (its offsets come from paralign's own segmenter),
and the shortened pair is aligned again through ``paralign.align_texts`` with
its defaults. The source sentence should now be a 1-0 bead; the script counts
how often it is absorbed into a two-sided bead instead, and how often any
other bead changed.

Usage::

    python benchmarks/dropped.py [--pair SOURCE TARGET SRC_LANG TGT_LANG]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from paralign import align_texts
from paralign.embed import SentenceTransformerEmbedder

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PAIR = (
    REPO_ROOT / "texts" / "bishkek-protocol.en.txt",
    REPO_ROOT / "texts" / "bishkek-protocol.es.txt",
    "en",
    "es",
)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--pair", nargs=4, metavar=("SOURCE", "TARGET", "SRC_LANG", "TGT_LANG"))
    args = parser.parse_args()
    source, target, src_lang, tgt_lang = args.pair or DEFAULT_PAIR
    source, target = Path(source), Path(target)
    embedder = SentenceTransformerEmbedder.load()
    started = time.perf_counter()
    full = align_texts(source, target, src_lang, tgt_lang, model=embedder)
    text = full.target.document.text
    one_to_one = [bead for bead in full.beads if len(bead.src) == len(bead.tgt) == 1]
    kept = absorbed = others_changed = 0
    with tempfile.TemporaryDirectory() as scratch:
        for bead in one_to_one:
            dropped = full.target.sentences[bead.tgt[0]]
            end = dropped.end + (1 if text[dropped.end : dropped.end + 1] == " " else 0)
            shortened = Path(scratch) / target.name
            shortened.write_text(text[: dropped.start] + text[end:], encoding="utf-8")
            alignment = align_texts(source, shortened, src_lang, tgt_lang, model=embedder, allow_low_confidence=True)
            mine = next(b for b in alignment.beads if bead.src[0] in b.src)
            if mine.tgt:
                absorbed += 1
                print(f"  source sentence {bead.src[0]} absorbed into a {mine.kind} bead")
            else:
                kept += 1
            expected = {(b.src, tuple(j - (j > bead.tgt[0]) for j in b.tgt)) for b in full.beads if b is not bead} | {
                (bead.src, ())
            }
            others_changed += len(expected - {(b.src, b.tgt) for b in alignment.beads}) > 0
    print(f"{source.name} / {target.name}: {len(one_to_one)} pairs with one target sentence dropped")
    print(f"  kept as 1-0: {kept}; absorbed into a neighbouring bead: {absorbed} ({absorbed / len(one_to_one):.1%})")
    print(f"  pairs where any other bead changed: {others_changed}")
    print(f"  wall time: {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
