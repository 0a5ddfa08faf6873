"""Shared fixtures: the real texts and the real model, loaded once per session."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from paralign.embed import SentenceTransformerEmbedder
from paralign.model import Alignment
from paralign.pipeline import align_texts

ROOT = Path(__file__).resolve().parent.parent
TEXTS = ROOT / "texts"
EN = TEXTS / "bishkek-protocol.en.txt"
ES = TEXTS / "bishkek-protocol.es.txt"


@pytest.fixture(scope="session", autouse=True)
def private_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """CLI runs in tests use a throwaway embedding cache, never the user's."""
    previous = os.environ.get("PARALIGN_CACHE_DIR")
    os.environ["PARALIGN_CACHE_DIR"] = str(tmp_path_factory.mktemp("cache"))
    yield
    if previous is None:
        del os.environ["PARALIGN_CACHE_DIR"]
    else:
        os.environ["PARALIGN_CACHE_DIR"] = previous


@pytest.fixture(scope="session")
def embedder() -> SentenceTransformerEmbedder:
    """The default model (USE multilingual v3 through sentence-transformers)."""
    return SentenceTransformerEmbedder.load()


@pytest.fixture(scope="session")
def protocol(embedder: SentenceTransformerEmbedder) -> Alignment:
    """The Bishkek Protocol pair, aligned end to end with the default settings."""
    return align_texts(EN, ES, "en", "es", model=embedder)


#: Fixtures that load the real model (directly or through an alignment built with it).
_MODEL_FIXTURES = {"embedder", "protocol"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test that needs the real model is ``slow``, whether or not it says so itself.

    ``pytest -m "not slow"`` then runs only what needs neither the model nor an
    external tool; a new test that takes the ``protocol`` fixture is tiered
    without anyone remembering to mark it.
    """
    for item in items:
        if _MODEL_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)
