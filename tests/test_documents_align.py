"""The protocol pair as Word, OpenDocument, HTML, Markdown and PDF aligns as the ``.txt`` pair does.

Slow: the real model aligns each pair. The ``.txt`` run (the ``protocol``
fixture) is the reference: the same beads, and the notes paired 7 of 7,
``1→505`` … ``7→511``, whether the notes are native (Word, ODF, HTML,
Markdown), found in the text (PDF, plain text) or one of each.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import EN, ES
from test_documents import DOCUMENTS, FEATURES

from paralign.documents import read_document
from paralign.embed import SentenceTransformerEmbedder
from paralign.model import Alignment
from paralign.pipeline import align_texts

PAIRS = {
    **{fmt: (DOCUMENTS / f"bishkek-protocol.en.{fmt}", DOCUMENTS / f"bishkek-protocol.es.{fmt}") for fmt in
       ("docx", "odt", "html", "md", "pdf")},
    "docx-txt": (DOCUMENTS / "bishkek-protocol.en.docx", ES),
    "txt-odt": (EN, DOCUMENTS / "bishkek-protocol.es.odt"),
}  # fmt: skip


def _notes(alignment: Alignment) -> list[tuple[str, str, int]]:
    return [(pair.src_label, pair.tgt_label, pair.bead) for pair in alignment.footnote_pairs]


@pytest.fixture(scope="module")
def shared_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One embedding cache for every pair: their sentences are the same, so only the first pays for the model."""
    return tmp_path_factory.mktemp("documents-cache")


@pytest.mark.parametrize("pair", list(PAIRS))
def test_protocol_aligns_as_the_text_pair(
    pair: str, protocol: Alignment, embedder: SentenceTransformerEmbedder, shared_cache: Path
) -> None:
    source, target = PAIRS[pair]
    alignment = align_texts(source, target, "en", "es", model=embedder, cache_dir=shared_cache)
    assert [(b.src, b.tgt) for b in alignment.beads] == [(b.src, b.tgt) for b in protocol.beads]
    assert _notes(alignment) == _notes(protocol) and len(alignment.footnote_pairs) == 7
    assert alignment.footnote_problems == ()


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="needs LibreOffice (Debian: libreoffice-writer)")
def test_a_fresh_libreoffice_conversion_reads_the_same(tmp_path: Path) -> None:
    """The committed fixtures are not stale: today's LibreOffice writes what the readers expect."""
    for fmt in ("docx", "html"):
        subprocess.run(
            ["soffice", "--headless", "--convert-to", fmt, "--outdir", str(tmp_path), str(DOCUMENTS / "features.odt")],
            check=True,
            capture_output=True,
            timeout=120,
        )
    docx = read_document(tmp_path / "features.docx", "en")
    assert [(b.kind, docx.text[b.start : b.end]) for b in docx.blocks] == FEATURES
    html = read_document(tmp_path / "features.html", "en")
    assert [a.label for a in html.native_anchors] == ["1", "2", "3"]
