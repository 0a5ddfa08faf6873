"""The on-disk embedding cache: only new text is encoded, vectors come back bit-identical."""

from __future__ import annotations

from pathlib import Path

import numpy as np

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
