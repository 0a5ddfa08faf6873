"""The command as a person meets it in a terminal: start-up, progress, interrupts, refusals, help.

Every test runs the installed ``paralign`` command in a fresh process, the
way a translator or a batch script runs it, because start-up imports,
signal handling and "is stderr a terminal?" only exist there.
"""

from __future__ import annotations

import os
import pty
import select
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import EN, ES, TEXTS

PARALIGN = Path(sys.executable).parent / "paralign"
HEAVY = ("numba", "torch", "sentence_transformers", "nltk")
STEM = "bishkek-protocol.en-es"
#: Bytes that stand in for an earlier run's exports: an interrupted run must leave them as they are.
OLD = {".tmx": b"old tmx", ".tei.xml": b"old tei"}

_PROBE = """
import sys
sys.argv = ["paralign", *sys.argv[1:]]
from paralign.__main__ import main
try:
    main()
except SystemExit:
    pass
print("HEAVY:" + " ".join(m for m in {heavy!r} if m in sys.modules), file=sys.stderr)
"""


def paralign(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(PARALIGN), *args], capture_output=True, text=True, timeout=300, env=env, check=False)


@pytest.mark.parametrize("args", [["--help"], ["--version"], ["evaluate", "--help"], ["export", "--help"]])
def test_start_up_loads_no_aligner(args: list[str]) -> None:
    probe = subprocess.run(
        [sys.executable, "-c", _PROBE.format(heavy=HEAVY), *args], capture_output=True, text=True, check=False
    )
    assert probe.stderr.rsplit("HEAVY:", 1)[-1].strip() == "", probe.stderr


def test_help_shows_flags_as_flags_within_80_columns() -> None:
    result = paralign("align", "--help", env=dict(os.environ, COLUMNS="80"))
    assert result.returncode == 0
    assert "<bool>" not in result.stdout and "…" not in result.stdout.replace("(en, es-ES, …)", "")
    assert max(len(line) for line in result.stdout.splitlines()) <= 80
    assert "  --presplit  " in result.stdout or "  --presplit " in result.stdout
    assert "--cache / --no-cache" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["align"], "Missing argument 'SOURCE'"),
        (["align", "--src-lang", 'es" onload="x', "a", "b"], "is not a language code"),
        (["align", "--tgt-lang", "es/../../tmp", "a", "b"], "is not a language code"),
        (["align", "--bogus", "a", "b"], "No such option: --bogus"),
        (["frobnicate"], "No such command"),
    ],
)
def test_usage_errors_are_one_line_exit_2(args: list[str], message: str) -> None:
    result = paralign(*args)
    assert result.returncode == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("paralign: error: ") and message in lines[0], result.stderr


def test_a_missing_file_is_one_line_with_no_blank_line(tmp_path: Path) -> None:
    result = paralign("align", "-q", str(tmp_path / "missing.txt"), str(ES), "--out", str(tmp_path))
    assert result.returncode == 1
    assert result.stderr == f"paralign: error: {tmp_path / 'missing.txt'}: no such file\n"


def test_a_language_mismatch_names_the_option_and_exports_nothing(tmp_path: Path) -> None:
    """English declared as Spanish: exit 3, the fix named; --allow-low-confidence is not the way round it."""
    for extra in ([], ["--allow-low-confidence"]):
        result = paralign("align", "-q", str(EN), str(TEXTS / "peace-process.en.txt"), "--out", str(tmp_path), *extra)
        assert result.returncode == 3, result.stderr
        [line] = result.stderr.splitlines()
        assert "peace-process.en.txt: looks like 'en'" in line and "not the declared 'es'" in line
        assert "--tgt-lang en" in line and "--allow-language-mismatch" in line
        assert list(tmp_path.iterdir()) == []


def test_the_same_text_twice_is_refused(tmp_path: Path) -> None:
    copy = tmp_path / "copy.en.txt"
    shutil.copy(EN, copy)
    result = paralign("align", "-q", str(EN), str(copy), "--tgt-lang", "en", "--out", str(tmp_path / "out"))
    assert result.returncode == 3, result.stderr
    [line] = result.stderr.splitlines()
    assert "it is the same text, not a translation" in line
    assert not any((tmp_path / "out").glob("*"))


