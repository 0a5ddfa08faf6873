"""``paralign batch`` from folders to files and a summary: what the CLI's ``batch`` command calls.

Kept out of ``cli.py`` so the command there stays a thin shell (options,
one-line errors, exit codes) and so a notebook can run a batch the same way.
"""

from __future__ import annotations

from pathlib import Path

from paralign.batch.pairing import Pairing, pair_folders, pair_listed
from paralign.batch.report import PairRecord
from paralign.batch.runner import BatchResult, dask_client, merged_name, run_batch
from paralign.batch.worker import ALIGNED, BatchSettings
from paralign.errors import InputError

__all__ = ["EXIT_NOT_ALL_ALIGNED", "batch_folders", "summary_lines"]

#: The exit status when some pair was refused or failed (as ``align`` exits 3 for a refused pair).
EXIT_NOT_ALL_ALIGNED = 3


def batch_folders(
    folders: tuple[Path, Path],
    out: Path,
    settings: BatchSettings,
    pairs_list: Path | None = None,
    scheduler: str | None = None,
    workers: int | None = None,
    quiet: bool = False,
) -> tuple[Pairing, BatchResult]:
    """Pair the folders (or read ``pairs_list``), align every pair on Dask, write everything into ``out``.

    Raises:
        InputError: a folder or the pairs list cannot be read, no pair was
            found, or the scheduler cannot be reached.
        ExportError: ``out`` cannot be written.
        ModelError: the model cannot be loaded.
    """
    from paralign.batch_progress import batch_display

    if pairs_list is not None:
        pairing = pair_listed(pairs_list, *folders)
    else:
        pairing = pair_folders(*folders, settings.src_lang, settings.tgt_lang, exclude=out)
    if not pairing.pairs:
        where = pairs_list or folders[0]
        raise InputError(where, f"no pair found (source files named like NAME.{settings.src_lang}.EXT?)")
    display = batch_display(quiet, len(pairing.pairs))
    with display.shown(), dask_client(scheduler, workers) as client:
        return pairing, run_batch(client, pairing, folders, out, settings, on_pair=display)


def summary_lines(pairing: Pairing, result: BatchResult, settings: BatchSettings) -> list[str]:
    """The table for stdout: one row per pair, totals, files without a partner, what was written."""
    lines = [f"{'status':<9} {'sentences':>11} {'beads':>6} {'mean':>6} {'lowest':>6} {'check':>5} {'s':>6}  pair"]
    lines.extend(_row(record) for record in result.records)
    counts: dict[str, int] = {}
    for record in result.records:
        counts[record.status] = counts.get(record.status, 0) + 1
    sentences = sum(record.stats.source_sentences + record.stats.target_sentences for record in result.records)
    totals = ", ".join(f"{count} {status}" for status, count in counts.items())
    lines.append(f"pairs: {len(result.records)} ({totals}), {sentences:,} sentences")
    lines.extend(f"no partner: {name} (source)" for name in pairing.unpaired_sources)
    lines.extend(f"no partner: {name} (target)" for name in pairing.unpaired_targets)
    if result.merged is not None:
        lines.append(f"wrote: {result.merged}")
    else:
        lines.append(f"no merged memory: no pair aligned ({merged_name(settings)} not written)")
    lines.extend(f"wrote: {path}" for path in (result.report, result.index))
    return lines


def _row(record: PairRecord) -> str:
    """``aligned  23/22  23  0.977  0.932  0  1.4  report.en.txt``; for a pair that did not align, its reason."""
    if record.outcome == ALIGNED:
        stats = record.stats
        sentences = f"{stats.source_sentences}/{stats.target_sentences}"
        numbers = (
            f"{sentences:>11} {stats.beads:>6} {stats.mean_confidence or 0:6.3f} "
            f"{stats.lowest_confidence or 0:6.3f} {stats.to_check:>5}"
        )
        tail = record.source
    else:
        numbers = " " * 39
        outcome = "" if record.status == record.outcome else f"{record.outcome}, "
        tail = f"{record.source}: {outcome}{record.reason}"
    return f"{record.status:<9} {numbers} {record.stats.seconds:6.1f}  {tail}"
