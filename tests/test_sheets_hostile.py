"""Corrections sheets as untrusted input, and file names no exporter may choke on.

Every sheet here is written by the real exporters (``--format tsv`` and the
review page's embedded JSON) from an alignment of the real protocol pair whose
beads are those of the committed TEI export, so no test in this file loads the
model. Then it is damaged the way a stranger, a spreadsheet or a careless
reviewer would, and ``load_corrections`` must give an ``Alignment`` or one
``InputError`` line — never another exception, never a silent misreading.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import lxml.html
import pytest
from conftest import EN, ES, ROOT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from paralign import review_schema
from paralign.corrections import MAX_SHEET_BYTES, load_corrections
from paralign.errors import InputError, LanguageMismatch
from paralign.export.html import DATA_ID, html_bytes
from paralign.export.tsv import tsv_bytes
from paralign.export.validate import validate_tmx, validate_xliff
from paralign.footnotes import pair_anchors
from paralign.formats import FORMATS, write_exports
from paralign.ladder import read_links
from paralign.model import Alignment, Bead
from paralign.read import read_document
from paralign.safe_xml import parse_untrusted
from paralign.segment import segment

COMMITTED_TEI = ROOT / "exports" / "bishkek-protocol.en-es.tei.xml"
#: The committed beads' confidences are not needed: every bead gets this one, so a reviewed 1.0 stands out.
CONFIDENCE = 0.9
#: Sheet errors must be one line: the CLI prints them as they are.
ONE_LINE = "\n"


def aligned(source: Path, target: Path) -> Alignment:
    """The protocol pair read from ``source``/``target``, with the committed export's beads."""
    src = segment(read_document(source, "en"))
    tgt = segment(read_document(target, "es"))
    beads = tuple(Bead(s, t, CONFIDENCE) for s, t in read_links(COMMITTED_TEI))
    notes = pair_anchors(beads, [s.anchors for s in src.sentences], [s.anchors for s in tgt.sentences])
    return Alignment(src, tgt, beads, notes.pairs, notes.problems, model_name="use-multilingual-v3")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A translator's folder: ``texts/`` with the pair, ``exports/`` for the sheets."""
    (tmp_path / "texts").mkdir()
    shutil.copy(EN, tmp_path / "texts" / EN.name)
    shutil.copy(ES, tmp_path / "texts" / ES.name)
    return tmp_path


@pytest.fixture
def alignment(project: Path) -> Alignment:
    return aligned(project / "texts" / EN.name, project / "texts" / ES.name)


@pytest.fixture
def tsv(alignment: Alignment, project: Path) -> Path:
    (path,) = write_exports(alignment, project / "exports", ["tsv"])
    return path


@pytest.fixture
def review_json(alignment: Alignment, project: Path) -> Path:
    """What "Export JSON" downloads before any review: the page's embedded data."""
    return write_json(project / "exports" / "bishkek-protocol.review.json", page_data(alignment))


def page_data(alignment: Alignment) -> dict[str, object]:
    (script,) = lxml.html.fromstring(html_bytes(alignment)).xpath(f"//script[@id='{DATA_ID}']")
    data: dict[str, object] = json.loads(script.text)
    return data


def write_json(path: Path, data: object) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=1), encoding="utf-8")
    return path


def header_and_rows(sheet: Path) -> tuple[str, list[dict[str, str]]]:
    header, _, body = sheet.read_text(encoding="utf-8").partition("\n")
    return header, list(csv.DictReader(io.StringIO(body), delimiter="\t"))


def write_sheet(sheet: Path, header: str, table: list[dict[str, str]]) -> Path:
    with sheet.open("w", encoding="utf-8", newline="") as stream:
        stream.write(header + "\n")
        writer = csv.DictWriter(stream, fieldnames=list(table[0]), delimiter="\t", lineterminator="\n")
        writer.writeheader()
        writer.writerows(table)
    return sheet


def edit_rows(sheet: Path, change: Callable[[list[dict[str, str]]], None]) -> Path:
    header, table = header_and_rows(sheet)
    change(table)
    return write_sheet(sheet, header, table)


def edit_header(sheet: Path, old: str, new: str) -> Path:
    text = sheet.read_text(encoding="utf-8")
    assert old in text.partition("\n")[0]
    sheet.write_text(text.replace(old, new, 1), encoding="utf-8")
    return sheet


