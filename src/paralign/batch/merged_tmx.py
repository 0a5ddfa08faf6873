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

A batch may hold millions of units, so the memory is never built as one
tree: a first pass over the pairs' files collects, per unit digest, the
documents it came from (32 bytes and a list per distinct unit); a second
pass streams each unit out at its first occurrence, one small element at a
time, formatted exactly as ``export._xml.serialize`` formats a whole file.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from copy import deepcopy
from typing import BinaryIO

from lxml import etree

from paralign.export._xml import indent, serialize
from paralign.export.tmx import DOCTYPE, INLINE
from paralign.safe_xml import parse_untrusted

__all__ = ["DOCUMENT_PROP", "merged_tmx_writer"]

#: The ``<prop>`` type naming a unit's document: the source file's path relative to the source folder.
DOCUMENT_PROP = "x-paralign-document"

#: ``(document, tmx bytes)`` of every aligned pair, in order; called once per pass.
Memories = Callable[[], Iterable[tuple[str, bytes]]]

#: Where a unit's element starts in the formatted file: inside ``<body>``, two levels down.
_UNIT_LEVEL = 2


def merged_tmx_writer(memories: Memories) -> Callable[[BinaryIO], None] | None:
    """What writes the merged TMX of ``memories()`` to a stream; ``None`` when there is no unit source at all.

    Units are numbered again (``tuid`` 1, 2, …) in the order they first
    appear. The first pass runs here; the second when the writer is called
    (by ``export._commit``, into the temporary file it then renames).
    """
    header: etree._Element | None = None
    documents: dict[bytes, list[str]] = {}
    for document, data in memories():
        root = parse_untrusted(document, data).getroot()
        if header is None:
            header = deepcopy(root.find("header"))
        for tu in root.iterfind("body/tu"):
            found = documents.setdefault(_identity(tu), [])
            if document not in found:
                found.append(document)
    if header is None:
        return None
    opening, closing = _frame(header)

    def write(stream: BinaryIO) -> None:
        stream.write(opening)
        unwritten = dict(documents)
        number = 0
        for document, data in memories():
            for tu in parse_untrusted(document, data).getroot().iterfind("body/tu"):
                names = unwritten.pop(_identity(tu), None)
                if names is None:
                    continue  # written at its first occurrence
                number += 1
                if number > 1:
                    stream.write(b"\n" + b"  " * _UNIT_LEVEL)
                stream.write(_unit_bytes(tu, number, names))
        stream.write(closing)

    return write


def _frame(header: etree._Element) -> tuple[bytes, bytes]:
    """The file around the units: declaration, DOCTYPE, ``<tmx>``, header and ``<body>``, and what closes them.

    Serialized once with a placeholder unit, so the frame is exactly what
    ``serialize`` writes for a whole memory.
    """
    root = etree.Element("tmx", version="1.4")
    root.append(header)
    placeholder = etree.SubElement(etree.SubElement(root, "body"), "tu")
    placeholder.set("tuid", "0")
    whole = serialize(etree.ElementTree(root), INLINE, DOCTYPE)
    marker = b'<tu tuid="0"/>'
    start = whole.index(marker)
    return whole[:start], whole[start + len(marker) :]


def _unit_bytes(tu: etree._Element, number: int, names: list[str]) -> bytes:
    """One unit, renumbered, with a document ``<prop>`` per name after its own props, indented for its level."""
    tu.set("tuid", str(number))
    after = tu.findall("prop")[-1] if tu.find("prop") is not None else None
    for offset, name in enumerate(names):
        prop = etree.Element("prop", type=DOCUMENT_PROP)
        prop.text = name
        if after is None:
            tu.insert(offset, prop)
        else:
            after.addnext(prop)
            after = prop
    indent(tu, INLINE, _UNIT_LEVEL)
    return etree.tostring(tu, encoding="UTF-8", with_tail=False)


def _identity(tu: etree._Element) -> bytes:
    """A digest of the unit's ``<tuv>`` elements, canonicalised: what a CAT tool would match on."""
    digest = hashlib.sha256()
    for tuv in tu.iterfind("tuv"):
        digest.update(etree.tostring(tuv, method="c14n", with_tail=False))
    return digest.digest()
