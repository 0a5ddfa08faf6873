"""``paralign batch``: pairing, the merged memory, the index, and whole batches on an in-process LocalCluster.

The pairing, merging and index tests need no model. The batch tests run the
real model on the real texts, with Dask's workers as threads of this process
(``processes=False``), so the model is loaded once for the session; the run
on separate worker processes, one of them killed, is ``test_batch_cluster.py``.
"""

from __future__ import annotations

import io
import json
import shutil
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import EN, ES, TEXTS
from distributed import Client
from lxml import etree

from paralign.batch.index_page import index_html
from paralign.batch.merged_tmx import DOCUMENT_PROP, merged_tmx_writer
from paralign.batch.pairing import FilePair, pair_folders, pair_listed
from paralign.batch.report import PairRecord
from paralign.batch.runner import dask_client, run_batch
from paralign.batch.worker import BatchSettings, PairStats
from paralign.errors import InputError
from paralign.export.validate import validate_tmx
from paralign.formats import write_exports
from paralign.model import Alignment
from paralign.pipeline import align_texts

PNG = b"\x89PNG\r\n\x1a\n\0\0\0junk"


def _tree(root: Path, names: list[str]) -> None:
    for name in names:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text("x", encoding="utf-8")


@pytest.mark.parametrize(
    ("sources", "targets", "pairs", "unpaired_sources", "unpaired_targets"),
    [
        (["a.en.txt", "2019/r.en.docx"], ["a.es.txt", "2019/r.es.docx"], 2, [], []),
        (["a.txt"], ["a.txt"], 1, [], []),
        (["a.en.txt", "b.en.txt"], ["a.es.txt", "c.es.txt"], 1, ["b.en.txt"], ["c.es.txt"]),
        (["a.EN.txt"], ["a.es.txt"], 1, [], []),
        (["a.en.txt", ".hidden.en.txt", ".git/x.en.txt"], ["a.es.txt", ".hidden.es.txt"], 1, [], []),
    ],
    ids=["subfolders", "no-code", "orphans", "upper-case-code", "hidden"],
)
def test_pairing_two_folders(
    tmp_path: Path,
    sources: list[str],
    targets: list[str],
    pairs: int,
    unpaired_sources: list[str],
    unpaired_targets: list[str],
) -> None:
    _tree(tmp_path / "src", sources)
    _tree(tmp_path / "tgt", targets)
    pairing = pair_folders(tmp_path / "src", tmp_path / "tgt", "en", "es")
    assert len(pairing.pairs) == pairs
    assert list(pairing.unpaired_sources) == unpaired_sources
    assert list(pairing.unpaired_targets) == unpaired_targets


def test_pairing_one_folder_pairs_each_file_once_and_skips_the_output(tmp_path: Path) -> None:
    _tree(tmp_path, ["a.en.txt", "a.es.txt", "b.en.txt", "c.es.txt", "readme.txt", "out/a.en-es.tmx"])
    pairing = pair_folders(tmp_path, tmp_path, "en-GB", "es", exclude=tmp_path / "out")
    assert pairing.pairs == (FilePair("a.en.txt", "a.es.txt"),)
    assert pairing.unpaired_sources == ("b.en.txt",)
    assert pairing.unpaired_targets == ("c.es.txt", "readme.txt")


def test_pairs_list(tmp_path: Path) -> None:
    listing = tmp_path / "pairs.tsv"
    listing.write_text("# source\ttarget\n\nold/a.txt\tnew/b.txt\n", encoding="utf-8")
    assert pair_listed(listing, tmp_path / "s", tmp_path / "t").pairs == (FilePair("old/a.txt", "new/b.txt"),)


@pytest.mark.parametrize("line", ["only-one-field", "a\tb\tc", "../a.txt\tb.txt"], ids=["one", "three", "escape"])
def test_pairs_list_refuses_bad_lines(tmp_path: Path, line: str) -> None:
    listing = tmp_path / "pairs.tsv"
    listing.write_text(line + "\n", encoding="utf-8")
    with pytest.raises(InputError, match="line 1"):
        pair_listed(listing, tmp_path / "s", tmp_path / "t")


