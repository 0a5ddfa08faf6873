"""A reviewer's corrected sheet → an ``Alignment`` ready to export again.

Two inputs are accepted: the TSV that ``--format tsv`` writes (the ``src`` and
``tgt`` columns hold 1-based sentence numbers, ``3,4`` or ``3 4``; its first
line names the input files) and the JSON that the HTML review page exports
(0-based indices; its schema is ``paralign.review_schema``'s, shared with the
page). The texts are read and segmented again exactly as in the original run,
the corrected beads are checked (monotonic, every sentence once), and the
notes are paired anew through the corrected beads, so notes stay intact.

A sheet is untrusted input: it may come by e-mail, have been edited by hand or
written by someone hostile. So it is read within limits (a regular file of at
most ``MAX_SHEET_BYTES``, JSON no deeper than Python can parse, no CSV field
over the ``csv`` module's limit), every value is type-checked (``review_schema``),
its language codes must be registered BCP 47 tags before they reach a file name
or ``xml:lang``, each text must still hash to what the sheet recorded, and the
language check of ``align`` runs again on the texts. Every refusal is one
``InputError`` line naming the sheet (or the text) and where in it: the row as
a spreadsheet numbers it for the TSV, the bead from 1 for the JSON, and
sentences by their 1-based numbers (the JSON's 0-based index beside them).

A bead the reviewer changed (its numbers differ from every bead the aligner
made, as kept in the TSV's ``aligned_src``/``aligned_tgt`` columns) or
confirmed (``reviewed``) comes back with confidence 1.0 and ``reviewed`` set.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import stat
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from paralign import review_schema as schema
from paralign.documents import read_input
from paralign.documents.archive import ZIP_MAGIC, Archive
from paralign.errors import InputError
from paralign.export import tsv, xlsx
from paralign.footnotes import pair_anchors
from paralign.ladder import BeadPair
from paralign.languages import language_tag
from paralign.model import Alignment, Bead, Document, Move, Segmentation, lone_sentences
from paralign.verify import language_mismatch

#: A sheet larger than this is not a sheet: a 100,000-sentence pair makes a TSV of about 40 MB.
MAX_SHEET_BYTES = 50 * 1024 * 1024
#: How many folders up from the sheet a text is looked for (its recorded path's tail under each).
SEARCH_DEPTH = 8

_TSV_HEADER = "# paralign"
_TSV_SEPARATOR = " | "
_NUMBER = re.compile(rf"[0-9]{{1,{schema.MAX_NUMBER_DIGITS}}}")
_LIST_SEPARATORS = re.compile(r"[,\s]+")
#: What a reviewer may write in the ``reviewed`` column (any case).
_YES = frozenset({"yes", "y", "x", "true", "1", "✓", "✔"})
_NO = frozenset({"", "no", "n", "false", "0"})


@dataclass(frozen=True)
class _Sheet:
    """A parsed sheet, and where each bead stands in it (``row 7``, ``bead 7``) for messages."""

    review: schema.Review
    places: tuple[str, ...]
    zero_based: bool

    @property
    def unit(self) -> str:
        return "bead" if self.zero_based else "row"

    def number(self, index: int) -> str:
        """Sentence ``index`` as a reviewer counts it; the JSON's own index beside it."""
        return f"{index + 1} (index {index})" if self.zero_based else str(index + 1)


