"""TSV and ladder exports, and rebuilding exports from a reviewer's corrected TSV."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from conftest import EN, ES
from typer.testing import CliRunner

from paralign.cli import app
from paralign.corrections import load_corrections
from paralign.errors import InputError
from paralign.export.validate import validate_tmx
from paralign.formats import write_exports
from paralign.ladder import read_ladder
from paralign.model import Alignment
from paralign.safe_xml import parse_untrusted

runner = CliRunner()


@pytest.fixture
def sheet(protocol: Alignment, tmp_path: Path) -> Path:
    (path,) = write_exports(protocol, tmp_path, ["tsv"])
    return path


def rows(path: Path) -> list[dict[str, str]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return list(csv.DictReader(lines[1:], delimiter="\t"))


def test_tsv_has_source_target_confidence_and_numbers(protocol: Alignment, sheet: Path) -> None:
    table = rows(sheet)
    assert len(table) == len(protocol.beads)
    assert (table[0]["src"], table[0]["tgt"], table[0]["target"]) == ("1", "", "")
    assert table[3]["source"].endswith("to the region.[1]") and table[3]["target"].endswith("a la región.505")
    assert float(table[1]["confidence"]) == pytest.approx(protocol.beads[1].confidence, abs=1e-4)


def test_ladder_round_trips_through_the_reader(protocol: Alignment, tmp_path: Path) -> None:
    (path,) = write_exports(protocol, tmp_path, ["ladder"])
    assert read_ladder(path) == [(b.src, b.tgt) for b in protocol.beads]
    assert path.read_text(encoding="utf-8").splitlines()[0].startswith("[0]:[]:")


def test_unchanged_sheet_rebuilds_the_same_exports(protocol: Alignment, sheet: Path, tmp_path: Path) -> None:
    rebuilt = load_corrections(sheet)
    assert [(b.src, b.tgt) for b in rebuilt.beads] == [(b.src, b.tgt) for b in protocol.beads]
    assert rebuilt.footnote_pairs == protocol.footnote_pairs


def test_corrected_sheet_merges_rows_and_keeps_notes(sheet: Path, tmp_path: Path) -> None:
    lines = sheet.read_text(encoding="utf-8").splitlines()
    table = rows(sheet)
    # The reviewer decides the title belongs with the first sentence: a 2-1 bead, typed as a person would.
    table[1]["src"] = "1 2"
    del table[0]
    with sheet.open("w", encoding="utf-8", newline="") as stream:
        stream.write(lines[0] + "\n")
        writer = csv.DictWriter(stream, fieldnames=list(table[0]), delimiter="\t", lineterminator="\n")
        writer.writeheader()
        writer.writerows(table)
    out = tmp_path / "rebuilt"
    result = runner.invoke(app, ["export", str(sheet), "--format", "tmx,tei", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "notes: 7 paired: 1→505" in result.stdout
    tmx = parse_untrusted(out / "bishkek-protocol.en-es.tmx")
    assert validate_tmx(tmx) == []
    first_source = "".join(tmx.getroot().find("body/tu/tuv/seg").itertext())
    assert first_source.startswith("What was the Bishkek Protocol, agreed on May 8, 1994, about? The Bishkek Protocol")
    assert len(list(tmx.getroot().iter("ph"))) == 14
    # The merged bead is the reviewer's: confidence 1.0 and marked; the aligner's beads are not.
    units = tmx.getroot().findall("body/tu")
    props = [{p.get("type"): p.text for p in tu.findall("prop")} for tu in units]
    assert props[0]["x-paralign-confidence"] == "1.0000" and props[0]["x-paralign-reviewed"] == "yes"
    assert not any("x-paralign-reviewed" in p for p in props[1:])


def test_export_from_another_folder(sheet: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The sheet records absolute paths and finds texts beside itself: the folder export runs in does not matter."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    result = runner.invoke(app, ["export", str(sheet), "--format", "tmx", "--out", "out"])
    assert result.exit_code == 0, result.output
    assert (elsewhere / "out" / "bishkek-protocol.en-es.tmx").exists()


def test_a_bad_row_is_one_line_in_the_sheets_numbers(sheet: Path, tmp_path: Path) -> None:
    lines = sheet.read_text(encoding="utf-8").splitlines()
    table = rows(sheet)
    table[5]["src"] = "5,6"
    with sheet.open("w", encoding="utf-8", newline="") as stream:
        stream.write(lines[0] + "\n")
        writer = csv.DictWriter(stream, fieldnames=list(table[0]), delimiter="\t", lineterminator="\n")
        writer.writeheader()
        writer.writerows(table)
    result = runner.invoke(app, ["export", str(sheet), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("paralign: error:")]
    assert errors == [f"paralign: error: {sheet}: row 8: src sentence 5 is already in row 7"], result.stderr


def test_sheet_with_a_skipped_sentence_is_refused(sheet: Path) -> None:
    lines = sheet.read_text(encoding="utf-8").splitlines()
    del lines[5]
    sheet.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match="row 6: src starts at sentence 5, but sentence 4 is in no row before it"):
        load_corrections(sheet)


def test_presplit_input_aligns_line_by_line(embedder: object, tmp_path: Path) -> None:
    src = tmp_path / "src.txt"
    tgt = tmp_path / "tgt.txt"
    src.write_text(
        "The cat sleeps on the sofa.\nIt is raining in Madrid today.\nThe museum opens at nine.\n", encoding="utf-8"
    )
    tgt.write_text("Le chat dort sur le canapé.\nLe musée ouvre à neuf heures.\n", encoding="utf-8")
    from paralign.pipeline import align_texts

    alignment = align_texts(src, tgt, "en", "fr", model=embedder, presplit_input=True)  # type: ignore[arg-type]
    assert [(b.src, b.tgt) for b in alignment.beads] == [((0,), (0,)), ((1,), ()), ((2,), (1,))]
    assert alignment.presplit


def _forced(tmp_path: Path, how: str) -> tuple[Path, Path, dict[str, object]]:
    """The protocol pair written so that it reads right only with one forced option, and that option."""
    documents = Path(__file__).parent / "data" / "documents"
    en, es = tmp_path / "protocol.en.txt", tmp_path / "protocol.es.txt"
    if how == "encoding":  # UTF-16 without a byte order mark: detection refuses it (NUL bytes)
        en.write_bytes(EN.read_text(encoding="utf-8").encode("utf-16-le"))
        es.write_bytes(ES.read_text(encoding="utf-8").encode("utf-16-le"))
        return en, es, {"encoding": "utf-16-le"}
    if how == "input_format":  # Markdown in .txt files: read as text, its markup would stay in
        en.write_bytes((documents / "bishkek-protocol.en.md").read_bytes())
        es.write_bytes((documents / "bishkek-protocol.es.md").read_bytes())
        return en, es, {"input_format": "md"}
    en.write_bytes(EN.read_bytes())  # a stray Latin-1 byte in otherwise UTF-8 Spanish: refused unless replaced
    es.write_bytes(ES.read_bytes().replace("región".encode(), b"regi\xf3n", 1))
    return en, es, {"replace_invalid_utf8": True}


@pytest.mark.parametrize("how", ["encoding", "input_format", "replace_invalid_utf8"])
def test_a_sheet_reads_its_texts_as_the_run_did(embedder: object, tmp_path: Path, how: str) -> None:
    from paralign.pipeline import align_texts

    en, es, forced = _forced(tmp_path, how)
    aligned = align_texts(en, es, "en", "es", model=embedder, **forced)  # type: ignore[arg-type]
    assert getattr(aligned.reading, how) == forced[how]
    (sheet,) = write_exports(aligned, tmp_path / "out", ["tsv"])
    header = sheet.read_text(encoding="utf-8").splitlines()[0]
    assert {"encoding": "encoding=utf-16-le", "input_format": "input_format=md"}.get(how, "invalid_utf8=replace") in (
        header.split(" | ")
    )
    rebuilt = load_corrections(sheet)
    assert rebuilt.source.document.text == aligned.source.document.text
    assert rebuilt.target.document.text == aligned.target.document.text
    assert [(b.src, b.tgt) for b in rebuilt.beads] == [(b.src, b.tgt) for b in aligned.beads]
    assert rebuilt.reading == aligned.reading
    # And through the command line, with the notes paired as before.
    result = runner.invoke(app, ["export", str(sheet), "--format", "tmx", "--out", str(tmp_path / "rebuilt")])
    assert result.exit_code == 0, result.output
    assert f"notes: {len(aligned.footnote_pairs)} paired" in result.stdout


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("encoding", "klingon-8", "'encoding' is 'klingon-8', not an encoding Python knows"),
        ("encoding", 5, "'encoding' must be null or the name of an encoding, not 5"),
        ("input_format", "exe", "'input_format' must be null or one of txt, md, html, docx, odt, pdf, not 'exe'"),
        ("replace_invalid_utf8", "yes", "'replace_invalid_utf8' must be true or false, not 'yes'"),
    ],
)
def test_reading_options_in_a_sheet_are_checked(field: str, value: object, message: str) -> None:
    from paralign.review_schema import from_json

    data = {"source": "a.txt", "target": "b.txt", "src_lang": "en", "tgt_lang": "es", "beads": [], field: value}
    with pytest.raises(ValueError) as caught:
        from_json(data)
    assert str(caught.value) == message
