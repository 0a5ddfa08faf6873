"""What a long run shows on stderr while it works: one live line per stage, or one log line per stage.

The pipeline reports ``(stage, done, total)`` and knows nothing of terminals;
this module turns those reports into what a person sees:

* on an interactive terminal, a rich display with one row per stage, its
  spinner turning while the stage runs (so nothing looks frozen while a model
  loads or the aligner searches), and for the stages that count texts
  (segmenting, embedding, refining) a bar, the count, the rate and the time
  left;
* when stderr is a file or a pipe (a batch log, CI), one plain line when a
  stage starts, ``paralign: embedding 1,234 texts``, and nothing else: no
  control codes, no bars redrawn into the log;
* with ``-q``, nothing.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from typing import TextIO

from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    ProgressColumn,
    SpinnerColumn,
    Task,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.text import Text

#: Stages that count texts: they get a bar, a count, a rate and an ETA.
_COUNTED = {"segmenting": "texts", "embedding": "texts", "refining": "windows"}


def stage_label(stage: str, total: int) -> str:
    """``embedding 1,234 texts``: the stage, and for the counted ones how many of what."""
    unit = _COUNTED.get(stage)
    return f"{stage} {total:,} {unit}" if unit else stage


class _RateColumn(ProgressColumn):
    """``120/s, 0:00:07 left`` for counted stages while they run; nothing for the others."""

    def render(self, task: Task) -> Text:
        if not task.fields.get("counted") or task.finished or not task.speed:
            return Text("")
        left = (task.total or 0) - task.completed
        seconds = int(left / task.speed)
        return Text(f"{task.speed:,.0f}/s, {seconds // 60}:{seconds % 60:02d} left", style="progress.remaining")


class _CountColumn(ProgressColumn):
    """``345/1,234`` for counted stages."""

    def render(self, task: Task) -> Text:
        if not task.fields.get("counted"):
            return Text("")
        return Text(f"{int(task.completed):,}/{int(task.total or 0):,}", style="progress.download")


class LiveStages:
    """The interactive display: one row per stage, spinners turning ten times a second."""

    def __init__(self, stream: TextIO) -> None:
        self._progress = Progress(
            SpinnerColumn(finished_text="✓"),
            TextColumn("{task.description}"),
            BarColumn(bar_width=24),
            _CountColumn(),
            _RateColumn(),
            TimeElapsedColumn(),
            console=Console(file=stream),
            transient=True,
            refresh_per_second=10,
        )
        self._tasks: dict[str, TaskID] = {}

    def __call__(self, stage: str, done: int, total: int) -> None:
        counted = stage in _COUNTED
        task = self._tasks.get(stage)
        if task is None:
            # An uncounted stage has no known length: a pulsing bar until it is done.
            self._tasks[stage] = self._progress.add_task(
                stage_label(stage, total), total=total if counted or done else None, completed=done, counted=counted
            )
            return
        self._progress.update(task, description=stage_label(stage, total), completed=done, total=total)

    @contextlib.contextmanager
    def shown(self) -> Iterator[LiveStages]:
        with self._progress:
            yield self


class LoggedStages:
    """The non-interactive log: ``paralign: <stage>`` once per stage, when it starts."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._seen: set[str] = set()

    def __call__(self, stage: str, done: int, total: int) -> None:
        if stage in self._seen:
            return
        self._seen.add(stage)
        print(f"paralign: {stage_label(stage, total)}", file=self._stream, flush=True)

    @contextlib.contextmanager
    def shown(self) -> Iterator[LoggedStages]:
        yield self


class NoStages:
    """``-q``: nothing at all."""

    def __call__(self, stage: str, done: int, total: int) -> None:
        return None

    @contextlib.contextmanager
    def shown(self) -> Iterator[NoStages]:
        yield self


#: Any of the three displays: called with each report, entered (``shown``) around the work.
Stages = LiveStages | LoggedStages | NoStages


def stage_display(quiet: bool, stream: TextIO | None = None) -> Stages:
    """The display that suits ``stream`` (stderr by default): live on a terminal, a log elsewhere, or none."""
    stream = stream or sys.stderr
    if quiet:
        return NoStages()
    return LiveStages(stream) if stream.isatty() else LoggedStages(stream)
