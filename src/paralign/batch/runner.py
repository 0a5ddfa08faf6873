"""A batch run on Dask: the client reads, submits, collects and writes; workers only align.

One engine from laptop to cluster: ``dask_client`` gives a ``LocalCluster``
sized to the machine, or a client of an existing scheduler; ``run_batch``
does the same thing with either. The client reads each pair's two files and
sends their bytes (workers need no shared file system), keeps only a few
pairs per worker thread in flight (memory stays flat however large the
archive), and writes every result itself: the pair's exports as one
all-or-nothing set, then its record (``paralign.batch.report``). A worker
that dies mid-pair costs a retry, which Dask's scheduler does on another
worker; each pair's future resolves once and is written once. Should a pair
exhaust Dask's retries, it is recorded as failed, like any other bad pair:
nothing one pair does stops the batch, except a model that cannot be loaded
at all, which would fail every pair the same way.

The report and the index are rebuilt from the records at each checkpoint and
at the end, each written atomically; the merged memory once, at the end,
streamed from the pairs' stored TMX (``merged_tmx``).
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from paralign import interrupts
from paralign.batch.index_page import index_html
from paralign.batch.merged_tmx import merged_tmx_writer
from paralign.batch.pairing import FilePair, Pairing
from paralign.batch.report import REPORT_NAME, PairRecord, StateStore, report_bytes
from paralign.batch.worker import (
    ALIGNED,
    FAILED,
    REFUSED,
    BatchSettings,
    ModelLoader,
    PairResult,
    PairTask,
    align_pair,
)
from paralign.errors import ExportError, InputError, ModelError
from paralign.export._commit import commit_files
from paralign.export._xml import atomic_write, check_writable_dir
from paralign.formats import export_paths
from paralign.read import read_bytes

if TYPE_CHECKING:
    from distributed import Client, Future, as_completed

__all__ = ["INDEX_NAME", "BatchCounts", "BatchResult", "dask_client", "default_workers", "merged_name", "run_batch"]

INDEX_NAME = "index.html"
#: Seconds between checkpoints of the report, the merged memory and the index.
CHECKPOINT_SECONDS = 30.0
#: Pairs in flight per worker thread: enough to keep every worker busy while the client writes.
IN_FLIGHT_PER_THREAD = 2
#: Seconds to wait for a first worker to join an existing scheduler.
WORKER_WAIT = 120.0
#: Memory a worker needs with the default model loaded (measured RSS about 0.9 GB), with headroom.
WORKER_MEMORY = 1_500_000_000


@dataclass
class BatchCounts:
    """Where the batch stands, for a progress display."""

    total: int
    done: int = 0
    failed: int = 0
    skipped: int = 0
    sentences: int = 0
    started: float = field(default_factory=time.monotonic)


@dataclass(frozen=True)
class BatchResult:
    """Every pair's record in pairing order, and the files written from them."""

    records: tuple[PairRecord, ...]
    report: Path
    index: Path
    merged: Path | None

    @property
    def all_aligned(self) -> bool:
        return all(record.outcome == ALIGNED for record in self.records)


#: Called after each pair is recorded, with its record and the running counts.
PairCallback = Callable[[PairRecord, BatchCounts], None]


def merged_name(settings: BatchSettings) -> str:
    return f"batch.{settings.src_lang}-{settings.tgt_lang}.tmx"


