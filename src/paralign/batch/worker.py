"""One pair, aligned where a Dask worker runs: file bytes in, export bytes out.

A cluster's workers share no file system with the client, so a task carries
both files' bytes and their names, and the result carries every export as
bytes; the client writes them. The worker only puts the two files in a
private temporary folder, under their own names (the names go into the
exports), because ``align_texts`` reads paths: every input format ``align``
reads is read here the same way. The documents are then given back their
client-side paths, so the exports say what ``paralign align`` would have said.

The model is loaded once per worker process (``embed._loaded`` keeps it),
when the worker joins (``ModelLoader``, a Dask worker plugin: a model that
cannot be loaded stops the batch before any pair, and no pair's time counts
the load), and shared by the worker's threads, whose calls into it take turns.

Every outcome is a ``PairResult``, never an exception: a pair that cannot be
read or is not a translation is data for the report, not a task failure that
Dask would retry. Only a dead worker makes Dask run a pair again.
"""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import json
import os
import tempfile
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import numpy as np
from distributed import WorkerPlugin

from paralign._version import __version__
from paralign.embed import Progress
from paralign.errors import ModelError, NotATranslation, ParalignError
from paralign.export.options import NotesMode
from paralign.model import LOW_CONFIDENCE

if TYPE_CHECKING:
    from distributed import Worker

    from paralign.embed import SentenceTransformerEmbedder
    from paralign.model import Alignment, Segmentation

__all__ = ["ALIGNED", "FAILED", "REFUSED", "BatchSettings", "ModelLoader", "PairResult", "PairTask", "align_pair"]

ALIGNED, REFUSED, FAILED = "aligned", "refused", "failed"


@dataclass(frozen=True)
class BatchSettings:
    """What every pair of a batch is aligned and exported with; a change means every pair is redone."""

    src_lang: str
    tgt_lang: str
    formats: tuple[str, ...]
    tmx_notes: NotesMode = NotesMode.TAGS
    model: str = "use-multilingual-v3"
    presplit: bool = False
    encoding: str | None = None
    allow_low_confidence: bool = False
    allow_language_mismatch: bool = False
    input_format: str | None = None
    replace_invalid_utf8: bool = False

    def as_json(self) -> dict[str, object]:
        return {**dataclasses.asdict(self), "formats": list(self.formats), "tmx_notes": self.tmx_notes.value}

    @property
    def fingerprint(self) -> str:
        """A digest of the settings and paralign's version: a new release may align differently."""
        text = json.dumps({**self.as_json(), "paralign": __version__}, sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class PairTask:
    """Everything a worker needs, as data.

    ``*_name`` is the file's own name, ``*_path`` its absolute path on the
    client (what the exports record) and ``*_shown`` the path as the user
    gave it (what error messages name).
    """

    key: str
    source_name: str
    target_name: str
    source_path: str
    target_path: str
    source_shown: str
    target_shown: str
    source_bytes: bytes
    target_bytes: bytes
    settings: BatchSettings


@dataclass(frozen=True)
class PairStats:
    """What aligning a pair gave, in figures: what the worker sends back and the report keeps of it."""

    source_sentences: int = 0
    target_sentences: int = 0
    beads: int = 0
    mean_confidence: float | None = None
    lowest_confidence: float | None = None
    low_confidence_beads: int = 0
    note_pairs: int = 0
    note_problems: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    seconds: float = 0.0

    @property
    def to_check(self) -> int:
        """Beads under 0.5 and note problems: what a reviewer has to look at."""
        return self.low_confidence_beads + len(self.note_problems)


@dataclass(frozen=True)
class PairResult:
    """A pair's outcome; ``exports`` maps format name to file bytes, ``memory`` is its TMX for the merged memory.

    ``fatal`` marks a failure no other pair can escape (the model cannot be
    loaded): the batch stops instead of failing every pair the same way.
    """

    key: str
    status: str
    reason: str = ""
    stats: PairStats = PairStats()
    exports: dict[str, bytes] = field(default_factory=dict)
    memory: bytes = b""
    fatal: bool = False


def align_pair(task: PairTask) -> PairResult:
    """Align one pair from its bytes and build its exports; every outcome comes back as a ``PairResult``."""
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="paralign-batch-") as scratch:
        source = _placed(Path(scratch, "source"), task.source_name, task.source_bytes)
        target = _placed(Path(scratch, "target"), task.target_name, task.target_bytes)
        shown = {str(source): task.source_shown, str(target): task.target_shown}
        try:
            result = _aligned(task, source, target, shown)
        except NotATranslation as error:
            result = PairResult(task.key, REFUSED, _relabelled(str(error), shown))
        except ModelError as error:
            result = PairResult(task.key, FAILED, _relabelled(str(error), shown), fatal=True)
        except ParalignError as error:
            result = PairResult(task.key, FAILED, _relabelled(str(error), shown))
        except Exception as error:  # a bug in paralign: one pair's record, not the batch's end
            result = PairResult(task.key, FAILED, f"internal error, please report it: {type(error).__name__}: {error}")
    seconds = round(time.perf_counter() - started, 3)
    return dataclasses.replace(result, stats=dataclasses.replace(result.stats, seconds=seconds))


