"""``paralign batch --scheduler`` on a real cluster: ``dask scheduler`` and two ``dask worker`` processes on 127.0.0.1.

The workers share this machine but the batch treats them as remote: files go
to them as bytes, exports come back as bytes. One worker is killed (SIGKILL)
mid-batch; the batch must still end every pair exactly once, with exports
identical to single ``paralign align`` runs. Then the same command again
skips every finished pair. And the client itself is killed (SIGKILL) once a
pair is recorded: the same command again redoes only the rest.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import EN, ES, TEXTS
from distributed import Client
from lxml import etree

from paralign.batch.merged_tmx import DOCUMENT_PROP
from paralign.export.validate import validate_tmx

pytestmark = pytest.mark.slow

BIN = Path(sys.executable).parent
COPIES = ("2019", "2020", "2021")
STEM = "bishkek-protocol.en-es"


def _wait_for(condition: object, what: str, timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while not callable(condition) or not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.2)


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[tuple[str, list[subprocess.Popen[bytes]]]]:
    """A scheduler on a random port and two single-thread workers without nannies (a killed one stays dead)."""
    logs = tmp_path / "logs"
    logs.mkdir()
    scheduler_file = tmp_path / "scheduler.json"
    processes: list[subprocess.Popen[bytes]] = []

    def start(name: str, *args: str) -> subprocess.Popen[bytes]:
        with open(logs / f"{name}.log", "wb") as log:
            process = subprocess.Popen([str(BIN / "dask"), *args], stdout=log, stderr=subprocess.STDOUT)
        processes.append(process)
        return process

    try:
        start("scheduler", "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
              "--scheduler-file", str(scheduler_file))  # fmt: skip
        _wait_for(lambda: scheduler_file.exists() and scheduler_file.stat().st_size, "the scheduler", 60)
        address = json.loads(scheduler_file.read_text(encoding="utf-8"))["address"]
        workers = [
            start(
                f"worker{n}",
                "worker",
                address,
                "--nthreads",
                "1",
                "--no-nanny",
                "--no-dashboard",
                "--host",
                "127.0.0.1",
                "--name",
                f"worker{n}",
            )  # fmt: skip
            for n in range(2)
        ]
        yield address, workers
    finally:
        for process in processes:
            process.kill()
            process.wait()


def _folder(root: Path) -> Path:
    """The repository's texts, the protocol pair again in three year folders, a refused pair, an unreadable pair."""
    root.mkdir()
    for text in TEXTS.glob("*.txt"):
        shutil.copy(text, root)
    for year in COPIES:
        (root / year).mkdir()
        shutil.copy(EN, root / year)
        shutil.copy(ES, root / year)
    shutil.copy(TEXTS / "peace-process.en.txt", root / "peace-roadmap.es.txt")  # English declared Spanish
    (root / "broken.en.txt").write_bytes(b"\x89PNG\r\n\x1a\n\0\0\0junk")
    (root / "broken.es.txt").write_bytes(b"\x89PNG\r\n\x1a\n\0\0\0junk")
    return root


def _paralign(*args: str | Path) -> subprocess.CompletedProcess[str]:
    command = [str(BIN / "paralign"), *map(str, args)]
    return subprocess.run(command, capture_output=True, text=True, timeout=600, env=dict(os.environ, COLUMNS="200"))


def _batch_command(src: Path, out: Path, address: str) -> list[str]:
    """``paralign batch`` of the folder with itself (pairs by language suffix) on the scheduler at ``address``."""
    return [str(BIN / "paralign"), "batch", str(src), str(src), "--out", str(out), "--scheduler", address]


def _report(out: Path) -> dict[str, dict[str, object]]:
    report = json.loads((out / "batch-report.json").read_text(encoding="utf-8"))
    sources = [record["source"] for record in report["pairs"]]
    assert len(sources) == len(set(sources)), "a pair recorded twice"
    return {record["source"]: record for record in report["pairs"]}


