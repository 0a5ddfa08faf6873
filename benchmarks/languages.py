"""Raw-text accuracy per language pair: gold sentences joined into paragraphs, segmented and aligned by paralign.

Sentence-aligned corpora come one sentence per line; a user has running text.
This benchmark rebuilds running text from the gold and checks that
segmentation and alignment together recover the gold:

1. **Paragraphs.** The gold beads are walked in order and grouped into
   paragraphs of about ``--paragraph`` source sentences (a paragraph closes
   after the bead that reaches it), so both texts have the same paragraphs,
   as a translation does. A paragraph's sentences are joined with nothing
   between them in Chinese and Japanese and with one space otherwise, and
   paragraphs are separated by a blank line. Each gold sentence's character
   span in the raw text is recorded.
2. **Alignment.** Each raw pair goes through ``paralign.align_texts`` with its
   defaults (reading, segmentation, the language check, the aligner, the
   calibrated confidences): what ``paralign align SRC TGT --src-lang zh
   --tgt-lang en`` runs. Only the model is loaded once and handed to every
   call, as in ``accuracy.py``.
3. **Back to gold sentences.** paralign's sentences are not the gold's. Each
   output sentence covers a character span of its text; it is mapped to the
   gold sentences whose spans it overlaps by at least one non-space
   character. Each output bead thus covers a set of gold source and gold
   target sentences; beads that share a gold sentence (a gold sentence cut
   in two by segmentation, its halves in different beads) are merged, and
   a gold sentence no bead covers becomes a 1-0 (or 0-1) bead. The result
   is the finest partition into beads that is consistent with the output
   and with the gold sentences: it is scored against the gold ladder with
   ``paralign.scoring.score`` (strict and lax, Vecalign's semantics).
   Under-segmentation (two gold sentences in one output sentence) thus
   costs exactly what it would cost a user: a bead larger than gold.

It also prints how well the sentence boundaries themselves were found
(precision and recall of the output's sentence ends inside paragraphs
against the gold's, per side).

Usage::

    python benchmarks/languages.py [--set DIR SRC TGT] ... [--paragraph 5]

A set is laid out as for ``accuracy.py``: ``NAME.SRC`` / ``NAME.TGT`` one
sentence per line and a gold ladder ``NAME.align`` (or ``.gold``,
``.SRCTGT``). With no ``--set``, the MAC zh–en dev and test sets in
``../data/mac-dev`` and ``../data/mac-test`` are scored. No benchmark data
is kept in this repository.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import gold_sets

from paralign import Alignment, ParalignError, align_texts
from paralign.embed import SentenceTransformerEmbedder
from paralign.ladder import BeadPair, read_ladder
from paralign.scoring import score

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SETS = [
    [str(REPO_ROOT.parent / "data" / "mac-dev"), "zh", "en"],
    [str(REPO_ROOT.parent / "data" / "mac-test"), "zh", "en"],
]
#: Languages written without a space between sentences.
UNSPACED = ("zh", "ja")

Span = tuple[int, int]


@dataclass(frozen=True)
class RawSide:
    """A text rebuilt from gold sentences: the text, and each gold sentence's span in it."""

    text: str
    spans: list[Span]
    paragraph_ends: set[int]  # offsets where a paragraph ends (not a within-paragraph boundary)


@dataclass(frozen=True)
class RawPair:
    name: str
    source: RawSide
    target: RawSide
    gold: list[BeadPair]


def read_lines(path: Path) -> list[str]:
    text = unicodedata.normalize("NFC", path.read_text(encoding="utf-8"))
    return [" ".join(line.split()) for line in text.split("\n")[: text.count("\n")]]


def paragraphs(gold: list[BeadPair], size: int) -> list[list[BeadPair]]:
    """Consecutive gold beads grouped into paragraphs of about ``size`` source sentences."""
    groups: list[list[BeadPair]] = [[]]
    count = 0
    for bead in gold:
        groups[-1].append(bead)
        count += len(bead[0])
        if count >= size:
            groups.append([])
            count = 0
    return [group for group in groups if group]


