"""Writing a set of files into one folder all or nothing.

A run's exports (TMX, TEI, XLIFF…) are one set: a reader must never find a
new TMX beside an old TEI. Renaming each file into place is atomic per file
only, so the set is committed as a small transaction, under an exclusive
``flock`` on the folder itself (no lock file left behind; four runs writing
into one folder take turns and never interleave their sets):

0. **recover**: a journal left by a killed run is rolled back, and the temp
   and backup files of dead runs are removed (every writer holds the lock
   while its own exist, so any found under the lock are stale);
1. every file is written to ``.NAME.XXXXXXXX.part`` and fsynced: a full disk
   fails here, before anything is renamed;
2. the journal ``.paralign-journal`` (target, temp and backup of each file)
   is written to a temp file, fsynced and renamed into place;
3. each existing target is hard-linked to ``.NAME.XXXXXXXX.backup``, so the
   old file stays where it is until it is replaced (renamed when the file
   system has no hard links);
4. each temp file is renamed over its target;
5. the journal is removed: the commit point. Then the backups.

While the journal exists every backup does, so rollback (backups renamed
back, files that had no old version removed) is always possible; a run
killed anywhere before step 5 is rolled back by the next write into the
folder, never forward, because a killed run never reported its set as
written. Rollback is idempotent, so a kill during recovery is recovered too.

SIGINT and SIGTERM are deferred from step 2 to the commit point and then
decide it: if one arrived, the set is rolled back and the signal re-raised,
so an interrupt leaves the old set; otherwise the set is committed, and a
signal during the last clean-up is dropped (it came after the new set was
complete; the caller's contract is "KeyboardInterrupt means the old set"). The
deferral replaces the Python-level handlers rather than masking the signals
with ``pthread_sigmask``: a mask covers only the calling thread, and once any
other thread exists (torch's pools, a progress bar) the kernel delivers a
process signal there and Python runs its handler in the main thread anyway.
"""

from __future__ import annotations

import contextlib
import dataclasses
import errno
import fcntl
import json
import os
import re
import secrets
import signal
import tempfile
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from types import FrameType
from typing import Any, BinaryIO

from paralign.errors import ExportError

__all__ = ["JOURNAL_NAME", "Content", "commit_files", "recover"]

#: A file of a set: its bytes, or a function that writes them into an open binary stream.
Content = bytes | Callable[[BinaryIO], None]

#: The journal of a commit in progress; its presence means "not committed".
JOURNAL_NAME = ".paralign-journal"
_TEMP_SUFFIX = ".part"
_BACKUP_SUFFIX = ".backup"
#: ``.NAME.XXXXXXXX.part`` / ``.backup`` / ``.paralign-journal.XXXXXXXX.part``: what ``tempfile`` names for us.
_LEFTOVER = re.compile(r"^\..+\.[a-z0-9_]{8}\.(?:part|backup)$")
_DEFERRED_SIGNALS = (signal.SIGINT, signal.SIGTERM)


@dataclasses.dataclass(frozen=True)
class _Entry:
    """One file of a set: its target and, by plain name in the same folder, its temp file and backup."""

    target: str
    temp: str
    backup: str | None


def commit_files(files: Mapping[Path, Content]) -> list[Path]:
    """Write every ``path: content`` of one folder as one set: all new, or (on any error or interrupt) all old.

    ``content`` is the file's bytes, or a function that writes them into the
    open temporary file (a file too large to hold in memory, such as a batch's
    merged memory).

    Returns:
        The paths, in the order given.

    Raises:
        ExportError: a file could not be written; the message says that no
            export was changed (or, if even the rollback failed, which files
            are new).
        KeyboardInterrupt: SIGINT or SIGTERM arrived; the old set is intact.
    """
    paths = [Path(path) for path in files]
    if not paths:
        return []
    directory = paths[0].parent
    if any(path.parent != directory for path in paths):
        raise ValueError("a set of exports is written into one folder")
    for path in paths:
        if path.is_dir():
            raise ExportError(path, "is a directory; cannot write an export over it")
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ExportError(directory, f"cannot be created ({_reason(error)})") from None
    with _locked(directory) as directory_fd:
        recover(directory)
        entries = _write_temps(files, directory)
        _commit(entries, directory, directory_fd)
    return paths


def recover(directory: Path) -> None:
    """Roll back a commit that a killed run left in ``directory``; remove its temp and backup files.

    Called with the folder's lock held (by ``commit_files``). A journal that
    cannot be read is not guessed at.

    Raises:
        ExportError: the journal is unreadable, or the rollback fails.
    """
    journal = directory / JOURNAL_NAME
    if journal.exists():
        entries = _read_journal(journal)
        try:
            _roll_back(entries, directory)
        except OSError as error:
            raise ExportError(journal, f"left by a killed run could not be rolled back ({_reason(error)})") from None
        _unlink(journal)
    for leftover in directory.iterdir():
        if _LEFTOVER.match(leftover.name) and leftover.is_file():
            _unlink(leftover)


