"""An on-disk cache of sentence embeddings, keyed by model and text.

Re-aligning after an edit should cost only the sentences that changed, so
every vector is stored under ``sha256(model key, text)`` in one SQLite file
per cache directory. SQLite (standard library) gives atomic, concurrent-safe
writes; vectors are stored as the exact float32 bytes, so a cached run gives
bit-identical exports to a fresh one.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sqlite3
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from paralign.embed import Embedder, Progress
from paralign.errors import ModelError

#: Keys per ``SELECT … IN (…)``: SQLite builds before 3.32 allow at most 999 bound parameters.
_KEYS_PER_QUERY = 500


def default_cache_dir() -> Path:
    """``$PARALIGN_CACHE_DIR``, else ``$XDG_CACHE_HOME/paralign``, else ``~/.cache/paralign``."""
    explicit = os.environ.get("PARALIGN_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "paralign"


class CachedEmbedder:
    """An ``Embedder`` that looks every text up before asking the model."""

    def __init__(self, inner: Embedder, cache_dir: Path, model_key: str) -> None:
        self.inner = inner
        self.name = inner.name
        self.model_key = model_key
        self.path = Path(cache_dir) / "embeddings.sqlite"
        self.hits = 0
        self.misses = 0
        #: Why the cache was skipped, if it was: the run goes on uncached and says so.
        self.warnings: list[str] = []

    def _connect(self) -> sqlite3.Connection:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(self.path, timeout=30)
            connection.execute("CREATE TABLE IF NOT EXISTS vectors (key BLOB PRIMARY KEY, vector BLOB NOT NULL)")
        except (OSError, sqlite3.Error) as error:
            raise ModelError(self.path, f"embedding cache unusable ({error}); use --no-cache") from None
        return connection

    def _key(self, text: str) -> bytes:
        return hashlib.sha256(f"{self.model_key}\0{text}".encode("utf-8", "surrogatepass")).digest()

    def encode(self, texts: Sequence[str], progress: Progress | None = None) -> np.ndarray:
        """Cached vectors where present; the model encodes the rest, which are then stored."""
        keys = [self._key(text) for text in texts]
        found: dict[bytes, np.ndarray] = {}
        # closing() closes the connection; the inner ``with`` commits the transaction.
        with contextlib.closing(self._connect()) as connection, connection:
            for start in range(0, len(keys), _KEYS_PER_QUERY):
                chunk = keys[start : start + _KEYS_PER_QUERY]
                marks = ",".join("?" * len(chunk))
                for key, blob in connection.execute(f"SELECT key, vector FROM vectors WHERE key IN ({marks})", chunk):
                    found[key] = np.frombuffer(blob, dtype=np.float32)
            missing = [index for index, key in enumerate(keys) if key not in found]
            self.hits, self.misses = len(texts) - len(missing), len(missing)
            if progress is not None:
                progress(self.hits, len(texts))
            report = (lambda done, _total: progress(self.hits + done, len(texts))) if progress else None
            fresh = self.inner.encode([texts[i] for i in missing], progress=report) if missing else None
            if fresh is not None:
                connection.executemany(
                    "INSERT OR REPLACE INTO vectors VALUES (?, ?)",
                    [(keys[i], fresh[row].astype(np.float32).tobytes()) for row, i in enumerate(missing)],
                )
        dim = fresh.shape[1] if fresh is not None else (len(next(iter(found.values()))) if found else 0)
        out = np.empty((len(texts), dim), dtype=np.float32)
        for index, key in enumerate(keys):
            if key in found:
                out[index] = found[key]
        if fresh is not None:
            out[missing] = fresh
        return out