@pytest.mark.slow
def test_progress_is_a_plain_log_when_stderr_is_not_a_terminal(tmp_path: Path) -> None:
    result = paralign("align", str(EN), str(ES), "--out", str(tmp_path), "--no-cache")
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines() == [
        "paralign: segmenting 2 texts",
        "paralign: loading model",
        "paralign: embedding 169 texts",
        "paralign: aligning",
        "paralign: writing",
    ]
    quiet = paralign("align", "-q", str(EN), str(ES), "--out", str(tmp_path))
    assert quiet.returncode == 0 and quiet.stderr == ""


@pytest.mark.slow
def test_progress_is_live_on_a_terminal(tmp_path: Path) -> None:
    """Under a pseudo-terminal the rows redraw: spinners, the embedding count moving, a rate."""
    command = [str(PARALIGN), "align", str(EN), str(ES), "--out", str(tmp_path), "--no-cache", "-f", "tmx"]
    leader, follower = pty.openpty()
    process = subprocess.Popen(command, stdin=follower, stdout=follower, stderr=follower, close_fds=True)
    os.close(follower)
    screen = bytearray()
    while True:
        ready, _, _ = select.select([leader], [], [], 60)
        if not ready:
            break
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        screen += chunk
    assert process.wait(timeout=60) == 0
    os.close(leader)
    text = screen.decode("utf-8", "replace")
    for stage in ("segmenting 2 texts", "loading model", "embedding 169 texts", "aligning", "writing"):
        assert stage in text, stage
    assert "/s, " in text  # the rate while embedding
    counts = {f"{n}/169" for n in range(1, 169)}
    assert sum(count in text for count in counts) >= 3  # the count moved, not one jump from 0 to 169
    assert text.count("⠋") + text.count("⠙") + text.count("⠹") >= 3  # spinners turned


def _old_set(out: Path) -> None:
    out.mkdir()
    for suffix, content in OLD.items():
        (out / f"{STEM}{suffix}").write_bytes(content)


def _exports(out: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in out.iterdir()}


def _assert_interrupted_cleanly(process: subprocess.Popen[bytes], out: Path) -> None:
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 130, stderr
    assert stderr.decode() == "paralign: error: interrupted; no export was changed\n"
    assert _exports(out) == {f"{STEM}{suffix}": content for suffix, content in OLD.items()}


