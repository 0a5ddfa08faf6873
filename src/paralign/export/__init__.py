"""Exports: TMX for CAT tools, TEI for reviewers; written atomically into one directory."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from paralign.errors import ExportError
from paralign.export._inline import NotesMode
from paralign.export._xml import check_writable_dir
from paralign.export.tei import build_tei, write_tei
from paralign.export.tmx import build_tmx, write_tmx
from paralign.model import Alignment
from paralign.segment import base_language

FORMATS = ("tmx", "tei")

__all__ = ["FORMATS", "NotesMode", "build_tei", "build_tmx", "export_stem", "write_exports", "write_tei", "write_tmx"]


def export_stem(alignment: Alignment) -> str:
    """``bishkek-protocol.en-es``: the source name without extension or language suffix, then the pair."""
    name = alignment.source.document.path.name
    stem = name.rsplit(".", 1)[0] if "." in name else name
    src, tgt = alignment.source.document.lang, alignment.target.document.lang
    for suffix in {src, base_language(src)}:
        if stem.lower().endswith("." + suffix.lower()):
            stem = stem[: -len(suffix) - 1]
            break
    return f"{stem}.{src}-{tgt}"


def write_exports(
    alignment: Alignment,
    out_dir: Path | str,
    formats: Iterable[str] = FORMATS,
    notes: NotesMode = NotesMode.TAGS,
) -> list[Path]:
    """Write each requested format into ``out_dir``; returns the paths written.

    Every file is built completely in memory and then written atomically, so
    an existing export is replaced whole or not at all.
    """
    out_dir = Path(out_dir)
    check_writable_dir(out_dir)
    stem = export_stem(alignment)
    written = []
    for fmt in formats:
        if fmt == "tmx":
            written.append(write_tmx(alignment, out_dir / f"{stem}.tmx", notes))
        elif fmt == "tei":
            written.append(write_tei(alignment, out_dir / f"{stem}.tei.xml"))
        else:
            raise ExportError(None, f"unknown export format {fmt!r}; choose from {', '.join(FORMATS)}")
    return written
