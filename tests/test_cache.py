"""The on-disk embedding cache: only new text is encoded, vectors come back bit-identical."""

from __future__ import annotations

import contextlib
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from conftest import ROOT

from paralign.cache import CachedEmbedder
from paralign.embed import SentenceTransformerEmbedder


class CountingEmbedder:
    def __init__(self, inner: SentenceTransformerEmbedder) -> None:
        self.inner = inner
        self.name = inner.name
        self.encoded: list[str] = []

    def encode(self, texts, progress=None):  # type: ignore[no-untyped-def]
        self.encoded.extend(texts)
        return self.inner.encode(texts, progress)


def test_second_run_encodes_only_what_changed(embedder: SentenceTransformerEmbedder, tmp_path: Path) -> None:
    counting = CountingEmbedder(embedder)
    cached = CachedEmbedder(counting, tmp_path, embedder.key)
    first = cached.encode(["Una frase.", "Another sentence.", "Noch ein Satz."])
    assert counting.encoded == ["Una frase.", "Another sentence.", "Noch ein Satz."]
    second = cached.encode(["Another sentence.", "A new sentence.", "Una frase."])
    assert counting.encoded[3:] == ["A new sentence."]
    assert (cached.hits, cached.misses) == (2, 1)
    assert np.array_equal(second[0], first[1]) and np.array_equal(second[2], first[0])
    assert np.array_equal(second[1], embedder.encode(["A new sentence."])[0])


def test_cache_is_keyed_by_model(embedder: SentenceTransformerEmbedder, tmp_path: Path) -> None:
    counting = CountingEmbedder(embedder)
    CachedEmbedder(counting, tmp_path, "model-a").encode(["Same text."])
    CachedEmbedder(counting, tmp_path, "model-b").encode(["Same text."])
    assert counting.encoded == ["Same text.", "Same text."]


# --- Faults: the cache is skipped with one warning, the run goes on with the right vectors ---------------------------

FAKE_EMBEDDER = textwrap.dedent(
    """
    import hashlib
    import numpy as np

    class HashEmbedder:
        '''Deterministic 32-dimensional vectors from each text's hash: no model needed.'''

        name = "hash"

        def __init__(self):
            self.encoded = []

        def encode(self, texts, progress=None):
            self.encoded.extend(texts)
            rows = [np.frombuffer(hashlib.sha256(t.encode()).digest(), dtype=np.uint8) for t in texts]
            return np.array(rows, dtype=np.float32).reshape(len(texts), 32) / 255
    """
)
namespace: dict[str, Any] = {}
exec(FAKE_EMBEDDER, namespace)
HashEmbedder = namespace["HashEmbedder"]
TEXTS = [f"Sentence number {n}, long enough to take some room in the cache file." for n in range(400)]

#: Encodes TEXTS through a cache in argv[1] (twice: lookup and insert both meet the fault); prints the
#: warnings and whether every vector is right, as JSON.
CACHE_SCRIPT = FAKE_EMBEDDER + textwrap.dedent(
    """
        import json, sys
        from paralign.cache import CachedEmbedder
        texts = [f"Sentence number {n}, long enough to take some room in the cache file." for n in range(400)]
        cached = CachedEmbedder(HashEmbedder(), sys.argv[1], "hash", busy_timeout=0.2)
        first, second = cached.encode(texts), cached.encode(texts)
        right = HashEmbedder().encode(texts)
        right = bool((first == right).all() and (second == right).all())
        print(json.dumps({"warnings": cached.warnings, "right": right}))
        """
)