def join(sentences: list[str], groups: list[list[int]], lang: str) -> RawSide:
    """The raw text of one side: each group a paragraph, sentences joined as the language writes them."""
    glue = "" if lang.split("-")[0] in UNSPACED else " "
    parts: list[str] = []
    spans: list[Span] = [(0, 0)] * len(sentences)
    ends: set[int] = set()
    cursor = 0
    for number, group in enumerate(groups):
        if number:
            parts.append("\n\n")
            cursor += 2
        first = True
        for index in group:
            if not sentences[index]:
                spans[index] = (cursor, cursor)
                continue
            if not first:
                parts.append(glue)
                cursor += len(glue)
            first = False
            spans[index] = (cursor, cursor + len(sentences[index]))
            parts.append(sentences[index])
            cursor += len(sentences[index])
        ends.add(cursor)
    return RawSide("".join(parts), spans, ends)


def raw_pair(name: str, source: Path, target: Path, gold: list[BeadPair], src: str, tgt: str, size: int) -> RawPair:
    src_lines, tgt_lines = read_lines(source), read_lines(target)
    groups = paragraphs(gold, size)
    src_groups = [[i for bead in group for i in bead[0]] for group in groups]
    tgt_groups = [[j for bead in group for j in bead[1]] for group in groups]
    return RawPair(name, join(src_lines, src_groups, src), join(tgt_lines, tgt_groups, tgt), gold)


def find_pairs(directory: Path, src: str, tgt: str, size: int) -> list[RawPair]:
    """Every document of a set (``gold_sets``), rebuilt as raw paragraphs of about ``size`` source sentences."""
    return [
        raw_pair(source.with_suffix("").name, source, target, read_ladder(gold), src, tgt, size)
        for source, target, gold in gold_sets.documents(directory, src, tgt)
    ]


def gold_indices(text: str, start: int, end: int, spans: list[Span]) -> set[int]:
    """The gold sentences that ``text[start:end]`` overlaps by at least one non-space character."""
    found = set()
    for index, (gold_start, gold_end) in enumerate(spans):
        low, high = max(start, gold_start), min(end, gold_end)
        if low < high and text[low:high].strip():
            found.add(index)
    return found


def project(alignment: Alignment, pair: RawPair) -> list[BeadPair]:
    """The output beads as gold-sentence beads: merged where they share a gold sentence (see the module docstring)."""
    components: list[tuple[set[int], set[int]]] = []
    for bead in alignment.units:
        src: set[int] = set()
        tgt: set[int] = set()
        for i in bead.src:
            s = alignment.source.sentences[i]
            src |= gold_indices(pair.source.text, s.start, s.end, pair.source.spans)
        for j in bead.tgt:
            t = alignment.target.sentences[j]
            tgt |= gold_indices(pair.target.text, t.start, t.end, pair.target.spans)
        if not src and not tgt:
            continue
        if components and (components[-1][0] & src or components[-1][1] & tgt):
            components[-1][0].update(src)
            components[-1][1].update(tgt)
        else:
            components.append((src, tgt))
    covered_src = {i for c in components for i in c[0]}
    covered_tgt = {j for c in components for j in c[1]}
    beads: list[BeadPair] = [(tuple(sorted(s)), tuple(sorted(t))) for s, t in components]
    beads += [((i,), ()) for i in range(len(pair.source.spans)) if i not in covered_src]
    beads += [((), (j,)) for j in range(len(pair.target.spans)) if j not in covered_tgt]
    return beads


def boundary_counts(side: RawSide, ends: list[int]) -> tuple[int, int, int]:
    """(found, output, gold) sentence ends inside paragraphs: end offsets, trailing spaces ignored."""
    gold_ends = {end for start, end in side.spans if end > start} - side.paragraph_ends
    output_ends = {len(side.text[:end].rstrip()) for end in ends} - side.paragraph_ends
    return len(gold_ends & output_ends), len(output_ends), len(gold_ends)


