"""The whole job, top to bottom: read, segment, embed, align, pair the notes.

``align_texts`` is what the CLI calls and what a notebook calls. Progress is a
callback, so this module knows nothing about terminals.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from paralign.align import AlignConfig, SideEmbeddings, align, approximate_windows, window_sizes_needed
from paralign.cache import CachedEmbedder
from paralign.embed import DEFAULT_MODEL, Embedder, SentenceTransformerEmbedder
from paralign.errors import NotATranslation
from paralign.footnotes import pair_anchors
from paralign.model import Alignment, Bead, BlockKind, Segmentation
from paralign.read import read_document, read_presplit
from paralign.segment import presplit, segment
from paralign.verify import alignment_problem, language_problem

#: Progress callback: (stage name, units done, units in all).
StageProgress = Callable[[str, int, int], None]

#: Sentences (both sides together) above which encoding is done in two passes.
#: Full encoding embeds every window of 1…5 sentences, ~15 times the text;
#: below this it is affordable and more accurate (Text+Berg dev, 1,022
#: sentences: strict F1 0.911 against 0.886 in two passes), so small inputs keep it.
TWO_PASS_ABOVE = 2_000

#: Windows longer than this (in characters) are not encoded but summed from
#: their sentences: a long paragraph's 5-sentence window costs the encoder as
#: much as 5 sentences and tells it little more than the sum (Text+Berg dev:
#: identical beads with a cap of 700 characters; the protocol pair encodes
#: in half the time).
MAX_WINDOW_CHARS = 1_000

#: A bead of the first pass below this confidence is looked at again with real
#: window embeddings (on Text+Berg dev about half the beads; 0.5 left the
#: two-pass path 1.9 points of strict F1 below the one-pass path on the
#: 2,200-sentence scale pair, 0.8 leaves 0.1).
REFINE_BELOW = 0.8

#: Encoding the second pass may spend, as a share of the first pass's characters
#: (on Text+Berg dev it spends all of it: 0.3 gives 0.894 strict F1, 0.5 0.899).
REFINE_BUDGET = 0.5


@dataclass(frozen=True)
class _Window:
    """Sentences ``start … start + size - 1`` of side ``side`` (0 source, 1 target)."""

    side: int
    size: int
    start: int


def window_texts(sentences: Sequence[str], max_window: int) -> list[list[str]]:
    """``result[k - 1][i]``: sentences ``i … i + k - 1`` joined by a space."""
    windows = [list(sentences)]
    for k in range(2, max_window + 1):
        windows.append([" ".join(sentences[i : i + k]) for i in range(len(sentences) - k + 1)])
    return windows


def _encode_once(
    texts: Sequence[str], embedder: Embedder, stage: str, progress: StageProgress | None
) -> tuple[np.ndarray, dict[str, int]]:
    """Encode each distinct text once, in one call (so a cache sees one batch): vectors and text → row."""
    unique = list(dict.fromkeys(texts))
    report = (lambda done, total: progress(stage, done, total)) if progress else None
    return embedder.encode(unique, progress=report), {text: index for index, text in enumerate(unique)}


def embed_sides(
    sides: Sequence[Sequence[str]],
    embedder: Embedder,
    config: AlignConfig,
    progress: StageProgress | None = None,
) -> list[SideEmbeddings]:
    """Embed every sentence and every window of consecutive sentences, each distinct text once.

    Windows over ``MAX_WINDOW_CHARS`` are summed from their sentences instead.
    """
    max_window = window_sizes_needed(config.max_bead_size)
    per_side = [window_texts(sentences, max_window) for sentences in sides]
    singles = [text for windows in per_side for text in windows[0]]
    texts = singles + [
        text for windows in per_side for level in windows[1:] for text in level if len(text) <= MAX_WINDOW_CHARS
    ]
    vectors, row = _encode_once(texts, embedder, "embedding", progress)
    result = []
    for sentences, windows in zip(sides, per_side):
        lengths = _lengths(sentences)
        arrays = approximate_windows(vectors[[row[text] for text in windows[0]]], max_window, np.sqrt(lengths))
        for level, array in zip(windows[1:], arrays[1:]):
            encoded = [index for index, text in enumerate(level) if text in row]
            array[encoded] = vectors[[row[level[index]] for index in encoded]]
        result.append(SideEmbeddings(arrays, lengths, texts=tuple(sentences)))
    return result


def embed_sentences(
    sides: Sequence[Sequence[str]],
    embedder: Embedder,
    config: AlignConfig,
    progress: StageProgress | None = None,
) -> list[SideEmbeddings]:
    """Embed single sentences only; windows are their sums weighted by √length (first pass of a long input).

    Sentences and windows are stored as float16: at 50k sentences the five
    window arrays of both sides take 0.56 GB instead of 1.1 GB, and cosines
    lose nothing that moves an alignment (checked on Text+Berg at 10k sentences).
    """
    vectors, row = _encode_once([text for sentences in sides for text in sentences], embedder, "embedding", progress)
    singles = [vectors[[row[text] for text in sentences]].astype(np.float16) for sentences in sides]
    del vectors  # a long input's unique vectors are not needed once each side has its rows
    result = []
    for sentences, side_singles in zip(sides, singles):
        lengths = _lengths(sentences)
        windows = approximate_windows(
            side_singles, window_sizes_needed(config.max_bead_size), np.sqrt(lengths), dtype=np.float16
        )
        result.append(SideEmbeddings(windows, lengths, texts=tuple(sentences)))
    return result


def _lengths(sentences: Sequence[str]) -> np.ndarray:
    return np.array([len(text) for text in sentences], dtype=np.float64)


def doubtful_windows(beads: Sequence[Bead], lengths: Sequence[np.ndarray], budget: float) -> list[_Window]:
    """The windows worth encoding for real after a first pass, most doubtful bead first, within ``budget`` characters.

    A merged bead (2-1, 1-3, …) was chosen on approximate windows: its own
    windows are encoded so its cost and confidence come from real
    similarities. A bead under ``REFINE_BELOW`` also gets the two-sentence
    windows across its edges, so the second pass can weigh merging it with a
    neighbour on real evidence. On Text+Berg dev (two passes forced),
    approximate windows alone give strict F1 0.876, these windows 0.899, all
    windows (one pass, 15 times the text) 0.914.
    """
    chosen: dict[_Window, None] = {}
    spent = 0.0
    for bead in sorted(beads, key=lambda bead: bead.confidence):
        for window in _bead_windows(bead, (len(lengths[0]), len(lengths[1]))):
            if window in chosen:
                continue
            cost = float(lengths[window.side][window.start : window.start + window.size].sum())
            if spent + cost > budget:
                return list(chosen)
            chosen[window] = None
            spent += cost
    return list(chosen)


def _bead_windows(bead: Bead, sizes: tuple[int, int]) -> list[_Window]:
    """A bead's own multi-sentence windows and, when it is doubtful, the pairs across its edges."""
    windows = []
    for side, members in enumerate((bead.src, bead.tgt)):
        if len(members) >= 2:
            windows.append(_Window(side, len(members), members[0]))
        if members and bead.confidence < REFINE_BELOW:
            edges = (members[0], members[-1] - 1)
            windows += [_Window(side, 2, start) for start in edges if 0 <= start <= sizes[side] - 2]
    return windows


