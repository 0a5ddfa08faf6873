"""Exports: TMX and XLIFF for CAT tools, TEI and an HTML page for reviewers, TSV and ladder files.

Each is built completely in memory and written atomically (temp file, rename).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from paralign.errors import ExportError
from paralign.export._inline import NotesMode
from paralign.export._xml import check_writable_dir
from paralign.export.html import write_html
from paralign.export.ladder import write_ladder
from paralign.export.tei import build_tei, write_tei
from paralign.export.tmx import build_tmx, write_tmx
from paralign.export.tsv import write_tsv
from paralign.export.xliff import write_xliff
from paralign.model import Alignment
from paralign.segment import base_language

#: Format → file suffix after the ``stem.src-tgt`` name.
SUFFIXES = {
    "tmx": ".tmx",
    "tei": ".tei.xml",
    "xliff": ".xlf",
    "html": ".review.html",
    "tsv": ".tsv",
    "ladder": ".ladder.txt",
}
FORMATS = tuple(SUFFIXES)
DEFAULT_FORMATS = ("tmx", "tei")

__all__ = [
    "DEFAULT_FORMATS",
    "FORMATS",
    "SUFFIXES",
    "NotesMode",
    "build_tei",
    "build_tmx",
    "check_targets",
    "export_paths",
    "export_stem",
    "write_exports",
    "write_tei",
    "write_tmx",
]


def export_stem(source_path: Path, src_lang: str, tgt_lang: str) -> str:
    """``bishkek-protocol.en-es``: the source name without extension or language suffix, then the pair."""
    name = Path(source_path).name
    stem = name.rsplit(".", 1)[0] if "." in name else name
    for suffix in {src_lang, base_language(src_lang)}:
        if stem.lower().endswith("." + suffix.lower()):
            stem = stem[: -len(suffix) - 1]
            break
    return f"{stem}.{src_lang}-{tgt_lang}"


def export_paths(
    out_dir: Path | str, source_path: Path, src_lang: str, tgt_lang: str, formats: Iterable[str]
) -> dict[str, Path]:
    """Where each format will be written, so the paths can be checked before any work."""
    unknown = [fmt for fmt in formats if fmt not in SUFFIXES]
    if unknown:
        raise ExportError(None, f"unknown export format {unknown[0]!r}; choose from {', '.join(FORMATS)}")
    stem = export_stem(source_path, src_lang, tgt_lang)
    return {fmt: Path(out_dir) / f"{stem}{SUFFIXES[fmt]}" for fmt in formats}


def check_targets(paths: Iterable[Path]) -> None:
    """Refuse, before aligning, outputs that could not be written.

    Raises:
        ExportError: the directory is a file or not writable, a target is a
            directory, or a target is a read-only file (we never overwrite a
            file someone protected).
    """
    paths = list(paths)
    for directory in dict.fromkeys(path.parent for path in paths):
        check_writable_dir(directory)
    for path in paths:
        if path.is_dir():
            raise ExportError(path, "is a directory; cannot write an export over it")
        if path.exists() and not path.stat().st_mode & 0o222:
            raise ExportError(path, "exists and is read-only; remove it or choose another --out")


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
    source = alignment.source.document
    paths = export_paths(out_dir, source.path, source.lang, alignment.target.document.lang, formats)
    check_targets(paths.values())
    written = []
    for fmt, path in paths.items():
        if fmt == "tmx":
            written.append(write_tmx(alignment, path, notes))
        elif fmt == "tei":
            written.append(write_tei(alignment, path))
        elif fmt == "xliff":
            written.append(write_xliff(alignment, path))
        elif fmt == "html":
            written.append(write_html(alignment, path))
        elif fmt == "tsv":
            written.append(write_tsv(alignment, path))
        else:
            written.append(write_ladder(alignment, path))
    return written