def edit_json(sheet: Path, change: Callable[[dict[str, object]], None]) -> Path:
    data = json.loads(sheet.read_text(encoding="utf-8"))
    change(data)
    return write_json(sheet, data)


def refusal(sheet: Path) -> str:
    """The one-line message ``load_corrections`` refuses ``sheet`` with."""
    with pytest.raises(InputError) as caught:
        load_corrections(sheet)
    message = str(caught.value)
    assert ONE_LINE not in message, message
    return message


def beads(alignment: Alignment) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    return [(bead.src, bead.tgt) for bead in alignment.beads]


# --- an untouched sheet ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["tsv", "json"])
def test_untouched_sheet_rebuilds_the_alignment(
    kind: str, request: pytest.FixtureRequest, alignment: Alignment
) -> None:
    rebuilt = load_corrections(request.getfixturevalue("tsv" if kind == "tsv" else "review_json"))
    assert beads(rebuilt) == beads(alignment)
    assert [b.confidence for b in rebuilt.beads] == [CONFIDENCE] * len(alignment.beads)
    assert not any(b.reviewed for b in rebuilt.beads)
    assert rebuilt.footnote_pairs == alignment.footnote_pairs
    assert rebuilt.warnings == ()


def test_tsv_header_records_absolute_paths_and_text_hashes(tsv: Path, alignment: Alignment) -> None:
    header, _ = header_and_rows(tsv)
    fields = dict(field.split("=", 1) for field in header.split(" | ")[1:])
    assert fields["version"] == "2"
    assert fields["source"] == str(alignment.source.document.path)
    assert Path(fields["target"]).is_absolute()
    assert fields["source_sha256"] == review_schema.text_sha256(alignment.source.document.text)


# --- 11.2: language codes, paths, hashes ---------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["es/../../../../tmp/X", 'x" onload="alert(1)', "", "es\tfr", "zz-9999999999"])
def test_a_language_code_that_is_not_bcp47_is_refused(tsv: Path, review_json: Path, code: str) -> None:
    assert "is not a language code like en, es or es-ES" in refusal(edit_header(tsv, "tgt_lang=es", f"tgt_lang={code}"))
    edit_json(review_json, lambda data: data.update(tgt_lang=code))
    assert "is not a language code like en, es or es-ES" in refusal(review_json)


def test_no_value_of_a_sheet_reaches_an_export_path(tsv: Path, project: Path) -> None:
    """What a sheet gives that names files (languages, the source name) lands inside --out, or is refused."""
    edit_header(tsv, "src_lang=en", "src_lang=en-GB")
    rebuilt = load_corrections(tsv)
    out = project / "out"
    for path in write_exports(rebuilt, out, FORMATS):
        assert path.resolve().parent == out.resolve()


def test_a_sheet_naming_another_file_is_refused_by_its_hash(tsv: Path, project: Path) -> None:
    intruder = project / "passwd"
    intruder.write_text("root:x:0:0:root:/root:/bin/bash\n" * 20, encoding="utf-8")
    edit_header(tsv, f"source={project / 'texts' / EN.name}", f"source={intruder}")
    assert f"{intruder}: has changed since it was aligned (sha256 " in refusal(tsv)


def test_a_text_edited_since_the_alignment_is_refused(tsv: Path, review_json: Path, project: Path) -> None:
    spanish = project / "texts" / ES.name
    spanish.write_text(spanish.read_text(encoding="utf-8").replace("Bishkek", "Biskek", 1), encoding="utf-8")
    for sheet in (tsv, review_json):
        assert refusal(sheet).startswith(f"{spanish}: has changed since it was aligned (sha256 ")


def test_the_hash_is_of_the_text_so_a_resave_with_crlf_and_bom_still_matches(tsv: Path, project: Path) -> None:
    """Why the decoded text is hashed, not the bytes: sentence numbers index the text, not its encoding."""
    spanish = project / "texts" / ES.name
    spanish.write_bytes(b"\xef\xbb\xbf" + spanish.read_bytes().replace(b"\n", b"\r\n"))
    rebuilt = load_corrections(tsv)
    assert any("CRLF" in warning for warning in rebuilt.warnings)


