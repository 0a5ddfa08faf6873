"""What a batch remembers of each pair: its record, kept per pair on disk, and the report gathered from them.

A finished pair's record is written to ``OUT/.paralign-batch/KEY.json`` as
soon as its exports are in place, with its TMX units beside it
(``KEY.tmx``) for the merged memory: each file written whole or not at all,
the record last, so a record on disk means the pair is complete. A batch
killed at any moment therefore loses only the pairs in flight, and the next
run reads the records back and skips every pair whose two files (SHA-256 of
their bytes) and settings are what its record says, and whose exports are
still there. ``batch-report.json`` is gathered from the records, at
checkpoints and at the end.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from paralign.batch.pairing import Pairing
from paralign.batch.worker import ALIGNED, BatchSettings, PairStats
from paralign.export._xml import atomic_write

__all__ = ["REPORT_NAME", "SKIPPED", "STATE_FOLDER", "PairRecord", "StateStore", "report_bytes", "review_need"]

#: A pair this run did not redo: its files and settings are unchanged since the run that made its record.
SKIPPED = "skipped"
STATE_FOLDER = ".paralign-batch"
REPORT_NAME = "batch-report.json"
#: Bumped when the report's or the records' keys change meaning.
REPORT_VERSION = 1


@dataclass(frozen=True)
class PairRecord:
    """One pair's line in the report.

    ``outcome`` is what aligning the pair gave (aligned, refused, failed);
    ``status`` is the same, or ``skipped`` when this run reused the record of
    an earlier one. ``exports`` are relative to the output folder.
    """

    source: str
    target: str
    status: str
    outcome: str
    reason: str = ""
    stats: PairStats = PairStats()
    exports: tuple[str, ...] = ()
    source_sha256: str = ""
    target_sha256: str = ""
    settings_sha256: str = ""

    def as_json(self) -> dict[str, object]:
        """One flat object: the record's fields with its figures among them."""
        record = {field.name: getattr(self, field.name) for field in dataclasses.fields(self) if field.name != "stats"}
        return {
            **record,
            **dataclasses.asdict(self.stats),
            "note_problems": list(self.stats.note_problems),
            "warnings": list(self.stats.warnings),
            "exports": list(self.exports),
        }

    @classmethod
    def from_json(cls, data: dict[str, object]) -> PairRecord:
        """A record read back; raises ``TypeError``/``KeyError`` on anything this version did not write."""
        stats = {item.name: data[item.name] for item in dataclasses.fields(PairStats)}
        for name in ("note_problems", "warnings"):
            stats[name] = tuple(str(item) for item in _list(stats[name]))
        fields = {item.name: data[item.name] for item in dataclasses.fields(cls) if item.name != "stats"}
        fields["exports"] = tuple(str(item) for item in _list(fields["exports"]))
        return cls(**fields, stats=PairStats(**stats))  # type: ignore[arg-type]  # the values were written by as_json

    def reused(self) -> PairRecord:
        """The record as this run reports it: skipped, with what it was."""
        return dataclasses.replace(self, status=SKIPPED)


def review_need(record: PairRecord) -> tuple[int, int, float]:
    """Sort key, most in need first: pairs that did not align, then beads under 0.5 and note problems, then lowest."""
    if record.outcome != ALIGNED:
        return (0, 0, 0.0)
    return (1, -record.stats.to_check, record.stats.lowest_confidence or 0.0)


class StateStore:
    """The per-pair records and TMX units under ``OUT/.paralign-batch``."""

    def __init__(self, out: Path) -> None:
        self.folder = out / STATE_FOLDER

    def record(self, key: str) -> PairRecord | None:
        """The stored record of pair ``key``, or ``None`` if there is none or it cannot be read (the pair is redone)."""
        try:
            return PairRecord.from_json(json.loads((self.folder / f"{key}.json").read_text(encoding="utf-8")))
        except (OSError, ValueError, TypeError, KeyError):
            return None

    def memory(self, key: str) -> bytes | None:
        try:
            return (self.folder / f"{key}.tmx").read_bytes()
        except OSError:
            return None

    def save(self, key: str, record: PairRecord, memory: bytes) -> None:
        """Store the units first and the record last: a record on disk always has its units."""
        if memory:
            atomic_write(self.folder / f"{key}.tmx", memory)
        atomic_write(self.folder / f"{key}.json", json_bytes(record.as_json()))


def report_bytes(
    records: Sequence[PairRecord],
    pairing: Pairing,
    settings: BatchSettings,
    folders: tuple[Path, Path],
    finished: bool,
) -> bytes:
    """``batch-report.json``: settings, totals, one record per pair, the files left without a partner.

    ``finished`` is False at a checkpoint: the pairs still to do are not listed yet.
    """
    totals: dict[str, int] = {}
    for record in records:
        totals[record.status] = totals.get(record.status, 0) + 1
    report = {
        "version": REPORT_VERSION,
        "finished": finished,
        "source_folder": str(folders[0]),
        "target_folder": str(folders[1]),
        "settings": settings.as_json(),
        "settings_sha256": settings.fingerprint,
        "pairs_total": len(pairing.pairs),
        "totals": totals,
        "pairs": [record.as_json() for record in records],
        "unpaired_sources": list(pairing.unpaired_sources),
        "unpaired_targets": list(pairing.unpaired_targets),
    }
    return json_bytes(report)


def json_bytes(data: object) -> bytes:
    """Indented UTF-8 JSON; with a file name that is not UTF-8, all ASCII (its bytes as ``\\udcxx`` escapes)."""
    try:
        return json.dumps(data, indent=1, ensure_ascii=False).encode() + b"\n"
    except UnicodeEncodeError:
        return json.dumps(data, indent=1).encode() + b"\n"


def _list(value: object) -> list[object]:
    if not isinstance(value, list):
        raise TypeError(f"expected a list, got {type(value).__name__}")
    return value
