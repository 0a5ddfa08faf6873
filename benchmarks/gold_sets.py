"""The layout every accuracy benchmark reads: ``NAME.SRC`` / ``NAME.TGT`` one sentence per line, and a gold ladder.

Shared by ``accuracy.py`` (pre-split) and ``languages.py`` (rebuilt as raw
text), so both take the same ``--set DIR SRC TGT`` and find the same files.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from pathlib import Path

#: Names a gold ladder may have beside ``NAME.SRC``: ``NAME.SRCTGT`` (Text+Berg), ``NAME.gold``, ``NAME.align`` (MAC).
GOLD_SUFFIXES = ("{src}{tgt}", "gold", "align")


def add_set_option(parser: argparse.ArgumentParser, default: str) -> None:
    """``--set DIR SRC TGT``, repeatable, into ``args.sets``; ``default`` says in words what runs without one."""
    parser.add_argument(
        "--set",
        dest="sets",
        nargs=3,
        action="append",
        metavar=("DIR", "SRC", "TGT"),
        help=f"a directory of NAME.SRC, NAME.TGT and gold NAME.SRCTGT|.gold|.align; repeatable (default: {default})",
    )


def documents(directory: Path, src: str, tgt: str) -> Iterator[tuple[Path, Path, Path]]:
    """``(source, target, gold ladder)`` of every document in ``directory`` that has all three, by name."""
    found = False
    for source in sorted(directory.glob(f"*.{src}")):
        stem = source.with_suffix("")
        golds = [stem.with_suffix("." + suffix.format(src=src, tgt=tgt)) for suffix in GOLD_SUFFIXES]
        gold = next((path for path in golds if path.exists()), None)
        target = stem.with_suffix(f".{tgt}")
        if gold is not None and target.exists():
            found = True
            yield source, target, gold
    if not found:
        raise SystemExit(f"{directory}: no NAME.{src} / NAME.{tgt} pairs with a gold ladder")
