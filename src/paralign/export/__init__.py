"""Exports: TMX for CAT tools, TEI for reviewers, TSV and ladder files; written atomically."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from paralign.errors import ExportError
from paralign.export._inline import NotesMode
from paralign.export._xml import check_writable_dir
from paralign.export.ladder import write_ladder
from paralign.export.tei import build_tei, write_tei
from paralign.export.tmx import build_tmx, write_tmx
from paralign.export.tsv import write_tsv
from paralign.model import Alignment
from paralign.segment import base_language

#: Format → file suffix after the ``stem.src-tgt`` name.
SUFFIXES = {"tmx": ".tmx", "tei": ".tei.xml", "tsv": ".tsv", "ladder": ".ladder.txt"}
FORMATS = tuple(SUFFIXES)
DEFAULT_FORMATS = ("tmx", "tei")

__all__ = ["DEFAULT_FORMATS", "FORMATS", "SUFFIXES", "NotesMode", "build_tei", "build_tmx", "export_stem", "write_exports", "write_tei", "write_tmx"]


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
    formats: Iterable[str] = DEFAULT_FORMATS,
    notes: NotesMode = NotesMode.TAGS,
) -> list[Path]:
    """Write each requested format into ``out_dir``; returns the paths written.

    Every file is built completely in memory and then written atomically, so
    an existing export is replaced whole or not at all.
    """
    out_dir = Path(out_dir)
    check_writable_dir(out_dir)
    stem = export_stem(alignment)
    unknown = [fmt for fmt in formats if fmt not in SUFFIXES]
    if unknown:
        raise ExportError(None, f"unknown export format {unknown[0]!r}; choose from {', '.join(FORMATS)}")
    written = []
    for fmt in formats:
        path = out_dir / f"{stem}{SUFFIXES[fmt]}"
        if fmt == "tmx":
            written.append(write_tmx(alignment, path, notes))
        elif fmt == "tei":
            written.append(write_tei(alignment, path))
        elif fmt == "tsv":
            written.append(write_tsv(alignment, path))
        else:
            written.append(write_ladder(alignment, path))
    return written