@pytest.mark.parametrize("kind", ["tsv", "json"])
def test_a_sheet_without_hashes_in_the_new_layout_is_refused(kind: str, tsv: Path, review_json: Path) -> None:
    if kind == "tsv":
        header, _ = header_and_rows(tsv)
        sha = header.split("source_sha256=")[1].split(" ")[0]
        assert "'source_sha256' is missing" in refusal(edit_header(tsv, f" | source_sha256={sha}", ""))
    else:
        edit_json(review_json, lambda data: data.update(source_sha256="not a hash"))
        assert "'source_sha256' must be 64 hexadecimal digits" in refusal(review_json)


def test_the_language_check_runs_again(tsv: Path) -> None:
    """A sheet that relabels the Spanish text as German passes every other check; the language check stops it."""
    edit_header(tsv, "tgt_lang=es", "tgt_lang=de")
    with pytest.raises(LanguageMismatch, match="looks like 'es'"):
        load_corrections(tsv)
    relabelled = load_corrections(tsv, allow_language_mismatch=True)
    assert relabelled.target.document.lang == "de"
    assert any("looks like 'es'" in warning for warning in relabelled.warnings)


# --- 11.2: strict types ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("damage", "expected"),
    [
        (lambda d: d.update(presplit="false"), "'presplit' must be true or false"),
        (lambda d: d.update(calibrated=1), "'calibrated' must be true or false"),
        (lambda d: d["beads"][3].update(src=[5.9]), "bead 4: 'src' must be a list of 0-based sentence indices"),
        (lambda d: d["beads"][3].update(src=[True]), "bead 4: 'src' must be a list"),
        (lambda d: d["beads"][3].update(tgt="2"), "bead 4: 'tgt' must be a list"),
        (lambda d: d["beads"][3].update(src=[-1]), "bead 4: 'src' must be a list"),
        (lambda d: d["beads"][3].update(confidence="0.9"), "bead 4: 'confidence' must be a number from 0 to 1"),
        (lambda d: d["beads"][3].update(confidence=1.5), "bead 4: 'confidence' must be a number from 0 to 1"),
        (lambda d: d["beads"][3].update(confidence=float("nan")), "NaN is not a number a sheet may hold"),
        (lambda d: d["beads"][3].update(confidence=float("inf")), "Infinity is not a number a sheet may hold"),
        (lambda d: d["beads"][3].update(reviewed="yes"), "bead 4: 'reviewed' must be true or false"),
        (lambda d: d.update(beads={}), "'beads' must be a list of beads, not an object"),
        (lambda d: d.update(source=None), "'source' must be a string, not null"),
        (lambda d: d.update(source=""), "'source' is empty"),
        (lambda d: d.update(source="texts/a%00b.txt"), "'source' is not a file or model name"),
        (lambda d: d.update(version=3), "'version' is 3"),
        (lambda d: d.pop("target"), "'target' is missing"),
    ],
)
def test_json_values_are_checked_strictly(
    review_json: Path, damage: Callable[[dict[str, object]], None], expected: str
) -> None:
    edit_json(review_json, damage)
    assert expected in refusal(review_json)


def test_a_5000_digit_index_is_one_line(review_json: Path) -> None:
    edit_json(review_json, lambda data: data["beads"][3].update(src="HERE"))
    text = review_json.read_text(encoding="utf-8")
    review_json.write_text(text.replace('"HERE"', "[" + "9" * 5000 + "]"), encoding="utf-8")
    assert "is too long for a sentence index" in refusal(review_json)