def load_corrections(path: Path | str, allow_language_mismatch: bool = False) -> Alignment:
    """Rebuild the ``Alignment`` a corrected TSV or review JSON describes.

    Args:
        path: the sheet.
        allow_language_mismatch: keep a text that is not in its declared
            language (recorded as a warning) instead of refusing it, as
            ``align --allow-language-mismatch`` does.

    Raises:
        InputError: the sheet is malformed or too large, its texts are
            missing or changed since the alignment, or its beads skip,
            repeat or reorder sentences.
        LanguageMismatch: a text is not in its declared language.
    """
    path = Path(path)
    data = _read_sheet(path)
    if data.startswith(ZIP_MAGIC):
        sheet = _parse_xlsx(path, data)
    else:
        text = _decoded(path, data)
        sheet = _parse_json(path, text) if text.lstrip()[:1] in ("{", "[") else _parse_tsv(path, text)
    review = sheet.review
    source = _document(path, review.source, _language(path, review.src_lang), review.source_sha256, review)
    target = _document(path, review.target, _language(path, review.tgt_lang), review.target_sha256, review)
    mismatches = [m for m in (language_mismatch(source, "source"), language_mismatch(target, "target")) if m]
    if mismatches and not allow_language_mismatch:
        raise mismatches[0]
    source_sentences, target_sentences = _segmented(source, review.presplit), _segmented(target, review.presplit)
    _check_beads(path, sheet, len(source_sentences.sentences), len(target_sentences.sentences))
    _check_moves(path, sheet)
    notes = pair_anchors(
        review.beads, [s.anchors for s in source_sentences.sentences], [s.anchors for s in target_sentences.sentences]
    )
    unchecked = [] if review.source_sha256 else [f"{path}: records no hash of its texts (an older sheet): not checked"]
    repairs = [f"{d.path}: {w}" for d in (source, target) for w in d.warnings]
    return Alignment(
        source_sentences,
        target_sentences,
        review.beads,
        notes.pairs,
        notes.problems,
        model_name=review.model,
        presplit=review.presplit,
        warnings=tuple(unchecked + repairs + [str(m) for m in mismatches]),
        calibrated=review.calibrated,
        reading=review.reading,
        moves=review.moves,
    )


def revise(alignment: Alignment, sheet: bytes, where: Path) -> Alignment:
    """``alignment`` with the beads of a review JSON the page sent (``paralign review``), notes paired anew.

    The texts are the alignment's own: the sheet's paths are never opened
    (they come from a browser), only its hashes and languages must agree with
    the alignment, so a page of another text cannot be saved over this one.
    ``where`` names the sheet in messages (the file it will be written to).

    Raises:
        InputError: the JSON is malformed, is of other texts, or its beads
            skip, repeat or reorder sentences.
    """
    if len(sheet) > MAX_SHEET_BYTES:
        raise InputError(where, f"is over {MAX_SHEET_BYTES // 2**20} MB: too large for a corrections file")
    try:
        text = sheet.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InputError(where, f"is not UTF-8 text (invalid byte at {error.start})") from None
    parsed = _parse_json(where, text)
    review, expected = parsed.review, schema.review_of(alignment)
    recorded = (review.source_sha256, review.target_sha256, review.src_lang, review.tgt_lang)
    if recorded != (expected.source_sha256, expected.target_sha256, expected.src_lang, expected.tgt_lang):
        raise InputError(where, "is a review of other texts or languages than the ones being reviewed")
    if review.presplit != alignment.presplit:
        raise InputError(where, "says the texts were split otherwise (presplit) than the ones being reviewed")
    _check_beads(where, parsed, len(alignment.source.sentences), len(alignment.target.sentences))
    _check_moves(where, parsed)
    notes = pair_anchors(
        review.beads, [s.anchors for s in alignment.source.sentences], [s.anchors for s in alignment.target.sentences]
    )
    return replace(
        alignment,
        beads=review.beads,
        moves=review.moves,
        footnote_pairs=notes.pairs,
        footnote_problems=notes.problems,
    )


def read_corrected_beads(path: Path | str) -> list[BeadPair]:
    """The beads of a corrected TSV or review JSON, after ``load_corrections`` has checked them."""
    return [(bead.src, bead.tgt) for bead in load_corrections(path).beads]


# --- reading the sheet -------------------------------------------------------------------------------------------


def _read_sheet(path: Path) -> bytes:
    """The sheet's bytes: a regular file (a FIFO would hang, a device never end), bounded."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise InputError(path, "no such file") from None
    except OSError as error:
        raise InputError(path, f"cannot be read ({error.strerror or error})") from None
    if stat.S_ISDIR(info.st_mode):
        raise InputError(path, "is a directory, not a corrections file")
    if not stat.S_ISREG(info.st_mode):
        raise InputError(path, "is not a regular file (a device or a pipe?), so not a corrections file")
    too_large = f"is over {MAX_SHEET_BYTES // 2**20} MB: too large for a corrections file"
    if info.st_size > MAX_SHEET_BYTES:
        raise InputError(path, too_large)
    try:
        with path.open("rb") as stream:
            data = stream.read(MAX_SHEET_BYTES + 1)
    except OSError as error:
        raise InputError(path, f"cannot be read ({error.strerror or error})") from None
    if len(data) > MAX_SHEET_BYTES:  # it grew since
        raise InputError(path, too_large)
    return data


def _decoded(path: Path, data: bytes) -> str:
    """A TSV's or JSON's text: UTF-8, a BOM allowed."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputError(path, f"is not UTF-8 text (invalid byte at {error.start})") from None


