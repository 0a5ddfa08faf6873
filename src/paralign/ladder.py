"""Bead files: the ladder format, read and written here, and the links of a paralign TEI export, read here.

A ladder file is the de-facto standard of sentence aligners (Vecalign,
Bertalign): one bead per line, 0-based sentence numbers, ``[0, 1]:[2]``,
optionally a confidence as a third field (``[0, 1]:[2]:0.9731``). A paralign
TEI export records the same beads as ``<link target="#src-s1 #tgt-s1">`` in
its translation ``<linkGrp>``; the sentence ids are defined here
(``sentence_id``) and used by ``export.tei`` to write them, so the writer and
this reader cannot drift apart. ``paralign evaluate`` reads either
(``read_beads``).
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from lxml import etree

from paralign.errors import InputError
from paralign.read import ALIGNMENT_LIMIT, open_regular
from paralign.safe_xml import ENTITIES_REFUSED

#: A bead as aligners exchange it: source and target sentence indices, 0-based.
BeadPair = tuple[tuple[int, ...], tuple[int, ...]]

TEI_NS = "http://www.tei-c.org/ns/1.0"
#: The two ``<text>`` elements of a TEI export, by ``xml:id``.
SIDES = ("src", "tgt")

_LADDER_LINE = re.compile(r"^\s*\[([0-9,\s]*)\]\s*:\s*\[([0-9,\s]*)\]\s*(?::\s*\S+\s*)?$")
#: Sentence numbers are below 2**31 (ten digits at most): a longer number is an error, not a bead.
MAX_SENTENCES = 2**31 - 1
#: A ladder line is a few dozen characters; a longer one is read no further.
_MAX_LINE = 64 * 1024
#: ``#src-s12`` (a sentence, 1-based) or ``#tgt`` (the side's ``<text>``: a sentence left unaligned).
_POINTER = re.compile(r"#(src|tgt)(?:-s([1-9][0-9]{0,9}))?")
_SENTENCE_ID = re.compile(r"(src|tgt)-s([1-9][0-9]{0,9})")
_XML_ID = "{http://www.w3.org/XML/1998/namespace}id"
_ENTITY = b"<!ENTITY"


def format_ladder(beads: Iterable[BeadPair], confidences: Iterable[float] | None = None) -> str:
    """Beads as ladder lines; with confidences, a third ``:score`` field."""
    lines = []
    scores = list(confidences) if confidences is not None else None
    for position, (src, tgt) in enumerate(beads):
        line = f"{list(src)}:{list(tgt)}"
        if scores is not None:
            line += f":{scores[position]:.4f}"
        lines.append(line)
    return "\n".join(lines) + ("\n" if lines else "")


def parse_ladder(text: str, path: Path | str = "<ladder>") -> list[BeadPair]:
    """Read the de-facto standard bead file: ``[0, 1]:[2]`` per line, optional ``:score``."""
    beads = (_parse_line(line, number, Path(path)) for number, line in enumerate(text.splitlines(), start=1))
    return [bead for bead in beads if bead is not None]


def _parse_line(line: str, number: int, path: Path) -> BeadPair | None:
    """One ladder line as a bead; ``None`` for a blank line."""
    if not line.strip():
        return None
    match = _LADDER_LINE.match(line)
    if not match:
        raise InputError(path, f"line {number} is not a bead like [0, 1]:[2] ({line.strip()[:40]!r})")
    src, tgt = (_sentence_numbers(group, number, path) for group in match.groups())
    return src, tgt


def _sentence_numbers(group: str, number: int, path: Path) -> tuple[int, ...]:
    digits = group.replace(",", " ").split()
    if any(len(item) > 10 or int(item) > MAX_SENTENCES for item in digits):
        raise InputError(path, f"line {number}: a sentence number over {MAX_SENTENCES:,}")
    return tuple(int(item) for item in digits)


def read_ladder(path: Path | str) -> list[BeadPair]:
    """``parse_ladder`` on a file, with errors that name it."""
    return list(_iter_ladder(Path(path)))


def _iter_ladder(path: Path) -> Iterator[BeadPair]:
    """A ladder file's beads, one line at a time: memory does not grow with the file (``evaluate``)."""
    fd = open_regular(path, "alignment file", ALIGNMENT_LIMIT)
    with open(fd, "rb") as stream:
        number = 0
        while raw := stream.readline(_MAX_LINE + 1):
            number += 1
            if len(raw) > _MAX_LINE:
                raise InputError(path, f"line {number} is longer than {_MAX_LINE:,} bytes; not a bead")
            try:
                line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError:
                raise InputError(path, f"line {number} is not UTF-8 text") from None
            bead = _parse_line(line, number, path)
            if bead is not None:
                yield bead


def sentence_id(side: str, index: int) -> str:
    """``src-s1``: the ``xml:id`` of sentence ``index`` (0-based) of a side; stable across runs."""
    return f"{side}-s{index + 1}"