@pytest.mark.parametrize(
    ("column", "cell", "expected"),
    [
        ("src", "5.9", "row 6: column src must hold sentence numbers like 3,4 or 3 4"),
        ("src", "9" * 5000, "row 6: column src must hold sentence numbers"),
        ("src", "٤", "row 6: column src must hold sentence numbers"),
        ("tgt", "0", "row 6: column tgt: sentence numbers start at 1"),
        ("confidence", "nan", "row 6: confidence must be a number from 0 to 1"),
        ("confidence", "1.2", "row 6: confidence must be a number from 0 to 1"),
        ("confidence", "high", "row 6: confidence must be a number from 0 to 1"),
        ("reviewed", "maybe", "row 6: reviewed must be yes or empty"),
    ],
)
def test_tsv_cells_are_checked_strictly(tsv: Path, column: str, cell: str, expected: str) -> None:
    edit_rows(tsv, lambda table: table[3].update({column: cell}))
    assert expected in refusal(tsv)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("model=use-multilingual-v3", "model=m | presplit=true", "presplit=true is not one of yes, no"),
        ("version=2", "version=two", "'version' is 'two'"),
        ("model=use-multilingual-v3", "model=m | model=n", "header names model twice"),
    ],
)
def test_tsv_header_values_are_checked_strictly(tsv: Path, old: str, new: str, expected: str) -> None:
    assert expected in refusal(edit_header(tsv, old, new))


# --- 11.2: sizes and depth -----------------------------------------------------------------------------------------


def test_a_sheet_over_the_size_limit_is_refused_unread(tmp_path: Path) -> None:
    huge = tmp_path / "huge.tsv"
    with huge.open("wb") as stream:
        stream.truncate(MAX_SHEET_BYTES + 1)  # sparse: nothing is written, nothing should be read
    assert "is over 50 MB" in refusal(huge)


def test_a_100k_deep_json_is_one_line(tmp_path: Path) -> None:
    deep = tmp_path / "deep.json"
    deep.write_text('{"beads": ' + "[" * 100_000 + "]" * 100_000 + "}", encoding="utf-8")
    assert "nests too deeply" in refusal(deep)


def test_a_tsv_field_over_the_csv_limit_is_one_line(tsv: Path) -> None:
    edit_rows(tsv, lambda table: table[3].update(source="x" * 300_000))
    assert "row 6: not a well-formed TSV row (field larger than field limit" in refusal(tsv)


@pytest.mark.parametrize("special", ["fifo", "device", "directory", "missing", "binary"])
def test_sheets_that_are_not_text_files(tmp_path: Path, special: str) -> None:
    path = tmp_path / "sheet.tsv"
    if special == "fifo":
        os.mkfifo(path)  # opening it would wait for a writer for ever
    elif special == "device":
        path = Path("/dev/zero")
    elif special == "directory":
        path.mkdir()
    elif special == "binary":
        path.write_bytes(b"\x89PNG\r\n\x1a\n\xff\xfe")
    message = refusal(path)
    assert message.startswith(f"{path}: ")


# --- 12.6: numbers as a person writes them, errors in the sheet's terms ----------------------------------------------


@pytest.mark.parametrize("cell", ["1,2", "1 2", "1, 2", " 1 ,2 "])
def test_a_list_takes_commas_or_spaces(tsv: Path, cell: str) -> None:
    def merge_title(table: list[dict[str, str]]) -> None:
        table[1]["src"] = cell
        del table[0]

    rebuilt = load_corrections(edit_rows(tsv, merge_title))
    assert rebuilt.beads[0].src == (0, 1)
    assert rebuilt.beads[0].kind == "2-1"


def test_a_skipped_sentence_is_named_by_row_and_number(tsv: Path) -> None:
    edit_rows(tsv, lambda table: table[5].update(src=""))
    # Row 8 of the spreadsheet is bead 6, which held source sentence 6; row 9 then starts at 7.
    assert "row 9: src starts at sentence 7, but sentence 6 is in no row before it" in refusal(tsv)


def test_a_repeated_sentence_names_the_row_that_has_it(tsv: Path) -> None:
    edit_rows(tsv, lambda table: table[5].update(src="5,6"))
    assert "row 8: src sentence 5 is already in row 7" in refusal(tsv)


def test_a_sentence_past_the_end_gives_the_count(tsv: Path) -> None:
    edit_rows(tsv, lambda table: table[-1].update(src="23,24"))
    assert "src sentence 24 is past the end of the source text (23 sentences)" in refusal(tsv)


def test_sentences_left_over_are_named(tsv: Path) -> None:
    edit_rows(tsv, lambda table: table.__delitem__(-1))
    assert "source sentence 23 is in no row" in refusal(tsv)


def test_json_errors_give_the_bead_and_both_numberings(review_json: Path) -> None:
    edit_json(review_json, lambda data: data["beads"][5].update(src=[4, 5]))
    assert "bead 6: src sentence 5 (index 4) is already in bead 5" in refusal(review_json)