def _parse_json(path: Path, text: str) -> _Sheet:
    try:
        data = json.loads(text, parse_int=_json_int, parse_constant=_json_constant)
    except RecursionError:
        raise InputError(path, "nests too deeply to be a paralign review JSON") from None
    except ValueError as error:
        raise InputError(path, f"is not valid JSON ({error})") from None
    try:
        review = schema.from_json(data)
    except ValueError as error:
        raise InputError(path, f"is not a paralign review JSON: {error}") from None
    return _Sheet(review, tuple(f"bead {n}" for n in range(1, len(review.beads) + 1)), zero_based=True)


def _json_int(digits: str) -> int:
    """Integers as JSON gives them, refused past a sane length (Python would spend time on 5,000 digits)."""
    if len(digits.lstrip("-")) > schema.MAX_NUMBER_DIGITS:
        raise ValueError(f"the number {digits:.20}… is too long for a sentence index")
    return int(digits)


def _json_constant(name: str) -> float:
    raise ValueError(f"{name} is not a number a sheet may hold")


def _parse_tsv(path: Path, text: str) -> _Sheet:
    first, _, body = text.partition("\n")
    if not first.startswith(_TSV_HEADER):
        raise InputError(path, f"is not a paralign TSV (its first line must be the '{_TSV_HEADER} …' header)")
    return _sheet(path, _tsv_header(path, first.rstrip("\r")), _tsv_rows(path, body))


def _parse_xlsx(path: Path, data: bytes) -> _Sheet:
    """A workbook from ``--format xlsx``: the header line in sheet ``paralign``, the rows in ``alignment``.

    An xlsx is a zip of XML: it passes the archive checks of ``documents.archive``
    (sizes, ratios, member names) and no part may declare a DTD before openpyxl
    reads it (which, with defusedxml installed, refuses entities as well).
    Rows are numbered as the spreadsheet shows them (the header is row 1).
    """
    from openpyxl import load_workbook

    archive = Archive(path, data)
    for name in sorted(archive.names):
        if name.endswith((".xml", ".rels")) and b"<!DOCTYPE" in archive.read(name):
            raise InputError(path, f"part {name} declares a DTD; refused (entity expansion is unsafe)")
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        header, sheet = workbook[xlsx.HEADER_SHEET]["A1"].value, workbook[xlsx.BEADS_SHEET]
        cells = [[_cell_text(value) for value in row] for row in sheet.iter_rows(values_only=True)]
    except (KeyError, ValueError, TypeError, OSError, zipfile.BadZipFile) as error:
        raise InputError(path, f"is not a paralign workbook ({type(error).__name__}: {error})"[:200]) from None
    if not isinstance(header, str) or not header.startswith(_TSV_HEADER):
        raise InputError(
            path, f"is not a paralign workbook (cell A1 of sheet '{xlsx.HEADER_SHEET}' must hold the header)"
        )
    if not cells or not {"src", "tgt"} <= set(cells[0]):
        raise InputError(path, f"has no src and tgt columns (row 1 of sheet '{xlsx.BEADS_SHEET}' must name them)")
    columns: list[str | None] = list(cells[0])
    rows = []
    for number, cells_of_row in enumerate(cells[1:], start=2):
        row = _row(path, number, dict(zip(columns, cells_of_row, strict=False)))
        if row.src or row.tgt:
            rows.append(row)
    return _sheet(path, _tsv_header(path, header), rows)