def evaluate(title: str, pairs: list[RawPair], src: str, tgt: str, embedder: SentenceTransformerEmbedder) -> float:
    """Align every raw pair, print strict/lax scores and boundary accuracy; return strict F1."""
    started = time.perf_counter()
    golds, tests = [], []
    boundaries = {"src": [0, 0, 0], "tgt": [0, 0, 0]}
    n_src = n_tgt = 0
    with tempfile.TemporaryDirectory() as folder:
        for pair in pairs:
            src_path, tgt_path = Path(folder) / f"{pair.name}.{src}.txt", Path(folder) / f"{pair.name}.{tgt}.txt"
            src_path.write_text(pair.source.text, encoding="utf-8")
            tgt_path.write_text(pair.target.text, encoding="utf-8")
            try:
                alignment = align_texts(src_path, tgt_path, src, tgt, model=embedder)
            except ParalignError as error:
                # A user would get this error and no alignment: the pair scores as nothing found.
                print(f"  {pair.name}: {type(error).__name__}: {error}", file=sys.stderr)
                golds.append(pair.gold)
                tests.append([])
                continue
            if alignment.source.document.text != pair.source.text or alignment.target.document.text != pair.target.text:
                raise SystemExit(f"{pair.name}: the reader changed the text, so offsets would not match")
            golds.append(pair.gold)
            tests.append(project(alignment, pair))
            n_src += len(alignment.source.sentences)
            n_tgt += len(alignment.target.sentences)
            for side, raw, segmentation in (
                ("src", pair.source, alignment.source),
                ("tgt", pair.target, alignment.target),
            ):
                counts = boundary_counts(raw, [s.end for s in segmentation.sentences])
                boundaries[side] = [a + b for a, b in zip(boundaries[side], counts, strict=True)]
    elapsed = time.perf_counter() - started
    scores = score(golds, tests)
    n_gold_src = sum(len(p.source.spans) for p in pairs)
    n_gold_tgt = sum(len(p.target.spans) for p in pairs)
    print(
        f"\n{title}: {len(pairs)} document(s), raw text segmented into {n_src} {src} / {n_tgt} {tgt} sentences ", end=""
    )
    print(f"(gold: {n_gold_src} / {n_gold_tgt})")
    print(f"  strict  P {scores.precision_strict:.4f}  R {scores.recall_strict:.4f}  F1 {scores.f1_strict:.4f}")
    print(f"  lax     P {scores.precision_lax:.4f}  R {scores.recall_lax:.4f}  F1 {scores.f1_lax:.4f}")
    for side, lang in (("src", src), ("tgt", tgt)):
        found, output, gold = boundaries[side]
        precision, recall = found / max(output, 1), found / max(gold, 1)
        print(f"  sentence ends inside paragraphs, {lang}: P {precision:.4f}  R {recall:.4f}  (gold {gold})")
    print(f"  Wall time (align_texts, model loaded): {elapsed:.1f} s")
    return scores.f1_strict


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    gold_sets.add_set_option(parser, "../data/mac-dev and ../data/mac-test, zh en")
    parser.add_argument("--paragraph", type=int, default=5, help="source sentences per paragraph (default 5)")
    args = parser.parse_args()
    started = time.perf_counter()
    embedder = SentenceTransformerEmbedder.load()
    print(f"Model loaded in {time.perf_counter() - started:.1f} s")
    for directory, src, tgt in args.sets or DEFAULT_SETS:
        pairs = find_pairs(Path(directory), src, tgt, args.paragraph)
        evaluate(f"{directory} ({src}-{tgt}, raw paragraphs of ~{args.paragraph})", pairs, src, tgt, embedder)


if __name__ == "__main__":
    main()