def _aligned(task: PairTask, source: Path, target: Path, shown: dict[str, str]) -> PairResult:
    from paralign.formats import REGISTRY, ExportOptions
    from paralign.pipeline import align_texts

    settings = task.settings
    alignment = align_texts(
        source,
        target,
        settings.src_lang,
        settings.tgt_lang,
        model=_SharedEmbedder(settings.model),
        encoding=settings.encoding,
        presplit_input=settings.presplit,
        allow_low_confidence=settings.allow_low_confidence,
        allow_language_mismatch=settings.allow_language_mismatch,
        input_format=settings.input_format,
        replace_invalid_utf8=settings.replace_invalid_utf8,
    )
    alignment = _relocated(alignment, Path(task.source_path), Path(task.target_path), shown)
    options = ExportOptions(tmx_notes=settings.tmx_notes)
    exports = {name: REGISTRY[name].serialize(alignment, options) for name in settings.formats}
    memory = exports["tmx"] if "tmx" in exports else REGISTRY["tmx"].serialize(alignment, options)
    confidences = [bead.confidence for bead in alignment.beads]
    return PairResult(
        task.key,
        ALIGNED,
        stats=PairStats(
            source_sentences=len(alignment.source.sentences),
            target_sentences=len(alignment.target.sentences),
            beads=len(alignment.beads),
            mean_confidence=round(sum(confidences) / len(confidences), 4),
            lowest_confidence=round(min(confidences), 4),
            low_confidence_beads=sum(confidence < LOW_CONFIDENCE for confidence in confidences),
            note_pairs=len(alignment.footnote_pairs),
            note_problems=alignment.footnote_problems,
            warnings=alignment.warnings,
        ),
        exports=exports,
        memory=memory,
    )


def _placed(folder: Path, name: str, data: bytes) -> Path:
    """``data`` written as ``folder/name`` (only the last component of ``name``: it came over the network)."""
    folder.mkdir()
    path = folder / Path(name).name
    path.write_bytes(data)
    return path


def _relocated(alignment: Alignment, source: Path, target: Path, shown: dict[str, str]) -> Alignment:
    """The alignment with its documents at their client-side paths, and its warnings naming them."""

    def moved(segmentation: Segmentation, path: Path) -> Segmentation:
        return dataclasses.replace(segmentation, document=dataclasses.replace(segmentation.document, path=path))

    return dataclasses.replace(
        alignment,
        source=moved(alignment.source, source),
        target=moved(alignment.target, target),
        warnings=tuple(_relabelled(warning, shown) for warning in alignment.warnings),
    )


def _relabelled(message: str, shown: dict[str, str]) -> str:
    """``message`` with the worker's temporary paths replaced by the paths the user gave."""
    for scratch, user in shown.items():
        message = message.replace(scratch, user)
    return message


#: One model load at a time per worker process, and one encoding call at a time into it.
_MODEL_LOCK = threading.Lock()


class _SharedEmbedder:
    """The worker's one copy of the model (loaded on first use, kept by ``embed._loaded``), used by a thread at a time.

    A worker may run several pairs at once in threads; the model is loaded
    once per process and its ``encode`` is not promised to be thread-safe.
    """

    def __init__(self, name: str) -> None:
        self.name = name

    def encode(self, texts: Sequence[str], progress: Progress | None = None) -> np.ndarray:
        with _MODEL_LOCK:
            return _model(self.name).encode(texts, progress)


#: The cores this worker's model may compute on, set by ``ModelLoader`` before the load (``None``: the model's default).
_THREADS: list[int | None] = [None]


def _model(name: str) -> SentenceTransformerEmbedder:
    from paralign.embed import SentenceTransformerEmbedder

    return SentenceTransformerEmbedder.load(name, _THREADS[0])


class ModelLoader(WorkerPlugin):
    """A Dask worker plugin that loads the model as each worker joins, off the worker's event loop.

    Loading in a thread keeps the worker answering the scheduler's
    heartbeats meanwhile. A failure comes back to the client as a
    ``RuntimeError`` with the one-line reason: paralign's own errors take two
    arguments and do not survive Dask's pickling of exceptions.
    """

    def __init__(self, model: str, workers_by_host: Mapping[str, int] | None = None) -> None:
        self.model = model
        self.workers_by_host = dict(workers_by_host or {})

    async def setup(self, worker: Worker) -> None:
        # Workers sharing a machine share its cores: two workers each running the encoder on every core
        # ran slower together (22 pairs/min) than one alone (43) on 2 cores.
        sharing = self.workers_by_host.get(urlsplit(worker.address).hostname or "", 1)
        _THREADS[0] = max(1, (os.cpu_count() or 1) // sharing)
        await asyncio.get_running_loop().run_in_executor(None, self._load)

    def _load(self) -> None:
        from paralign.verify import keep_language_model

        keep_language_model()  # a worker checks pair after pair: half a second per pair saved
        try:
            with _MODEL_LOCK:
                _model(self.model)
        except ParalignError as error:
            raise RuntimeError(str(error)) from None
