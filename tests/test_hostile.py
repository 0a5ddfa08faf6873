"""Killed runs leave nothing half-written; hostile XML is refused without being expanded."""

from __future__ import annotations

import errno
import os
import re
import resource
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from conftest import EN, ES, ROOT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from paralign.cli import app
from paralign.errors import ExportError, InputError
from paralign.export._commit import JOURNAL_NAME, _locked, commit_files, recover
from paralign.export._xml import atomic_write
from paralign.formats import FORMATS, write_exports
from paralign.ladder import read_beads
from paralign.model import Alignment, Bead
from paralign.read import read_document
from paralign.safe_xml import parse_untrusted
from paralign.segment import segment

runner = CliRunner()

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<TEI xmlns="http://www.tei-c.org/ns/1.0"><text><back><linkGrp type="translation">
<link target="#src-s1 #tgt-s1" n="&lol9;"/>
</linkGrp></back></text></TEI>
"""

XXE = """<?xml version="1.0"?>
<!DOCTYPE TEI [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<TEI xmlns="http://www.tei-c.org/ns/1.0"><text><back><linkGrp type="translation">
<link target="#src-s1 #tgt-s1" n="&secret;"/>
</linkGrp></back></text></TEI>
"""

XXE_PARAMETER = """<?xml version="1.0"?>
<!DOCTYPE TEI SYSTEM "http://example.invalid/evil.dtd">
<TEI xmlns="http://www.tei-c.org/ns/1.0"><text><back><linkGrp type="translation">
<link target="#src-s1 #tgt-s1"/>
</linkGrp></back></text></TEI>
"""


@pytest.mark.parametrize("content", [BILLION_LAUGHS, XXE], ids=["billion laughs", "XXE /etc/passwd"])
def test_evaluate_refuses_entity_declarations(content: str, tmp_path: Path) -> None:
    hostile = tmp_path / "hostile.tei.xml"
    hostile.write_text(content, encoding="utf-8")
    gold = tmp_path / "gold.txt"
    gold.write_text("[0]:[0]\n", encoding="utf-8")
    started = time.monotonic()
    result = runner.invoke(app, ["evaluate", str(gold), str(hostile)])
    assert time.monotonic() - started < 10
    assert result.exit_code == 1
    assert (
        result.stderr.strip()
        == f"paralign: error: {hostile}: declares XML entities; refused (entity expansion is unsafe)"
    )
    assert "root:" not in result.output and "lollol" not in result.output


def test_external_dtd_is_never_fetched(tmp_path: Path) -> None:
    path = tmp_path / "external.xml"
    path.write_text(XXE_PARAMETER, encoding="utf-8")
    tree = parse_untrusted(path)  # parses, without loading the DTD or touching the network
    assert tree.docinfo.system_url == "http://example.invalid/evil.dtd"
    assert tree.docinfo.externalDTD is None


def test_corrections_json_that_is_xml_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "corrected.tsv"
    path.write_text(XXE, encoding="utf-8")
    result = runner.invoke(app, ["export", str(path), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1].startswith("paralign: error: ") and "root:" not in result.output


def test_malformed_xml_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.xml"
    path.write_text("<TEI><text>", encoding="utf-8")
    with pytest.raises(InputError, match="is not well-formed XML"):
        parse_untrusted(path)


KILL_SCRIPT = textwrap.dedent(
    """
    import os, pathlib, sys, time
    marker = pathlib.Path(sys.argv[1])
    stage = sys.argv[2]

    def stall(*args, **kwargs):
        marker.touch()
        time.sleep(60)

    if stage == "align":
        import paralign.pipeline
        paralign.pipeline.solve = stall
    elif stage == "export":
        import paralign.export._commit
        paralign.export._commit.os.fsync = stall
    else:  # the first export renamed into place, then a pause (the signal is deferred to the commit point)
        real_replace = os.replace

        def replace(source, target):
            real_replace(source, target)
            if pathlib.Path(target).name.startswith("bishkek") and not marker.exists():
                marker.touch()
                time.sleep(3)

        os.replace = replace
    from paralign.__main__ import main
    sys.argv = ["paralign", *sys.argv[3:]]
    main()
    """
)


@pytest.mark.slow
@pytest.mark.parametrize("stage", ["align", "export", "rename"])
def test_sigterm_leaves_earlier_exports_untouched(stage: str, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    earlier = {
        name: f"earlier {name}".encode() for name in ("bishkek-protocol.en-es.tmx", "bishkek-protocol.en-es.tei.xml")
    }
    for name, data in earlier.items():
        (out / name).write_bytes(data)
    marker = tmp_path / "stalled"
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    process = subprocess.Popen(
        [sys.executable, "-c", KILL_SCRIPT, str(marker), stage, "align", "-q", str(EN), str(ES), "--out", str(out)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        cwd=tmp_path,
    )
    deadline = time.monotonic() + 240
    while not marker.exists():
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the run never reached the stage"
        time.sleep(0.1)
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130
    assert stderr.decode().strip() == "paralign: error: interrupted; no export was changed"
    assert {p.name: p.read_bytes() for p in out.iterdir()} == earlier


# --- Export sets: all or nothing -------------------------------------------------------------------------------------

#: Writes every format of the Bishkek pair (confidences set by LABEL, so each run's set differs) into OUT, as
#: ``paralign align`` does; MODE says what happens at the first rename of an export into place:
#: ``none``, a signal's name (sent to itself right after that rename), or ``slow`` (each rename takes 20 ms, so
#: that concurrent runs would interleave without the folder lock).
SET_SCRIPT = textwrap.dedent(
    """
    import os, signal, sys, time
    from pathlib import Path
    sys.path.insert(0, sys.argv[4])
    from conftest import EN, ES
    from paralign.formats import FORMATS, write_exports
    from paralign.model import Alignment, Bead
    from paralign.read import read_document
    from paralign.segment import segment

    out, label, mode = Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    src, tgt = segment(read_document(EN, "en")), segment(read_document(ES, "es"))
    k = min(len(src.sentences), len(tgt.sentences))
    beads = [Bead((i,), (i,), label / 10) for i in range(k)]
    beads += [Bead((i,), (), 0.1) for i in range(k, len(src.sentences))]
    alignment = Alignment(src, tgt, tuple(beads))
    real_replace = os.replace

    def replace(source, target):
        real_replace(source, target)
        if Path(target).name.startswith("bishkek"):
            if mode == "slow":
                time.sleep(0.02)
            elif mode != "none":
                os.kill(os.getpid(), getattr(signal, mode))

    os.replace = replace
    print("ready", flush=True)
    try:
        write_exports(alignment, out, FORMATS)
    except KeyboardInterrupt:
        sys.exit(130)
    """
)


def run_set_script(out: Path, label: int, mode: str = "none", **options: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # type: ignore[call-overload, no-any-return]
        [sys.executable, "-c", SET_SCRIPT, str(out), str(label), mode, str(ROOT / "tests")],
        capture_output=True,
        text=True,
        env=dict(os.environ, PYTHONPATH=str(ROOT / "src")),
        timeout=120,
        **options,
    )


def export_set(out: Path) -> dict[str, bytes]:
    """What a user sees in the folder: every file, hidden ones included (journals, temps, backups)."""
    return {path.name: path.read_bytes() for path in sorted(out.iterdir())}


@pytest.fixture(scope="module")
def reference_sets(tmp_path_factory: pytest.TempPathFactory) -> dict[int, dict[str, bytes]]:
    """The complete set each label writes, written without interference."""
    sets = {}
    for label in (1, 2, 3, 4, 5):
        out = tmp_path_factory.mktemp(f"reference-{label}")
        assert run_set_script(out, label).returncode == 0
        sets[label] = export_set(out)
    assert len(sets[1]) == len(FORMATS) and sets[1] != sets[2]
    return sets


@pytest.mark.parametrize(("mode", "returncode"), [("SIGINT", 130), ("SIGTERM", -signal.SIGTERM)])
def test_signal_at_the_first_rename_leaves_the_old_set(
    mode: str, returncode: int, reference_sets: dict[int, dict[str, bytes]], tmp_path: Path
) -> None:
    assert run_set_script(tmp_path, 1).returncode == 0
    done = run_set_script(tmp_path, 2, mode)
    assert done.returncode == returncode, done.stderr
    assert export_set(tmp_path) == reference_sets[1]


def test_sigkill_at_the_first_rename_is_rolled_back_by_the_next_write(
    reference_sets: dict[int, dict[str, bytes]], tmp_path: Path
) -> None:
    assert run_set_script(tmp_path, 1).returncode == 0
    killed = run_set_script(tmp_path, 2, "SIGKILL")
    assert killed.returncode == -signal.SIGKILL
    left = export_set(tmp_path)
    assert JOURNAL_NAME in left and any(name.endswith(".part") for name in left)
    assert [name for name in reference_sets[1] if left[name] != reference_sets[1][name]] == [
        "bishkek-protocol.en-es.tmx"
    ]
    with _locked(tmp_path):
        recover(tmp_path)
    assert export_set(tmp_path) == reference_sets[1]
    assert run_set_script(tmp_path, 2, "SIGKILL").returncode == -signal.SIGKILL
    assert run_set_script(tmp_path, 3).returncode == 0
    assert export_set(tmp_path) == reference_sets[3]


def test_full_disk_leaves_the_old_set_and_says_so(reference_sets: dict[int, dict[str, bytes]], tmp_path: Path) -> None:
    """RLIMIT_FSIZE makes the kernel refuse the fourth file (the 42 kB review page) after three were written."""
    assert run_set_script(tmp_path, 1).returncode == 0

    def limit_file_size() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (30_000, 30_000))

    done = run_set_script(tmp_path, 2, preexec_fn=limit_file_size)
    assert done.returncode == 1
    assert done.stderr.strip().splitlines()[-1] == (
        f"paralign.errors.ExportError: {tmp_path / 'bishkek-protocol.en-es.review.html'}: "
        "cannot be written (File too large); no export was changed"
    )
    assert export_set(tmp_path) == reference_sets[1]


def test_failed_rename_rolls_back_the_renamed_files(
    reference_sets: dict[int, dict[str, bytes]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run_set_script(tmp_path, 1).returncode == 0
    real_replace = os.replace
    renamed: list[str] = []

    def replace(source: str | Path, target: str | Path) -> None:
        if Path(target).name.startswith("bishkek"):
            renamed.append(Path(target).name)
            if len(renamed) == 3:
                raise OSError(errno.ENOSPC, "No space left on device")
        real_replace(source, target)

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(ExportError) as caught:
        write_exports(bishkek_alignment(0.7), tmp_path, FORMATS)
    assert str(caught.value) == (
        f"{tmp_path / 'bishkek-protocol.en-es.xlf'}: cannot be written (No space left on device); no export was changed"
    )
    assert export_set(tmp_path) == reference_sets[1]


def test_failed_rollback_says_which_files_are_new(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    commit_files({tmp_path / "a.tmx": b"old a", tmp_path / "b.tei.xml": b"old b"})
    real_replace = os.replace

    def replace(source: str | Path, target: str | Path) -> None:
        if Path(target).name == "b.tei.xml" or Path(source).name.endswith(".backup"):
            raise OSError(errno.EIO, "Input/output error")
        real_replace(source, target)

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(ExportError) as caught:
        commit_files({tmp_path / "a.tmx": b"new a", tmp_path / "b.tei.xml": b"new b"})
    assert str(caught.value) == (
        f"{tmp_path / 'b.tei.xml'}: export failed (Input/output error) and so did the rollback (Input/output error): "
        "new: a.tmx; the rest are old; the next write into this folder restores the old set"
    )
    monkeypatch.undo()
    commit_files({tmp_path / "c.xlf": b"c"})
    assert export_set(tmp_path) == {"a.tmx": b"old a", "b.tei.xml": b"old b", "c.xlf": b"c"}


def test_stale_temp_and_backup_files_of_dead_runs_are_removed(tmp_path: Path) -> None:
    stale = [".bishkek-protocol.en-es.tmx.k2j4_x9a.part", ".bishkek-protocol.en-es.tei.xml.0abcdefg.backup"]
    kept = [".hidden-notes.part", "notes.part", "bishkek-protocol.en-es.tmx.k2j4_x9a.part"]
    for name in stale + kept:
        (tmp_path / name).write_bytes(b"x")
    atomic_write(tmp_path / "bishkek-protocol.en-es.tmx", b"new")
    assert sorted(export_set(tmp_path)) == sorted([*kept, "bishkek-protocol.en-es.tmx"])


def test_four_concurrent_runs_never_interleave_their_sets(
    reference_sets: dict[int, dict[str, bytes]], tmp_path: Path
) -> None:
    """Each rename takes 20 ms, so without the folder lock the last sets would mix."""
    runs = [
        subprocess.Popen(
            [sys.executable, "-c", SET_SCRIPT, str(tmp_path), str(label), "slow", str(ROOT / "tests")],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=dict(os.environ, PYTHONPATH=str(ROOT / "src")),
        )
        for label in (1, 2, 3, 4)
    ]
    for run in runs:
        _, stderr = run.communicate(timeout=120)
        assert run.returncode == 0, stderr
    final = export_set(tmp_path)
    assert final in [reference_sets[label] for label in (1, 2, 3, 4)]


def bishkek_alignment(confidence: float) -> Alignment:
    src, tgt = segment(read_document(EN, "en")), segment(read_document(ES, "es"))
    k = min(len(src.sentences), len(tgt.sentences))
    beads = [Bead((i,), (i,), confidence) for i in range(k)]
    beads += [Bead((i,), (), 0.1) for i in range(k, len(src.sentences))]
    return Alignment(src, tgt, tuple(beads))


# --- evaluate: hostile bead files are one-line errors, never "internal error" nor scored silently --------------------


def tei(links: list[str], sentences: int = 3) -> str:
    """A minimal paralign TEI export: ``sentences`` per side, then the given link targets."""
    body = "".join(
        f'<text xml:id="{side}"><body><p>'
        + "".join(f'<s xml:id="{side}-s{n}">S{n}.</s>' for n in range(1, sentences + 1))
        + "</p></body></text>"
        for side in ("src", "tgt")
    )
    link_elements = "".join(f'<link target="{target}"/>' for target in links)
    return (
        '<TEI xmlns="http://www.tei-c.org/ns/1.0"><text><group>'
        + body
        + f'</group><back><linkGrp type="translation">{link_elements}</linkGrp></back></text></TEI>'
    )


GOOD_LINKS = ["#src-s1 #tgt-s1", "#src-s2 #tgt-s2", "#src-s3 #tgt-s3"]


@pytest.mark.parametrize(
    ("target", "problem"),
    [
        ("#src-s² #tgt-s3", "link target '#src-s²' is not a paralign sentence id"),
        ("#src-s0 #tgt-s3", "link target '#src-s0' is not a paralign sentence id"),
        ("#src-s" + "9" * 5000 + " #tgt-s3", "link target '#src-s" + "9" * 34 + "' is not a paralign sentence id"),
        ("#src-s9 #tgt-s3", "link target '#src-s9' points to no sentence (dangling)"),
        ("#src-s3", "link '#src-s3' does not join a source and a target (one-sided pointers)"),
        ("", "link '' does not join a source and a target (one-sided pointers)"),
    ],
    ids=["superscript", "s0", "5,000 digits", "dangling", "single pointer", "empty"],
)
def test_evaluate_refuses_bad_tei_links(target: str, problem: str, tmp_path: Path) -> None:
    gold = tmp_path / "gold.txt"
    gold.write_text("[0]:[0]\n[1]:[1]\n[2]:[2]\n", encoding="utf-8")
    test = tmp_path / "test.tei.xml"
    test.write_text(tei([*GOOD_LINKS[:2], target]), encoding="utf-8")
    result = runner.invoke(app, ["evaluate", str(gold), str(test)])
    assert result.exit_code == 1
    assert result.stderr.strip() == f"paralign: error: {test}: {problem}"


def test_evaluate_reads_a_good_tei_with_an_unaligned_sentence(tmp_path: Path) -> None:
    gold = tmp_path / "gold.txt"
    gold.write_text("[0]:[0]\n[1]:[1]\n[2]:[]\n[]:[2]\n", encoding="utf-8")
    test = tmp_path / "test.tei.xml"
    test.write_text(tei([*GOOD_LINKS[:2], "#src-s3 #tgt", "#src #tgt-s3"]), encoding="utf-8")
    result = runner.invoke(app, ["evaluate", str(gold), str(test), "--json"])
    assert result.exit_code == 0, result.output
    assert '"f1_strict": 1.0' in result.stdout


def test_evaluate_refuses_alignments_of_different_texts(tmp_path: Path) -> None:
    gold = tmp_path / "gold.txt"
    gold.write_text("[0]:[0]\n[1]:[1]\n", encoding="utf-8")
    test = tmp_path / "test.txt"
    test.write_text("[0]:[0]\n[1]:[1]\n[2]:[2]\n", encoding="utf-8")
    result = runner.invoke(app, ["evaluate", str(gold), str(test)])
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        f"paralign: error: {test}: covers 3 source and 3 target sentences, but its gold gold.txt covers 2 and 2: "
        "not alignments of the same texts"
    )


def test_evaluate_refuses_xml_nested_10000_deep(tmp_path: Path) -> None:
    deep = tmp_path / "deep.tei.xml"
    deep.write_text("<TEI>" + "<a>" * 10_000 + "</a>" * 10_000 + "</TEI>", encoding="utf-8")
    gold = tmp_path / "gold.txt"
    gold.write_text("[0]:[0]\n", encoding="utf-8")
    result = runner.invoke(app, ["evaluate", str(gold), str(deep)])
    assert result.exit_code == 1
    assert re.fullmatch(
        rf"paralign: error: {re.escape(str(deep))}: is not well-formed XML \(.*\)", result.stderr.strip()
    )


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_evaluate_refuses_devices_at_once(device: str, tmp_path: Path) -> None:
    gold = tmp_path / "gold.txt"
    gold.write_text("[0]:[0]\n", encoding="utf-8")
    result = runner.invoke(app, ["evaluate", str(gold), device])
    assert result.exit_code == 1
    assert (
        result.stderr.strip() == f"paralign: error: {device}: is a device, not an alignment file; give a regular file"
    )


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    content=st.one_of(
        st.binary(max_size=300),
        st.lists(st.sampled_from(["[", "]", ":", ",", " ", "0", "7", "²", "\n", "-", "9" * 12, "é"])).map("".join),
        st.lists(st.sampled_from(GOOD_LINKS + ["#src-s0", "#tgt", "#src", "#src-s4", "#x", "#src-s1 #tgt-s1"])).map(
            lambda targets: tei([" ".join(targets[i : i + 2]) for i in range(0, len(targets), 2)])
        ),
    )
)
def test_bead_readers_give_beads_or_an_input_error(content: bytes | str, tmp_path: Path) -> None:
    path = tmp_path / "fuzzed"
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    try:
        beads = read_beads(path)
    except InputError as error:
        assert str(error).startswith(f"{path}: ") and "\n" not in str(error)
        return
    assert all(all(0 <= i < 2**31 for i in side) for bead in beads for side in bead)


@pytest.mark.parametrize("tgt_lang", ["es/../../escaped", "es/x"])
def test_export_paths_never_leave_the_out_folder(tmp_path: Path, tgt_lang: str) -> None:
    """The last line of defence behind the language-code checks: a path that would leave --out is refused."""
    from paralign.errors import ExportError
    from paralign.formats import export_paths

    with pytest.raises(ExportError, match="would be written outside"):
        export_paths(tmp_path / "out", Path("report.en.txt"), "en", tgt_lang, ["tmx", "tei"])