def default_workers() -> int:
    """One worker per core, fewer if the memory available would not hold that many copies of the model."""
    import psutil  # type: ignore[import-untyped]  # comes with distributed; no stubs installed

    by_memory = int(psutil.virtual_memory().available // WORKER_MEMORY)
    return max(1, min(os.cpu_count() or 1, by_memory))


def workers_by_host(client: Client) -> dict[str, int]:
    """How many of the cluster's workers run on each machine (by host name), so each can take its share of cores."""
    workers = client.scheduler_info()["workers"]
    hosts = Counter(urlsplit(address).hostname or "" for address in workers)
    return dict(hosts)


@contextlib.contextmanager
def dask_client(scheduler: str | None = None, workers: int | None = None, processes: bool = True) -> Iterator[Client]:
    """A client of the scheduler at ``scheduler``, or of a new local cluster of ``workers`` single-thread workers.

    Single-thread workers, because a pair's aligner and model use the
    machine's cores already; one pair per process keeps them busy without
    contention. ``processes=False`` keeps the workers in this process (tests).

    Raises:
        InputError: the scheduler cannot be reached.
    """
    from distributed import Client, LocalCluster

    if scheduler is not None:
        try:
            client = Client(scheduler, timeout=30)  # type: ignore[no-untyped-call]
        except (OSError, TimeoutError) as error:
            raise InputError(None, f"cannot reach the Dask scheduler at {scheduler} ({error})") from None
        with client:
            try:
                client.wait_for_workers(1, timeout=WORKER_WAIT)
            except TimeoutError:
                raise InputError(
                    None, f"no worker joined the Dask scheduler at {scheduler} in {WORKER_WAIT:.0f} s"
                ) from None
            yield client
        return
    with (
        LocalCluster(  # type: ignore[no-untyped-call]
            n_workers=workers or default_workers(),
            threads_per_worker=1,
            processes=processes,
            dashboard_address=None,
            silence_logs=logging.CRITICAL,
        ) as cluster,
        Client(cluster) as client,  # type: ignore[no-untyped-call]
    ):
        yield client


@dataclass(frozen=True)
class _Planned:
    """A pair to align: its files' digests and where its exports go."""

    pair: FilePair
    task: PairTask
    exports: dict[str, Path]


def run_batch(
    client: Client,
    pairing: Pairing,
    folders: tuple[Path, Path],
    out: Path,
    settings: BatchSettings,
    on_pair: PairCallback | None = None,
    checkpoint_seconds: float = CHECKPOINT_SECONDS,
) -> BatchResult:
    """Align every pair of ``pairing`` on ``client``'s cluster; write exports, records, report, memory, index.

    Raises:
        ExportError: ``out`` cannot be written.
        ModelError: the model cannot be loaded (every pair would fail alike).
        KeyboardInterrupt: after a last checkpoint; finished pairs are kept.
    """
    check_writable_dir(out)
    try:
        client.register_plugin(ModelLoader(settings.model, workers_by_host(client)), name="paralign-model")
    except RuntimeError as error:
        raise ModelError(None, f"the workers cannot load the model: {error}") from None
    batch = _Batch(client, pairing, folders, out, settings, on_pair)
    next_checkpoint = time.monotonic() + checkpoint_seconds
    try:
        for future in batch.results():
            batch.collect(future)
            interrupts.check()  # a SIGINT/SIGTERM that Dask's threads swallowed still stops the batch here
            if time.monotonic() >= next_checkpoint:
                batch.checkpoint(finished=False)
                next_checkpoint = time.monotonic() + checkpoint_seconds
    except BaseException:
        batch.cancel()
        batch.checkpoint(finished=False)
        raise
    return batch.checkpoint(finished=True)


class _Batch:
    """The client's side of one run: what is planned, in flight and done."""

    def __init__(
        self,
        client: Client,
        pairing: Pairing,
        folders: tuple[Path, Path],
        out: Path,
        settings: BatchSettings,
        on_pair: PairCallback | None,
    ) -> None:
        self.client = client
        self.pairing = pairing
        self.folders = folders
        self.out = out
        self.settings = settings
        self.on_pair = on_pair
        self.state = StateStore(out)
        self.records: dict[str, PairRecord] = {}
        self.counts = BatchCounts(len(pairing.pairs))
        self.in_flight: dict[Future[PairResult], _Planned] = {}
        self.futures: list[Future[PairResult]] = []

    def results(self) -> Iterator[Future[PairResult]]:
        """Each submitted pair's future as it completes, keeping the cluster fed from the plan."""
        from distributed import as_completed

        plan = self._plan()
        completed = as_completed()  # type: ignore[no-untyped-call]
        self._top_up(plan, completed)
        for future in completed:
            yield future
            self._top_up(plan, completed)

    def _top_up(self, plan: Iterator[_Planned], completed: as_completed) -> None:
        """Submit pairs until each worker thread has ``IN_FLIGHT_PER_THREAD`` (workers may join or leave)."""
        threads = sum(self.client.nthreads().values())  # type: ignore[no-untyped-call]
        while len(self.in_flight) < IN_FLIGHT_PER_THREAD * max(1, threads):
            planned = next(plan, None)
            if planned is None:
                return
            future = self.client.submit(align_pair, planned.task, key=f"paralign-pair-{planned.task.key}", pure=False)
            self.in_flight[future] = planned
            self.futures.append(future)
            completed.add(future)  # type: ignore[no-untyped-call]

    def _plan(self) -> Iterator[_Planned]:
        """The pairs to align, read one at a time; pairs reused, unreadable or clashing are recorded on the way."""
        claimed: dict[Path, str] = {}
        for pair in self.pairing.pairs:
            exports = self._export_paths(pair)
            clash = next((claimed[path] for path in exports.values() if path in claimed), None)
            claimed.update(dict.fromkeys(exports.values(), pair.source))
            if clash is not None:
                self._finish(pair, self._failed(pair, f"its exports would overwrite those of {clash}; rename one"))
                continue
            try:
                task = self._task(pair)
            except InputError as error:
                self._finish(pair, self._failed(pair, str(error)))
                continue
            stored = self.state.record(pair.key)
            if stored is not None and self._unchanged(stored, task):
                self._finish(pair, stored.reused())
                continue
            yield _Planned(pair, task, exports)

    def _export_paths(self, pair: FilePair) -> dict[str, Path]:
        folder = self.out.joinpath(*pair.source.split("/")[:-1])
        name = Path(pair.source.rpartition("/")[2])
        return export_paths(folder, name, self.settings.src_lang, self.settings.tgt_lang, self.settings.formats)

    def _task(self, pair: FilePair) -> PairTask:
        source = self.folders[0].joinpath(*pair.source.split("/"))
        target = self.folders[1].joinpath(*pair.target.split("/"))
        return PairTask(
            pair.key,
            source.name,
            target.name,
            os.path.abspath(source),
            os.path.abspath(target),
            str(source),
            str(target),
            read_bytes(source),
            read_bytes(target),
            self.settings,
        )

    def _unchanged(self, stored: PairRecord, task: PairTask) -> bool:
        """Same files, same settings, a final outcome, and (if aligned) its exports and units still on disk."""
        same = (stored.source_sha256, stored.target_sha256, stored.settings_sha256) == (
            _sha256(task.source_bytes),
            _sha256(task.target_bytes),
            self.settings.fingerprint,
        )
        if not same or stored.outcome not in (ALIGNED, REFUSED):
            return False
        if stored.outcome == REFUSED:
            return True
        files = [self.out / name for name in stored.exports]
        return all(path.is_file() for path in files) and self.state.memory(_key(stored)) is not None

    def collect(self, future: Future[PairResult]) -> None:
        """Write a completed pair's exports and record; a pair Dask gave up on is recorded as failed."""
        planned = self.in_flight.pop(future)
        try:
            result: PairResult = future.result()
        except Exception as error:  # the task itself died: its worker kept being killed, or cannot run paralign
            self._finish(planned.pair, self._failed(planned.pair, f"{type(error).__name__}: {error}", planned.task))
            return
        if result.fatal:
            raise ModelError(None, result.reason)
        exports: tuple[str, ...] = ()
        if result.status == ALIGNED:
            try:
                files = {planned.exports[name]: data for name, data in result.exports.items()}
                exports = tuple(path.relative_to(self.out).as_posix() for path in commit_files(files))
            except ExportError as error:
                self._finish(planned.pair, self._failed(planned.pair, str(error), planned.task))
                return
        record = PairRecord(
            planned.pair.source,
            planned.pair.target,
            result.status,
            result.status,
            result.reason,
            result.stats,
            exports,
            *self._digests(planned.task),
        )
        self._finish(planned.pair, record, result.memory)

    def _failed(self, pair: FilePair, reason: str, task: PairTask | None = None) -> PairRecord:
        source, target, settings = self._digests(task) if task is not None else ("", "", self.settings.fingerprint)
        return PairRecord(
            pair.source,
            pair.target,
            FAILED,
            FAILED,
            reason,
            source_sha256=source,
            target_sha256=target,
            settings_sha256=settings,
        )

    def _digests(self, task: PairTask) -> tuple[str, str, str]:
        return _sha256(task.source_bytes), _sha256(task.target_bytes), self.settings.fingerprint

    def _finish(self, pair: FilePair, record: PairRecord, memory: bytes = b"") -> None:
        """Store a new record (not a reused one), count it, tell the display."""
        if record.status != record.outcome:
            self.counts.skipped += 1
        else:
            self.state.save(pair.key, record, memory)
        self.records[pair.key] = record
        self.counts.done += 1
        self.counts.failed += record.outcome != ALIGNED
        self.counts.sentences += record.stats.source_sentences + record.stats.target_sentences
        if self.on_pair is not None:
            self.on_pair(record, self.counts)

    def cancel(self) -> None:
        with contextlib.suppress(Exception):
            self.client.cancel(self.futures)  # type: ignore[no-untyped-call]

    def checkpoint(self, finished: bool) -> BatchResult:
        """Write the report and index from the records so far, each atomically; at the end the merged memory too.

        The merged memory is read back from every pair's stored TMX, so it is
        written once, when the batch is finished (a resumed batch writes it
        then): rebuilding it at each checkpoint would cost the client time
        in proportion to all the pairs done, every 30 seconds.
        """
        records = tuple(self.records[pair.key] for pair in self.pairing.pairs if pair.key in self.records)
        report = atomic_write(
            self.out / REPORT_NAME, report_bytes(records, self.pairing, self.settings, self.folders, finished)
        )
        title = f"paralign batch: {self.folders[0]} → {self.folders[1]}"
        index = atomic_write(self.out / INDEX_NAME, index_html(records, title))
        if not finished:
            return BatchResult(records, report, index, None)
        aligned = [record for record in records if record.outcome == ALIGNED]

        def memories() -> Iterator[tuple[str, bytes]]:
            for record in aligned:
                memory = self.state.memory(_key(record))
                if memory is not None:
                    yield record.source, memory

        writer = merged_tmx_writer(memories)
        path = commit_files({self.out / merged_name(self.settings): writer})[0] if writer is not None else None
        return BatchResult(records, report, index, path)


def _key(record: PairRecord) -> str:
    return FilePair(record.source, record.target).key


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
