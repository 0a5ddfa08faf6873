"""``Alignment`` → TMX 1.4b, the translation-memory format every CAT tool imports.

One ``<tu>`` per bead with text on both sides (a translation unit with an
empty side is useless in a memory, so 1-0 and 0-1 beads are left out). The
header carries every attribute TMX 1.4b requires; ``xml:lang`` is written
exactly as the user gave it, identically in the header and in every ``<tuv>``,
because tools such as translate-toolkit match language codes literally.
Markers become ``<ph type="fnote" x="N">``, with the same ``x`` on both sides
of a note pair, so a CAT tool shows them as matching tags. A bead a reviewer
changed or confirmed carries ``<prop type="x-paralign-reviewed">yes</prop>``
(TMX's way for tool-specific data: ``x-`` prop types), so a memory can tell a
checked unit from the aligner's guess. A sentence the translator moved
(``Alignment.moves``) is a unit with its translation, at the source
sentence's place, marked ``<prop type="x-paralign-moved">yes</prop>``.
"""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from paralign._version import __version__
from paralign.export._inline import apply_notes_mode, marker_numbers, sentence_pieces
from paralign.export._xml import MarkerMaker, atomic_write, fill_mixed, serialize
from paralign.export.options import DEFAULT_OPTIONS, ExportOptions, NotesMode
from paralign.model import LOW_CONFIDENCE, Alignment, FootnoteAnchor

DOCTYPE = '<!DOCTYPE tmx SYSTEM "tmx14.dtd">'
#: Elements whose content is text: never indented.
INLINE = frozenset({"seg", "prop"})

_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def build_tmx(alignment: Alignment, notes: NotesMode = NotesMode.TAGS) -> etree._ElementTree:
    """The TMX document for ``alignment``; markers per ``notes``."""
    src_lang = alignment.source.document.lang
    tgt_lang = alignment.target.document.lang
    root = etree.Element("tmx", version="1.4")
    header = etree.SubElement(
        root,
        "header",
        {
            "creationtool": "paralign",
            "creationtoolversion": __version__,
            "segtype": "sentence",
            "o-tmf": "paralign",
            "adminlang": "en",
            "srclang": src_lang,
            "datatype": "plaintext",
        },
    )
    if not alignment.calibrated:
        _prop(header, "x-paralign-confidence", "uncalibrated")
    body = etree.SubElement(root, "body")
    numbers = marker_numbers(alignment)
    moved = {((move.src,), (move.tgt,)) for move in alignment.moves}
    for position, bead in enumerate(alignment.units, start=1):
        if not bead.src or not bead.tgt:
            continue
        tu = etree.SubElement(body, "tu", tuid=str(position))
        _prop(tu, "x-paralign-confidence", f"{bead.confidence:.4f}")
        _prop(tu, "x-paralign-bead", bead.kind)
        if (bead.src, bead.tgt) in moved:
            _prop(tu, "x-paralign-moved", "yes")
        if bead.confidence < LOW_CONFIDENCE:
            _prop(tu, "x-paralign-flag", "low-confidence")
        if bead.reviewed:
            _prop(tu, "x-paralign-reviewed", "yes")
        for segmentation, indices, lang in (
            (alignment.source, bead.src, src_lang),
            (alignment.target, bead.tgt, tgt_lang),
        ):
            tuv = etree.SubElement(tu, "tuv", {_XML_LANG: lang})
            seg = etree.SubElement(tuv, "seg")
            pieces = apply_notes_mode(sentence_pieces(segmentation, indices), notes, segmentation.document.text)
            fill_mixed(seg, pieces, _ph_maker(numbers, segmentation.document.text))
    return etree.ElementTree(root)


def _prop(tu: etree._Element, kind: str, value: str) -> None:
    etree.SubElement(tu, "prop", type=kind).text = value


def _ph_maker(numbers: dict[FootnoteAnchor, int], text: str) -> MarkerMaker:
    """``<ph type="fnote" x="N">[1]</ph>``: the pair's number, the marker as written."""

    def ph(seg: etree._Element, anchor: FootnoteAnchor) -> etree._Element:
        element = etree.SubElement(seg, "ph", type="fnote", x=str(numbers[anchor]))
        element.text = text[anchor.start : anchor.end]
        return element

    return ph


def tmx_bytes(alignment: Alignment, options: ExportOptions = DEFAULT_OPTIONS) -> bytes:
    """The serialized document, with its DOCTYPE: indented structure, segment text untouched."""
    return serialize(build_tmx(alignment, options.tmx_notes), INLINE, DOCTYPE)


def write_tmx(alignment: Alignment, path: Path, notes: NotesMode = NotesMode.TAGS) -> Path:
    """Build and write atomically; returns ``path``."""
    return atomic_write(path, tmx_bytes(alignment, ExportOptions(tmx_notes=notes)))
