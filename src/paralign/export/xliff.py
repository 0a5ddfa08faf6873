"""``Alignment`` → XLIFF 1.2, the bilingual file CAT tools open as a project.

TMX feeds a translation memory; XLIFF is what a translator or reviewer opens
and edits, unit by unit, in OmegaT, Trados, memoQ, Virtaal or Pootle. So the
choices here follow what those tools read:

* one ``<trans-unit>`` per bead with text on both sides (1-0 and 0-1 beads
  have nothing to pair, as in TMX), ``id`` = the bead's number, the same
  number as TMX's ``tuid`` and the TEI link order, so a reviewer's remark on
  unit 7 finds bead 7 everywhere;
* ``<target state="translated">`` and ``approved="yes"``: the target is a
  published human translation, not a draft. A bead under
  ``model.LOW_CONFIDENCE`` gets ``state="needs-review-translation"`` and
  ``approved="no"`` instead, which every XLIFF tool shows as "to review"
  (translate-toolkit reports it as fuzzy/needs review). A bead a reviewer
  changed or confirmed gets ``state="signed-off"`` (XLIFF 1.2: "a user has
  signed off on the item"), whatever its confidence was, and says so in its note;
* the confidence travels twice, because XLIFF 1.2 strict allows extension
  attributes only when their schema is known: machine-readable in a
  ``<context-group name="paralign-N">`` (``x-paralign-confidence``,
  ``x-paralign-bead``), human-readable in a ``<note from="paralign">``;
* note markers are ``<ph id="N" ctype="x-fnote">[1]</ph>``, ``N`` being the
  number ``_inline.marker_numbers`` gives (TMX's ``x``). XLIFF matches inline
  codes between source and target by ``id``, so a marker and its twin share
  it, and it is unique within a unit because each marker of a side has its
  own number.

The output is valid against OASIS ``xliff-core-1.2-strict.xsd`` (vendored in
``paralign/schemas`` with ``xml.xsd``; see ``validate_xliff``).
"""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from paralign._version import __version__
from paralign.export._inline import display_name, display_text, marker_numbers, sentence_pieces
from paralign.export._xml import MarkerMaker, atomic_write, default_namespace, fill_mixed, serialize
from paralign.export.options import DEFAULT_OPTIONS, ExportOptions
from paralign.model import LOW_CONFIDENCE, Alignment, Bead, FootnoteAnchor

XLIFF_NS = "urn:oasis:names:tc:xliff:document:1.2"
STATE_TRANSLATED = "translated"
STATE_REVIEW = "needs-review-translation"
STATE_REVIEWED = "signed-off"

_X = f"{{{XLIFF_NS}}}"
_INLINE = frozenset({"source", "target", "note", "context"})


def build_xliff(alignment: Alignment) -> etree._ElementTree:
    """The XLIFF 1.2 document for ``alignment``: one ``<file>``, one unit per two-sided bead."""
    source_doc = alignment.source.document
    root = etree.Element(f"{_X}xliff", nsmap=default_namespace(XLIFF_NS), version="1.2")
    file = etree.SubElement(
        root,
        f"{_X}file",
        {
            "original": display_name(source_doc.path),
            "source-language": source_doc.lang,
            "target-language": alignment.target.document.lang,
            "datatype": "plaintext",
            "tool-id": "paralign",
        },
    )
    header = etree.SubElement(file, f"{_X}header")
    etree.SubElement(header, f"{_X}tool", {"tool-id": "paralign", "tool-name": "paralign", "tool-version": __version__})
    note = etree.SubElement(header, f"{_X}note", {"from": "paralign"})
    note.text = (
        f"Aligned from {display_name(source_doc.path)} and {display_name(alignment.target.document.path)}"
        + (f" with {display_text(alignment.model_name)}" if alignment.model_name else "")
        + f"; units under confidence {LOW_CONFIDENCE} are marked {STATE_REVIEW}."
    )
    body = etree.SubElement(file, f"{_X}body")
    numbers = marker_numbers(alignment)
    for position, bead in enumerate(alignment.units, start=1):
        if bead.src and bead.tgt:
            body.append(_trans_unit(alignment, bead, position, numbers))
    return etree.ElementTree(root)


def _trans_unit(alignment: Alignment, bead: Bead, position: int, numbers: dict[FootnoteAnchor, int]) -> etree._Element:
    low = bead.confidence < LOW_CONFIDENCE and not bead.reviewed
    unit = etree.Element(f"{_X}trans-unit", id=str(position), approved="no" if low else "yes")
    source = etree.SubElement(unit, f"{_X}source")
    fill_mixed(source, sentence_pieces(alignment.source, bead.src), _ph_maker(numbers, alignment.source.document.text))
    state = STATE_REVIEWED if bead.reviewed else STATE_REVIEW if low else STATE_TRANSLATED
    target = etree.SubElement(unit, f"{_X}target", state=state)
    fill_mixed(target, sentence_pieces(alignment.target, bead.tgt), _ph_maker(numbers, alignment.target.document.text))
    # context-group names must be unique in the whole <file>, hence the bead number.
    group = etree.SubElement(unit, f"{_X}context-group", name=f"paralign-{position}", purpose="information")
    etree.SubElement(group, f"{_X}context", {"context-type": "x-paralign-confidence"}).text = f"{bead.confidence:.4f}"
    etree.SubElement(group, f"{_X}context", {"context-type": "x-paralign-bead"}).text = bead.kind
    remark = f"paralign: {bead.kind} bead, confidence {bead.confidence:.4f}"
    if bead.reviewed:
        remark += " (reviewed: changed or confirmed by a person)"
    elif low:
        remark += f" (under {LOW_CONFIDENCE}: check that these sentences translate each other)"
    etree.SubElement(unit, f"{_X}note", {"from": "paralign"}).text = remark
    return unit


def _ph_maker(numbers: dict[FootnoteAnchor, int], text: str) -> MarkerMaker:
    """``<ph id="N" ctype="x-fnote">[1]</ph>``: the pair's number, the marker as written."""

    def ph(parent: etree._Element, anchor: FootnoteAnchor) -> etree._Element:
        element = etree.SubElement(parent, f"{_X}ph", id=str(numbers[anchor]), ctype="x-fnote")
        element.text = text[anchor.start : anchor.end]
        return element

    return ph


def xliff_bytes(alignment: Alignment, options: ExportOptions = DEFAULT_OPTIONS) -> bytes:
    """The serialized document: indented structure, segment text untouched (no option concerns XLIFF)."""
    return serialize(build_xliff(alignment), _INLINE)


def write_xliff(alignment: Alignment, path: Path) -> Path:
    """Build and write atomically; returns ``path``."""
    return atomic_write(path, xliff_bytes(alignment))
