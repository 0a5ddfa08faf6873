"""The two-pass encoding of long inputs, tried on the (short) protocol pair by lowering its threshold."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest
from conftest import EN, ES

from paralign import read, segment
from paralign.embed import Embedder, Progress
from paralign.model import Alignment, Segmentation
from paralign.pipeline import align_segmentations


class CountingEmbedder:
    """Wraps an embedder and counts the texts it is asked to encode."""

    def __init__(self, inner: Embedder) -> None:
        self.inner = inner
        self.name = inner.name
        self.texts = 0

    def encode(self, texts: Sequence[str], progress: Progress | None = None) -> np.ndarray:
        self.texts += len(texts)
        return self.inner.encode(texts, progress)


@pytest.fixture(scope="module")
def protocol_segmentations() -> tuple[Segmentation, Segmentation]:
    return segment.segment(read.read_document(EN, "en")), segment.segment(read.read_document(ES, "es"))


def _align(pair: tuple[Segmentation, Segmentation], embedder: CountingEmbedder, two_pass: bool) -> Alignment:
    stages: list[str] = []
    report = lambda stage, *_: stages.append(stage)  # noqa: E731
    alignment = align_segmentations(*pair, embedder, progress=report, two_pass=two_pass)
    assert "embedding" in stages and "aligning" in stages
    return alignment


def test_two_pass_gives_the_beads_of_full_encoding_with_fewer_texts(
    embedder: Embedder, protocol_segmentations: tuple[Segmentation, Segmentation]
) -> None:
    full_counter, two_pass_counter = CountingEmbedder(embedder), CountingEmbedder(embedder)
    full = _align(protocol_segmentations, full_counter, two_pass=False)
    two_pass = _align(protocol_segmentations, two_pass_counter, two_pass=True)
    assert [(b.src, b.tgt) for b in two_pass.beads] == [(b.src, b.tgt) for b in full.beads]
    assert [(p.src_label, p.tgt_label) for p in two_pass.footnote_pairs] == [
        (p.src_label, p.tgt_label) for p in full.footnote_pairs
    ]
    assert two_pass_counter.texts < full_counter.texts / 3