def run_cache_script(cache_dir: Path, prefix: Sequence[str] = (), **options: Any) -> dict[str, Any]:
    done = subprocess.run(
        [*prefix, sys.executable, "-c", CACHE_SCRIPT, str(cache_dir)],
        capture_output=True,
        text=True,
        env=dict(os.environ, PYTHONPATH=str(ROOT / "src")),
        timeout=120,
        **options,
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def filled_cache(cache_dir: Path, texts: Sequence[str] = TEXTS) -> Path:
    CachedEmbedder(HashEmbedder(), cache_dir, "hash").encode(texts)
    return cache_dir / "embeddings.sqlite"


@contextlib.contextmanager
def lock_held(database: Path, mode: str) -> Iterator[None]:
    """Another process holds ``BEGIN <mode>`` on the cache until the block ends."""
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sqlite3, sys; c = sqlite3.connect(sys.argv[1], isolation_level=None); "
            "c.execute('BEGIN ' + sys.argv[2]); print('locked', flush=True); sys.stdin.read()",
            str(database),
            mode,
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "locked\n"
        yield
    finally:
        holder.communicate("", timeout=30)


def test_cache_locked_by_another_process_is_skipped(tmp_path: Path) -> None:
    database = filled_cache(tmp_path)
    inner = HashEmbedder()
    with lock_held(database, "EXCLUSIVE"):
        started = time.monotonic()
        vectors = CachedEmbedder(inner, tmp_path, "hash", busy_timeout=0.2).encode(TEXTS[:3])
        assert time.monotonic() - started < 5
    assert np.array_equal(vectors, HashEmbedder().encode(TEXTS[:3])) and inner.encoded == TEXTS[:3]


def test_cache_locked_at_insert_time_is_skipped_after_the_lookup(tmp_path: Path) -> None:
    database = filled_cache(tmp_path)
    inner = HashEmbedder()
    cached = CachedEmbedder(inner, tmp_path, "hash", busy_timeout=0.2)
    with lock_held(database, "IMMEDIATE"):  # readers may read, no one may write
        vectors = cached.encode([*TEXTS[:2], "A sentence the cache has never seen."])
    assert inner.encoded == ["A sentence the cache has never seen."]  # the lookup worked
    assert cached.warnings == [f"embedding cache {database} not used (database is locked); this run is not cached"]
    assert np.array_equal(vectors, HashEmbedder().encode([*TEXTS[:2], "A sentence the cache has never seen."]))


@pytest.mark.parametrize("size", [0, 100, 8192], ids=["emptied", "header cut", "pages cut"])
def test_truncated_cache_is_moved_aside_and_the_next_run_starts_afresh(size: int, tmp_path: Path) -> None:
    database = filled_cache(tmp_path)
    with open(database, "r+b") as stream:
        stream.truncate(size if size else database.stat().st_size // 2)
    inner = HashEmbedder()
    cached = CachedEmbedder(inner, tmp_path, "hash")
    assert np.array_equal(cached.encode(TEXTS), HashEmbedder().encode(TEXTS))
    (aside,) = tmp_path.glob("embeddings.sqlite.corrupt-*")
    (warning,) = cached.warnings
    assert re.fullmatch(
        rf"embedding cache {re.escape(str(database))} is corrupt "
        r"\((database disk image is malformed|file is not a database)\); "
        rf"moved aside to {re.escape(aside.name)}; this run is not cached",
        warning,
    )
    filled_cache(tmp_path)
    again = HashEmbedder()
    assert CachedEmbedder(again, tmp_path, "hash").encode(TEXTS[:5]) is not None and again.encoded == []


def test_cache_on_a_full_disk_is_skipped(tmp_path: Path) -> None:
    """RLIMIT_FSIZE (64 kB) makes the kernel refuse the inserts, as a full disk would."""

    def limit_file_size() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (65_536, 65_536))

    result = run_cache_script(tmp_path, preexec_fn=limit_file_size)
    assert result["right"] is True
    (warning,) = result["warnings"]  # SQLite reports EFBIG as an I/O error, ENOSPC as a full disk
    assert re.fullmatch(
        rf"embedding cache {re.escape(str(tmp_path))}/embeddings\.sqlite not used "
        r"\((disk I/O error|database or disk is full)\); this run is not cached",
        warning,
    )


def test_cache_on_a_read_only_disk_is_skipped(tmp_path: Path) -> None:
    """A folder and a cache its user may not write; as root, without the capability that overrides permissions."""
    database = filled_cache(tmp_path, TEXTS[:10])  # the run will want to add the others
    database.chmod(0o444)
    tmp_path.chmod(0o555)
    prefix: list[str] = []
    if os.geteuid() == 0:
        if shutil.which("setpriv") is None:
            pytest.skip("running as root, and setpriv (util-linux) is missing to drop CAP_DAC_OVERRIDE")
        prefix = ["setpriv", "--bounding-set=-dac_override,-dac_read_search"]
    try:
        result = run_cache_script(tmp_path, prefix=prefix)
    finally:
        tmp_path.chmod(0o755)
    assert result == {
        "warnings": [
            f"embedding cache {database} not used (attempt to write a readonly database); this run is not cached"
        ],
        "right": True,
    }


def test_cache_that_cannot_be_created_is_skipped() -> None:
    cached = CachedEmbedder(HashEmbedder(), Path("/proc/paralign-cache"), "hash")
    assert np.array_equal(cached.encode(TEXTS[:2]), HashEmbedder().encode(TEXTS[:2]))
    assert len(cached.warnings) == 1 and cached.warnings[0].startswith("embedding cache /proc/paralign-cache/")