def read_links(path: Path | str, data: bytes | None = None) -> list[BeadPair]:
    """The beads of a paralign TEI export, from its translation ``linkGrp`` (or from its already-read ``data``).

    Raises:
        InputError: not well-formed, hostile, or not a paralign TEI alignment.
    """
    path = Path(path)
    if data is None:
        return list(_iter_links(path))
    return list(_links(path, io.BytesIO(data)))


def _iter_links(path: Path) -> Iterator[BeadPair]:
    fd = open_regular(path, "alignment file", ALIGNMENT_LIMIT)
    with open(fd, "rb") as stream:
        yield from _links(path, stream)


def _links(path: Path, stream: BinaryIO) -> Iterator[BeadPair]:
    """Stream the links of a TEI export, checking each against the sentences defined before it.

    Parsed with ``iterparse`` and the safe parser's settings (no entities,
    DTD or network; a file declaring entities is refused first), each element
    dropped once read, so memory does not grow with the file. paralign writes
    both texts, sentences numbered 1, 2, … per side, before the links: a link
    to a sentence not defined by then is dangling.
    """
    _refuse_entities(path, stream)
    counts = dict.fromkeys(SIDES, 0)
    state = {"in_group": False, "found": False}
    try:
        for event, element in etree.iterparse(
            stream, events=("start", "end"), resolve_entities=False, load_dtd=False, no_network=True, huge_tree=False
        ):
            if event == "start":
                _enter(element, state)
                continue
            bead = _leave(element, state, counts, path)
            if bead is not None:
                yield bead
            _drop(element)
    except etree.XMLSyntaxError as error:
        raise InputError(path, f"is not well-formed XML ({error.msg})") from None
    if not state["found"]:
        raise InputError(path, 'has no <linkGrp type="translation">; is it a paralign TEI export?')


def _enter(element: etree._Element, state: dict[str, bool]) -> None:
    if element.tag == f"{{{TEI_NS}}}linkGrp" and element.get("type") == "translation" and not state["found"]:
        state["in_group"] = state["found"] = True


def _leave(element: etree._Element, state: dict[str, bool], counts: dict[str, int], path: Path) -> BeadPair | None:
    """At an element's end: count a sentence, read a link, or close the link group."""
    if element.tag == f"{{{TEI_NS}}}s":
        _count_sentence(element.get(_XML_ID) or "", counts, path)
    elif element.tag == f"{{{TEI_NS}}}link" and state["in_group"]:
        return _link_bead(element.get("target") or "", counts, path)
    elif element.tag == f"{{{TEI_NS}}}linkGrp" and state["in_group"]:
        state["in_group"] = False
    return None


def _count_sentence(xml_id: str, counts: dict[str, int], path: Path) -> None:
    match = _SENTENCE_ID.fullmatch(xml_id)
    if match is None:
        return
    side, number = match.group(1), int(match.group(2))
    if number != counts[side] + 1:
        raise InputError(path, f"sentence {xml_id[:40]!r} is out of order (expected {side}-s{counts[side] + 1})")
    counts[side] = number


def _link_bead(target: str, counts: dict[str, int], path: Path) -> BeadPair:
    """One ``<link target>`` as a bead: every pointer a defined sentence or a side, both sides present."""
    sides: dict[str, list[int]] = {side: [] for side in SIDES}
    bare: set[str] = set()
    for pointer in target.split():
        match = _POINTER.fullmatch(pointer)
        if match is None:
            raise InputError(path, f"link target {pointer[:40]!r} is not a paralign sentence id")
        side, number = match.groups()
        if number is None:
            bare.add(side)
        elif int(number) > counts[side]:
            raise InputError(path, f"link target {pointer[:40]!r} points to no sentence (dangling)")
        else:
            sides[side].append(int(number) - 1)
    missing = [side for side in SIDES if not sides[side] and side not in bare]
    if missing or not (sides["src"] or sides["tgt"]):
        raise InputError(path, f"link {target[:60]!r} does not join a source and a target (one-sided pointers)")
    return tuple(sides["src"]), tuple(sides["tgt"])


def _drop(element: etree._Element) -> None:
    """Forget an element once read, and the siblings read before it."""
    element.clear()
    parent = element.getparent()
    while parent is not None and element.getprevious() is not None:
        del parent[0]


def _refuse_entities(path: Path, stream: BinaryIO) -> None:
    """Scan the file for entity declarations (billion laughs, XXE) before parsing; rewinds it."""
    tail = b""
    while chunk := stream.read(1 << 20):
        if _ENTITY in tail + chunk:
            raise InputError(path, ENTITIES_REFUSED)
        tail = chunk[-len(_ENTITY) :]
    stream.seek(0)


def iter_beads(path: Path | str) -> Iterator[BeadPair]:
    """Beads from a ladder file or a paralign TEI export (sniffed by its first character), streamed."""
    path = Path(path)
    fd = open_regular(path, "alignment file", ALIGNMENT_LIMIT)
    with open(fd, "rb") as stream:
        head = stream.read(64)
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        return _iter_links(path)
    return _iter_ladder(path)


def read_beads(path: Path | str) -> list[BeadPair]:
    """Beads from a ladder file or from a paralign TEI export (sniffed by its first character)."""
    return list(iter_beads(path))