def _tmx(*units: tuple[str, str, str]) -> bytes:
    tus = "".join(
        f'<tu tuid="{n}"><prop type="x-paralign-confidence">{c}</prop>'
        f'<tuv xml:lang="en"><seg>{s}</seg></tuv><tuv xml:lang="es"><seg>{t}</seg></tuv></tu>'
        for n, (s, t, c) in enumerate(units, start=1)
    )
    header = (
        '<header creationtool="paralign" creationtoolversion="0" segtype="sentence" o-tmf="paralign" '
        'adminlang="en" srclang="en" datatype="plaintext"/>'
    )
    return f'<?xml version="1.0"?><tmx version="1.4">{header}<body>{tus}</body></tmx>'.encode()


def test_merged_memory_keeps_identical_units_once_with_every_document() -> None:
    first = _tmx(("Hello.", "Hola.", "0.9"), ("Bye.", "Adiós.", "0.8"))
    second = _tmx(("Hello.", "Hola.", "0.7"), ("Bye.", "Chao.", "0.6"))
    writer = merged_tmx_writer(lambda: [("a.en.txt", first), ("2019/b.en.txt", second)])
    assert writer is not None
    stream = io.BytesIO()
    writer(stream)
    tree = etree.ElementTree(etree.fromstring(stream.getvalue()))
    assert validate_tmx(tree) == []
    units = [
        ([seg.text for seg in tu.iter("seg")], [p.text for p in tu.iter("prop") if p.get("type") == DOCUMENT_PROP])
        for tu in tree.iter("tu")
    ]
    assert units == [
        (["Hello.", "Hola."], ["a.en.txt", "2019/b.en.txt"]),
        (["Bye.", "Adiós."], ["a.en.txt"]),
        (["Bye.", "Chao."], ["2019/b.en.txt"]),
    ]
    assert [tu.get("tuid") for tu in tree.iter("tu")] == ["1", "2", "3"]
    assert tree.find("body/tu/prop").text == "0.9"  # the first occurrence's properties


def test_settings_fingerprint_changes_with_any_setting() -> None:
    base = BatchSettings("en", "es", ("tmx",))
    changed = [replace(base, formats=("tmx", "tei")), replace(base, presplit=True), replace(base, tgt_lang="fr")]
    changed += [replace(base, input_format="md"), replace(base, replace_invalid_utf8=True)]
    assert len({base.fingerprint, *(settings.fingerprint for settings in changed)}) == 6


def test_no_memory_without_aligned_pairs() -> None:
    assert merged_tmx_writer(lambda: []) is None


def test_index_sorts_by_review_need_and_escapes() -> None:
    def record(source: str, outcome: str, low: int, lowest: float) -> PairRecord:
        exports = (f"{source}.review.html",) if outcome == "aligned" else ()
        stats = PairStats(low_confidence_beads=low, lowest_confidence=lowest)
        return PairRecord(source, "t", outcome, outcome, stats=stats, exports=exports)

    page = index_html(
        [record("calm", "aligned", 0, 0.9), record("<script>", "aligned", 3, 0.2), record("bad", "failed", 0, 0)],
        "batch",
    )
    assert b"<script>" not in page
    rows = etree.HTML(page).findall(".//tbody/tr")
    assert [row[0].xpath("string()").split(" ")[0] for row in rows] == ["bad", "<script>", "calm"]
    assert rows[1].find("td/a").get("href") == "%3Cscript%3E.review.html"


@pytest.fixture(scope="module")
def client() -> Iterator[Client]:
    with dask_client(workers=2, processes=False) as in_process:
        yield in_process


def _folder(root: Path) -> Path:
    """The protocol pair at the top and in 2019/, a refused pair, an unreadable pair and an orphan."""
    for folder in (root, root / "2019"):
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copy(EN, folder)
        shutil.copy(ES, folder)
    shutil.copy(TEXTS / "peace-roadmap.en.txt", root)
    shutil.copy(TEXTS / "peace-process.en.txt", root / "peace-roadmap.es.txt")  # English declared Spanish
    (root / "broken.en.txt").write_bytes(PNG)
    (root / "broken.es.txt").write_bytes(PNG)
    shutil.copy(TEXTS / "bishkek-protocol-wiki.en.txt", root)
    return root


def _statuses(out: Path) -> dict[str, str]:
    report = json.loads((out / "batch-report.json").read_text(encoding="utf-8"))
    return {record["source"]: record["status"] for record in report["pairs"]}


