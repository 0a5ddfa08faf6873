"""An on-disk cache of sentence embeddings, keyed by model and text.

Re-aligning after an edit should cost only the sentences that changed, so
every vector is stored under ``sha256(model key, text)`` in one SQLite file
per cache directory. SQLite (standard library) gives atomic, concurrent-safe
writes; vectors are stored as the exact float32 bytes, so a cached run gives
bit-identical exports to a fresh one.

The cache is an optimisation, never a reason for a run to fail: any error
opening, reading or writing it (locked by another run, a full or read-only
disk, a corrupt file) becomes one warning in ``CachedEmbedder.warnings``, and
the run goes on uncached. A corrupt file is moved aside
(``embeddings.sqlite.corrupt-<time>``), so the next run starts a fresh cache
and the broken one can still be looked at.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sqlite3
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np

from paralign.embed import Embedder, Progress

#: Keys per ``SELECT … IN (…)``: SQLite builds before 3.32 allow at most 999 bound parameters.
_KEYS_PER_QUERY = 500
#: Seconds to wait for another run's lock: a concurrent run's insert takes milliseconds; a cache held
#: longer is skipped rather than stalling this run (the default was 30 s).
BUSY_TIMEOUT = 2.0
#: SQLite's result codes for a damaged file: ``SQLITE_CORRUPT`` ("malformed") and ``SQLITE_NOTADB``.
_CORRUPT_CODES = frozenset({11, 26})
_CORRUPT_MESSAGES = ("malformed", "not a database")


def default_cache_dir() -> Path:
    """``$PARALIGN_CACHE_DIR``, else ``$XDG_CACHE_HOME/paralign``, else ``~/.cache/paralign``."""
    explicit = os.environ.get("PARALIGN_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "paralign"


class _CacheUnusable(Exception):
    """Internal: the cache failed; carries the warning to give."""


class CachedEmbedder:
    """An ``Embedder`` that looks every text up before asking the model.

    Attributes:
        warnings: why the cache was skipped, if it was (at most one: after the
            first failure the cache is left alone for the rest of the run).
    """

    def __init__(self, inner: Embedder, cache_dir: Path, model_key: str, busy_timeout: float = BUSY_TIMEOUT) -> None:
        self.inner = inner
        self.name = inner.name
        self.model_key = model_key
        self.path = Path(cache_dir) / "embeddings.sqlite"
        self.busy_timeout = busy_timeout
        self.hits = 0
        self.misses = 0
        #: Why the cache was skipped, if it was: the run goes on uncached and says so.
        self.warnings: list[str] = []

    def encode(self, texts: Sequence[str], progress: Progress | None = None) -> np.ndarray:
        """Cached vectors where present; the model encodes the rest, which are then stored."""
        keys = [self._key(text) for text in texts]
        found = self._look_up(keys)
        missing = [index for index, key in enumerate(keys) if key not in found]
        self.hits, self.misses = len(texts) - len(missing), len(missing)
        if progress is not None:
            progress(self.hits, len(texts))
        report = (lambda done, _total: progress(self.hits + done, len(texts))) if progress else None
        fresh = self.inner.encode([texts[i] for i in missing], progress=report) if missing else None
        if fresh is not None:
            self._store([(keys[i], fresh[row].astype(np.float32).tobytes()) for row, i in enumerate(missing)])
        dim = fresh.shape[1] if fresh is not None else (len(next(iter(found.values()))) if found else 0)
        out = np.empty((len(texts), dim), dtype=np.float32)
        for index, key in enumerate(keys):
            if key in found:
                out[index] = found[key]
        if fresh is not None:
            out[missing] = fresh
        return out

    def _key(self, text: str) -> bytes:
        return hashlib.sha256(f"{self.model_key}\0{text}".encode("utf-8", "surrogatepass")).digest()

    def _look_up(self, keys: Sequence[bytes]) -> dict[bytes, np.ndarray]:
        """The vectors the cache holds for ``keys``; none when the cache cannot be read."""
        found: dict[bytes, np.ndarray] = {}
        with self._guarded() as connection:
            if connection is None:
                return found
            for start in range(0, len(keys), _KEYS_PER_QUERY):
                chunk = keys[start : start + _KEYS_PER_QUERY]
                marks = ",".join("?" * len(chunk))
                for key, blob in connection.execute(f"SELECT key, vector FROM vectors WHERE key IN ({marks})", chunk):
                    found[key] = np.frombuffer(blob, dtype=np.float32)
        return found if not self.warnings else {}

    def _store(self, rows: list[tuple[bytes, bytes]]) -> None:
        """Add fresh vectors, in one transaction; a failure loses only the caching."""
        with self._guarded() as connection:
            if connection is not None:
                with connection:  # commits, or rolls back on error
                    connection.executemany("INSERT OR REPLACE INTO vectors VALUES (?, ?)", rows)

    @contextlib.contextmanager
    def _guarded(self) -> Iterator[sqlite3.Connection | None]:
        """A connection, or ``None`` once the cache has failed; any failure inside becomes the one warning."""
        connection = self._connect() if not self.warnings else None
        if connection is None:
            yield None
            return
        try:
            yield connection
        except (OSError, sqlite3.Error) as error:
            self.warnings.append(self._give_up(error))
        finally:
            connection.close()

    def _connect(self) -> sqlite3.Connection | None:
        """The cache, with its table; ``None`` (and the warning) when it cannot be opened."""
        connection: sqlite3.Connection | None = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(self.path, timeout=self.busy_timeout)
            connection.execute("CREATE TABLE IF NOT EXISTS vectors (key BLOB PRIMARY KEY, vector BLOB NOT NULL)")
        except (OSError, sqlite3.Error) as error:
            if connection is not None:
                connection.close()
            self.warnings.append(self._give_up(error))
            return None
        return connection

    def _give_up(self, error: OSError | sqlite3.Error) -> str:
        """The warning for ``error``; a corrupt file is first moved aside so the next run starts afresh."""
        problem = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
        if isinstance(error, sqlite3.DatabaseError) and _is_corrupt(error):
            return f"embedding cache {self.path} is corrupt ({problem}); {self._move_aside()}; this run is not cached"
        return f"embedding cache {self.path} not used ({problem}); this run is not cached"

    def _move_aside(self) -> str:
        """Rename the corrupt file (and any journal beside it, which must not be replayed into a new one)."""
        aside = self.path.with_name(f"{self.path.name}.corrupt-{time.strftime('%Y%m%d-%H%M%S')}")
        try:
            os.replace(self.path, aside)
        except OSError as error:
            return f"it could not be moved aside ({error.strerror or error})"
        for suffix in ("-journal", "-wal", "-shm"):
            with contextlib.suppress(OSError):
                os.replace(f"{self.path}{suffix}", f"{aside}{suffix}")
        return f"moved aside to {aside.name}"


def _is_corrupt(error: sqlite3.DatabaseError) -> bool:
    """``SQLITE_CORRUPT`` or ``SQLITE_NOTADB`` (by code from Python 3.11, by message before)."""
    code = getattr(error, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in _CORRUPT_CODES
    return any(message in str(error) for message in _CORRUPT_MESSAGES)