def _cell_text(value: object) -> str:
    """A cell as the TSV would hold it: a number a person typed (``3``, ``0.95``) as its digits."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _sheet(path: Path, header: schema.Review, rows: list[_Row]) -> _Sheet:
    """The beads of a TSV's or workbook's rows: edited or confirmed ones as reviewed."""
    aligned = {(row.aligned_src, row.aligned_tgt) for row in rows if row.aligned_src or row.aligned_tgt}
    has_aligned = any(row.has_aligned for row in rows)
    beads = tuple(
        Bead(row.src, row.tgt, schema.CONFIRMED, reviewed=True)
        if row.reviewed or row.confidence is None or (has_aligned and (row.src, row.tgt) not in aligned)
        else Bead(row.src, row.tgt, row.confidence)
        for row in rows
    )
    moves = []
    for row in rows:
        if not row.moved_tgt:
            continue
        if len(row.src) != 1 or row.tgt or len(row.moved_tgt) != 1:
            raise InputError(
                path,
                f"row {row.number}: moved_tgt pairs one target sentence with a row of one source sentence, no target",
            )
        confidence = schema.CONFIRMED if row.moved_confidence is None else row.moved_confidence
        moves.append(Move(row.src[0], row.moved_tgt[0], confidence))
    places = tuple(f"row {row.number}" for row in rows)
    return _Sheet(replace(header, beads=beads, moves=tuple(moves)), places, zero_based=False)


def _tsv_header(path: Path, line: str) -> schema.Review:
    """The header's ``key=value`` fields, checked as the JSON's keys are (same schema, same messages)."""
    fields: dict[str, str] = {}
    for field in line[2:].split(_TSV_SEPARATOR)[1:]:
        key, equals, value = field.partition("=")
        if not equals:
            continue
        if key in fields:
            raise InputError(path, f"header names {key} twice")
        fields[key] = value
    missing = [key for key in (schema.SOURCE, schema.TARGET, schema.SRC_LANG, schema.TGT_LANG) if key not in fields]
    if missing:
        raise InputError(path, f"header lacks {', '.join(missing)}")
    data: dict[str, object] = dict(fields)
    if schema.VERSION in fields:
        data[schema.VERSION] = (
            int(fields[schema.VERSION]) if fields[schema.VERSION].isdigit() else fields[schema.VERSION]
        )
    data[schema.PRESPLIT] = _header_flag(path, fields, schema.PRESPLIT, {"yes": True, "no": False}, False)
    if schema.ENCODING in fields:
        data[schema.ENCODING] = schema.unescape(fields[schema.ENCODING])
    # input_format is passed as written: the schema checks it against the readers.
    data[schema.REPLACE_INVALID_UTF8] = _header_flag(
        path, fields, tsv.INVALID_UTF8, {tsv.REPLACE: True, "refuse": False}, False
    )
    data[schema.CALIBRATED] = _header_flag(path, fields, "confidence", {"uncalibrated": False}, True)
    data[schema.BEADS] = []
    try:
        return schema.from_json(data)
    except ValueError as error:
        raise InputError(path, f"header: {error}") from None


def _header_flag(path: Path, fields: dict[str, str], key: str, values: dict[str, bool], default: bool) -> bool:
    if key not in fields:
        return default
    if fields[key] not in values:
        raise InputError(path, f"header: {key}={fields[key]:.40} is not one of {', '.join(values)}")
    return values[fields[key]]


@dataclass(frozen=True)
class _Row:
    """One bead row of the TSV, its cells read; ``confidence`` is ``None`` when the cell is empty."""

    number: int
    src: tuple[int, ...]
    tgt: tuple[int, ...]
    confidence: float | None
    reviewed: bool
    aligned_src: tuple[int, ...]
    aligned_tgt: tuple[int, ...]
    has_aligned: bool
    moved_tgt: tuple[int, ...] = ()
    moved_confidence: float | None = None


def _tsv_rows(path: Path, body: str) -> list[_Row]:
    """Rows with sentence numbers; a row whose ``src`` and ``tgt`` are both empty is skipped (merged away)."""
    reader = csv.DictReader(io.StringIO(body, newline=""), delimiter="\t")
    rows: list[_Row] = []
    number = 2
    try:
        if reader.fieldnames is None or not {"src", "tgt"} <= set(reader.fieldnames):
            raise InputError(path, "has no src and tgt columns (row 2 must name the columns)")
        for number, record in enumerate(reader, start=3):
            row = _row(path, number, record)
            if row.src or row.tgt:
                rows.append(row)
    except csv.Error as error:
        raise InputError(path, f"row {number + 1}: not a well-formed TSV row ({error})") from None
    return rows


def _row(path: Path, number: int, record: dict[str | None, str | None]) -> _Row:
    def cell(column: str) -> str:
        value = record.get(column)
        return value if isinstance(value, str) else ""

    def numbers(column: str) -> tuple[int, ...]:
        return _numbers(path, number, column, cell(column))

    return _Row(
        number,
        numbers("src"),
        numbers("tgt"),
        _confidence(path, number, cell("confidence")),
        _reviewed(path, number, cell("reviewed")),
        numbers("aligned_src"),
        numbers("aligned_tgt"),
        "aligned_src" in record,
        numbers("moved_tgt"),
        _confidence(path, number, cell("moved_confidence")),
    )


def _numbers(path: Path, row: int, column: str, cell: str) -> tuple[int, ...]:
    """``"3,4"``, ``"3 4"``, ``"3, 4"`` → ``(2, 3)``: 1-based numbers as shown, separated by commas or spaces."""
    parts = [part for part in _LIST_SEPARATORS.split(cell.strip()) if part]
    if not all(_NUMBER.fullmatch(part) for part in parts):
        raise InputError(
            path, f"row {row}: column {column} must hold sentence numbers like 3,4 or 3 4 (got {cell!r:.60})"
        )
    values = tuple(int(part) - 1 for part in parts)
    if any(value < 0 for value in values):
        raise InputError(path, f"row {row}: column {column}: sentence numbers start at 1 (got {cell!r:.60})")
    return values


def _confidence(path: Path, row: int, cell: str) -> float | None:
    """A number from 0 to 1 (``0,95`` too, as a spreadsheet in many locales saves it); ``None`` if empty."""
    text = cell.strip().replace(",", ".")
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not 0.0 <= value <= 1.0:  # NaN fails too
        raise InputError(path, f"row {row}: confidence must be a number from 0 to 1 (got {cell!r:.40})")
    return value


def _reviewed(path: Path, row: int, cell: str) -> bool:
    answer = cell.strip().lower()
    if answer not in _YES | _NO:
        raise InputError(path, f"row {row}: reviewed must be yes or empty (got {cell!r:.40})")
    return answer in _YES


# --- the texts ---------------------------------------------------------------------------------------------------


def _language(path: Path, code: str) -> str:
    try:
        return language_tag(code)
    except ValueError as error:
        raise InputError(path, str(error)) from None


def _document(sheet: Path, recorded: Path, lang: str, sha256: str | None, review: schema.Review) -> Document:
    """The text the sheet names, read as the original run did, and still the text that was aligned.

    Looked for beside the sheet first (so a folder moved or mailed whole
    still exports), then where it was aligned; of the files found, the
    first whose text has the recorded hash.
    """
    found = [candidate for candidate in _candidates(recorded, sheet) if _is_file(candidate)]
    if not found:
        raise InputError(recorded, f"no such file (named by {sheet.name}; looked beside it and where it was aligned)")
    first = _read(found[0], lang, review)
    if sha256 is None or schema.text_sha256(first.text) == sha256:
        return first
    for candidate in found[1:]:
        document = _read(candidate, lang, review)
        if schema.text_sha256(document.text) == sha256:
            return document
    actual = schema.text_sha256(first.text)
    raise InputError(
        found[0], f"has changed since it was aligned (sha256 {actual[:12]}…, the sheet recorded {sha256[:12]}…)"
    )


def _candidates(recorded: Path, sheet: Path) -> Iterator[Path]:
    """The recorded path's tails under the sheet's folder and its parents, nearest and longest first; then itself."""
    parts = recorded.parts[1:] if recorded.anchor else recorded.parts
    folder = Path(os.path.abspath(sheet)).parent
    seen: set[Path] = set()
    for base in [folder, *folder.parents][:SEARCH_DEPTH]:
        for start in range(len(parts)):
            candidate = base.joinpath(*parts[start:])
            if candidate not in seen:
                seen.add(candidate)
                yield candidate
    if recorded not in seen:
        yield recorded


def _is_file(path: Path) -> bool:
    """``Path.is_file``, but a name the system refuses (too long, say) is no file rather than an error."""
    try:
        return stat.S_ISREG(path.stat().st_mode)
    except OSError:
        return False


def _read(path: Path, lang: str, review: schema.Review) -> Document:
    """The text read with the options the sheet recorded (encoding, reader, invalid UTF-8), as the run did."""
    return read_input(path, lang, review.presplit, review.reading)


def _segmented(document: Document, presplit_input: bool) -> Segmentation:
    """A text split exactly as the original run did."""
    # Imported on use: segmenting loads NLTK, and naming this module's readers
    # (the format registry does) must not.
    from paralign.segment import presplit, segment

    return presplit(document) if presplit_input else segment(document)


# --- the beads ---------------------------------------------------------------------------------------------------


def _check_beads(path: Path, sheet: _Sheet, n_src: int, n_tgt: int) -> None:
    """What ``model.check_beads`` checks, said in the sheet's own numbers and places."""
    counts = {"src": n_src, "tgt": n_tgt}
    # The place of each sentence's bead so far: where a repeated sentence already is.
    holders: dict[str, list[str]] = {"src": [], "tgt": []}
    for place, bead in zip(sheet.places, sheet.review.beads, strict=True):
        if not bead.src and not bead.tgt:
            raise InputError(path, f"{place}: src and tgt are both empty")
        for side, indices in (("src", bead.src), ("tgt", bead.tgt)):
            if indices:
                _check_side(path, sheet, place, side, indices, counts[side], holders[side])
                holders[side].extend([place] * len(indices))
    for side, word in (("src", "source"), ("tgt", "target")):
        if len(holders[side]) < counts[side]:
            first, last = sheet.number(len(holders[side])), sheet.number(counts[side] - 1)
            span = f"sentence {first} is" if first == last else f"sentences {first} to {last} are"
            raise InputError(path, f"{word} {span} in no {sheet.unit} (each sentence must be in one)")