@contextlib.contextmanager
def _locked(directory: Path) -> Iterator[int]:
    """An exclusive ``flock`` on the folder itself, held while the set is written; yields its descriptor."""
    try:
        fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    except OSError as error:
        raise ExportError(directory, f"cannot be opened ({_reason(error)})") from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield fd
    finally:
        os.close(fd)  # closing the last descriptor releases the lock


def _write_temps(files: Mapping[Path, Content], directory: Path) -> list[_Entry]:
    """Step 1: every file as a fsynced temp file; on failure or interrupt none is left and no target was touched.

    An interrupt acts at once here (nothing is renamed yet), and may land
    inside ``mkstemp`` or between a temp file's creation and its entry in the
    list: every temp file of this call carries one random tag, and all files
    with that tag are removed on the way out, known or not.
    """
    entries: list[_Entry] = []
    tag = secrets.token_hex(4)
    try:
        for path, content in files.items():
            try:
                temp = _write_temp(directory, path.name, content, tag)
            except OSError as error:
                raise ExportError(path, f"cannot be written ({_reason(error)}); no export was changed") from None
            entries.append(_Entry(path.name, temp.name, None))
    except BaseException:
        _remove_temps(entries, directory)
        for stray in directory.glob(f".*.{tag}.*{_TEMP_SUFFIX}"):
            _unlink(stray)
        raise
    return entries


def _write_temp(directory: Path, name: str, content: Content, tag: str) -> Path:
    handle, temp = tempfile.mkstemp(prefix=f".{name}.{tag}.", suffix=_TEMP_SUFFIX, dir=directory)
    try:
        with open(handle, "wb") as stream:
            if isinstance(content, bytes):
                stream.write(content)
            else:
                content(stream)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temp, 0o644)
    except BaseException:
        _unlink(Path(temp))
        raise
    return Path(temp)


def _commit(entries: list[_Entry], directory: Path, directory_fd: int) -> None:
    """Steps 2–5, with SIGINT/SIGTERM deferred until the commit point decides between old and new."""
    with _DeferredSignals() as deferred:
        at = directory / JOURNAL_NAME
        try:
            entries = _write_journal(entries, directory, directory_fd)
            for entry in entries:
                at = directory / entry.target
                _back_up(entry, directory)
            os.fsync(directory_fd)
            for entry in entries:
                at = directory / entry.target
                os.replace(directory / entry.temp, at)
            at = directory
            os.fsync(directory_fd)
            if deferred.received:
                raise KeyboardInterrupt
            os.unlink(directory / JOURNAL_NAME)  # the commit point
        except BaseException as error:
            _abort(entries, directory, at, error)
            raise
        # Committed: a signal from here on is one that came after the new set was complete.
        with contextlib.suppress(OSError):
            os.fsync(directory_fd)
            for entry in entries:
                if entry.backup is not None:
                    _unlink(directory / entry.backup)


def _write_journal(entries: list[_Entry], directory: Path, directory_fd: int) -> list[_Entry]:
    """Step 2: name a backup for every target that exists, and record the set before touching any target."""
    planned = [
        _Entry(
            entry.target,
            entry.temp,
            _backup_name(directory, entry.target) if _exists(directory / entry.target) else None,
        )
        for entry in entries
    ]
    record = {"version": 1, "files": [dataclasses.asdict(entry) for entry in planned]}
    temp = _write_temp(directory, JOURNAL_NAME.lstrip("."), json.dumps(record).encode("utf-8"), secrets.token_hex(4))
    os.replace(temp, directory / JOURNAL_NAME)
    os.fsync(directory_fd)
    return planned


def _backup_name(directory: Path, target: str) -> str:
    """A free ``.NAME.XXXXXXXX.backup`` name (the file is made by ``_back_up``)."""
    handle, name = tempfile.mkstemp(prefix=f".{target}.", suffix=_BACKUP_SUFFIX, dir=directory)
    os.close(handle)
    os.unlink(name)
    return Path(name).name


def _back_up(entry: _Entry, directory: Path) -> None:
    """Step 3: keep the old file under its backup name; a hard link leaves it in place meanwhile."""
    if entry.backup is None:
        return
    try:
        os.link(directory / entry.target, directory / entry.backup, follow_symlinks=False)
    except OSError as error:
        if error.errno not in (errno.EPERM, errno.EXDEV, errno.ENOTSUP, errno.EMLINK):
            raise
        os.replace(directory / entry.target, directory / entry.backup)