def refine_windows(
    sides: Sequence[SideEmbeddings],
    windows: Sequence[_Window],
    embedder: Embedder,
    progress: StageProgress | None = None,
) -> None:
    """Overwrite the chosen approximate windows with real embeddings of their text.

    In place: the arrays are the first pass's own (``embed_sentences`` made
    them), and a copy of every window array would double the memory of a
    long input for a few hundred changed rows.
    """
    texts = [" ".join(sides[w.side].texts[w.start : w.start + w.size]) for w in windows]
    vectors, row = _encode_once(texts, embedder, "refining", progress)
    for window, text in zip(windows, texts):
        sides[window.side].windows[window.size - 1][window.start] = vectors[row[text]]


def _block_starts(segmentation: Segmentation) -> np.ndarray:
    """``True`` where a sentence opens a new block (paragraph, heading, quote, item)."""
    blocks = [s.block for s in segmentation.sentences]
    return np.array([k == 0 or blocks[k] != blocks[k - 1] for k in range(len(blocks))], dtype=bool)


def _layout(segmentation: Segmentation) -> dict[str, np.ndarray]:
    """The structure the aligner respects, as ``SideEmbeddings`` fields: block starts and heading edges."""
    return {"block_starts": _block_starts(segmentation), "heading_edges": _heading_edges(segmentation)}


