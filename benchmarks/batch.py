"""Batch throughput: a loop of ``paralign align`` against ``paralign batch`` with 1 and 2 workers.

The pairs are article-sized, built from the repository's protocol pair in a
temporary folder: each is the protocol (23 English and 22 Spanish sentences,
7 notes) under its own numbered heading, ``YEAR/report-N.en.txt`` and
``YEAR/report-N.es.txt`` in ten year folders. Every run is uncached
(``align --no-cache``; the batch's workers keep no cache), so each pair
costs its encoding.

Measured:

1. a shell loop of ``paralign align --no-cache -q`` over the first
   ``--loop`` pairs (each pays start-up and model loading);
2. ``paralign batch --workers 1`` and ``--workers 2`` over all ``--pairs``
   pairs, wall time from the command's start (cluster start and model
   loading included) and the pairs' own seconds from the report;
3. in one process, the per-pair overhead beyond encoding: a worker's
   ``align_pair`` timed whole and inside the model's ``encode`` (reading,
   segmenting, the language check, the DP, notes, exports), the goal being
   under 0.3 s.

Run: ``.venv/bin/python benchmarks/batch.py [--pairs 200] [--loop 10]``
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
EN = ROOT / "texts" / "bishkek-protocol.en.txt"
ES = ROOT / "texts" / "bishkek-protocol.es.txt"


def build_pairs(folder: Path, count: int) -> list[tuple[Path, Path]]:
    """``count`` numbered copies of the protocol pair under ten year folders."""
    english, spanish = EN.read_text(encoding="utf-8"), ES.read_text(encoding="utf-8")
    pairs = []
    for number in range(count):
        year = folder / str(2010 + number % 10)
        year.mkdir(parents=True, exist_ok=True)
        source, target = year / f"report-{number}.en.txt", year / f"report-{number}.es.txt"
        source.write_text(f"Report {number}\n\n{english}", encoding="utf-8")
        target.write_text(f"Informe {number}\n\n{spanish}", encoding="utf-8")
        pairs.append((source, target))
    return pairs


def align_loop(pairs: list[tuple[Path, Path]], out: Path) -> float:
    """Seconds for one ``paralign align`` process per pair, one after the other."""
    started = time.perf_counter()
    for source, target in pairs:
        command = [str(BIN / "paralign"), "align", str(source), str(target), "--out", str(out), "--no-cache", "-q"]
        subprocess.run(command, check=True, capture_output=True)
    return time.perf_counter() - started


def batch_run(folder: Path, out: Path, workers: int) -> tuple[float, list[dict[str, object]]]:
    """Seconds for one ``paralign batch`` over the folder, and the report's records."""
    command = [str(BIN / "paralign"), "batch", str(folder), str(folder), "--out", str(out), "--format", "tmx,tei"]
    started = time.perf_counter()
    subprocess.run([*command, "--workers", str(workers), "-q"], capture_output=True, check=False)
    seconds = time.perf_counter() - started
    records = json.loads((out / "batch-report.json").read_text(encoding="utf-8"))["pairs"]
    assert all(record["status"] == "aligned" for record in records), records
    return seconds, records


def overhead(pairs: list[tuple[Path, Path]]) -> tuple[float, float]:
    """Mean seconds per pair of a worker's ``align_pair``, whole and outside ``encode`` (model already loaded)."""
    from paralign.batch import worker
    from paralign.batch.worker import BatchSettings, PairTask, align_pair
    from paralign.verify import keep_language_model

    keep_language_model()  # as every batch worker does when it joins (worker.ModelLoader)
    encoding = [0.0]
    model = worker._model("use-multilingual-v3")

    class Timed:
        name = model.name

        def encode(self, texts: object, progress: object = None) -> object:
            started = time.perf_counter()
            try:
                return model.encode(texts, progress)  # type: ignore[arg-type]
            finally:
                encoding[0] += time.perf_counter() - started

    worker._model = lambda name: Timed()  # type: ignore[assignment,return-value]
    settings = BatchSettings("en", "es", ("tmx", "tei"))
    totals = []
    for source, target in pairs:
        task = PairTask(
            "k", source.name, target.name, str(source), str(target), str(source), str(target),
            source.read_bytes(), target.read_bytes(), settings,
        )  # fmt: skip
        started = time.perf_counter()
        assert align_pair(task).status == "aligned"
        totals.append(time.perf_counter() - started)
    return statistics.mean(totals), statistics.mean(totals) - encoding[0] / len(pairs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pairs", type=int, default=200, help="pairs for each batch run")
    parser.add_argument("--loop", type=int, default=10, help="pairs for the align loop (each ~10 s)")
    parser.add_argument("--overhead", type=int, default=10, help="pairs for the in-process overhead measure")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="paralign-batch-bench-") as scratch:
        folder = Path(scratch, "in")
        pairs = build_pairs(folder, args.pairs)
        sentences_per_pair = 23 + 22 + 2  # the two headings
        rows = []
        loop_seconds = align_loop(pairs[: args.loop], Path(scratch, "loop"))
        rows.append(("align loop", args.loop, loop_seconds, None))
        for workers in (1, 2):
            seconds, records = batch_run(folder, Path(scratch, f"batch{workers}"), workers)
            pair_seconds = statistics.mean(float(str(record["seconds"])) for record in records)
            rows.append((f"batch, {workers} worker{'s' * (workers > 1)}", len(records), seconds, pair_seconds))
        whole, outside = overhead(pairs[: args.overhead])
    print(f"{'run':<18} {'pairs':>6} {'wall s':>8} {'pairs/min':>10} {'sentences/s':>12} {'s/pair (worker)':>16}")
    for name, count, seconds, pair_seconds in rows:
        per_worker = f"{pair_seconds:.2f}" if pair_seconds is not None else "-"
        print(
            f"{name:<18} {count:>6} {seconds:8.1f} {count * 60 / seconds:10.1f} "
            f"{count * sentences_per_pair / seconds:12.1f} {per_worker:>16}"
        )
    print(f"align_pair in one process: {whole:.2f} s a pair, of which {outside:.2f} s outside encoding (goal < 0.3 s)")


if __name__ == "__main__":
    main()
