"""The whole job, top to bottom: read, segment, check, embed, align, pair the notes.

``align_texts`` is what the CLI calls and what a notebook calls; each step is
one call into the module that owns it. Progress is a callback, so this module
knows nothing about terminals.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from paralign import passes
from paralign.cache import CachedEmbedder
from paralign.calibrate import calibrate, calibrate_moves
from paralign.config import AlignConfig
from paralign.documents import InputFormat, read_input
from paralign.embed import DEFAULT_MODEL, Embedder, OnDemandEmbedder
from paralign.errors import NotATranslation
from paralign.features import segmentation_features
from paralign.footnotes import pair_anchors
from paralign.model import Alignment, Bead, Move, ReadOptions, Segmentation
from paralign.moves import find_moves
from paralign.passes import StageProgress
from paralign.search import solve
from paralign.segment import presplit, segment
from paralign.sides import SideEmbeddings
from paralign.verify import alignment_problem, identity_problem, language_mismatches

__all__ = ["StageProgress", "align_segmentations", "align_texts"]


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
    allow_language_mismatch: bool = False,
    replace_invalid_utf8: bool = False,
    input_format: InputFormat | str | None = None,
) -> Alignment:
    """Align a text and its translation, end to end.

    Args:
        src_path: the original text: plain text (UTF-8 preferred; see ``read.decode``),
            Word, OpenDocument, HTML, Markdown or PDF (``paralign.documents``).
        tgt_path: its translation.
        src_lang: language of the source, ISO 639-1, optionally with region.
        tgt_lang: language of the target.
        model: a model name or local path, or a ready ``Embedder``.
        config: aligner knobs; confidences are calibrated for the defaults only.
        encoding: force the encoding of both files.
        presplit_input: the files hold one sentence per line; no segmentation, no notes.
        input_format: read both files as this format (``documents.InputFormat``)
            instead of telling it from their bytes.
        cache_dir: keep embeddings on disk here, so re-runs encode only new text.
        allow_low_confidence: record doubts that the pair is a translation
            (the same text twice, too few confident beads) as warnings instead
            of raising ``NotATranslation``.
        progress: called as ``progress(stage, done, total)`` for the stages
            "segmenting", "loading model" (only when a text is not cached),
            "embedding", "refining" (long texts) and "aligning".
        allow_language_mismatch: export a text labelled with a language it
            does not seem to be in (a warning) instead of raising ``LanguageMismatch``.
        replace_invalid_utf8: in a file that is UTF-8 but for a few invalid
            sequences, replace them with U+FFFD (counted in a warning) instead
            of refusing the file.
        two_pass: ``None`` (default) encodes every window of texts up to
            ``passes.TWO_PASS_ABOVE`` sentences and, above, sentences first and
            windows only where in doubt; ``True`` or ``False`` forces one way.

    Returns:
        The ``Alignment``: both segmentations, beads with confidences, note pairs.

    Raises:
        InputError: a file cannot be read or holds no sentence.
        LanguageMismatch: a text is not in its declared language (unless ``allow_language_mismatch``).
        NotATranslation: the texts are the same, or too few sentences align
            confidently (unless ``allow_low_confidence``).
        ModelError: the model cannot be loaded.

    Example:
        >>> alignment = align_texts("texts/bishkek-protocol.en.txt", "texts/bishkek-protocol.es.txt")
        >>> [b.kind for b in alignment.beads][:2]
        ['1-0', '1-1']
    """
    _report(progress, "segmenting", 0, 2)
    reading = ReadOptions(encoding, InputFormat(input_format).value if input_format else None, replace_invalid_utf8)
    source = _segmented(src_path, src_lang, presplit_input, reading)
    _report(progress, "segmenting", 1, 2)
    target = _segmented(tgt_path, tgt_lang, presplit_input, reading)
    _report(progress, "segmenting", 2, 2)
    mismatches = language_mismatches(source.document, target.document)
    if mismatches and not allow_language_mismatch:
        raise mismatches[0]
    doubts = [str(mismatch) for mismatch in mismatches]
    same = identity_problem(source, target)
    if same and not allow_low_confidence:
        raise NotATranslation(None, same)
    embedder = _embedder(model, cache_dir, progress)
    alignment = align_segmentations(source, target, embedder, config, progress, presplit_input, two_pass)
    low = alignment_problem(alignment)
    if low and not allow_low_confidence:
        raise NotATranslation(None, low)
    repairs = [f"{d.path}: {w}" for d in (source.document, target.document) for w in d.warnings]
    cache = list(embedder.warnings) if isinstance(embedder, CachedEmbedder) else []
    doubts += [problem for problem in (same, low) if problem]
    return replace(alignment, warnings=tuple(repairs + cache + doubts), reading=reading)


def align_segmentations(
    source: Segmentation,
    target: Segmentation,
    embedder: Embedder,
    config: AlignConfig | None = None,
    progress: StageProgress | None = None,
    presplit_input: bool = False,
    two_pass: bool | None = None,
) -> Alignment:
    """Align two segmented texts and pair their notes (``presplit_input`` is recorded, for rebuilds)."""
    config = config or AlignConfig()
    texts = [[s.text for s in source.sentences], [s.text for s in target.sentences]]
    features = [segmentation_features(source), segmentation_features(target)]
    if two_pass is None:
        two_pass = len(texts[0]) + len(texts[1]) > passes.TWO_PASS_ABOVE
    if two_pass:
        sides = passes.first_pass(texts, features, embedder, config.max_bead_size, progress)
        first, _, _ = _aligned(sides, config, progress, 0, 2, with_moves=False)
        budget = passes.REFINE_BUDGET * sum(float(f.lengths.sum()) for f in features)
        doubtful = passes.doubtful_windows(first, [f.lengths for f in features], budget, len(sides[0].windows))
        sentence_vectors = [side.windows[0] for side in sides]
        del sides  # the first pass's approximate windows go before the second pass builds its own
        sides = passes.second_pass(
            sentence_vectors, features, texts, doubtful, embedder, config.max_bead_size, progress
        )
        beads, moves, calibrated = _aligned(sides, config, progress, 1, 2)
    else:
        sides = passes.one_pass(texts, features, embedder, config.max_bead_size, progress)
        beads, moves, calibrated = _aligned(sides, config, progress, 0, 1)
    notes = pair_anchors(beads, [s.anchors for s in source.sentences], [s.anchors for s in target.sentences])
    return Alignment(
        source,
        target,
        tuple(beads),
        notes.pairs,
        notes.problems,
        model_name=embedder.name,
        presplit=presplit_input,
        calibrated=calibrated,
        moves=tuple(moves),
    )


def _segmented(path: Path | str, lang: str, presplit_input: bool, reading: ReadOptions) -> Segmentation:
    """A file read (in its format) and split into sentences, or taken line by line for pre-split input."""
    document = read_input(path, lang, presplit_input, reading)
    return presplit(document) if presplit_input else segment(document)


def _embedder(model: str | Embedder, cache_dir: Path | str | None, progress: StageProgress | None) -> Embedder:
    """The model by name or path (or as given), behind the on-disk cache when there is one.

    A model named by a string is loaded only when a text is missing from the
    cache, and reported as the stage "loading model" while it loads.
    """

    def loading(done: bool) -> None:
        _report(progress, "loading model", int(done), 1)

    embedder = OnDemandEmbedder(model, loading) if isinstance(model, str) else model
    if cache_dir is None:
        return embedder
    return CachedEmbedder(embedder, Path(cache_dir), getattr(embedder, "key", embedder.name))


def _aligned(
    sides: Sequence[SideEmbeddings],
    config: AlignConfig,
    progress: StageProgress | None,
    done: int,
    total: int,
    with_moves: bool = True,
) -> tuple[list[Bead], list[Move], bool]:
    """The best path and (``with_moves``) the sentences moved off it, with calibrated confidences.

    Reported as step ``done + 1`` of ``total`` of "aligning". The first of
    two passes only places the second pass's windows: it looks for no moves.
    """
    _report(progress, "aligning", done, total)
    path, lattice = solve(sides[0], sides[1], config)
    beads, moves = find_moves(path, lattice, config) if with_moves else (path, [])
    beads, calibrated = calibrate(beads, config)
    moves = calibrate_moves(moves, config)
    _report(progress, "aligning", done + 1, total)
    return beads, moves, calibrated


def _report(progress: StageProgress | None, stage: str, done: int, total: int) -> None:
    if progress:
        progress(stage, done, total)