@pytest.mark.slow
def test_batch_on_a_local_cluster_then_resumed(tmp_path: Path, client: Client, protocol: Alignment) -> None:
    src = _folder(tmp_path / "in")
    out = tmp_path / "out"
    settings = BatchSettings("en", "es", ("tmx", "tei", "html"))
    pairing = pair_folders(src, src, "en", "es")
    assert pairing.unpaired_sources == ("bishkek-protocol-wiki.en.txt",)

    result = run_batch(client, pairing, (src, src), out, settings)

    assert _statuses(out) == {
        "bishkek-protocol.en.txt": "aligned",
        "2019/bishkek-protocol.en.txt": "aligned",
        "broken.en.txt": "failed",
        "peace-roadmap.en.txt": "refused",
    }
    reasons = {record.source: record.reason for record in result.records}
    assert reasons["broken.en.txt"] == f"{src / 'broken.en.txt'}: is a binary file, not text"
    assert "looks like 'en'" in reasons["peace-roadmap.en.txt"]
    single = tmp_path / "single"
    write_exports(protocol, single, ["tmx", "tei"])
    for name in ("bishkek-protocol.en-es.tmx", "bishkek-protocol.en-es.tei.xml"):
        assert (out / name).read_bytes() == (single / name).read_bytes(), name
    page = (out / "bishkek-protocol.en-es.review.html").read_text(encoding="utf-8")
    assert str(src / EN.name) in page  # the client's path, not the worker's temporary copy
    assert (out / "2019" / "bishkek-protocol.en-es.tmx").is_file()
    memory = etree.parse(str(out / "batch.en-es.tmx"))
    assert validate_tmx(memory) == []
    single_units = etree.parse(str(single / "bishkek-protocol.en-es.tmx")).findall("body/tu")
    units = memory.findall("body/tu")
    assert len(units) == len(single_units)  # the copy in 2019/ adds documents, not units
    assert {p.text for p in units[0].iter("prop") if p.get("type") == DOCUMENT_PROP} == {
        "bishkek-protocol.en.txt",
        "2019/bishkek-protocol.en.txt",
    }
    assert b"2019/bishkek-protocol.en-es.review.html" in (out / "index.html").read_bytes()

    # Resumed: unchanged pairs are skipped (the unreadable one is tried again); an edited file is redone.
    (src / "2019" / ES.name).write_text(ES.read_text(encoding="utf-8") + "\nUna frase más.\n", encoding="utf-8")
    run_batch(client, pairing, (src, src), out, settings)
    assert _statuses(out) == {
        "bishkek-protocol.en.txt": "skipped",
        "2019/bishkek-protocol.en.txt": "aligned",
        "broken.en.txt": "failed",
        "peace-roadmap.en.txt": "skipped",
    }


@pytest.mark.slow
def test_batch_reads_files_as_the_forced_format(tmp_path: Path, client: Client, embedder: object) -> None:
    """Markdown kept in .txt files, batch-aligned with input_format="md": the same exports as align gives."""
    src = tmp_path / "in"
    src.mkdir()
    for lang in ("en", "es"):
        markdown = Path(__file__).parent / "data" / "documents" / f"bishkek-protocol.{lang}.md"
        (src / f"protocol.{lang}.txt").write_bytes(markdown.read_bytes())
    settings = BatchSettings("en", "es", ("tmx",), input_format="md")
    run_batch(client, pair_folders(src, src, "en", "es"), (src, src), tmp_path / "out", settings)
    assert _statuses(tmp_path / "out") == {"protocol.en.txt": "aligned"}
    batch_tmx = (tmp_path / "out" / "protocol.en-es.tmx").read_bytes()
    assert b"[^1]" not in batch_tmx and b"<ph" in batch_tmx  # notes as notes, not Markdown text
    single = align_texts(src / "protocol.en.txt", src / "protocol.es.txt", model=embedder, input_format="md")  # type: ignore[arg-type]
    (written,) = write_exports(single, tmp_path / "single", ["tmx"])
    assert written.read_bytes() == batch_tmx


def test_paralign_errors_survive_pickling() -> None:
    """Dask sends a worker's exception back pickled: the class, the file and the one line must arrive intact."""
    import pickle

    from paralign.errors import InputError, LanguageMismatch, NotATranslation

    for error in (
        InputError("a.txt", "holds no sentence to align"),
        NotATranslation(None, "it is the same text"),
        LanguageMismatch("b.es.txt", "target", "es", "en", 0.99),
    ):
        again = pickle.loads(pickle.dumps(error))
        assert type(again) is type(error) and str(again) == str(error) and again.path == error.path
    assert pickle.loads(pickle.dumps(LanguageMismatch("b.es.txt", "target", "es", "en", 0.99))).side == "target"
