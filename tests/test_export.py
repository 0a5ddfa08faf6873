"""TMX and TEI of the protocol pair: headers, units, notes as inline tags, links; the committed exports.

Validity against the schemas is part of every format's contract (``test_formats.py``).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ROOT
from lxml import etree

from paralign.export import NotesMode, build_tei, build_tmx
from paralign.export.validate import validate_tmx
from paralign.formats import export_stem, write_exports
from paralign.model import Alignment
from paralign.safe_xml import parse_untrusted

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
TEI = "{http://www.tei-c.org/ns/1.0}"


@pytest.fixture(scope="module")
def written(protocol: Alignment, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("exports")
    paths = write_exports(protocol, out)
    return {path.suffixes[-1] if path.suffixes[-1] == ".tmx" else ".tei": path for path in paths}


def test_file_names(protocol: Alignment, written: dict[str, Path]) -> None:
    assert export_stem(protocol.source.document.path, "en", "es") == "bishkek-protocol.en-es"
    assert sorted(p.name for p in written.values()) == ["bishkek-protocol.en-es.tei.xml", "bishkek-protocol.en-es.tmx"]


def test_tmx_header_and_languages(written: dict[str, Path]) -> None:
    root = parse_untrusted(written[".tmx"]).getroot()
    header = root.find("header")
    for attribute in ("creationtool", "creationtoolversion", "o-tmf", "adminlang", "datatype"):
        assert header.get(attribute)
    assert (header.get("segtype"), header.get("srclang")) == ("sentence", "en")
    langs = [[tuv.get(XML_LANG) for tuv in tu.findall("tuv")] for tu in root.iter("tu")]
    assert langs == [["en", "es"]] * 22


def test_tmx_one_unit_per_two_sided_bead_with_confidence(protocol: Alignment, written: dict[str, Path]) -> None:
    units = list(parse_untrusted(written[".tmx"]).getroot().iter("tu"))
    two_sided = [bead for bead in protocol.beads if bead.src and bead.tgt]
    assert len(units) == len(two_sided) == 22
    for unit, bead in zip(units, two_sided, strict=True):
        props = {prop.get("type"): prop.text for prop in unit.findall("prop")}
        assert float(props["x-paralign-confidence"]) == pytest.approx(bead.confidence, abs=1e-4)
        for seg in unit.iter("seg"):
            text = "".join(seg.itertext())
            assert text == text.strip() and text


def test_tmx_notes_are_paired_inline_tags(written: dict[str, Path]) -> None:
    tagged = []
    for unit in parse_untrusted(written[".tmx"]).getroot().iter("tu"):
        src_seg, tgt_seg = unit.findall("tuv/seg")
        src_ph = [(ph.get("type"), ph.get("x"), ph.text) for ph in src_seg.iter("ph")]
        tgt_ph = [(ph.get("type"), ph.get("x"), ph.text) for ph in tgt_seg.iter("ph")]
        assert [x for _, x, _ in src_ph] == [x for _, x, _ in tgt_ph]
        tagged.extend(zip(src_ph, tgt_ph, strict=True))
    assert [(s[2], t[2]) for s, t in tagged] == [(f"[{k}]", str(504 + k)) for k in range(1, 8)]
    assert all(s[0] == t[0] == "fnote" for s, t in tagged)


@pytest.mark.parametrize("mode", [NotesMode.TEXT, NotesMode.STRIP])
def test_tmx_notes_as_text_or_stripped(protocol: Alignment, mode: NotesMode) -> None:
    tree = build_tmx(protocol, mode)
    assert validate_tmx(tree) == []
    segs = ["".join(seg.itertext()) for seg in tree.iter("seg")]
    assert not list(tree.iter("ph"))
    joined = "\n".join(segs)
    assert ("a la región.505" in joined) == (mode == NotesMode.TEXT)
    assert ("«incautados». 508" in joined) == (mode == NotesMode.TEXT)
    assert "región." in joined


def test_tei_sentences_notes_and_links(protocol: Alignment, written: dict[str, Path]) -> None:
    root = parse_untrusted(written[".tei"]).getroot()
    ids = {s.get("{http://www.w3.org/XML/1998/namespace}id") for s in root.iter(f"{TEI}s")}
    assert len(ids) == 23 + 22
    notes = {n.get("{http://www.w3.org/XML/1998/namespace}id"): n for n in root.iter(f"{TEI}note")}
    english = [n for n in notes.values() if n.get("corresp") is None]
    spanish = [n for n in notes.values() if n.get("corresp") is not None]
    assert [n.get("n") for n in english] == [str(k) for k in range(1, 8)]
    assert english[2].text == "De Waal, Black Garden, p. 238."
    assert [(n.get("n"), notes[n.get("corresp")[1:]].get("n")) for n in spanish] == [
        (str(504 + k), str(k)) for k in range(1, 8)
    ]
    links = list(root.iter(f"{TEI}link"))
    assert len(links) == len(protocol.beads)
    assert links[0].get("target") == "#src-s1 #tgt" and links[0].get("type") == "1-0"
    assert links[1].get("target") == "#src-s2 #tgt-s1"
    assert all(0 <= float(link.get("cert")) <= 1 for link in links)


def test_committed_exports_match_a_fresh_run(protocol: Alignment, written: dict[str, Path]) -> None:
    for fresh in written.values():
        committed = ROOT / "exports" / fresh.name
        assert committed.exists(), f"{committed} is not committed"
        assert committed.read_bytes() == fresh.read_bytes(), (
            f"{committed.name} differs from a fresh run: regenerate exports/"
        )


def test_tei_of_built_tree_round_trips(protocol: Alignment) -> None:
    tree = build_tei(protocol)
    again = etree.fromstring(etree.tostring(tree))
    assert len(list(again.iter(f"{TEI}s"))) == 45


def test_uncalibrated_confidences_are_flagged_in_the_exports(protocol: Alignment) -> None:
    """Non-default aligner settings leave posteriors uncalibrated: TMX, TEI and TSV say so."""
    from dataclasses import replace

    from paralign.export.tsv import header_line

    for alignment, flagged in ((protocol, False), (replace(protocol, calibrated=False), True)):
        header = build_tmx(alignment).getroot().find("header")
        assert header is not None
        props = [(p.get("type"), p.text) for p in header.findall("prop")]
        assert (("x-paralign-confidence", "uncalibrated") in props) is flagged
        assert validate_tmx(build_tmx(alignment)) == []
        publication = build_tei(alignment).getroot().find(".//{http://www.tei-c.org/ns/1.0}publicationStmt")
        assert publication is not None
        assert ("uncalibrated" in "".join(publication.itertext())) is flagged
        assert ("confidence=uncalibrated" in header_line(alignment)) is flagged


def test_tmx_marks_reviewed_units(protocol: Alignment) -> None:
    """``x-paralign-reviewed`` on the units of reviewed beads only; the TMX stays valid."""
    from dataclasses import replace

    beads = list(protocol.beads)
    beads[3] = replace(beads[3], confidence=1.0, reviewed=True)
    tree = build_tmx(replace(protocol, beads=tuple(beads)))
    assert validate_tmx(tree) == []
    marked = [tu.get("tuid") for tu in tree.iter("tu") if tu.find("prop[@type='x-paralign-reviewed']") is not None]
    assert marked == ["4"]