def _check_moves(path: Path, sheet: _Sheet) -> None:
    """What ``model.check_moves`` checks: each move links a sentence alone on each side, each sentence once."""
    alone = dict(zip(("src", "tgt"), lone_sentences(sheet.review.beads), strict=True))
    seen: dict[str, set[int]] = {"src": set(), "tgt": set()}
    for number, move in enumerate(sheet.review.moves, start=1):
        for side, index in (("src", move.src), ("tgt", move.tgt)):
            word = "source" if side == "src" else "target"
            if index not in alone[side]:
                raise InputError(
                    path, f"move {number}: {word} sentence {sheet.number(index)} is not alone in a {sheet.unit}"
                )
            if index in seen[side]:
                raise InputError(path, f"move {number}: {word} sentence {sheet.number(index)} is in an earlier move")
            seen[side].add(index)


def _check_side(
    path: Path, sheet: _Sheet, place: str, side: str, indices: tuple[int, ...], count: int, holders: list[str]
) -> None:
    """One side of one bead: inside the text, consecutive, and continuing where the beads before it stopped."""
    word = "source" if side == "src" else "target"
    expected = len(holders)
    if max(indices) >= count:
        last = sheet.number(max(indices))
        raise InputError(
            path, f"{place}: {side} sentence {last} is past the end of the {word} text ({count} sentences)"
        )
    if indices != tuple(range(indices[0], indices[0] + len(indices))):
        shown = ", ".join(sheet.number(i) for i in indices)
        raise InputError(path, f"{place}: {side} sentences {shown} are not consecutive")
    if indices[0] < expected:
        where = holders[indices[0]]
        raise InputError(path, f"{place}: {side} sentence {sheet.number(indices[0])} is already in {where}")
    if indices[0] > expected:
        raise InputError(
            path,
            f"{place}: {side} starts at sentence {sheet.number(indices[0])}, "
            f"but sentence {sheet.number(expected)} is in no {sheet.unit} before it",
        )
