"""OmegaT round trip: our TMX in ``tm/auto/`` pre-translates the English article.

A real OmegaT (Debian's 3.6, run headless with ``--mode=console-translate``)
gets a project whose ``source/`` holds the English of every bead, one bead per
paragraph (sentence segmentation off, so that OmegaT's segments are exactly
our units), and whose ``tm/auto/`` holds the TMX. Units in ``tm/auto/`` are
inserted when they are 100% matches, so ``target/`` shows which units OmegaT
accepted: the Spanish of the unit, to the character, or the English left as it
was.

OmegaT reports a broken TMX with exit code 0 and a log line only, so every
run also checks the log and ``omegat/project_stats.txt``.

What OmegaT 3.6 does with ``--tmx-notes tags`` (``<ph type="fnote">``), as
these tests establish: an external TMX is read at "level 1" by default, which
drops every inline element *with its content*, so the unit's source is the
sentence without its marker (``…region.``), and its translation loses the
marker too (``…región.``). Such units are 100% matches for a source without
markers, never for one that carries the markers as text (``region.[1]``) or
as inline codes (HTML ``<sup>[1]</sup>`` becomes ``<s0>[1]</s0>`` in OmegaT).
With the preferences ``ext_tmx_show_level2`` and ``ext_tmx_use_slash`` on, a
``<ph type="fnote">`` reads as a standalone OmegaT tag ``<f0/>`` (letter from
``type``, number by position; ``x`` and the content are ignored), which still
does not match ``<s0>[1]</s0>``.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from lxml import etree

from paralign.export import NotesMode, write_tmx
from paralign.model import Alignment
from paralign.safe_xml import parse_untrusted

JAVA = shutil.which("java")
OMEGAT_JAR = Path("/usr/share/omegat/OmegaT.jar")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.omegat,
    pytest.mark.skipif(JAVA is None, reason="OmegaT round trip needs `java` on PATH (Debian: apt install omegat)"),
    pytest.mark.skipif(
        not OMEGAT_JAR.is_file(), reason=f"OmegaT round trip needs {OMEGAT_JAR} (Debian: apt install omegat)"
    ),
]

PROJECT = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<omegat>
  <project version="1.0">
    <source_dir>__DEFAULT__</source_dir>
    <target_dir>__DEFAULT__</target_dir>
    <tm_dir>__DEFAULT__</tm_dir>
    <glossary_dir>__DEFAULT__</glossary_dir>
    <glossary_file>__DEFAULT__</glossary_file>
    <dictionary_dir>__DEFAULT__</dictionary_dir>
    <source_lang>{src}</source_lang>
    <target_lang>{tgt}</target_lang>
    <source_tok>org.omegat.tokenizer.LuceneEnglishTokenizer</source_tok>
    <target_tok>org.omegat.tokenizer.LuceneSpanishTokenizer</target_tok>
    <sentence_seg>false</sentence_seg>
    <support_default_translations>true</support_default_translations>
    <remove_tags>false</remove_tags>
  </project>
</omegat>
"""

LEVEL2_PREFS = """<?xml version="1.0" encoding="UTF-8" ?>
<omegat>
  <preference version="1.0">
    <ext_tmx_show_level2>true</ext_tmx_show_level2>
    <ext_tmx_use_slash>true</ext_tmx_use_slash>
  </preference>
</omegat>
"""

#: Log lines at a level above Info (``12345: Warning: …``, ``12345: Error: …``).
_PROBLEM = re.compile(r"^\d+: (?:Warning|Error|SEVERE|WARNING):.*$", re.MULTILINE)


@dataclass
class Run:
    target: Path
    log: str
    total: int
    remaining: int


