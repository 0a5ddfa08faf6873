"""A catalogue of bad inputs: each gets a one-line error and a non-zero exit, or a warned success.

Files are generated here from the real texts, not saved as binaries. The
expected outcome of each is part of the table, so the README's catalogue and
the behaviour cannot drift apart.
"""

from __future__ import annotations

import codecs
import os
import re
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import EN, ES, TEXTS
from typer.testing import CliRunner

from paralign.cli import app
from paralign.export.validate import validate_tmx
from paralign.safe_xml import parse_untrusted

runner = CliRunner()
SPANISH = ES.read_text(encoding="utf-8")
ENGLISH = EN.read_text(encoding="utf-8")


@dataclass(frozen=True)
class Case:
    """Build the inputs in ``tmp``; return the CLI arguments."""

    name: str
    build: Callable[[Path], list[str]]
    exit_code: int
    message: str  # a regular expression the stderr must match (one line), or the warning on success


def write(tmp: Path, name: str, data: bytes | str) -> str:
    path = tmp / name
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return str(path)


def out(tmp: Path) -> list[str]:
    return ["--out", str(tmp / "out")]


def spanish_as(tmp: Path, data: bytes, *extra: str) -> list[str]:
    return [str(EN), write(tmp, "es.txt", data), *out(tmp), *extra]


def read_only_export(tmp: Path) -> list[str]:
    target = tmp / "out" / "bishkek-protocol.en-es.tmx"
    target.parent.mkdir()
    target.write_text("precious", encoding="utf-8")
    target.chmod(stat.S_IRUSR | stat.S_IRGRP)
    return [str(EN), str(ES), *out(tmp)]


def fifo(tmp: Path) -> str:
    """A named pipe no one writes to: reading it would block forever."""
    os.mkfifo(tmp / "pipe")
    return str(tmp / "pipe")


def directory_in_the_way(tmp: Path) -> list[str]:
    (tmp / "out" / "bishkek-protocol.en-es.tei.xml").mkdir(parents=True)
    return [str(EN), str(ES), *out(tmp)]


def file_as_out_dir(tmp: Path) -> list[str]:
    write(tmp, "out", "not a directory")
    return [str(EN), str(ES), *out(tmp)]


CATALOGUE = [
    Case("missing file", lambda t: [str(t / "missing.txt"), str(ES), *out(t)], 1, r"missing\.txt: no such file"),
    Case("directory instead of file", lambda t: [str(t), str(ES), *out(t)], 1, r": is a directory, not a text file"),
    Case("empty file", lambda t: [write(t, "empty.txt", b""), str(ES), *out(t)], 1, r"empty\.txt: is empty"),
    Case(
        "whitespace only",
        lambda t: [write(t, "blank.txt", " \n\t\n  \n"), str(ES), *out(t)],
        1,
        r"blank\.txt: contains only whitespace",
    ),
    Case(
        "binary (PNG bytes)",
        lambda t: [write(t, "image.txt", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8), str(ES), *out(t)],
        1,
        r"image\.txt: is a binary file, not text",
    ),
    Case(
        "UTF-8 with BOM",
        lambda t: spanish_as(t, codecs.BOM_UTF8 + SPANISH.encode("utf-8")),
        0,
        r"byte order mark removed \(UTF-8\)",
    ),
    Case(
        "UTF-16 LE with BOM",
        lambda t: spanish_as(t, codecs.BOM_UTF16_LE + SPANISH.encode("utf-16-le")),
        0,
        r"byte order mark removed \(UTF-16-LE\)",
    ),
    Case(
        "UTF-16 BE with BOM",
        lambda t: spanish_as(t, codecs.BOM_UTF16_BE + SPANISH.encode("utf-16-be")),
        0,
        r"byte order mark removed \(UTF-16-BE\)",
    ),
    Case("cp1252, detected", lambda t: spanish_as(t, SPANISH.encode("cp1252")), 0, r"decoded as Windows-1252"),
    Case(
        "cp1252, --encoding",
        lambda t: [
            write(t, "en.txt", ENGLISH.encode("cp1252")),
            write(t, "es.txt", SPANISH.encode("cp1252")),
            "--encoding",
            "cp1252",
            *out(t),
        ],
        0,
        r"^$",
    ),
    Case(
        "CRLF line ends",
        lambda t: spanish_as(t, SPANISH.replace("\n", "\r\n").encode("utf-8")),
        0,
        r"CRLF or CR line ends converted",
    ),
    Case(
        "lone CR line ends",
        lambda t: spanish_as(t, SPANISH.replace("\n", "\r").encode("utf-8")),
        0,
        r"CRLF or CR line ends converted",
    ),
    Case(
        "NUL and other XML-illegal controls",
        lambda t: spanish_as(
            t, SPANISH.replace("Bakú", "Ba\x00kú\x07", 2).replace("CEI", "CEI\x1b", 1).encode("utf-8")
        ),
        0,
        r"5 control characters illegal in XML removed",
    ),
    Case(
        "5 MB single line",
        lambda t: [write(t, "huge.txt", "lorem ipsum " * 420_000), str(ES), *out(t)],
        1,
        r"huge\.txt: line 1: a sentence of 5,039,999 characters",
    ),
    Case(
        "unknown --encoding",
        lambda t: [str(EN), str(ES), "--encoding", "klingon", *out(t)],
        1,
        r"unknown encoding 'klingon'",
    ),
    Case(
        "wrong --encoding",
        lambda t: [str(EN), str(ES), "--encoding", "ascii", *out(t)],
        1,
        r"bishkek-protocol\.en\.txt: not valid ascii at byte \d+",
    ),
    Case(
        "both files the same language",
        lambda t: [str(EN), str(EN), *out(t)],
        3,
        r"looks like 'en' \(p=1\.00\), not the declared 'es'",
    ),
    Case(
        "source and target swapped",
        lambda t: [str(ES), str(EN), *out(t)],
        3,
        r"bishkek-protocol\.es\.txt: looks like 'es'.*not the declared 'en'",
    ),
    Case(
        "two unrelated texts",
        lambda t: [str(TEXTS / "peace-process.en.txt"), str(ES), *out(t)],
        3,
        r"only \d+% of sentences align with confidence",
    ),
    Case("output directory missing", lambda t: [str(EN), str(ES), "--out", str(t / "new" / "deeper")], 0, r"^$"),
    Case(
        "output directory not writable",
        lambda t: [str(EN), str(ES), "--out", "/proc/paralign-exports"],
        1,
        r"/proc/paralign-exports: (is not writable|cannot be)",
    ),
    Case("output directory is a file", file_as_out_dir, 1, r"out: is a file, not a directory"),
    Case("output path is a directory", directory_in_the_way, 1, r"bishkek-protocol\.en-es\.tei\.xml: is a directory"),
    Case(
        "output path is a read-only file", read_only_export, 1, r"bishkek-protocol\.en-es\.tmx: exists and is read-only"
    ),
    Case(
        "UTF-8 with one invalid sequence (ED A0 80)",
        lambda t: spanish_as(t, SPANISH.encode("utf-8").replace(b"Bak\xc3\xba", b"Bak\xed\xa0\x80", 1)),
        1,
        r"es\.txt: invalid UTF-8 at byte \d+ \(3 invalid UTF-8 sequences in otherwise UTF-8 text; refused rather than",
    ),
    Case(
        "/dev/zero as a text", lambda t: ["/dev/zero", str(ES), *out(t)], 1, r"/dev/zero: is a device, not a text file"
    ),
    Case(
        "/dev/urandom as a text",
        lambda t: [str(EN), "/dev/urandom", *out(t)],
        1,
        r"/dev/urandom: is a device, not a text file",
    ),
    Case("a FIFO as a text", lambda t: [fifo(t), str(ES), *out(t)], 1, r"pipe: is a pipe \(FIFO\), not a text file"),
    Case(
        "model path that does not exist",
        lambda t: [str(EN), str(ES), "--model", str(t / "no-model"), *out(t)],
        1,
        r"no-model: is not installed locally",
    ),
]


