"""One translation memory from a batch's pairs: their TMX units, identical ones once, each naming its documents.

Each pair's TMX is built by ``paralign.export.tmx`` exactly as ``paralign
align`` builds it; the merged memory takes its ``<tu>`` elements as they are,
so a unit in the memory is byte for byte the unit of its pair's file, plus
one ``<prop type="x-paralign-document">`` per document it came from (TMX's
way for tool-specific data). Two units are identical when their ``<tuv>``
elements are (languages, text and inline markers): a boilerplate sentence
translated the same way in forty reports is one unit with forty documents,
and keeps the properties of its first occurrence. The header is the first
pair's: every pair of a batch has the same languages and settings.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from copy import deepcopy
from dataclasses import dataclass

from lxml import etree

from paralign.export._xml import serialize
from paralign.export.tmx import DOCTYPE, INLINE
from paralign.safe_xml import parse_untrusted

__all__ = ["DOCUMENT_PROP", "merged_tmx"]

#: The ``<prop>`` type naming a unit's document: the source file's path relative to the source folder.
DOCUMENT_PROP = "x-paralign-document"


@dataclass
class _Unit:
    tu: etree._Element
    documents: list[str]


def merged_tmx(memories: Iterable[tuple[str, bytes]]) -> bytes | None:
    """The merged TMX of ``(document, tmx bytes)`` pairs, in the order given; ``None`` when there is none.

    Units are numbered again (``tuid`` 1, 2, …) in the order they first
    appear.
    """
    header: etree._Element | None = None
    units: dict[bytes, _Unit] = {}
    for document, data in memories:
        root = parse_untrusted(document, data).getroot()
        if header is None:
            header = deepcopy(root.find("header"))
        for tu in root.iterfind("body/tu"):
            key = _identity(tu)
            unit = units.get(key)
            if unit is None:
                units[key] = _Unit(tu, [document])
            elif document not in unit.documents:
                unit.documents.append(document)
    if header is None:
        return None
    root = etree.Element("tmx", version="1.4")
    root.append(header)
    body = etree.SubElement(root, "body")
    for number, unit in enumerate(units.values(), start=1):
        unit.tu.set("tuid", str(number))
        after = unit.tu.findall("prop")[-1] if unit.tu.find("prop") is not None else None
        for offset, document in enumerate(unit.documents):
            prop = etree.Element("prop", type=DOCUMENT_PROP)
            prop.text = document
            if after is None:
                unit.tu.insert(offset, prop)
            else:
                after.addnext(prop)
                after = prop
        body.append(unit.tu)
    return serialize(etree.ElementTree(root), INLINE, DOCTYPE)


def _identity(tu: etree._Element) -> bytes:
    """A digest of the unit's ``<tuv>`` elements, canonicalised: what a CAT tool would match on."""
    digest = hashlib.sha256()
    for tuv in tu.iterfind("tuv"):
        digest.update(etree.tostring(tuv, method="c14n", with_tail=False))
    return digest.digest()