def test_batch_on_a_scheduler_survives_a_killed_worker_and_resumes(
    tmp_path: Path, cluster: tuple[str, list[subprocess.Popen[bytes]]]
) -> None:
    address, workers = cluster
    src = _folder(tmp_path / "in")
    out = tmp_path / "out"
    command = _batch_command(src, out, address)
    with Client(address, timeout=30) as observer:
        observer.wait_for_workers(2, timeout=120)
        batch = subprocess.Popen([*command, "--format", "tmx,tei"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            doomed = next(a for a, w in observer.scheduler_info()["workers"].items() if w["name"] == "worker0")

            def aligning() -> bool:
                """worker0 holds a pair: its death costs that pair a retry on worker1."""
                running = observer.processing(workers=[doomed]).get(doomed, ())
                return any(str(key).startswith("paralign-pair-") for key in running)

            _wait_for(aligning, "worker0 to be given a pair")
            time.sleep(1)  # into the pair's work
            workers[0].kill()
            stdout, stderr = (stream.decode() for stream in batch.communicate(timeout=600))
        finally:
            batch.kill()
            batch.wait()
    assert workers[0].wait() != 0 and workers[1].poll() is None

    assert batch.returncode == 3, stderr
    progress = [line for line in stderr.splitlines() if line.startswith("paralign: ")]
    assert len(progress) == 6, stderr  # one line per pair: each ended exactly once
    records = _report(out)
    assert {source: record["status"] for source, record in records.items()} == {
        **{f"{year}/bishkek-protocol.en.txt": "aligned" for year in COPIES},
        "bishkek-protocol.en.txt": "aligned",
        "broken.en.txt": "failed",
        "peace-roadmap.en.txt": "refused",
    }
    assert "no partner: bishkek-protocol-wiki.en.txt (source)" in stdout
    assert "no partner: peace-process.en.txt (source)" in stdout

    # Against single runs of `paralign align` on the same files.
    single = _paralign("align", src / EN.name, src / ES.name, "--out", tmp_path / "single", "--no-cache", "-q")
    assert single.returncode == 0, single.stderr
    for folder in (out, *(out / year for year in COPIES)):
        for suffix in (".tmx", ".tei.xml"):
            assert (folder / f"{STEM}{suffix}").read_bytes() == (tmp_path / "single" / f"{STEM}{suffix}").read_bytes()
    refused = _paralign("align", src / "peace-roadmap.en.txt", src / "peace-roadmap.es.txt", "--out", tmp_path, "-q")
    assert refused.returncode == 3
    assert str(records["peace-roadmap.en.txt"]["reason"]) in refused.stderr
    unreadable = _paralign("align", src / "broken.en.txt", src / "broken.es.txt", "--out", tmp_path, "-q")
    assert unreadable.returncode == 1
    assert unreadable.stderr == f"paralign: error: {records['broken.en.txt']['reason']}\n"

    memory = etree.parse(str(out / "batch.en-es.tmx"))
    assert validate_tmx(memory) == []
    units = memory.findall("body/tu")
    assert len(units) == len(etree.parse(str(tmp_path / "single" / f"{STEM}.tmx")).findall("body/tu"))
    documents = {"bishkek-protocol.en.txt", *(f"{year}/bishkek-protocol.en.txt" for year in COPIES)}
    for unit in units:
        assert {prop.text for prop in unit.iter("prop") if prop.get("type") == DOCUMENT_PROP} == documents

    merged = (out / "batch.en-es.tmx").read_bytes()
    # The same command again, on the surviving worker: nothing aligned twice, the unreadable pair tried again.
    again = _paralign(*command[1:], "--format", "tmx,tei", "-q")
    assert again.returncode == 3, again.stderr
    assert {source: record["status"] for source, record in _report(out).items()} == {
        **{source: "skipped" for source in records},
        "broken.en.txt": "failed",
    }
    assert (out / "batch.en-es.tmx").read_bytes() == merged


def test_a_killed_batch_client_resumes_where_it_stopped(
    tmp_path: Path, cluster: tuple[str, list[subprocess.Popen[bytes]]]
) -> None:
    """SIGKILL the client once a pair is recorded: the same command again redoes only what was not recorded."""
    address, _ = cluster
    src = _folder(tmp_path / "in")
    out = tmp_path / "out"
    state = out / ".paralign-batch"
    command = [*_batch_command(src, out, address), "--format", "tmx,tei", "-q"]
    with Client(address, timeout=30) as observer:
        observer.wait_for_workers(2, timeout=120)
    batch = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_for(lambda: state.is_dir() and any(state.glob("*.json")), "a first recorded pair")
        batch.kill()
    finally:
        batch.kill()
        batch.wait()
    recorded = {path.stem for path in state.glob("*.json")}
    assert 1 <= len(recorded) < 6 and batch.returncode == -9

    again = _paralign(*command[1:])
    assert again.returncode == 3, again.stderr
    records = _report(out)  # every pair exactly once
    statuses = {source: record["status"] for source, record in records.items()}
    assert set(statuses) == {
        *(f"{year}/bishkek-protocol.en.txt" for year in COPIES),
        "bishkek-protocol.en.txt",
        "broken.en.txt",
        "peace-roadmap.en.txt",
    }
    skipped = {source for source, status in statuses.items() if status == "skipped"}
    assert skipped and len(skipped) <= len(recorded)  # a recorded failure is tried again; nothing else is
    assert statuses["broken.en.txt"] == "failed"
    protocol_exports = {(folder / f"{STEM}.tmx").read_bytes() for folder in (out, *(out / year for year in COPIES))}
    assert len(protocol_exports) == 1  # the same pair, aligned before or after the kill, exported identically
    memory = etree.parse(str(out / "batch.en-es.tmx"))
    assert validate_tmx(memory) == []
    documents = {"bishkek-protocol.en.txt", *(f"{year}/bishkek-protocol.en.txt" for year in COPIES)}
    for unit in memory.findall("body/tu"):
        assert {prop.text for prop in unit.iter("prop") if prop.get("type") == DOCUMENT_PROP} == documents
    assert not [path for path in out.rglob("*") if path.name.endswith((".part", ".backup", ".paralign-journal"))]
