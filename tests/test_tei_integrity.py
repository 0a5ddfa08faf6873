"""TEI of the protocol pair: valid for jing, and every pointer lands where the schema cannot check.

``tei_all.rng`` says that ``@target`` holds URIs and ``@corresp`` a pointer; it
cannot say that they resolve. Here: every ``<link>`` has two or more targets,
each naming an element of the document; a pointer to a sentence names an
``<s>``; every ``<s>`` is in exactly one link; a sentence left unaligned is
linked to the other side's ``<text>`` (``#src-s1 #tgt``); every note's
``@corresp`` names a note; a reviewed bead's ``@resp`` names the ``<respStmt>``.
"""

from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest
from lxml import etree

from paralign.export import build_tei, write_tei
from paralign.export.validate import schema_path
from paralign.model import Alignment, Bead
from paralign.safe_xml import parse_untrusted

TEI = "{http://www.tei-c.org/ns/1.0}"
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"
JING = shutil.which("jing")
SENTENCE_ID = re.compile(r"(src|tgt)-s[0-9]+")

pytestmark = pytest.mark.slow


def with_insertion(alignment: Alignment) -> Alignment:
    """The protocol with its last 1-1 bead split into 1-0 and 0-1, so both fallbacks occur."""
    position = max(k for k, bead in enumerate(alignment.beads) if bead.kind == "1-1")
    bead = alignment.beads[position]
    split = (Bead(bead.src, (), bead.confidence), Bead((), bead.tgt, bead.confidence))
    return dataclasses.replace(alignment, beads=alignment.beads[:position] + split + alignment.beads[position + 1 :])


def with_reviewed(alignment: Alignment) -> Alignment:
    """The protocol with its first and fourth beads changed or confirmed by a reviewer (``Bead.reviewed``)."""
    beads = list(alignment.beads)
    for position in (0, 3):
        beads[position] = dataclasses.replace(beads[position], confidence=1.0, reviewed=True)
    return dataclasses.replace(alignment, beads=tuple(beads))


@pytest.fixture(scope="module", params=["protocol", "with-insertion", "with-reviewed"])
def case(request: pytest.FixtureRequest, protocol: Alignment) -> Alignment:
    variants = {
        "protocol": protocol,
        "with-insertion": with_insertion(protocol),
        "with-reviewed": with_reviewed(protocol),
    }
    return variants[request.param]


