"""Shared fixtures: the real texts and the real model, loaded once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from paralign.embed import SentenceTransformerEmbedder
from paralign.model import Alignment
from paralign.pipeline import align_texts

ROOT = Path(__file__).resolve().parent.parent
TEXTS = ROOT / "texts"
EN = TEXTS / "bishkek-protocol.en.txt"
ES = TEXTS / "bishkek-protocol.es.txt"


@pytest.fixture(scope="session")
def embedder() -> SentenceTransformerEmbedder:
    """The default model (USE multilingual v3 through sentence-transformers)."""
    return SentenceTransformerEmbedder.load()


@pytest.fixture(scope="session")
def protocol(embedder: SentenceTransformerEmbedder) -> Alignment:
    """The Bishkek Protocol pair, aligned end to end with the default settings."""
    return align_texts(EN, ES, "en", "es", model=embedder)
