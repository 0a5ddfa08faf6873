"""The HTML review page of the protocol pair, rendered by a real browser (headless Chromium).

Chromium is Debian's ``chromium`` package; without it the browser tests skip
(the static checks still run).
"""

from __future__ import annotations

import dataclasses
import json
import re
import shutil
import struct
import subprocess
from collections.abc import Callable
from pathlib import Path

import lxml.html
import pytest

from paralign import review_schema
from paralign.export.html import _JS, DATA_ID, build_html, html_bytes, write_html
from paralign.model import LOW_CONFIDENCE, Alignment

CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
_NO_CHROMIUM = pytest.mark.skipif(CHROMIUM is None, reason="headless Chromium not installed (apt-get install chromium)")


def needs_chromium(test: Callable[..., None]) -> Callable[..., None]:
    """A test that drives headless Chromium: ``browser`` and ``slow``, skipped where Chromium is missing."""
    marked: Callable[..., None] = pytest.mark.browser(pytest.mark.slow(_NO_CHROMIUM(test)))
    return marked


#: The protocol's flags after lowering two confidences (see ``weakened``): the 1-0 heading and beads 6 and 12.
WEAK = (5, 11)


def chromium(tmp: Path, page: Path, *mode: str, query: str = "") -> str:
    """Run headless Chromium on ``page`` (``--dump-dom`` or ``--screenshot=…``); returns stdout."""
    command = [
        str(CHROMIUM),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={tmp / 'chromium-profile'}",
        "--window-size=1400,1000",
        *mode,
        page.as_uri() + query,
    ]
    result = subprocess.run(command, cwd=tmp, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def rows_of(dom: str) -> list[lxml.html.HtmlElement]:
    return lxml.html.fromstring(dom).xpath("//tr[contains(concat(' ', @class, ' '), ' bead ')]")


@pytest.fixture(scope="module")
def page(protocol: Alignment, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_html(protocol, tmp_path_factory.mktemp("html") / "bishkek-protocol.en-es.review.html")


@pytest.fixture(scope="module")
def weakened(protocol: Alignment, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The protocol with beads 6 and 12 pushed under LOW_CONFIDENCE, so there is something to navigate."""
    beads = list(protocol.beads)
    for index in WEAK:
        beads[index] = dataclasses.replace(beads[index], confidence=LOW_CONFIDENCE / 2)
    alignment = dataclasses.replace(protocol, beads=tuple(beads))
    return write_html(alignment, tmp_path_factory.mktemp("html-weak") / "weak.review.html")


def test_page_is_self_contained(page: Path) -> None:
    root = lxml.html.fromstring(page.read_bytes())
    assert not root.xpath("//link | //img | //iframe | //object | //embed | //script[@src] | //*[@src]")
    assert all(href.startswith("#") for href in root.xpath("//@href"))
    assert root.xpath("//style/text()") and root.xpath("//script[not(@type)]/text()")
    assert "@import" not in "".join(root.xpath("//style/text()"))


def test_embedded_data_is_the_documented_json(protocol: Alignment) -> None:
    root = lxml.html.fromstring(html_bytes(protocol))
    (script,) = root.xpath(f"//script[@id='{DATA_ID}']")
    assert script.get("type") == "application/json"
    data = json.loads(script.text)
    assert data == review_schema.to_json(review_schema.review_of(protocol))
    assert set(data) == {
        "version",
        "source",
        "source_sha256",
        "target",
        "target_sha256",
        "src_lang",
        "tgt_lang",
        "model",
        "presplit",
        "encoding",
        "input_format",
        "replace_invalid_utf8",
        "calibrated",
        "beads",
        "moves",
    }
    assert data["moves"] == []  # the protocol pair has no sentence out of order
    assert (data["src_lang"], data["tgt_lang"], data["presplit"], data["calibrated"]) == ("en", "es", False, True)
    assert (data["encoding"], data["input_format"], data["replace_invalid_utf8"]) == (None, None, False)
    assert data["source"] == str(protocol.source.document.path.absolute())
    assert data["beads"][0] == {
        "src": [0],
        "tgt": [],
        "confidence": round(protocol.beads[0].confidence, 4),
        "kind": "1-0",
        "reviewed": False,
    }
    assert [(b["src"], b["tgt"]) for b in data["beads"]] == [(list(b.src), list(b.tgt)) for b in protocol.beads]


def test_script_reads_the_schema_from_the_page(protocol: Alignment) -> None:
    """The page's script spells no key of the review JSON: it reads them from ``data-keys``."""
    root = lxml.html.fromstring(html_bytes(protocol))
    (script,) = root.xpath(f"//script[@id='{DATA_ID}']")
    assert json.loads(script.get("data-keys")) == review_schema.page_keys()
    assert not re.search(r"\bdata\.\w", _JS), "the script reads a field of the data by name"
    assert not re.search(r"\bb\.(src|tgt|confidence|kind)\b|\b(src|tgt|confidence|kind):", _JS)


def test_hostile_file_name_stays_data(protocol: Alignment) -> None:
    name = Path("x</script><script>alert(1)</script>&amp;.en.txt")
    document = dataclasses.replace(protocol.source.document, path=name)
    alignment = dataclasses.replace(protocol, source=dataclasses.replace(protocol.source, document=document))
    root = lxml.html.fromstring(html_bytes(alignment))
    assert len(root.xpath("//script")) == 2
    source = json.loads(root.xpath(f"string(//script[@id='{DATA_ID}'])"))["source"]
    assert review_schema.unescape(source) == str(name.absolute())
    assert root.xpath("string(//h1/span[1])") == name.name


def test_a_reviewed_bead_is_shown_and_not_flagged(protocol: Alignment) -> None:
    """A bead a reviewer changed or confirmed: green badge, out of the flagged rows ``n``/``p`` visit."""
    beads = list(protocol.beads)
    beads[0] = dataclasses.replace(beads[0], confidence=1.0, reviewed=True)  # the 1-0 gap, accepted as it is
    root = lxml.html.fromstring(html_bytes(dataclasses.replace(protocol, beads=tuple(beads))))
    (row,) = root.xpath("//tr[@data-reviewed='yes']")
    assert row.get("id") == "bead-1" and row.get("class").split() == ["bead", "reviewed"]
    assert row.xpath("string(.//span[contains(@class, 'badge')])") == "reviewed"
    assert not root.xpath("//tr[contains(@class, 'flagged')]")
    assert "1 reviewed" in root.xpath("string(//p[@class='summary'])")


def test_notes_list_pairs_markers_with_english_texts(protocol: Alignment) -> None:
    root = build_html(protocol).getroot()
    notes = root.xpath("//section[@id='notes']//tbody/tr")
    assert [n.xpath("string(td[@class='pair'])") for n in notes] == [f"[{k}]↔{504 + k}" for k in range(1, 8)]
    assert notes[2].xpath("string(td[@class='note-text'])") == "De Waal, Black Garden, p. 238."
    assert notes[0].xpath("string(td[@class='bead-ref']/a/@href)") == f"#bead-{protocol.footnote_pairs[0].bead + 1}"


@needs_chromium
def test_screenshot_renders(page: Path, tmp_path: Path) -> None:
    shot = tmp_path / "review.png"
    chromium(tmp_path, page, f"--screenshot={shot}")
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000
    assert struct.unpack(">II", data[16:24]) == (1400, 1000)


@needs_chromium
def test_dom_has_one_row_per_bead_and_flags_the_gap(protocol: Alignment, page: Path, tmp_path: Path) -> None:
    dom = chromium(tmp_path, page, "--dump-dom", query="?keys=n")
    rows = rows_of(dom)
    assert len(rows) == len(protocol.beads) == 23
    for position, (row, bead) in enumerate(zip(rows, protocol.beads, strict=True), start=1):
        assert row.get("id") == f"bead-{position}" and row.get("data-bead") == str(position - 1)
        assert row.get("data-src") == " ".join(map(str, bead.src))
        assert row.get("data-tgt") == " ".join(map(str, bead.tgt))
        assert row.get("data-kind") == bead.kind
        assert float(row.get("data-confidence")) == pytest.approx(bead.confidence, abs=1e-4)
        assert len(row.xpath("td[contains(@class, 'src')]")) == len(row.xpath("td[contains(@class, 'tgt')]")) == 1
    flagged = [row for row in rows if "flagged" in row.get("class").split()]
    assert [row.get("data-bead") for row in flagged] == ["0"]
    assert "gap" in flagged[0].get("class").split() and flagged[0].xpath("string(.//span[@class='badge gap'])") == "gap"
    assert "current" in flagged[0].get("class").split()  # the replayed "n" selected it
    badges = [sup.text_content() for sup in lxml.html.fromstring(dom).xpath("//td[@class='src']//sup")]
    assert badges == [f"[{k}]↔{504 + k}" for k in range(1, 8)]


@needs_chromium
def test_keys_move_between_flagged_rows(weakened: Path, tmp_path: Path) -> None:
    def marked(keys: str) -> dict[str, list[str]]:
        rows = rows_of(chromium(tmp_path, weakened, "--dump-dom", query=f"?keys={keys}"))
        return {
            mark: [row.get("data-bead") for row in rows if mark in row.get("class").split()]
            for mark in ("flagged", "current")
        }

    assert marked("jjj") == {"flagged": ["0", "5", "11"], "current": ["11"]}
    assert marked("nn")["current"] == ["5"]
    assert marked("nnnn")["current"] == ["0"]  # wraps around
    assert marked("p")["current"] == ["11"]
    assert marked("nnk")["current"] == ["0"]


@needs_chromium
def test_confirm_and_export_json(weakened: Path, tmp_path: Path) -> None:
    dom = lxml.html.fromstring(chromium(tmp_path, weakened, "--dump-dom", query="?keys=nnce"))
    exported = json.loads(dom.xpath("string(//pre[@id='exported'])"))
    embedded = json.loads(dom.xpath(f"string(//script[@id='{DATA_ID}'])"))
    assert set(exported) == set(embedded)
    assert {k: v for k, v in exported.items() if k != "beads"} == {k: v for k, v in embedded.items() if k != "beads"}
    assert (exported["beads"][WEAK[0]]["confidence"], exported["beads"][WEAK[0]]["reviewed"]) == (1.0, True)
    assert embedded["beads"][WEAK[0]]["confidence"] == round(LOW_CONFIDENCE / 2, 4)
    others = [b for i, b in enumerate(exported["beads"]) if i != WEAK[0]]
    assert others == [b for i, b in enumerate(embedded["beads"]) if i != WEAK[0]]
    (row,) = dom.xpath("//tr[@id='bead-6']")
    assert "reviewed" in row.get("class").split() and row.get("data-reviewed") == "yes"


@needs_chromium
def test_exported_json_round_trips_through_corrections(protocol: Alignment, weakened: Path, tmp_path: Path) -> None:
    from paralign.corrections import load_corrections

    dom = lxml.html.fromstring(chromium(tmp_path, weakened, "--dump-dom", query="?keys=nnce"))
    sheet = tmp_path / "reviewed.json"
    sheet.write_text(dom.xpath("string(//pre[@id='exported'])"), encoding="utf-8")
    rebuilt = load_corrections(sheet)
    assert [(b.src, b.tgt) for b in rebuilt.beads] == [(b.src, b.tgt) for b in protocol.beads]
    assert (rebuilt.beads[WEAK[0]].confidence, rebuilt.beads[WEAK[0]].reviewed) == (1.0, True)
    assert [k for k, bead in enumerate(rebuilt.beads) if bead.reviewed] == [WEAK[0]]
    assert [(p.src_label, p.tgt_label) for p in rebuilt.footnote_pairs] == [
        (p.src_label, p.tgt_label) for p in protocol.footnote_pairs
    ]
