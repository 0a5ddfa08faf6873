"""translate-toolkit reads our TMX: every unit complete, in every notes mode, with plain and regional codes.

translate-toolkit matches ``xml:lang`` against the languages it is given
(``en-GB`` finds nothing under ``en``), which is why the TMX writes codes
exactly as the user gave them, in the header and in every ``<tuv>``.
"""

from __future__ import annotations

import pytest
from conftest import EN, ES
from lxml import etree
from translate.storage.tmx import tmxfile

from paralign.embed import SentenceTransformerEmbedder
from paralign.export import NotesMode, build_tmx
from paralign.export._xml import serialize
from paralign.export.tmx import DOCTYPE
from paralign.export.validate import validate_tmx
from paralign.model import Alignment
from paralign.pipeline import align_texts

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def regional(embedder: SentenceTransformerEmbedder) -> Alignment:
    """The protocol pair aligned as ``en-GB`` → ``es-ES``."""
    return align_texts(EN, ES, "en-GB", "es-ES", model=embedder)


def our_segments(tree: etree._ElementTree) -> list[tuple[str, str]]:
    """(source, target) text of every unit, markers as written (the text of ``<ph>`` included)."""
    pairs = []
    for tu in tree.getroot().iter("tu"):
        src, tgt = ("".join(seg.itertext()) for seg in tu.findall("tuv/seg"))
        pairs.append((src, tgt))
    return pairs


def read_with_toolkit(tree: etree._ElementTree, src: str, tgt: str) -> tmxfile:
    data = serialize(tree, frozenset({"seg", "prop"}), DOCTYPE)
    return tmxfile.parsestring(data, sourcelanguage=src, targetlanguage=tgt)


def check_complete(alignment: Alignment, mode: NotesMode, src: str, tgt: str) -> None:
    tree = build_tmx(alignment, mode)
    assert validate_tmx(tree) == []
    expected = our_segments(tree)
    store = read_with_toolkit(tree, src, tgt)
    units = store.units
    assert len(units) == len(expected) == sum(1 for bead in alignment.beads if bead.src and bead.tgt) == 22
    seen = [(unit.source, unit.target) for unit in units]
    assert all(source and target for source, target in seen), "a unit lost a side"
    assert seen == expected
    assert [unit.getid() for unit in units] == [tu.get("tuid") for tu in tree.getroot().iter("tu")]
    # The store's own lookup works both ways a CAT pipeline uses it.
    first_source, first_target = expected[0]
    assert store.findunit(first_source) is units[0]
    assert store.translate(first_source) == first_target
    if mode == NotesMode.STRIP:
        assert not any("[" in source or ".50" in target for source, target in seen)
    else:
        assert sum(source.endswith("region.[1]") for source, _ in seen) == 1
        assert sum(target.endswith("región.505") for _, target in seen) == 1


@pytest.mark.parametrize("mode", list(NotesMode), ids=lambda mode: mode.value)
def test_translate_toolkit_reads_every_unit(protocol: Alignment, mode: NotesMode) -> None:
    check_complete(protocol, mode, "en", "es")


@pytest.mark.parametrize("mode", list(NotesMode), ids=lambda mode: mode.value)
def test_translate_toolkit_reads_regional_codes(regional: Alignment, protocol: Alignment, mode: NotesMode) -> None:
    tree = build_tmx(regional, mode)
    root = tree.getroot()
    assert root.find("header").get("srclang") == "en-GB"
    langs = {tuv.get("{http://www.w3.org/XML/1998/namespace}lang") for tuv in root.iter("tuv")}
    assert langs == {"en-GB", "es-ES"}
    assert [(b.src, b.tgt) for b in regional.beads] == [(b.src, b.tgt) for b in protocol.beads]
    check_complete(regional, mode, "en-GB", "es-ES")
    # and the same text as the plain-code export: the region changes the labels, nothing else
    assert our_segments(tree) == our_segments(build_tmx(protocol, mode))