def run_omegat(project: Path, prefs: str | None = None) -> Run:
    """OmegaT headless on ``project``; fails the test on any sign of a TMX it did not load."""
    config = project / "config"
    config.mkdir()
    if prefs is not None:
        (config / "omegat.prefs").write_text(prefs, encoding="utf-8")
    completed = subprocess.run(
        [
            JAVA,
            "-Djava.awt.headless=true",
            "-jar",
            str(OMEGAT_JAR),
            str(project),
            "--mode=console-translate",
            f"--config-dir={config}",
            "--disable-project-locking",
            "--no-team",
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    log = completed.stdout + completed.stderr
    assert completed.returncode == 0, log[-3000:]
    assert not _PROBLEM.findall(log), "OmegaT logged problems:\n" + "\n".join(_PROBLEM.findall(log))
    assert "TMXR_INFO_READING_COMPLETE" in log, f"OmegaT did not finish reading the TMX:\n{log[-3000:]}"
    if prefs is not None:  # OmegaT rewrites its preferences on exit; ours must have been kept
        kept = (config / "omegat.prefs").read_text(encoding="utf-8")
        assert "<ext_tmx_show_level2>true</ext_tmx_show_level2>" in kept, kept
    stats = (project / "omegat" / "project_stats.txt").read_text(encoding="utf-8")
    counts = {}
    for line in stats.splitlines():
        label, _, rest = line.partition(":")
        if label in ("Total", "Remaining"):
            counts[label] = int(rest.split()[0])
    return Run(project / "target", log, counts["Total"], counts["Remaining"])


def make_project(root: Path, alignment: Alignment, tmx_mode: NotesMode, source_name: str, source: str) -> Path:
    """An OmegaT project folder (no spaces in its path) with the TMX in ``tm/auto/``."""
    project = root / f"omegat-{tmx_mode.value}-{source_name.replace('.', '-')}"
    assert " " not in str(project)
    for sub in ("source", "target", "tm/auto", "omegat", "glossary", "dictionary"):
        (project / sub).mkdir(parents=True)
    (project / "omegat.project").write_text(
        PROJECT.format(src=alignment.source.document.lang, tgt=alignment.target.document.lang), encoding="utf-8"
    )
    write_tmx(alignment, project / "tm" / "auto" / "paralign.tmx", tmx_mode)
    (project / "source" / source_name).write_text(source, encoding="utf-8")
    return project


# --- the English source, built from the original text (not from the TMX) ---------------------------


def english_paragraphs(alignment: Alignment, markers: str) -> list[str]:
    """The English of every bead that has some, one string per bead, in order.

    ``markers``: ``"text"`` keeps each marker as written (``region.[1]``),
    ``"strip"`` cuts it out, ``"html"`` escapes the text and wraps each
    marker in ``<sup>`` (the notes as inline codes).
    """
    segmentation = alignment.source
    text = segmentation.document.text
    paragraphs = []
    for bead in alignment.beads:
        if not bead.src:
            continue
        parts = []
        for index in bead.src:
            sentence = segmentation.sentences[index]
            cursor, out = sentence.start, []
            for anchor in sorted(sentence.anchors, key=lambda a: a.start):
                before, marker = text[cursor : anchor.start], text[anchor.start : anchor.end]
                if markers == "html":
                    out += [html.escape(before, quote=False), f"<sup>{html.escape(marker, quote=False)}</sup>"]
                else:
                    out += [before, marker if markers == "text" else ""]
                cursor = anchor.end
            rest = text[cursor : sentence.end]
            out.append(html.escape(rest, quote=False) if markers == "html" else rest)
            parts.append(" ".join("".join(out).split()))
        paragraphs.append(" ".join(parts))
    return paragraphs


def as_text_file(paragraphs: list[str]) -> str:
    return "\n\n".join(paragraphs) + "\n"


def as_html_file(paragraphs: list[str]) -> str:
    body = "\n".join(f"<p>{paragraph}</p>" for paragraph in paragraphs)
    return f'<!DOCTYPE html>\n<html>\n<head>\n<meta charset="utf-8">\n</head>\n<body>\n{body}\n</body>\n</html>\n'


def read_text_target(target: Path, name: str) -> list[str]:
    return (target / name).read_text(encoding="utf-8").rstrip("\n").split("\n\n")


def read_html_target(target: Path, name: str) -> list[str]:
    return re.findall(r"<p>(.*?)</p>", (target / name).read_text(encoding="utf-8"), re.DOTALL)


# --- what the TMX says -----------------------------------------------------------------------------


def units(tmx: Path) -> dict[str, etree._Element]:
    """``tuid`` → Spanish ``<seg>``; ``tuid`` is the bead's 1-based position."""
    return {tu.get("tuid"): tu.findall("tuv/seg")[1] for tu in parse_untrusted(tmx).getroot().iter("tu")}


def full_text(seg: etree._Element) -> str:
    return "".join(seg.itertext())


def level1_text(seg: etree._Element) -> str:
    """A ``<seg>`` as OmegaT reads an external TMX by default: inline elements and their content dropped."""
    return (seg.text or "") + "".join(child.tail or "" for child in seg)


def expected_targets(alignment: Alignment, spanish: dict[str, str]) -> list[str | None]:
    """Per source paragraph, the Spanish of its unit, or None for a bead with no unit (1-0)."""
    return [spanish.get(str(position)) for position, bead in enumerate(alignment.beads, start=1) if bead.src]


def compare(source: list[str], target: list[str], expected: list[str | None]) -> tuple[list[int], list[int]]:
    """Indices of paragraphs translated exactly as expected, and of those left as the source."""
    assert len(target) == len(source) == len(expected)
    matched, untouched = [], []
    for k, (src, tgt, want) in enumerate(zip(source, target, expected, strict=False)):
        if want is not None and tgt == want:
            matched.append(k)
        else:
            assert tgt == src, f"paragraph {k}: neither the unit's Spanish nor the source:\n{tgt!r}\n{want!r}"
            untouched.append(k)
    return matched, untouched


# --- the round trips -------------------------------------------------------------------------------


@pytest.mark.parametrize(("mode", "markers"), [(NotesMode.TEXT, "text"), (NotesMode.STRIP, "strip")])
def test_every_unit_is_a_100_percent_match(protocol: Alignment, tmp_path: Path, mode: NotesMode, markers: str) -> None:
    """``text`` against the English as written, ``strip`` against it without markers: 22 of 22."""
    source = english_paragraphs(protocol, markers)
    project = make_project(tmp_path, protocol, mode, "article.txt", as_text_file(source))
    spanish = {tuid: full_text(seg) for tuid, seg in units(project / "tm" / "auto" / "paralign.tmx").items()}
    assert len(spanish) == 22
    if mode == NotesMode.TEXT:
        assert sum("[" in paragraph for paragraph in source) == 7
        assert any(text.endswith("región.505") for text in spanish.values())
    run = run_omegat(project)
    expected = expected_targets(protocol, spanish)
    matched, untouched = compare(source, read_text_target(run.target, "article.txt"), expected)
    assert len(matched) == len(spanish) == 22
    assert [k for k, want in enumerate(expected) if want is None] == untouched  # only the 1-0 bead
    assert (run.total, run.remaining) == (len(source), len(source) - 22)


@pytest.mark.parametrize("prefs", [None, LEVEL2_PREFS], ids=["default-prefs", "level2-tags"])
def test_tags_mode_against_html_notes_matches_only_units_without_notes(
    protocol: Alignment, tmp_path: Path, prefs: str | None
) -> None:
    """HTML ``<sup>[1]</sup>`` is ``<s0>[1]</s0>`` to OmegaT; our ``<ph type="fnote">`` never matches it.

    The 15 units without a note are inserted exactly; the 7 with one stay English,
    with OmegaT's default TMX reading and with level-2 tags alike.
    """
    source = english_paragraphs(protocol, "html")
    project = make_project(tmp_path, protocol, NotesMode.TAGS, "article.html", as_html_file(source))
    segs = units(project / "tm" / "auto" / "paralign.tmx")
    with_notes = {tuid for tuid, seg in segs.items() if seg.find("ph") is not None}
    assert len(segs) == 22 and len(with_notes) == 7
    spanish = {tuid: full_text(seg) for tuid, seg in segs.items()}
    run = run_omegat(project, prefs)
    target = [html.unescape(p) for p in read_html_target(run.target, "article.html")]
    matched, untouched = compare([html.unescape(p) for p in source], target, expected_targets(protocol, spanish))
    positions = [str(p) for p, bead in enumerate(protocol.beads, start=1) if bead.src]
    assert {positions[k] for k in matched} == set(segs) - with_notes
    assert len(matched) == 15
    assert all("<sup>[" in target[k] for k in untouched if positions[k] in with_notes)
    assert (run.total, run.remaining) == (len(source), len(source) - 15)


def test_tags_mode_is_read_without_its_markers(protocol: Alignment, tmp_path: Path) -> None:
    """OmegaT reads ``<ph>`` with its content as nothing: the units match the English without markers.

    All 22 are inserted, and the Spanish loses its markers (``…a la región.``),
    character for character the ``<seg>`` text outside the ``<ph>`` elements.
    """
    source = english_paragraphs(protocol, "strip")
    project = make_project(tmp_path, protocol, NotesMode.TAGS, "article.txt", as_text_file(source))
    segs = units(project / "tm" / "auto" / "paralign.tmx")
    spanish = {tuid: level1_text(seg) for tuid, seg in segs.items()}
    assert sum(seg.find("ph") is not None for seg in segs.values()) == 7
    run = run_omegat(project)
    target = read_text_target(run.target, "article.txt")
    matched, _ = compare(source, target, expected_targets(protocol, spanish))
    assert len(matched) == 22
    assert not any(re.search(r"\.50\d|\[\d\]", paragraph) for paragraph in target)
    assert any(paragraph.endswith("a la región.") for paragraph in target)
    assert (run.total, run.remaining) == (len(source), len(source) - 22)
