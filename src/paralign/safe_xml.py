"""XML from users, parsed so that it cannot be abused.

Entity expansion, DTD loading and network access are switched off, and a
document that declares entities is refused outright (billion laughs, XXE).
Kept outside ``export`` because readers (``ladder.read_links``) need it and
must not load the exporters.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

from lxml import etree

from paralign.errors import InputError
from paralign.read import TEXT_LIMIT, read_bytes

ENTITIES_REFUSED = "declares XML entities; refused (entity expansion is unsafe)"


def safe_parser() -> etree.XMLParser:
    """A parser that never expands entities, loads a DTD or touches the network."""
    return etree.XMLParser(
        resolve_entities=False,
        load_dtd=False,
        dtd_validation=False,
        no_network=True,
        huge_tree=False,
        remove_blank_text=False,
    )


def parse_untrusted(path: Path | str, data: bytes | None = None) -> etree._ElementTree:
    """Parse an XML file from a user, refusing entity declarations.

    ``data`` is the file's content when the caller has already read it.

    Files over ``TEXT_LIMIT`` are refused: a whole tree takes several times its file's size.

    Raises:
        InputError: the file is missing, not a regular file, too large, not well-formed, or declares entities.
    """
    path = Path(path)
    if data is None:
        data = read_bytes(path, "XML file", TEXT_LIMIT)
    if b"<!ENTITY" in data:
        raise InputError(path, ENTITIES_REFUSED)
    try:
        tree = etree.ElementTree(etree.fromstring(data, safe_parser()))
    except etree.XMLSyntaxError as error:
        raise InputError(path, f"is not well-formed XML ({error.msg})") from None
    internal = tree.docinfo.internalDTD
    # cast: lxml's stubs lack DTD.iterentities.
    if internal is not None and any(True for _ in cast(Any, internal).iterentities()):
        raise InputError(path, ENTITIES_REFUSED)
    return tree
