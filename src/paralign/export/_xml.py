"""File and XML plumbing shared by the exports: atomic writes, mixed content, indentation.

An export is written to a temporary file in the target directory and renamed
into place, so an existing export is replaced whole or not at all, even if
the process is killed midway; a set of exports is committed together by
``paralign.export._commit``. XML read from users is parsed by
``paralign.safe_xml``, not here.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import cast

from lxml import etree

from paralign.errors import ExportError
from paralign.export._commit import commit_files
from paralign.model import FootnoteAnchor

__all__ = [
    "MarkerMaker",
    "atomic_write",
    "check_writable_dir",
    "default_namespace",
    "fill_mixed",
    "indent",
    "serialize",
]


def check_writable_dir(directory: Path) -> None:
    """Create ``directory`` if needed and prove a file can be created in it.

    Done before any work, so a long alignment never ends in "cannot write".
    A real probe file is used because permission bits lie (root, ACLs,
    read-only mounts). It is an unnamed temporary file (``O_TMPFILE`` where
    the system has it), so an interrupt at any moment leaves nothing behind.
    """
    if directory.exists() and not directory.is_dir():
        raise ExportError(directory, "is a file, not a directory")
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ExportError(directory, f"cannot be created ({error.strerror or error})") from None
    try:
        with tempfile.TemporaryFile(prefix=".paralign-probe.", dir=directory):
            pass
    except OSError as error:
        raise ExportError(directory, f"is not writable ({error.strerror or error})") from None


def atomic_write(path: Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` all at once: a set of one file (``_commit``: temp file, fsync, rename).

    Raises:
        ExportError: the directory cannot be created or written, or ``path``
            is a directory.
    """
    return commit_files({Path(path): data})[0]


#: Makes a format's marker element under a parent, for one anchor.
MarkerMaker = Callable[[etree._Element, FootnoteAnchor], etree._Element]


def fill_mixed(element: etree._Element, pieces: Sequence[str | FootnoteAnchor], marker: MarkerMaker) -> None:
    """Put text runs and markers into ``element`` in order, through lxml's text and tail.

    ``marker(element, anchor)`` creates the format's marker element as a child
    (``<ph>`` in TMX and XLIFF, ``<note>`` in TEI, ``<sup>`` in HTML).
    """
    last: etree._Element | None = None
    for piece in pieces:
        if isinstance(piece, FootnoteAnchor):
            last = marker(element, piece)
        elif last is None:
            element.text = (element.text or "") + piece
        else:
            last.tail = (last.tail or "") + piece


def default_namespace(uri: str) -> dict[str, str]:
    """An ``nsmap`` making ``uri`` the default namespace.

    lxml takes ``None`` as the key of the default namespace; the cast is for
    lxml's stubs, which type the keys as ``str``.
    """
    return cast("dict[str, str]", {None: uri})


def indent(element: etree._Element, inline: frozenset[str], level: int = 0) -> None:
    """Indent structural elements only; never touch the inside of ``inline`` ones.

    lxml's own ``indent`` would put a newline after a marker that ends a
    segment (``región.<ph>505</ph>``), changing the segment's text.
    """
    if etree.QName(element).localname in inline or len(element) == 0:
        return
    if element.text is None or not element.text.strip():
        element.text = "\n" + "  " * (level + 1)
    for child in element:
        indent(child, inline, level + 1)
        if child.tail is None or not child.tail.strip():
            child.tail = "\n" + "  " * (level + 1)
    last = element[-1]
    if last.tail is None or not last.tail.strip():
        last.tail = "\n" + "  " * level


def serialize(tree: etree._ElementTree, inline: frozenset[str], doctype: str | None = None) -> bytes:
    """Indented UTF-8 with an XML declaration (and a DOCTYPE if given)."""
    indent(tree.getroot(), inline)
    if doctype is None:
        return etree.tostring(tree, xml_declaration=True, encoding="UTF-8") + b"\n"
    return etree.tostring(tree, xml_declaration=True, encoding="UTF-8", doctype=doctype) + b"\n"
