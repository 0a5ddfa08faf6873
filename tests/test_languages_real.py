"""Japanese, Korean and Chinese from raw text against sentence-level gold, through the command line.

The text is LibreOffice's own help, as Debian installs it: every page in
every language keeps the paragraph ids of the English original, so the
paragraphs that are one sentence on both sides are sentence pairs written by
people (``benchmarks/libreoffice_help.py`` says how they are chosen). One
module's guide pages are joined into raw paragraphs as ``benchmarks/languages.py``
does (no space between Japanese or Chinese sentences), aligned by the
installed ``paralign`` command with its defaults, and the output sentences
(read back from the TEI export) are mapped onto the gold sentences by their
place in the text. CI installs ``libreoffice-help-{en-us,ja,ko,zh-cn}``.

Every gold bead is 1-1 and the sentences are short instructions, so this
pins segmentation of CJK and Hangul text and the language check on real
text more than the aligner (MAC zh–en measures that: README, "Languages").
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT
from lxml import etree

from paralign.ladder import BeadPair, read_ladder
from paralign.scoring import score

sys.path.insert(0, str(ROOT / "benchmarks"))
import languages  # noqa: E402
import libreoffice_help  # noqa: E402

PARALIGN = Path(sys.executable).with_name("paralign")
TEI = "{http://www.tei-c.org/ns/1.0}"
MODULE = "text/simpress/guide"

pytestmark = pytest.mark.slow


def _help_installed(lang: str) -> Path:
    root = libreoffice_help.HELP_ROOT
    if not (root / "en-US" / MODULE).is_dir() or not (root / lang / MODULE).is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"{root}: LibreOffice's {lang} help is missing; .ci/run installs it")
        pytest.skip(f"LibreOffice's en-US and {lang} help are not installed")
    return root


def _sentence_spans(tei: Path, side: str, text: str) -> list[tuple[int, int]]:
    """Each ``<s>`` of one side of the TEI export, found in order in the raw text it came from."""
    root = etree.parse(str(tei), etree.XMLParser(resolve_entities=False, no_network=True)).getroot()
    spans = []
    cursor = 0
    for sentence in root.iter(f"{TEI}s"):
        if not str(sentence.get("{http://www.w3.org/XML/1998/namespace}id", "")).startswith(side):
            continue
        words = "".join(sentence.itertext()).strip()
        start = text.index(words, cursor)
        spans.append((start, start + len(words)))
        cursor = start + len(words)
    return spans


def _projected(
    ladder: list[BeadPair], pair: languages.RawPair, src: list[tuple[int, int]], tgt: list[tuple[int, int]]
) -> list[BeadPair]:
    """The output beads as beads of gold sentences, merged where they share one (as the benchmark does)."""
    merged: list[tuple[set[int], set[int]]] = []
    for bead_src, bead_tgt in ladder:
        source = {g for i in bead_src for g in languages.gold_indices(pair.source.text, *src[i], pair.source.spans)}
        target = {g for j in bead_tgt for g in languages.gold_indices(pair.target.text, *tgt[j], pair.target.spans)}
        if merged and (merged[-1][0] & source or merged[-1][1] & target):
            merged[-1][0].update(source)
            merged[-1][1].update(target)
        elif source or target:
            merged.append((source, target))
    return [(tuple(sorted(s)), tuple(sorted(t))) for s, t in merged]


@pytest.mark.parametrize(("lang", "suffix"), [("ja", "ja"), ("ko", "ko"), ("zh-CN", "zh")])
def test_help_pages_from_raw_text_through_the_cli(tmp_path: Path, lang: str, suffix: str) -> None:
    root = _help_installed(lang)
    document = libreoffice_help.module_document(root, lang, MODULE)
    assert len(document.pairs) >= 150, "too few one-sentence pairs to measure anything"
    gold: list[BeadPair] = [((k,), (k,)) for k in range(len(document.pairs))]
    groups = [[k for bead in group for k in bead[0]] for group in languages.paragraphs(gold, 5)]
    pair = languages.RawPair(
        "help",
        languages.join([s for s, _ in document.pairs], groups, "en"),
        languages.join([t for _, t in document.pairs], groups, suffix),
        gold,
    )
    english, translated = tmp_path / "help.en.txt", tmp_path / f"help.{suffix}.txt"
    english.write_text(pair.source.text, encoding="utf-8")
    translated.write_text(pair.target.text, encoding="utf-8")
    command = [str(PARALIGN), "align", str(english), str(translated), "--src-lang", "en", "--tgt-lang", lang]
    command += ["--format", "ladder,tei", "--out", str(tmp_path / "out"), "--no-cache", "-q"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    stem = tmp_path / "out" / f"help.en-{lang}"
    ladder = [(bead[0], bead[1]) for bead in read_ladder(stem.with_name(stem.name + ".ladder.txt"))]
    tei = stem.with_name(stem.name + ".tei.xml")
    src = _sentence_spans(tei, "src", pair.source.text)
    tgt = _sentence_spans(tei, "tgt", pair.target.text)

    scores = score([gold], [_projected(ladder, pair, src, tgt)])
    # Measured here: ja 1.000, ko 1.000, zh 0.988 on this module (all four guides: README, "Languages").
    assert scores.f1_strict >= 0.97, scores
    # Segmentation: the gold's sentence ends inside paragraphs are found, and few others.
    for side, spans in ((pair.source, src), (pair.target, tgt)):
        found, output, expected = languages.boundary_counts(side, [end for _, end in spans])
        assert found / expected >= 0.98 and found / max(output, 1) >= 0.98, (found, output, expected)
