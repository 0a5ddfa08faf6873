"""What ``paralign batch`` shows on stderr while it works, with ``paralign.progress``'s conventions.

* On an interactive terminal, one live rich row for the whole batch: a
  spinner (turning while workers start and load the model), a bar, pairs
  done of all, how many did not align, sentences per second and the time
  left.
* When stderr is a file or a pipe, one plain line per finished pair, and
  nothing redrawn.
* With ``-q``, nothing.

The batch reports ``(record, counts)`` after each pair and knows nothing of terminals.
"""

from __future__ import annotations

import contextlib
import sys
import time
from collections.abc import Iterator
from typing import TextIO

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeRemainingColumn

from paralign.batch.report import PairRecord
from paralign.batch.runner import BatchCounts

__all__ = ["BatchDisplay", "batch_display"]


def _rate(counts: BatchCounts) -> str:
    elapsed = time.monotonic() - counts.started
    return f"{counts.sentences / elapsed:,.0f} sentences/s" if elapsed > 0 and counts.sentences else ""


class LiveBatch:
    """The interactive row, redrawn ten times a second."""

    def __init__(self, stream: TextIO, total: int) -> None:
        self._progress = Progress(
            SpinnerColumn(finished_text="✓"),
            TextColumn("aligning pairs"),
            BarColumn(bar_width=24),
            MofNCompleteColumn(),
            TextColumn("{task.fields[failed]}"),
            TextColumn("{task.fields[rate]}", style="progress.data.speed"),
            TimeRemainingColumn(),
            console=Console(file=stream),
            transient=True,
            refresh_per_second=10,
        )
        self._task = self._progress.add_task("pairs", total=total, failed="", rate="")

    def __call__(self, record: PairRecord, counts: BatchCounts) -> None:
        failed = f"{counts.failed:,} not aligned" if counts.failed else ""
        self._progress.update(self._task, completed=counts.done, failed=failed, rate=_rate(counts))

    @contextlib.contextmanager
    def shown(self) -> Iterator[LiveBatch]:
        with self._progress:
            yield self


class LoggedBatch:
    """The log: ``paralign: 3/200 aligned 2019/report.en.txt (45 sentences, 1.2 s)``, one line per pair."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def __call__(self, record: PairRecord, counts: BatchCounts) -> None:
        outcome = record.outcome if record.status == record.outcome else f"{record.status} ({record.outcome})"
        stats = record.stats
        detail = f"{stats.source_sentences + stats.target_sentences} sentences, {stats.seconds:.1f} s"
        if record.outcome != "aligned":
            detail = record.reason
        line = f"paralign: {counts.done}/{counts.total} {outcome} {record.source} ({detail})"
        print(line.replace("\n", "\\n"), file=self._stream, flush=True)

    @contextlib.contextmanager
    def shown(self) -> Iterator[LoggedBatch]:
        yield self


class NoBatch:
    """``-q``: nothing."""

    def __call__(self, record: PairRecord, counts: BatchCounts) -> None:
        return None

    @contextlib.contextmanager
    def shown(self) -> Iterator[NoBatch]:
        yield self


#: Any of the three displays: called after each pair, entered (``shown``) around the batch.
BatchDisplay = LiveBatch | LoggedBatch | NoBatch


def batch_display(quiet: bool, total: int, stream: TextIO | None = None) -> BatchDisplay:
    """The display that suits ``stream`` (stderr by default): live on a terminal, a log elsewhere, or none."""
    stream = stream or sys.stderr
    if quiet:
        return NoBatch()
    return LiveBatch(stream, total) if stream.isatty() else LoggedBatch(stream)