def _heading_edges(segmentation: Segmentation) -> np.ndarray:
    """``True`` where a sentence opens a heading, or the block right after one: edges no bead may cross."""
    kinds = [segmentation.document.blocks[s.block].kind for s in segmentation.sentences]
    starts = _block_starts(segmentation)
    return np.array(
        [
            bool(starts[k]) and k > 0 and BlockKind.HEADING in (kinds[k], kinds[k - 1])
            for k in range(len(kinds))
        ],
        dtype=bool,
    )


def align_segmentations(
    source: Segmentation,
    target: Segmentation,
    embedder: Embedder,
    config: AlignConfig | None = None,
    progress: StageProgress | None = None,
    presplit_input: bool = False,
    two_pass: bool | None = None,
) -> Alignment:
    """Align two segmented texts and pair their notes (``presplit_input`` is recorded, for rebuilds).

    Inputs of more than ``TWO_PASS_ABOVE`` sentences (both sides) are encoded
    in two passes (``align_two_pass``), which keeps time linear in the text
    rather than in the text times the window sizes; ``two_pass`` True or
    False forces one path.
    """
    config = config or AlignConfig()
    texts = [[s.text for s in source.sentences], [s.text for s in target.sentences]]
    layouts = [_layout(source), _layout(target)]
    if two_pass is None:
        two_pass = len(texts[0]) + len(texts[1]) > TWO_PASS_ABOVE
    if two_pass:
        beads = align_two_pass(texts, layouts, embedder, config, progress)
    else:
        src_side, tgt_side = (
            replace(side, **layout) for side, layout in zip(embed_sides(texts, embedder, config, progress), layouts)
        )
        beads = _align_reported(src_side, tgt_side, config, progress, 0, 1)
    notes = pair_anchors(
        beads,
        [s.anchors for s in source.sentences],
        [s.anchors for s in target.sentences],
    )
    return Alignment(
        source, target, tuple(beads), notes.pairs, notes.problems, model_name=embedder.name, presplit=presplit_input
    )


def align_two_pass(
    texts: Sequence[Sequence[str]],
    layouts: Sequence[dict[str, np.ndarray]],
    embedder: Embedder,
    config: AlignConfig,
    progress: StageProgress | None = None,
) -> list[Bead]:
    """Align on sentence embeddings and approximate windows, then again with real windows where in doubt."""
    sides = [
        replace(side, **layout) for side, layout in zip(embed_sentences(texts, embedder, config, progress), layouts)
    ]
    first = _align_reported(sides[0], sides[1], config, progress, 0, 2)
    budget = REFINE_BUDGET * sum(float(side.lengths.sum()) for side in sides)
    windows = doubtful_windows(first, [side.lengths for side in sides], budget)
    if not windows:
        _report(progress, "aligning", 2, 2)
        return first
    refine_windows(sides, windows, embedder, progress)
    return _align_reported(sides[0], sides[1], config, progress, 1, 2)


def _align_reported(
    src: SideEmbeddings, tgt: SideEmbeddings, config: AlignConfig, progress: StageProgress | None, done: int, total: int
) -> list[Bead]:
    """``align``, reported as step ``done + 1`` of ``total`` of the "aligning" stage."""
    _report(progress, "aligning", done, total)
    beads = align(src, tgt, config)
    _report(progress, "aligning", done + 1, total)
    return beads


def _report(progress: StageProgress | None, stage: str, done: int, total: int) -> None:
    if progress:
        progress(stage, done, total)


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
    two_pass: bool | None = None,
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
        two_pass: ``None`` (default) encodes every window of texts up to
            ``TWO_PASS_ABOVE`` sentences and, above, sentences first and
            windows only where in doubt; ``True`` or ``False`` forces one way.

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
    alignment = align_segmentations(source, target, embedder, config, progress, presplit_input, two_pass)
    low = alignment_problem(alignment)
    if low and not allow_low_confidence:
        raise NotATranslation(None, low)
    repairs = [f"{d.path}: {w}" for d in (source.document, target.document) for w in d.warnings]
    return replace(alignment, warnings=tuple(repairs + doubts + ([low] if low else [])))
