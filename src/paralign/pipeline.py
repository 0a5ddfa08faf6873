"""The whole job, top to bottom: read, segment, embed, align, pair the notes.

``align_texts`` is what the CLI calls and what a notebook calls. Progress is a
callback, so this module knows nothing about terminals.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np

from paralign.align import AlignConfig, SideEmbeddings, align
from paralign.cache import CachedEmbedder
from paralign.embed import DEFAULT_MODEL, Embedder, SentenceTransformerEmbedder
from paralign.errors import NotATranslation
from paralign.footnotes import pair_anchors
from paralign.model import Alignment, Segmentation
from paralign.read import read_document, read_presplit
from paralign.segment import presplit, segment
from paralign.verify import alignment_problem, language_problem

#: Progress callback: (stage name, units done, units in all).
StageProgress = Callable[[str, int, int], None]


def window_texts(sentences: Sequence[str], max_window: int) -> list[list[str]]:
    """``result[k - 1][i]``: sentences ``i … i + k - 1`` joined by a space."""
    windows = [list(sentences)]
    for k in range(2, max_window + 1):
        windows.append([" ".join(sentences[i : i + k]) for i in range(len(sentences) - k + 1)])
    return windows


def embed_sides(
    sides: Sequence[Sequence[str]],
    block_starts: Sequence[np.ndarray | None],
    embedder: Embedder,
    config: AlignConfig,
    progress: StageProgress | None = None,
) -> list[SideEmbeddings]:
    """Embed every sentence and every window of consecutive sentences, each distinct text once."""
    max_window = config.max_bead_size - 1
    per_side = [window_texts(sentences, max_window) for sentences in sides]
    unique = list(dict.fromkeys(text for windows in per_side for level in windows for text in level))
    report = (lambda done, total: progress("embedding", done, total)) if progress else None
    vectors = embedder.encode(unique, progress=report)
    row = {text: index for index, text in enumerate(unique)}
    result = []
    for sentences, windows, starts in zip(sides, per_side, block_starts):
        lengths = np.array([len(text) for text in sentences], dtype=np.float64)
        arrays = tuple(
            vectors[[row[text] for text in level]] if level else np.zeros((0, vectors.shape[1]), np.float32)
            for level in windows
        )
        result.append(SideEmbeddings(arrays, lengths, starts, tuple(sentences)))
    return result


def _block_starts(segmentation: Segmentation) -> np.ndarray:
    """``True`` where a sentence opens a new block (paragraph, heading, quote, item)."""
    blocks = [s.block for s in segmentation.sentences]
    return np.array([k == 0 or blocks[k] != blocks[k - 1] for k in range(len(blocks))], dtype=bool)


def align_segmentations(
    source: Segmentation,
    target: Segmentation,
    embedder: Embedder,
    config: AlignConfig | None = None,
    progress: StageProgress | None = None,
    presplit_input: bool = False,
) -> Alignment:
    """Align two segmented texts and pair their notes (``presplit_input`` is recorded, for rebuilds)."""
    config = config or AlignConfig()
    src_side, tgt_side = embed_sides(
        [[s.text for s in source.sentences], [s.text for s in target.sentences]],
        [_block_starts(source), _block_starts(target)],
        embedder,
        config,
        progress,
    )
    if progress:
        progress("aligning", 0, 1)
    beads = align(src_side, tgt_side, config)
    if progress:
        progress("aligning", 1, 1)
    notes = pair_anchors(
        beads,
        [s.anchors for s in source.sentences],
        [s.anchors for s in target.sentences],
    )
    return Alignment(
        source, target, tuple(beads), notes.pairs, notes.problems, model_name=embedder.name, presplit=presplit_input
    )


def align_texts(
    src_path: Path | str,
    tgt_path: Path | str,
    src_lang: str = "en",
    tgt_lang: str = "es",
    model: str | Embedder = DEFAULT_MODEL,
    config: AlignConfig | None = None,
    encoding: str | None = None,
    presplit_input: bool = False,
    cache_dir: Path | str | None = None,
    allow_low_confidence: bool = False,
    progress: StageProgress | None = None,
) -> Alignment:
    """Align a text and its translation, end to end.

    Args:
        src_path: the original text (UTF-8 preferred; see ``read.decode``).
        tgt_path: its translation.
        src_lang: language of the source, ISO 639-1, optionally with region.
        tgt_lang: language of the target.
        model: a model name or local path, or a ready ``Embedder``.
        config: aligner knobs.
        encoding: force the encoding of both files.
        presplit_input: the files hold one sentence per line; no segmentation, no notes.
        cache_dir: keep embeddings on disk here, so re-runs encode only new text.
        allow_low_confidence: record doubts that the pair is a translation as
            warnings instead of raising ``NotATranslation``.
        progress: called as ``progress(stage, done, total)``.

    Returns:
        The ``Alignment``: both segmentations, beads with confidences, note pairs.

    Raises:
        InputError: a file cannot be read or holds no sentence.
        NotATranslation: a text is not in its declared language, or too few
            sentences align confidently (unless ``allow_low_confidence``).

    Example:
        >>> alignment = align_texts("texts/bishkek-protocol.en.txt", "texts/bishkek-protocol.es.txt")
        >>> [b.kind for b in alignment.beads][:2]
        ['1-0', '1-1']
    """
    if progress:
        progress("reading", 0, 2)
    if presplit_input:
        source = presplit(read_presplit(src_path, src_lang, encoding))
        target = presplit(read_presplit(tgt_path, tgt_lang, encoding))
    else:
        source = segment(read_document(src_path, src_lang, encoding))
        target = segment(read_document(tgt_path, tgt_lang, encoding))
    if progress:
        progress("reading", 2, 2)
    doubts = [problem for problem in map(language_problem, (source.document, target.document)) if problem]
    if doubts and not allow_low_confidence:
        raise NotATranslation(None, "; ".join(doubts))
    embedder = SentenceTransformerEmbedder.load(model) if isinstance(model, str) else model
    if cache_dir is not None:
        embedder = CachedEmbedder(embedder, Path(cache_dir), getattr(embedder, "key", embedder.name))
    alignment = align_segmentations(source, target, embedder, config, progress, presplit_input)
    low = alignment_problem(alignment)
    if low and not allow_low_confidence:
        raise NotATranslation(None, low)
    repairs = [f"{d.path}: {w}" for d in (source.document, target.document) for w in d.warnings]
    return replace(alignment, warnings=tuple(repairs + doubts + ([low] if low else [])))