def _abort(entries: Sequence[_Entry], directory: Path, at: Path, error: BaseException) -> None:
    """Roll the set back after ``error`` (met at ``at``); raise an ``ExportError`` saying what the folder holds."""
    try:
        _roll_back(entries, directory)
        _unlink(directory / JOURNAL_NAME)
    except OSError as rollback_error:
        new = [entry.target for entry in entries if _is_new(entry, directory)]
        raise ExportError(
            at,
            f"export failed ({_describe(error)}) and so did the rollback ({_reason(rollback_error)}): "
            f"new: {', '.join(new) or 'none'}; the rest are old; the next write into this folder restores the old set",
        ) from None
    if isinstance(error, OSError):
        raise ExportError(at, f"cannot be written ({_reason(error)}); no export was changed") from None


def _roll_back(entries: Sequence[_Entry], directory: Path) -> None:
    """Undo steps 3–4 for each entry, whatever point they reached; safe to repeat."""
    for entry in entries:
        target = directory / entry.target
        if entry.backup is not None:
            _restore(directory / entry.backup, target)
        elif not _exists(directory / entry.temp):
            _unlink(target)  # renamed into place, and there was no old file
        _unlink(directory / entry.temp)


def _restore(backup: Path, target: Path) -> None:
    """Put the old file back; a backup still hard-linked to the target is the old file in place already.

    (``rename`` between two links of one file does nothing, so the link is removed instead.)
    """
    if not _exists(backup):
        return
    if _exists(target) and os.path.samestat(os.lstat(backup), os.lstat(target)):
        os.unlink(backup)
    else:
        os.replace(backup, target)


def _is_new(entry: _Entry, directory: Path) -> bool:
    """After a failed rollback: the target holds this run's file (its temp was renamed, nothing restored)."""
    return (
        not _exists(directory / entry.temp)
        and _exists(directory / entry.target)
        and (entry.backup is None or _exists(directory / entry.backup))
    )


def _read_journal(journal: Path) -> list[_Entry]:
    """The entries of a journal, refusing names that are not plain files of this folder."""
    try:
        record: Any = json.loads(journal.read_bytes())
        entries = [_Entry(item["target"], item["temp"], item["backup"]) for item in record["files"]]
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise ExportError(journal, f"is not a readable paralign journal ({error}); remove it") from None
    for entry in entries:
        names = [entry.target, entry.temp] + ([entry.backup] if entry.backup is not None else [])
        if not all(isinstance(name, str) and name and "/" not in name and name not in (".", "..") for name in names):
            raise ExportError(journal, "names a file outside its folder; remove it")
        if not _LEFTOVER.match(entry.temp) or (entry.backup is not None and not _LEFTOVER.match(entry.backup)):
            raise ExportError(journal, "names temp files that paralign does not make; remove it")
    return entries


def _remove_temps(entries: Sequence[_Entry], directory: Path) -> None:
    for entry in entries:
        _unlink(directory / entry.temp)


def _unlink(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        path.unlink()


def _exists(path: Path) -> bool:
    """True for a file or a symbolic link (even a dangling one): what a rename would replace."""
    return os.path.lexists(path)


def _reason(error: OSError) -> str:
    return error.strerror or str(error)


def _describe(error: BaseException) -> str:
    if isinstance(error, OSError):
        return _reason(error)
    return "interrupted" if isinstance(error, KeyboardInterrupt) else type(error).__name__


class _DeferredSignals:
    """Record SIGINT and SIGTERM instead of acting on them, then restore the handlers and re-raise them.

    Only the main thread can set handlers; elsewhere nothing is deferred. A
    signal the process ignores stays ignored.
    """

    def __init__(self) -> None:
        self.received: list[int] = []
        self._previous: dict[int, Any] = {}

    def __enter__(self) -> _DeferredSignals:
        if threading.current_thread() is threading.main_thread():
            for signum in _DEFERRED_SIGNALS:
                handler = signal.getsignal(signum)
                if handler is not signal.SIG_IGN and handler is not None:
                    self._previous[signum] = signal.signal(signum, self._record)
        return self

    def _record(self, signum: int, frame: FrameType | None) -> None:
        self.received.append(signum)

    def __exit__(self, *exc_info: object) -> None:
        for signum, handler in self._previous.items():
            signal.signal(signum, handler)
        if exc_info[0] is KeyboardInterrupt:
            # Rolled back because of a deferred signal: let its own handler act (SIGTERM's default ends the process).
            for signum in dict.fromkeys(self.received):
                signal.raise_signal(signum)
