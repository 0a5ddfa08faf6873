"""The one registry of export formats: each declared once, with its suffix, serializer and reader.

``write_exports``, ``export_paths``, ``FORMATS``, the CLI's ``--format`` and
the tests all iterate ``REGISTRY``. Adding a format is one ``Format`` here, one
module under ``export/`` whose serializer takes ``(alignment, options)``, and
one subclass of the contract tests in ``tests/test_formats.py`` (which fail
until it exists). This module knows where each format's code is, not what any
format contains; it loads no NLTK, numba or torch (``tests/test_imports.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from paralign.corrections import read_corrected_beads
from paralign.errors import ExportError
from paralign.export import docx, html, ladder, tei, tmx, tsv, xliff, xlsx
from paralign.export._commit import commit_files
from paralign.export._xml import atomic_write, check_writable_dir
from paralign.export.options import DEFAULT_OPTIONS, ExportOptions, NotesMode
from paralign.ladder import BeadPair, read_ladder, read_links
from paralign.languages import base_language
from paralign.model import Alignment

__all__ = [
    "DEFAULT_FORMATS",
    "FORMATS",
    "REGISTRY",
    "ExportOptions",
    "Format",
    "NotesMode",
    "check_targets",
    "export_paths",
    "export_stem",
    "write_exports",
]

#: A format's serializer: the whole file, built in memory from an alignment and the user's options.
Serializer = Callable[[Alignment, ExportOptions], bytes]
#: Reads a file of the format back as the beads it records.
Reader = Callable[[Path], list[BeadPair]]


@dataclass(frozen=True)
class Format:
    """One export format.

    Attributes:
        name: what ``--format`` calls it (``tmx``).
        suffix: what follows ``stem.src-tgt`` in the file name (``.tei.xml``).
        serialize: the whole file as bytes; every format takes the same arguments.
        reader: reads a file of this format back into bead pairs, or ``None``
            when the format cannot give back every bead (TMX and XLIFF leave
            out one-sided beads; the review page's way back is the JSON it
            exports, read like the TSV by ``corrections``).
        description: one line for ``--help``.
    """

    name: str
    suffix: str
    serialize: Serializer
    reader: Reader | None
    description: str

    def write(self, alignment: Alignment, path: Path, options: ExportOptions = DEFAULT_OPTIONS) -> Path:
        """Serialize, then write atomically (temp file, rename): an existing file is replaced whole or not at all."""
        return atomic_write(path, self.serialize(alignment, options))


def _by_name(*formats: Format) -> Mapping[str, Format]:
    return MappingProxyType({fmt.name: fmt for fmt in formats})


#: Every export format, by name, in the order ``--help`` lists them.
REGISTRY: Mapping[str, Format] = _by_name(
    Format("tmx", ".tmx", tmx.tmx_bytes, None, "TMX 1.4b translation memory for CAT tools"),
    Format("tei", ".tei.xml", tei.tei_bytes, read_links, "TEI P5: both texts, their notes, and the links"),
    Format("xliff", ".xlf", xliff.xliff_bytes, None, "XLIFF 1.2 bilingual file to open in a CAT tool"),
    Format("html", ".review.html", html.html_bytes, None, "a self-contained page to review the beads"),
    Format("tsv", ".tsv", tsv.tsv_bytes, read_corrected_beads, "a sheet to correct and feed to 'paralign export'"),
    Format("xlsx", ".xlsx", xlsx.xlsx_bytes, read_corrected_beads, "the sheet as a workbook, also read back by export"),
    Format("docx", ".docx", docx.docx_bytes, None, "a two-column bilingual Word table"),
    Format("ladder", ".ladder.txt", ladder.ladder_bytes, read_ladder, "beads as [0, 1]:[2] lines (Vecalign)"),
)
FORMATS: tuple[str, ...] = tuple(REGISTRY)
DEFAULT_FORMATS: tuple[str, ...] = ("tmx", "tei")


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
    """Where each format will be written, so the paths can be checked before any work.

    The names come from the source file's name and the language codes, which
    a sheet given to ``paralign export`` supplies: every path is checked to
    land directly in ``out_dir`` (the codes are validated where they are read;
    this is the last line of defence against ``es/../../x``).

    Raises:
        ExportError: a name that is not in ``REGISTRY``, or a path that would leave ``out_dir``.
    """
    formats = list(formats)
    unknown = [name for name in formats if name not in REGISTRY]
    if unknown:
        raise ExportError(None, f"unknown export format {unknown[0]!r}; choose from {', '.join(FORMATS)}")
    stem = export_stem(source_path, src_lang, tgt_lang)
    paths = {name: Path(out_dir) / f"{stem}{REGISTRY[name].suffix}" for name in formats}
    inside = Path(out_dir).resolve()
    for path in paths.values():
        if path.name in ("", ".", "..") or path.parent.resolve() != inside:
            raise ExportError(path, f"would be written outside {out_dir}; refused")
    return paths


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
    """Write the requested formats into ``out_dir`` as one set; returns the paths written.

    ``notes`` is how TMX carries note markers (``--tmx-notes``). Every file is
    built in memory first, then the set is committed all or nothing
    (``paralign.export._commit``): if this returns, every file is new; if it
    raises, every existing export is as it was.

    Raises:
        ExportError: a file could not be written (full disk, read-only folder…);
            the message names it and says that no export was changed (or,
            should even the rollback fail, which files are new).
        KeyboardInterrupt: SIGINT or SIGTERM during the write; the old set is intact.
    """
    source = alignment.source.document
    paths = export_paths(out_dir, source.path, source.lang, alignment.target.document.lang, formats)
    check_targets(paths.values())
    options = ExportOptions(tmx_notes=notes)
    return commit_files({path: REGISTRY[name].serialize(alignment, options) for name, path in paths.items()})