def jing(*paths: Path) -> subprocess.CompletedProcess[str]:
    if JING is None:
        pytest.skip("jing is not installed (apt install jing); test_formats still checks with lxml's RELAX NG")
    return subprocess.run(
        [JING, str(schema_path("tei_all.rng")), *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.jing
def test_jing_accepts_the_tei(protocol: Alignment, tmp_path: Path) -> None:
    good = write_tei(protocol, tmp_path / "bishkek-protocol.en-es.tei.xml")
    insertion = write_tei(with_insertion(protocol), tmp_path / "insertion.tei.xml")
    reviewed = write_tei(with_reviewed(protocol), tmp_path / "reviewed.tei.xml")
    completed = jing(good, insertion, reviewed)
    assert (completed.returncode, completed.stdout) == (0, ""), completed.stdout


@pytest.mark.jing
def test_jing_rejects_a_broken_tei(protocol: Alignment, tmp_path: Path) -> None:
    """The control: jing really validates (exit 1, the error on stdout, naming file and line)."""
    broken_tree = build_tei(protocol)
    broken_tree.getroot().find(f"{TEI}text/{TEI}back/{TEI}linkGrp").set("bogus", "1")
    broken = tmp_path / "broken.tei.xml"
    broken_tree.write(str(broken), xml_declaration=True, encoding="UTF-8")
    completed = jing(broken)
    errors = [line for line in completed.stdout.splitlines() if line.strip()]
    assert completed.returncode == 1, completed.stdout + completed.stderr
    assert len(errors) == 1 and errors[0].startswith(f"{broken}:") and 'attribute "bogus" not allowed' in errors[0]


@pytest.fixture(scope="module")
def tree(case: Alignment, tmp_path_factory: pytest.TempPathFactory) -> etree._Element:
    """The TEI as written to disk and read back."""
    return parse_untrusted(write_tei(case, tmp_path_factory.mktemp("tei") / "case.tei.xml")).getroot()


def ids(root: etree._Element) -> dict[str, etree._Element]:
    found = [(element.get(XML_ID), element) for element in root.iter() if element.get(XML_ID) is not None]
    duplicates = [name for name, count in Counter(name for name, _ in found).items() if count > 1]
    assert not duplicates, f"duplicate xml:id {duplicates}"
    return dict(found)


def test_every_link_has_two_or_more_targets_that_resolve(tree: etree._Element) -> None:
    by_id = ids(tree)
    links = list(tree.iter(f"{TEI}link"))
    assert links
    for link in links:
        targets = link.get("target").split()
        assert len(targets) >= 2, link.get("target")
        for pointer in targets:
            assert pointer.startswith("#") and pointer[1:] in by_id, f"{pointer} does not resolve"
            element = by_id[pointer[1:]]
            assert element.tag in (f"{TEI}s", f"{TEI}text"), f"{pointer} names a {element.tag}"


def test_sentence_pointers_name_sentences_and_each_sentence_is_linked_once(
    tree: etree._Element, case: Alignment
) -> None:
    by_id = ids(tree)
    sentences = {name for name, element in by_id.items() if element.tag == f"{TEI}s"}
    assert len(sentences) == len(case.source.sentences) + len(case.target.sentences)
    pointed = Counter()
    for link in tree.iter(f"{TEI}link"):
        for pointer in link.get("target").split():
            name = pointer[1:]
            if SENTENCE_ID.fullmatch(name):
                assert name in sentences, f"{pointer} names no <s>"
                pointed[name] += 1
    assert set(pointed) == sentences, f"never linked: {sorted(sentences - set(pointed))}"
    assert [name for name, count in pointed.items() if count != 1] == []


def test_links_follow_the_beads_and_fall_back_to_the_other_text(tree: etree._Element, case: Alignment) -> None:
    by_id = ids(tree)
    texts = {name: element for name, element in by_id.items() if element.tag == f"{TEI}text"}
    assert set(texts) == {"src", "tgt"}
    links = list(tree.iter(f"{TEI}link"))
    assert len(links) == len(case.beads)
    fallbacks = Counter()
    for link, bead in zip(links, case.beads, strict=True):
        assert link.get("type") == bead.kind
        targets = [pointer[1:] for pointer in link.get("target").split()]
        src = [name for name in targets if name.startswith("src-s")]
        tgt = [name for name in targets if name.startswith("tgt-s")]
        # each sentence pointer lies inside its side's <text>
        for side, names in (("src", src), ("tgt", tgt)):
            for name in names:
                assert by_id[name] in texts[side].iter(f"{TEI}s")
        assert src == [f"src-s{i + 1}" for i in bead.src] and tgt == [f"tgt-s{j + 1}" for j in bead.tgt]
        if not bead.tgt:
            assert targets == [*src, "tgt"]
            fallbacks["tgt"] += 1
        elif not bead.src:
            assert targets == ["src", *tgt]
            fallbacks["src"] += 1
        else:
            assert targets == src + tgt
    expected = Counter({"tgt": sum(1 for b in case.beads if not b.tgt), "src": sum(1 for b in case.beads if not b.src)})
    assert fallbacks == expected and fallbacks["tgt"] >= 1


def test_every_note_corresp_names_a_note(tree: etree._Element, case: Alignment) -> None:
    by_id = ids(tree)
    notes = list(tree.iter(f"{TEI}note"))
    assert len(notes) == len(case.source.anchors) + len(case.target.anchors)
    with_corresp = [note for note in notes if note.get("corresp") is not None]
    assert len(with_corresp) == len(case.footnote_pairs) == 7
    src_text = by_id["src"]
    for note in with_corresp:
        pointer = note.get("corresp")
        assert pointer.startswith("#") and pointer[1:] in by_id, f"{pointer} does not resolve"
        twin = by_id[pointer[1:]]
        assert twin.tag == f"{TEI}note", f"{pointer} names a {twin.tag}"
        assert twin in src_text.iter(f"{TEI}note") and note in by_id["tgt"].iter(f"{TEI}note")
        assert twin.get("corresp") is None and (twin.text or "").strip(), "the source twin carries the note text"
    # one Spanish note per English note, none shared
    assert len({note.get("corresp") for note in with_corresp}) == len(with_corresp)


def test_reviewed_links_name_the_reviewer(tree: etree._Element, case: Alignment) -> None:
    """``@resp`` only on the links of reviewed beads, and it resolves to the title statement's ``<respStmt>``."""
    by_id = ids(tree)
    links = list(tree.iter(f"{TEI}link"))
    assert [k for k, link in enumerate(links) if link.get("resp")] == [
        k for k, bead in enumerate(case.beads) if bead.reviewed
    ]
    for link in links:
        if link.get("resp"):
            assert by_id[link.get("resp")[1:]].tag == f"{TEI}respStmt"