# --- 12.6: paths that work from any folder ---------------------------------------------------------------------------


def test_export_works_from_another_folder(
    tsv: Path, alignment: Alignment, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    assert beads(load_corrections(tsv)) == beads(alignment)


@pytest.mark.parametrize("kind", ["tsv", "json"])
def test_a_folder_moved_whole_still_exports(
    kind: str, tsv: Path, review_json: Path, project: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """The recorded absolute paths are gone; the texts are found beside the sheet, under its parent."""
    moved = tmp_path_factory.mktemp("moved") / "project"
    shutil.move(project, moved)
    sheet = moved / "exports" / (tsv.name if kind == "tsv" else review_json.name)
    rebuilt = load_corrections(sheet)
    assert rebuilt.source.document.path == moved / "texts" / EN.name


def test_a_sheet_of_paralign_0_1_is_still_read(
    alignment: Alignment, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The old header (raw values, paths as given relative to where align ran), old columns, no hashes."""
    old = project / "exports" / "old.tsv"
    old.parent.mkdir()
    lines = [
        "# paralign 0.1.0 | source=texts/bishkek-protocol.en.txt | src_lang=en"
        " | target=texts/bishkek-protocol.es.txt | tgt_lang=es | model=m"
    ]
    lines.append("source\ttarget\tconfidence\tsrc\ttgt")
    for bead in alignment.beads:
        lines.append(
            "\t".join(
                ["", "", "0.9000", ",".join(str(i + 1) for i in bead.src), ",".join(str(j + 1) for j in bead.tgt)]
            )
        )
    old.write_text("\n".join(lines) + "\n", encoding="utf-8")
    monkeypatch.chdir(old.parent)  # not where align ran: texts/ is not under exports/
    rebuilt = load_corrections(old)
    assert beads(rebuilt) == beads(alignment)
    assert any("records no hash of its texts" in warning for warning in rebuilt.warnings)


# --- 12.6: reviewed beads ------------------------------------------------------------------------------------------


def test_an_edited_row_is_reviewed_with_confidence_one(tsv: Path) -> None:
    def merge_title(table: list[dict[str, str]]) -> None:
        table[1]["src"] = "1 2"
        del table[0]

    rebuilt = load_corrections(edit_rows(tsv, merge_title))
    assert (rebuilt.beads[0].confidence, rebuilt.beads[0].reviewed) == (1.0, True)
    assert all(b.confidence == CONFIDENCE and not b.reviewed for b in rebuilt.beads[1:])


def test_a_row_marked_reviewed_is_confirmed(tsv: Path) -> None:
    rebuilt = load_corrections(edit_rows(tsv, lambda table: table[3].update(reviewed="Yes")))
    assert [k for k, b in enumerate(rebuilt.beads) if b.reviewed] == [3]
    assert rebuilt.beads[3].confidence == 1.0


def test_a_confirmed_json_bead_is_reviewed(review_json: Path) -> None:
    rebuilt = load_corrections(edit_json(review_json, lambda data: data["beads"][3].update(reviewed=True)))
    assert (rebuilt.beads[3].confidence, rebuilt.beads[3].reviewed) == (1.0, True)


def test_reviewed_beads_survive_a_second_round(tsv: Path, project: Path) -> None:
    """Export the corrected alignment as a sheet again: the reviewed column says yes, and reads back so."""
    rebuilt = load_corrections(edit_rows(tsv, lambda table: table[3].update(reviewed="x")))
    (again,) = write_exports(rebuilt, project / "second", ["tsv"])
    _, table = header_and_rows(again)
    assert [row["reviewed"] for row in table][2:5] == ["", "yes", ""]
    assert [b.reviewed for b in load_corrections(again).beads] == [b.reviewed for b in rebuilt.beads]


def test_every_export_shows_a_reviewed_bead(tsv: Path, project: Path) -> None:
    rebuilt = load_corrections(edit_rows(tsv, lambda table: table[3].update(reviewed="yes")))
    written = {path.suffix: path for path in write_exports(rebuilt, project / "out", FORMATS)}
    tmx = parse_untrusted(written[".tmx"])
    assert validate_tmx(tmx) == []
    reviewed = [tu.get("tuid") for tu in tmx.iter("tu") if tu.find("prop[@type='x-paralign-reviewed']") is not None]
    assert reviewed == ["4"]
    xliff = parse_untrusted(written[".xlf"])
    assert validate_xliff(xliff) == []
    x = "{urn:oasis:names:tc:xliff:document:1.2}"
    signed = [u.get("id") for u in xliff.iter(f"{x}trans-unit") if u.find(f"{x}target").get("state") == "signed-off"]
    assert signed == ["4"]
    tei = parse_untrusted(written[".xml"]).getroot()
    tei_ns = "{http://www.tei-c.org/ns/1.0}"
    links = list(tei.iter(f"{tei_ns}link"))
    assert [k for k, link in enumerate(links) if link.get("resp") == "#reviewer"] == [3]
    assert (
        tei.find(f".//{tei_ns}titleStmt/{tei_ns}respStmt").get("{http://www.w3.org/XML/1998/namespace}id") == "reviewer"
    )
    page = lxml.html.fromstring(written[".html"].read_bytes())
    (row,) = page.xpath("//tr[@data-reviewed='yes']")
    assert row.get("id") == "bead-4" and row.xpath(".//span[@class='badge reviewed']")
    assert json.loads(page.xpath(f"string(//script[@id='{DATA_ID}'])"))["beads"][3]["reviewed"] is True


# --- 11.4: any file name ---------------------------------------------------------------------------------------------

HOSTILE_NAMES = {
    "newline": "bishkek\nprotocol.en.txt",
    "tab": "bishkek\tprotocol.en.txt",
    "separator": "bishkek | source=x | protocol.en.txt",
    "percent": "bishkek%0Aprotocol.en.txt",
    "not utf-8": os.fsdecode(b"bishkek-\xe9\xff.en.txt"),
}


@pytest.mark.parametrize("name", HOSTILE_NAMES.values(), ids=HOSTILE_NAMES.keys())
def test_any_file_name_goes_end_to_end(name: str, project: Path) -> None:
    source = project / "texts" / name
    shutil.move(project / "texts" / EN.name, source)
    alignment = aligned(source, project / "texts" / ES.name)
    written = {path.name: path for path in write_exports(alignment, project / "out", FORMATS)}
    assert len(written) == len(FORMATS)
    (sheet,) = (path for path in written.values() if path.suffix == ".tsv")
    assert sheet.read_text(encoding="utf-8").count("\n") == len(alignment.beads) + 2
    rebuilt = load_corrections(sheet)
    assert rebuilt.source.document.path == source and beads(rebuilt) == beads(alignment)
    review = write_json(project / "review.json", page_data(alignment))
    assert load_corrections(review).source.document.path == source


@pytest.mark.parametrize("name", HOSTILE_NAMES.values(), ids=HOSTILE_NAMES.keys())
def test_a_file_name_is_shown_with_replacement_characters(name: str, project: Path) -> None:
    source = project / "texts" / name
    shutil.move(project / "texts" / EN.name, source)
    alignment = aligned(source, project / "texts" / ES.name)
    shown = "".join("\ufffd" if c in "\n\t" or "\udc80" <= c <= "\udcff" else c for c in name)
    written = {path.suffix: path for path in write_exports(alignment, project / "out", ["tei", "xliff", "html"])}
    tei = parse_untrusted(written[".xml"]).getroot()
    assert shown in "".join(tei.find(".//{http://www.tei-c.org/ns/1.0}title").itertext())
    assert parse_untrusted(written[".xlf"]).getroot()[0].get("original") == shown
    assert lxml.html.fromstring(written[".html"].read_bytes()).xpath("string(//h1/span[1])") == shown


def test_a_sentence_that_looks_like_a_formula_stays_text(project: Path) -> None:
    """A hostile text cannot put a live formula into the reviewer's spreadsheet; the sheet still reads back."""
    english = project / "texts" / EN.name
    text = english.read_text(encoding="utf-8")
    first_line = text.partition("\n")[0]
    english.write_text(text.replace(first_line, '=HYPERLINK("http://example.invalid", "Bishkek")', 1), encoding="utf-8")
    alignment = aligned(english, project / "texts" / ES.name)
    (sheet,) = write_exports(alignment, project / "exports", ["tsv"])
    _, table = header_and_rows(sheet)
    assert table[0]["source"] == '\'=HYPERLINK("http://example.invalid", "Bishkek")'
    assert beads(load_corrections(sheet)) == beads(alignment)


def test_escape_round_trips_every_name() -> None:
    for name in [*HOSTILE_NAMES.values(), "ordinary name with spaces ñ.txt", "100%.txt", "a|b"]:
        escaped = review_schema.escape(name)
        assert review_schema.unescape(escaped) == name
        assert escaped.isprintable() and "|" not in escaped
    assert review_schema.escape("ordinary name ñ.txt") == "ordinary name ñ.txt"


# --- fuzzing: any sheet gives an Alignment or an InputError ---------------------------------------------------------

#: Text to splice into a sheet: any characters, and often those that mean something in one.
SHEET_TEXT = st.text(alphabet=st.sampled_from(list('0123456789,. \t\n\r|=%#"-')) | st.characters(), max_size=40)
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
REFUSALS = (InputError, LanguageMismatch)


@pytest.fixture(scope="module")
def real_sheets(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, dict[str, object], Path]:
    """A real TSV's text and a real review JSON's data, with their texts in place, for the fuzzers to damage."""
    folder = tmp_path_factory.mktemp("fuzz")
    alignment = aligned(EN, ES)
    return tsv_bytes(alignment).decode("utf-8"), page_data(alignment), folder


def loads_or_refuses(path: Path) -> None:
    try:
        result = load_corrections(path)
    except REFUSALS as error:
        assert ONE_LINE not in str(error), str(error)
    else:
        assert isinstance(result, Alignment)


@FUZZ
@given(position=st.integers(min_value=0), length=st.integers(min_value=0, max_value=40), insert=SHEET_TEXT)
def test_fuzzed_tsv_loads_or_refuses(
    real_sheets: tuple[str, dict[str, object], Path], position: int, length: int, insert: str
) -> None:
    text, _, folder = real_sheets
    position %= len(text)
    sheet = folder / "fuzzed.tsv"
    sheet.write_text(text[:position] + insert + text[position + length :], encoding="utf-8", errors="surrogatepass")
    loads_or_refuses(sheet)


@FUZZ
@given(data=st.binary(max_size=300))
def test_arbitrary_bytes_load_or_refuse(real_sheets: tuple[str, dict[str, object], Path], data: bytes) -> None:
    sheet = real_sheets[2] / "bytes.tsv"
    sheet.write_bytes(data)
    loads_or_refuses(sheet)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12,
)
BEAD_KEYS = st.sampled_from(["src", "tgt", "confidence", "reviewed", "kind"])
TOP_KEYS = st.sampled_from(
    ["version", "source", "source_sha256", "src_lang", "model", "presplit", "calibrated", "beads"]
)


@FUZZ
@given(
    key=TOP_KEYS,
    value=JSON_VALUES,
    bead=st.integers(min_value=0, max_value=21),
    bead_key=BEAD_KEYS,
    bead_value=JSON_VALUES,
)
def test_fuzzed_json_loads_or_refuses(
    real_sheets: tuple[str, dict[str, object], Path],
    key: str,
    value: object,
    bead: int,
    bead_key: str,
    bead_value: object,
) -> None:
    _, data, folder = real_sheets
    damaged = json.loads(json.dumps(data))
    damaged["beads"][bead][bead_key] = bead_value
    damaged[key] = value
    sheet = folder / "fuzzed.json"
    sheet.write_text(json.dumps(damaged), encoding="utf-8", errors="surrogatepass")
    loads_or_refuses(sheet)


@pytest.mark.slow
def test_tei_with_a_reviewed_bead_is_valid(tsv: Path, project: Path) -> None:
    """Compiling tei_all.rng takes lxml ~14 s, hence slow; jing checks the same in test_tei_integrity."""
    from paralign.export.validate import validate_tei

    rebuilt = load_corrections(edit_rows(tsv, lambda table: table[3].update(reviewed="yes")))
    (tei,) = write_exports(rebuilt, project / "out", ["tei"])
    assert validate_tei(etree.parse(str(tei))) == []