def _handlers_installed(pid: int) -> bool:
    """Whether the process catches SIGTERM yet: the moment paralign's own code starts, before its first import.

    Python itself catches only SIGINT; ``paralign.interrupts.install`` is what sets the SIGTERM bit of
    ``SigCgt``. Before that the interpreter is still starting, and no program can answer a signal there.
    """
    status = Path(f"/proc/{pid}/status").read_text(encoding="ascii")
    caught = int(next(line.split()[1] for line in status.splitlines() if line.startswith("SigCgt:")), 16)
    return bool(caught >> (signal.SIGTERM - 1) & 1)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("delay", "signum"),
    [(0.0, signal.SIGINT), (0.0, signal.SIGTERM), (0.3, signal.SIGTERM), (1.0, signal.SIGINT), (2.5, signal.SIGTERM)],
)
def test_an_interrupt_at_any_moment_is_one_line_and_130(tmp_path: Path, delay: float, signum: int) -> None:
    """From the first import (delay 0: as soon as the handlers are in) to the model loading: one line, exit 130."""
    out = tmp_path / "out"
    _old_set(out)
    process = subprocess.Popen(
        [str(PARALIGN), "align", "-q", "--no-cache", str(EN), str(ES), "--out", str(out)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 30
    while not _handlers_installed(process.pid) and time.monotonic() < deadline:
        time.sleep(0.0005)
    time.sleep(delay)
    process.send_signal(signum)
    _assert_interrupted_cleanly(process, out)


@pytest.mark.slow
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_an_interrupt_while_writing_leaves_one_whole_set_and_says_which(tmp_path: Path, signum: int) -> None:
    """Signalled as the "writing" stage starts: the old set or the complete new one, and the line says which."""
    out = tmp_path / "out"
    _old_set(out)
    log = []
    with subprocess.Popen(
        [str(PARALIGN), "align", "--no-cache", str(EN), str(ES), "--out", str(out)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    ) as process:
        assert process.stderr is not None and process.stdout is not None
        for raw in process.stderr:
            log.append(raw.decode().rstrip("\n"))
            if log[-1] == "paralign: writing":
                process.send_signal(signum)
        stdout = process.stdout.read()
    assert process.returncode == 130, log
    assert b"wrote:" not in stdout
    exports = _exports(out)
    if log[-1] == "paralign: error: interrupted; no export was changed":
        assert exports == {f"{STEM}{suffix}": content for suffix, content in OLD.items()}
    else:
        assert log[-1] == "paralign: error: interrupted after the exports were written; they are complete", log
        assert sorted(exports) == [f"{STEM}.tei.xml", f"{STEM}.tmx"]
        assert all(content not in OLD.values() for content in exports.values())


def _with_one_bad_sequence(tmp_path: Path) -> Path:
    """The Spanish protocol, valid UTF-8 but for one encoded surrogate (``ED A0 80``) after its first sentence."""
    data = ES.read_bytes()
    cut = data.index(b". ", 500) + 1
    path = tmp_path / "bishkek-protocol.es.txt"
    path.write_bytes(data[:cut] + b"\xed\xa0\x80" + data[cut:])
    return path


def test_invalid_utf8_is_refused_not_guessed(tmp_path: Path) -> None:
    bad = _with_one_bad_sequence(tmp_path)
    result = paralign("align", "-q", str(EN), str(bad), "--out", str(tmp_path / "out"))
    assert result.returncode == 1
    assert result.stderr.startswith(f"paralign: error: {bad}: invalid UTF-8 at byte ")
    assert len(result.stderr.splitlines()) == 1


@pytest.mark.slow
def test_replace_invalid_utf8_keeps_every_accent(tmp_path: Path) -> None:
    bad = _with_one_bad_sequence(tmp_path)
    result = paralign("align", "-q", "--replace-invalid-utf8", str(EN), str(bad), "--out", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    assert "invalid UTF-8 sequences replaced with U+FFFD" in result.stderr
    tmx = (tmp_path / "out" / f"{STEM}.tmx").read_text(encoding="utf-8")
    assert "firmó" in tmx and "Ã" not in tmx


@pytest.mark.slow
def test_any_file_name_goes_end_to_end(tmp_path: Path) -> None:
    """Invalid UTF-8, a newline and the TSV header separator in the name: align, the summary, the sheet's round trip."""
    name = os.fsdecode(b"prot\xffcol\nx | y.en.txt")
    shutil.copy(EN, tmp_path / name)
    shutil.copy(ES, tmp_path / "es.txt")
    run = [str(PARALIGN), "align", "-q", name, "es.txt", "-o", "out", "-f", "tmx,tsv"]
    aligned = subprocess.run(run, cwd=tmp_path, capture_output=True, timeout=300, check=False)
    assert aligned.returncode == 0, aligned.stderr
    summary = aligned.stdout.decode("utf-8")  # printable: the bad byte as U+FFFD, the newline escaped
    assert "source: prot\ufffdcol\\nx | y.en.txt (en), 23 sentences" in summary
    sheet = tmp_path / "out" / os.fsdecode(b"prot\xffcol\nx | y.en-es.tsv")
    again = subprocess.run(
        [str(PARALIGN), "export", "-q", str(sheet), "-o", str(tmp_path / "again")], capture_output=True, check=False
    )
    assert again.returncode == 0, again.stderr
    assert sorted(os.listdir(tmp_path / "again")) == sorted(
        os.fsdecode(b"prot\xffcol\nx | y.en-es" + suffix) for suffix in (b".tmx", b".tei.xml")
    )
