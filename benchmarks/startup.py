"""How fast the command starts, how fast a cached re-run is, and what an align's memory is spent on.

Everything is measured the way a translator runs it: the installed
``paralign`` command in a fresh process.

1. Start-up: wall time of ``paralign --help``, ``--version``, ``evaluate
   --help`` and ``export --help`` (best of 5), the heavy packages each loads
   (none of numba, torch, sentence-transformers, NLTK may appear), and the
   ten slowest imports of the CLI module by ``python -X importtime``.
2. A cached re-run of the protocol pair: one run fills a fresh cache, the
   second is timed (target: under 5 s).
3. Peak RSS of an uncached align of the protocol pair (``getrusage`` of the
   child), and where it goes: the resident size after each stage of
   ``align_texts`` in one process.

Run: ``.venv/bin/python benchmarks/startup.py``
"""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PARALIGN = Path(sys.executable).parent / "paralign"
PAIR = [str(ROOT / "texts" / "bishkek-protocol.en.txt"), str(ROOT / "texts" / "bishkek-protocol.es.txt")]
HEAVY = ("numba", "torch", "sentence_transformers", "nltk", "transformers")

_PROBE = """
import sys
sys.argv = ["paralign", *{args!r}]
from paralign.__main__ import main
try:
    main()
except SystemExit:
    pass
print("HEAVY:" + " ".join(m for m in {heavy!r} if m in sys.modules), file=sys.stderr)
"""

_STAGES = """
import sys
from paralign.pipeline import align_texts

def rss():
    with open("/proc/self/status") as status:
        rows = [line.split() for line in status if line.startswith(("VmRSS", "VmHWM"))]
    return {row[0].rstrip(":"): int(row[1]) // 1024 for row in rows}

seen = set()
def report(stage, done, total):
    if (stage, done == total) in seen:
        return
    seen.add((stage, done == total))
    now = rss()
    print(f"  {stage + (' done' if done == total else ' starts'):<24} {now['VmRSS']:>5} MB (peak {now['VmHWM']} MB)")

print(f"  {'after imports':<24} {rss()['VmRSS']:>5} MB")
align_texts(*sys.argv[1:3], progress=report)
"""


def best_wall(command: list[str], runs: int = 5, env: dict[str, str] | None = None) -> float:
    """Best wall time of ``command`` over ``runs`` runs (the machine's noise is one-sided)."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, capture_output=True, check=False, env=env)
        times.append(time.perf_counter() - start)
    return min(times)


def startup() -> None:
    print("start-up (best of 5, fresh process each):")
    for args in (["--help"], ["--version"], ["evaluate", "--help"], ["export", "--help"], ["align", "--help"]):
        seconds = best_wall([str(PARALIGN), *args])
        probe = subprocess.run(
            [sys.executable, "-c", _PROBE.format(args=args, heavy=HEAVY)], capture_output=True, text=True, check=False
        )
        heavy = probe.stderr.rsplit("HEAVY:", 1)[-1].strip() or "none"
        print(f"  paralign {' '.join(args):<16} {seconds:5.2f} s   heavy packages loaded: {heavy}")
    trace = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "import paralign.cli"], capture_output=True, text=True, check=False
    )
    rows = []
    for line in trace.stderr.splitlines():
        parts = line.split("|")
        if len(parts) == 3 and parts[1].strip().isdigit():
            rows.append((int(parts[1]), parts[2].strip()))
    total = max(rows)[0] if rows else 0
    print(f"  import paralign.cli: {total / 1e6:.2f} s cumulative; slowest (cumulative µs):")
    for micros, name in sorted(rows, reverse=True)[1:11]:
        print(f"    {micros:>8}  {name}")


def cached_rerun() -> None:
    cache = Path(tempfile.mkdtemp(prefix="paralign-cache-"))
    out = Path(tempfile.mkdtemp(prefix="paralign-out-"))
    env = dict(os.environ, PARALIGN_CACHE_DIR=str(cache))
    try:
        command = [str(PARALIGN), "align", "-q", *PAIR, "--out", str(out)]
        start = time.perf_counter()
        subprocess.run(command, env=env, capture_output=True, check=True)
        first = time.perf_counter() - start
        again = best_wall(command, runs=3, env=env)
        print(f"cached re-run of the protocol pair: {again:.2f} s (first run, filling the cache: {first:.2f} s)")
    finally:
        shutil.rmtree(cache, ignore_errors=True)
        shutil.rmtree(out, ignore_errors=True)


def peak_memory() -> None:
    out = Path(tempfile.mkdtemp(prefix="paralign-out-"))
    try:
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        subprocess.run(
            [str(PARALIGN), "align", "-q", "--no-cache", *PAIR, "--out", str(out)], capture_output=True, check=True
        )
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        print(f"peak RSS of 'paralign align --no-cache' on the protocol pair: {max(peak, before) / 1024:.0f} MB")
    finally:
        shutil.rmtree(out, ignore_errors=True)
    print("resident size as align_texts goes (one process, no cache):")
    subprocess.run([sys.executable, "-c", _STAGES, *PAIR], check=True)


if __name__ == "__main__":
    startup()
    cached_rerun()
    peak_memory()
