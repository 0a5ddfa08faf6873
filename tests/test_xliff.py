"""XLIFF 1.2 of the protocol pair, opened by translate-toolkit as a CAT tool would.

Validity against OASIS strict is part of every format's contract (``test_formats.py``).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from lxml import etree

from paralign.export._inline import marker_numbers, sentence_pieces
from paralign.export.validate import validate_xliff
from paralign.export.xliff import XLIFF_NS, build_xliff, write_xliff
from paralign.model import LOW_CONFIDENCE, Alignment, FootnoteAnchor, Segmentation
from paralign.safe_xml import parse_untrusted

X = f"{{{XLIFF_NS}}}"


def _plain(segmentation: Segmentation, indices: tuple[int, ...]) -> str:
    """Our text of a bead side, markers spelled as in the file (``[1]``, ``505``)."""
    text = segmentation.document.text
    return "".join(
        text[p.start : p.end] if isinstance(p, FootnoteAnchor) else p for p in sentence_pieces(segmentation, indices)
    )


@pytest.fixture(scope="module")
def xliff_path(protocol: Alignment, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_xliff(protocol, tmp_path_factory.mktemp("xliff") / "bishkek-protocol.en-es.xlf")


def test_file_header_and_units(protocol: Alignment, xliff_path: Path) -> None:
    root = parse_untrusted(xliff_path).getroot()
    assert (root.tag, root.get("version")) == (f"{X}xliff", "1.2")
    (file,) = root.findall(f"{X}file")
    assert file.get("original") == "bishkek-protocol.en.txt"
    assert (file.get("source-language"), file.get("target-language"), file.get("datatype")) == ("en", "es", "plaintext")
    units = file.findall(f"{X}body/{X}trans-unit")
    two_sided = [position for position, bead in enumerate(protocol.beads, start=1) if bead.src and bead.tgt]
    assert [int(unit.get("id")) for unit in units] == two_sided and len(units) == 22
    for unit, position in zip(units, two_sided, strict=True):
        bead = protocol.beads[position - 1]
        confidence = unit.find(f"{X}context-group/{X}context[@context-type='x-paralign-confidence']")
        assert float(confidence.text) == pytest.approx(bead.confidence, abs=1e-4)
        assert unit.get("approved") == "yes" and unit.find(f"{X}target").get("state") == "translated"


def test_translate_toolkit_reads_every_unit_as_translated(protocol: Alignment, xliff_path: Path) -> None:
    from translate.storage.placeables.xliff import UnknownXML
    from translate.storage.xliff import xlifffile

    store = xlifffile.parsefile(str(xliff_path))
    assert (store.getsourcelanguage(), store.gettargetlanguage()) == ("en", "es")
    units = [unit for unit in store.units if not unit.isheader()]
    beads = [bead for bead in protocol.beads if bead.src and bead.tgt]
    assert len(units) == len(beads) == 22
    markers = []
    for unit, bead in zip(units, beads, strict=True):
        assert unit.istranslated() and not unit.isfuzzy() and not unit.isreview()
        assert unit.source == _plain(protocol.source, bead.src)
        assert unit.target == _plain(protocol.target, bead.tgt)
        assert "confidence" in unit.getnotes()
        src_ph = [(e.id, str(e)) for e in unit.rich_source[0].flatten() if isinstance(e, UnknownXML)]
        tgt_ph = [(e.id, str(e)) for e in unit.rich_target[0].flatten() if isinstance(e, UnknownXML)]
        assert [i for i, _ in src_ph] == [i for i, _ in tgt_ph]
        markers.extend(zip(src_ph, tgt_ph, strict=True))
    numbers = marker_numbers(protocol)
    expected = [
        ((str(numbers[p.src]), f"[{p.src_label}]"), (str(numbers[p.tgt]), p.tgt_label)) for p in protocol.footnote_pairs
    ]
    assert markers == expected and len(markers) == 7
    assert markers[0] == (("1", "[1]"), ("1", "505"))


def test_phs_are_fnote_placeholders_with_unit_unique_ids(xliff_path: Path) -> None:
    for unit in parse_untrusted(xliff_path).getroot().iter(f"{X}trans-unit"):
        for side in (unit.find(f"{X}source"), unit.find(f"{X}target")):
            ids = [ph.get("id") for ph in side.iter(f"{X}ph")]
            assert len(ids) == len(set(ids))
            assert all(ph.get("ctype") == "x-fnote" for ph in side.iter(f"{X}ph"))


def test_low_confidence_bead_needs_review(protocol: Alignment) -> None:
    weak = 5  # bead 6, the protocol's least certain 1-1
    beads = list(protocol.beads)
    beads[weak] = dataclasses.replace(beads[weak], confidence=LOW_CONFIDENCE / 2)
    tree = build_xliff(dataclasses.replace(protocol, beads=tuple(beads)))
    assert validate_xliff(tree) == []
    from translate.storage.xliff import xlifffile

    store = xlifffile.parsestring(etree.tostring(tree, xml_declaration=True, encoding="UTF-8"))
    flagged = [unit for unit in store.units if not unit.isheader() and unit.isreview()]
    assert len(flagged) == 1 and not flagged[0].istranslated()
    unit = tree.getroot().find(f"{X}file/{X}body/{X}trans-unit[@id='{weak + 1}']")
    assert (unit.get("approved"), unit.find(f"{X}target").get("state")) == ("no", "needs-review-translation")
    assert "check" in unit.find(f"{X}note").text


def test_reviewed_bead_is_signed_off(protocol: Alignment) -> None:
    """A bead a reviewer changed or confirmed: ``signed-off``, approved, and said so, even if it was low."""
    weak = 5
    beads = list(protocol.beads)
    beads[weak] = dataclasses.replace(beads[weak], confidence=LOW_CONFIDENCE / 2, reviewed=True)
    tree = build_xliff(dataclasses.replace(protocol, beads=tuple(beads)))
    assert validate_xliff(tree) == []
    unit = tree.getroot().find(f"{X}file/{X}body/{X}trans-unit[@id='{weak + 1}']")
    assert (unit.get("approved"), unit.find(f"{X}target").get("state")) == ("yes", "signed-off")
    assert "reviewed" in unit.find(f"{X}note").text
    from translate.storage.xliff import xlifffile

    store = xlifffile.parsestring(etree.tostring(tree, xml_declaration=True, encoding="UTF-8"))
    source = _plain(protocol.source, beads[weak].src)
    (signed,) = [u for u in store.units if not u.isheader() and u.source == source]
    assert signed.istranslated() and not signed.isreview()
