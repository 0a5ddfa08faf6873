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

import re
from collections.abc import Iterable
from pathlib import Path

from paralign.errors import InputError
from paralign.read import read_bytes
from paralign.safe_xml import parse_untrusted

#: A bead as aligners exchange it: source and target sentence indices, 0-based.
BeadPair = tuple[tuple[int, ...], tuple[int, ...]]

TEI_NS = "http://www.tei-c.org/ns/1.0"
#: The two ``<text>`` elements of a TEI export, by ``xml:id``.
SIDES = ("src", "tgt")

_LADDER_LINE = re.compile(r"^\s*\[([\d,\s]*)\]\s*:\s*\[([\d,\s]*)\]\s*(?::\s*\S+\s*)?$")


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
    beads: list[BeadPair] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        match = _LADDER_LINE.match(line)
        if not match:
            raise InputError(path, f"line {number} is not a bead like [0, 1]:[2] ({line.strip()[:40]!r})")
        src, tgt = (tuple(int(x) for x in group.replace(",", " ").split()) for group in match.groups())
        beads.append((src, tgt))
    return beads


def read_ladder(path: Path | str) -> list[BeadPair]:
    """``parse_ladder`` on a file, with errors that name it."""
    path = Path(path)
    return _parse_ladder_bytes(read_bytes(path, "alignment file"), path)


def _parse_ladder_bytes(data: bytes, path: Path) -> list[BeadPair]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(path, "is not UTF-8 text") from None
    return parse_ladder(text, path)


def sentence_id(side: str, index: int) -> str:
    """``src-s1``: the ``xml:id`` of sentence ``index`` (0-based) of a side; stable across runs."""
    return f"{side}-s{index + 1}"


def read_links(path: Path | str, data: bytes | None = None) -> list[BeadPair]:
    """The beads of a paralign TEI export, from its translation ``linkGrp``.

    The file (or its already-read ``data``) is parsed with ``parse_untrusted``:
    no entities, no DTD, no network. A pointer to a side's ``<text>``
    (``#tgt``, written for a sentence left unaligned) adds no sentence.

    Raises:
        InputError: not well-formed, hostile, or not a paralign TEI alignment.
    """
    path = Path(path)
    tree = parse_untrusted(path, data)
    groups = tree.getroot().findall(f".//{{{TEI_NS}}}linkGrp[@type='translation']")
    if not groups:
        raise InputError(path, 'has no <linkGrp type="translation">; is it a paralign TEI export?')
    beads: list[BeadPair] = []
    for link in groups[0].iter(f"{{{TEI_NS}}}link"):
        sides: dict[str, list[int]] = {side: [] for side in SIDES}
        for pointer in (link.get("target") or "").split():
            side, _, number = pointer.lstrip("#").partition("-s")
            if side in sides and number.isdigit():
                sides[side].append(int(number) - 1)
            elif pointer.lstrip("#") not in SIDES:
                raise InputError(path, f"link target {pointer!r} is not a paralign sentence id")
        beads.append((tuple(sides["src"]), tuple(sides["tgt"])))
    return beads


def read_beads(path: Path | str) -> list[BeadPair]:
    """Beads from a ladder file or from a paralign TEI export (sniffed by its first character); one read."""
    path = Path(path)
    data = read_bytes(path, "alignment file")
    if data[:64].lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        return read_links(path, data)
    return _parse_ladder_bytes(data, path)