def _reaches_the_model(case: Case) -> bool:
    """Successes and the confidence check run the real model: those cases are ``slow``."""
    return case.exit_code == 0 or "align with confidence" in case.message


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(case, id=case.name, marks=[pytest.mark.slow] if _reaches_the_model(case) else [])
        for case in CATALOGUE
    ],
)
def test_bad_input(case: Case, tmp_path: Path) -> None:
    result = runner.invoke(app, ["align", "-q", *case.build(tmp_path)])
    assert "Traceback" not in result.output
    assert result.exit_code == case.exit_code, result.output
    stderr = result.stderr.strip()
    if case.exit_code:
        assert len(stderr.splitlines()) == 1, stderr
        assert stderr.startswith("paralign: error: ")
        assert re.search(case.message, stderr), stderr
    else:
        assert re.search(case.message, stderr, re.MULTILINE), stderr
        tmx = next(Path(line.removeprefix("wrote: ")) for line in result.stdout.splitlines() if line.endswith(".tmx"))
        assert validate_tmx(parse_untrusted(tmx)) == []
        assert "beads: 23 (22 × 1-1, 1 × 1-0)" in result.stdout


def test_read_only_export_is_left_untouched(tmp_path: Path) -> None:
    args = read_only_export(tmp_path)
    runner.invoke(app, ["align", "-q", *args])
    assert (tmp_path / "out" / "bishkek-protocol.en-es.tmx").read_text(encoding="utf-8") == "precious"
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["bishkek-protocol.en-es.tmx"]


@pytest.mark.slow
def test_unrelated_texts_export_with_allow_low_confidence(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["align", "-q", str(TEXTS / "peace-process.en.txt"), str(ES), *out(tmp_path), "--allow-low-confidence"]
    )
    assert result.exit_code == 0, result.output
    assert "does not look like a translation" in result.stderr
    assert any(line.startswith("warning: ") for line in result.stdout.splitlines())


@pytest.mark.slow
def test_text_without_sentence_final_punctuation(tmp_path: Path) -> None:
    bare = re.sub(r"[.?!]", "", ENGLISH.split("\n\n\n")[0])
    result = runner.invoke(app, ["align", "-q", write(tmp_path, "bare.en.txt", bare), str(ES), *out(tmp_path)])
    assert "Traceback" not in result.output
    assert result.exit_code == 0, result.output
    assert "source: bare.en.txt (en), 9 sentences" in result.stdout
