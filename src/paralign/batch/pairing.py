"""Which source file goes with which target: by relative path with the language code swapped, or from a list.

A team's archive is two folders (or one) mirroring each other:
``en/2019/report.en.docx`` and ``es/2019/report.es.docx``. A source's partner
is the file at the same relative path in the target folder, with the name's
language component (``.en.``, the dot-separated part that equals the source
code or its base language) replaced by the target code; a name without one
keeps its name. Files with no partner are listed, never fatal: an archive
always has a few. ``--pairs`` takes the pairs from a TSV instead, for names
no rule can match.

Hidden files and folders (``.git``, the batch's own ``.paralign-batch``) and
anything inside the output folder are never inputs.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from paralign.errors import InputError
from paralign.languages import base_language

__all__ = ["FilePair", "Pairing", "pair_folders", "pair_listed"]


@dataclass(frozen=True)
class FilePair:
    """A source file and its translation, each as a path relative to its folder (POSIX separators).

    ``key`` names the pair in the batch's state (a digest of both relative
    paths: stable across runs, safe as a file name).
    """

    source: str
    target: str

    @property
    def key(self) -> str:
        return hashlib.sha256(f"{self.source}\0{self.target}".encode("utf-8", "surrogateescape")).hexdigest()[:24]


@dataclass(frozen=True)
class Pairing:
    """The pairs found, in path order, and the files of each folder that have no partner."""

    pairs: tuple[FilePair, ...]
    unpaired_sources: tuple[str, ...]
    unpaired_targets: tuple[str, ...]


def pair_folders(src_dir: Path, tgt_dir: Path, src_lang: str, tgt_lang: str, exclude: Path | None = None) -> Pairing:
    """Pair every file under ``src_dir`` with its namesake under ``tgt_dir`` (language code swapped).

    When both folders are the same, a file whose partner would be itself is
    a target-side file, not a source; so ``texts/`` holding ``a.en.txt`` and
    ``a.es.txt`` pairs them once.

    Raises:
        InputError: a folder is missing or not a folder.
    """
    sources = _files(src_dir, exclude)
    targets = _files(tgt_dir, exclude)
    same_folder = os.path.realpath(src_dir) == os.path.realpath(tgt_dir)
    pairs: list[FilePair] = []
    claimed: set[str] = set()
    unpaired: list[str] = []
    for source in sorted(sources):
        partners = _partners(source, src_lang, tgt_lang)
        if same_folder and partners == [source]:
            continue  # no source code in the name: a target, or an orphan listed below
        found = next((name for name in partners if name in targets), None)
        if found is None:
            unpaired.append(source)
        else:
            pairs.append(FilePair(source, found))
            claimed.add(found)
    taken = claimed | {pair.source for pair in pairs} | set(unpaired) if same_folder else claimed
    unpaired_targets = [name for name in sorted(targets) if name not in taken]
    return Pairing(tuple(pairs), tuple(unpaired), tuple(unpaired_targets))


def pair_listed(listing: Path, src_dir: Path, tgt_dir: Path) -> Pairing:
    """The pairs named in ``listing``: ``source<TAB>target`` per line, relative to ``src_dir`` and ``tgt_dir``.

    Blank lines and lines starting with ``#`` are skipped. A listed file that
    is missing is not refused here: the batch records it as a failed pair,
    like any other unreadable file.

    Raises:
        InputError: the listing cannot be read, a line has not two fields, or
            a path leaves its folder.
    """
    try:
        lines = listing.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(listing, f"cannot be read as a UTF-8 pairs list ({error})") from None
    pairs: list[FilePair] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) != 2 or not all(field.strip() for field in fields):
            raise InputError(listing, f"line {number}: expected 'source<TAB>target', got {len(fields)} field(s)")
        source, target = (
            _inside(field.strip(), folder, listing, number)
            for field, folder in zip(fields, (src_dir, tgt_dir), strict=True)
        )
        pairs.append(FilePair(source, target))
    return Pairing(tuple(pairs), (), ())


def _inside(name: str, folder: Path, listing: Path, number: int) -> str:
    """``name`` relative to ``folder`` (absolute names allowed when inside it); never ``..`` out of it."""
    path = Path(name) if Path(name).is_absolute() else folder / name
    relative = os.path.relpath(os.path.normpath(path), os.path.normpath(folder))
    if relative == os.curdir or relative.split(os.sep)[0] == os.pardir:
        raise InputError(listing, f"line {number}: {name} is not inside {folder}")
    return Path(relative).as_posix()


def _partners(source: str, src_lang: str, tgt_lang: str) -> list[str]:
    """The relative names a source's translation may have, most likely first (``a.en.txt`` → ``a.es.txt``)."""
    folder, _, name = source.rpartition("/")
    parts = name.split(".")
    codes = {src_lang.lower(), base_language(src_lang)}
    for position in range(len(parts) - 2, 0, -1):
        if parts[position].lower() in codes:
            names = []
            for code in dict.fromkeys((tgt_lang, base_language(tgt_lang), tgt_lang.lower())):
                swapped = ".".join([*parts[:position], code, *parts[position + 1 :]])
                names.append(f"{folder}/{swapped}" if folder else swapped)
            return names
    return [source]


def _files(folder: Path, exclude: Path | None) -> set[str]:
    """Every non-hidden file under ``folder``, as relative POSIX paths, leaving out ``exclude``."""
    if not folder.is_dir():
        raise InputError(folder, "is not a folder" if folder.exists() else "no such folder")
    skip = os.path.realpath(exclude) if exclude is not None else None
    return set(_walk(folder, folder, skip))


def _walk(root: Path, folder: Path, skip: str | None) -> Iterator[str]:
    for entry in sorted(os.scandir(folder), key=lambda item: item.name):
        if entry.name.startswith("."):
            continue
        if entry.is_dir():
            if os.path.realpath(entry.path) != skip:
                yield from _walk(root, Path(entry.path), skip)
        else:
            yield Path(entry.path).relative_to(root).as_posix()
