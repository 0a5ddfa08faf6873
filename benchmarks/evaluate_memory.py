"""Peak memory of ``paralign evaluate`` on a large ladder pair: it must stay within 3x the input.

Writes a gold ladder file of about ``--megabytes`` MB (1-1 beads, a 2-1 and a
1-0 every hundred sentences) and a test file that splits every 2-1 bead, runs
``paralign evaluate GOLD TEST`` in a child process and prints the child's peak
resident memory against the size of the input (both files).

    .venv/bin/python benchmarks/evaluate_memory.py --megabytes 200
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def write_ladders(gold: Path, test: Path, megabytes: int) -> None:
    """Gold and test files of about ``megabytes`` MB each, written in blocks of 100 beads."""
    src = tgt = 0
    with open(gold, "w", encoding="utf-8") as gold_out, open(test, "w", encoding="utf-8") as test_out:
        while gold_out.tell() < megabytes * 1024 * 1024:
            gold_lines, test_lines = [], []
            for position in range(100):
                if position == 50:
                    gold_lines.append(f"[{src}, {src + 1}]:[{tgt}]")
                    test_lines += [f"[{src}]:[{tgt}]", f"[{src + 1}]:[]"]
                    src, tgt = src + 2, tgt + 1
                elif position == 75:
                    gold_lines.append(f"[{src}]:[]")
                    test_lines.append(f"[{src}]:[]")
                    src += 1
                else:
                    gold_lines.append(f"[{src}]:[{tgt}]")
                    test_lines.append(f"[{src}]:[{tgt}]")
                    src, tgt = src + 1, tgt + 1
            gold_out.write("\n".join(gold_lines) + "\n")
            test_out.write("\n".join(test_lines) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megabytes", type=int, default=200, help="size of the gold file (the test is a bit larger)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        gold, test = Path(directory) / "gold.txt", Path(directory) / "test.txt"
        write_ladders(gold, test, args.megabytes)
        size = gold.stat().st_size + test.stat().st_size
        started = time.monotonic()
        done = subprocess.run(
            [sys.executable, "-m", "paralign", "evaluate", str(gold), str(test), "--json"],
            capture_output=True,
            text=True,
            env=dict(os.environ, PYTHONPATH=str(ROOT / "src")),
            check=False,
        )
        seconds = time.monotonic() - started
    if done.returncode:
        sys.exit(done.stderr)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    print(done.stdout.strip())
    print(f"input: {size / 2**20:,.0f} MB (gold and test), {seconds:.0f} s")
    print(f"peak RSS: {peak / 2**20:,.0f} MB = {peak / size:.2f}x the input")


if __name__ == "__main__":
    main()
