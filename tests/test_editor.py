"""The review page as an editor, and ``paralign review``'s server: a real browser, a real process, real exports.

The browser tests drive Debian's Chromium through Playwright (nothing is
downloaded: ``executable_path``); they are ``browser`` and ``slow``, and skip
where Chromium or Playwright is missing. The server's refusals are checked
in-process over HTTP, without a browser or the model.
"""

from __future__ import annotations

import dataclasses
import http.client
import json
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import lxml.etree
import lxml.html
import pytest
from conftest import EN, ES
from test_html import CHROMIUM, needs_chromium

from paralign import review_schema
from paralign.corrections import MAX_SHEET_BYTES, load_corrections
from paralign.export.html import html_bytes, text_direction, write_html
from paralign.footnotes import pair_anchors
from paralign.ladder import read_links
from paralign.model import Alignment, Bead, Move
from paralign.read import read_document
from paralign.review_server import SAVE_PATH, TOKEN_HEADER, ReviewSession, _Server
from paralign.segment import segment

BeadPairs = list[tuple[tuple[int, ...], tuple[int, ...]]]
#: The protocol's bead holding note [1]↔505 (0-based), and the next one.
NOTE_BEAD = 3


def diagonal(source: Path = EN, target: Path = ES) -> Alignment:
    """The protocol aligned 1-1 by position, the extra source sentence left 1-0: a valid alignment without the model."""
    src, tgt = segment(read_document(source, "en")), segment(read_document(target, "es"))
    n, m = len(src.sentences), len(tgt.sentences)
    beads = [Bead((i,), (i,), 0.9) for i in range(min(n, m))] + [Bead((i,), (), 0.3) for i in range(m, n)]
    notes = pair_anchors(beads, [s.anchors for s in src.sentences], [s.anchors for s in tgt.sentences])
    return Alignment(src, tgt, tuple(beads), notes.pairs, notes.problems)


def note_labels(alignment: Alignment, beads: BeadPairs) -> tuple[list[tuple[str, str, int]], list[str]]:
    """Python's pairing (``footnotes.pair_anchors``) of ``beads``: (source label, target label, bead), problems."""
    notes = pair_anchors(
        [Bead(s, t, 1.0) for s, t in beads],
        [s.anchors for s in alignment.source.sentences],
        [s.anchors for s in alignment.target.sentences],
    )
    return [(p.src_label, p.tgt_label, p.bead) for p in notes.pairs], list(notes.problems)


# --- static checks ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "direction"),
    [
        ("ar", "rtl"),
        ("he", "rtl"),
        ("fa-IR", "rtl"),
        ("ur", "rtl"),
        ("az-Arab", "rtl"),
        ("en", "ltr"),
        ("uz-Latn", "ltr"),
    ],
)
def test_text_direction(lang: str, direction: str) -> None:
    assert text_direction(lang) == direction


def test_right_to_left_cells_carry_dir() -> None:
    alignment = diagonal()
    target = dataclasses.replace(alignment.target.document, lang="ar")
    arabic = dataclasses.replace(alignment, target=dataclasses.replace(alignment.target, document=target))
    root = lxml.html.fromstring(html_bytes(arabic))
    assert {cell.get("dir") for cell in root.xpath("//td[contains(@class, 'tgt')]")} == {"rtl"}
    assert {cell.get("dir") for cell in root.xpath("//td[contains(@class, 'src')]")} == {None}
    assert root.xpath("string(//table[@id='beads']/@data-tgt-dir)") == "rtl"


def test_page_names_every_edit_button() -> None:
    root = lxml.html.fromstring(html_bytes(diagonal()))
    names = [button.get("aria-label").lower() for button in root.xpath("//div[@role='toolbar']/button")]
    for wanted in ("merge with next", "split", "undo", "redo", "confirm", "save"):
        assert sum(wanted in name for name in names) == 1, wanted
    assert all(button.get("aria-keyshortcuts") for button in root.xpath("//button"))
    assert root.xpath("//*[@id='status']/@role") == ["status"]


# --- the server, over HTTP ------------------------------------------------------------------------------------


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[ReviewSession, int]]:
    session = ReviewSession(diagonal(), tmp_path / "out", ("tmx", "tei"))
    server = _Server(session, lambda written: None, 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield session, server.server_address[1]
    server.shutdown()
    server.server_close()


def request(
    port: int, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None
) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request(method, path, body=body, headers=headers or {})
    response = connection.getresponse()
    result = response.status, response.read()
    connection.close()
    return result


def page_json(session: ReviewSession, **changes: Any) -> dict[str, Any]:
    data = review_schema.to_json(review_schema.review_of(session.alignment))
    data.update(changes)
    return data


def post(port: int, token: str, data: object, **headers: str) -> tuple[int, dict[str, Any]]:
    all_headers = {"Content-Type": "application/json", TOKEN_HEADER: token, **headers}
    status, body = request(port, "POST", SAVE_PATH, json.dumps(data).encode(), all_headers)
    return status, json.loads(body)


def test_server_listens_on_loopback_only(served: tuple[ReviewSession, int]) -> None:
    session, port = served
    status, page = request(port, "GET", f"/?token={session.token}")
    assert status == 200 and b'data-save="/save"' in page
    assert len(session.token) >= 43  # 256 bits, URL-safe base64


@pytest.mark.parametrize("query", ["/", "/?token=", "/?token=wrong", "/../etc/passwd"])
def test_no_token_no_page(served: tuple[ReviewSession, int], query: str) -> None:
    assert request(served[1], "GET", query)[0] == 403


def test_no_token_no_write(served: tuple[ReviewSession, int]) -> None:
    session, port = served
    assert post(port, "", page_json(session))[0] == 403
    assert post(port, session.token[:-1] + "x", page_json(session))[0] == 403
    assert post(port, session.token, page_json(session), Host="attacker.example:80")[0] == 403  # DNS rebinding
    assert not session.out.exists()


def test_save_refusals_write_nothing(served: tuple[ReviewSession, int]) -> None:
    session, port = served
    headers = {TOKEN_HEADER: session.token, "Content-Type": "text/plain"}
    assert request(port, "POST", SAVE_PATH, b"{}", headers)[0] == 415
    big = {TOKEN_HEADER: session.token, "Content-Type": "application/json", "Content-Length": str(MAX_SHEET_BYTES + 1)}
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.putrequest("POST", SAVE_PATH)
    for name, value in big.items():
        connection.putheader(name, value)
    connection.endheaders()
    assert connection.getresponse().status == 413  # answered before any of the body is read
    connection.close()
    other = page_json(session, source_sha256="0" * 64)
    status, answer = post(port, session.token, other)
    assert status == 422 and "other texts" in answer["error"]
    beads = page_json(session)["beads"]
    status, answer = post(port, session.token, page_json(session, beads=[beads[1], beads[0], *beads[2:]]))
    assert status == 422 and "bead 1: src starts at sentence 2 (index 1)" in answer["error"]
    assert "\n" not in answer["error"]
    assert not session.out.exists()


def test_save_writes_sheet_and_exports_and_ignores_page_paths(served: tuple[ReviewSession, int]) -> None:
    session, port = served
    data = page_json(session, source="/etc/passwd", target="../../x")
    merged = {"src": [0, 1], "tgt": [0, 1], "confidence": 1.0, "kind": "2-2", "reviewed": True}
    data["beads"] = [merged, *data["beads"][2:]]
    status, answer = post(port, session.token, data)
    assert status == 200
    sheet = session.out / "bishkek-protocol.en-es.review.json"
    assert [Path(p).name for p in answer["written"]] == [
        sheet.name,
        "bishkek-protocol.en-es.tmx",
        sheet.name[:-12] + ".tei.xml",
    ]
    saved = json.loads(sheet.read_text(encoding="utf-8"))
    assert (saved["source"], saved["target"]) == (str(EN), str(ES))
    assert read_links(session.out / "bishkek-protocol.en-es.tei.xml")[0] == ((0, 1), (0, 1))
    reloaded = load_corrections(sheet)
    assert reloaded.beads[0] == Bead((0, 1), (0, 1), 1.0, reviewed=True)
    assert session.alignment.beads == reloaded.beads  # a reload of the page shows what was saved


# --- in a browser ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    """Debian's Chromium under Playwright (skipped, with the server tests still run, where Playwright is missing)."""
    playwright_api = pytest.importorskip("playwright.sync_api")
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        yield browser
        browser.close()


@pytest.fixture
def page(chromium: Any) -> Iterator[Any]:
    context = chromium.new_context(accept_downloads=True, viewport={"width": 1400, "height": 900})
    opened = context.new_page()
    errors: list[str] = []
    opened.on("pageerror", lambda error: errors.append(str(error)))
    yield opened
    context.close()
    assert errors == []


def bead_pairs(page: Any) -> BeadPairs:
    """The beads as the page's rows show them, checking that ``data-bead`` is each row's position."""
    rows = page.eval_on_selector_all("tr.bead", "rows => rows.map(r => [r.dataset.bead, r.dataset.src, r.dataset.tgt])")
    assert [int(position) for position, _, _ in rows] == list(range(len(rows)))
    return [(tuple(map(int, s.split())), tuple(map(int, t.split()))) for _, s, t in rows]


def page_notes(page: Any) -> tuple[list[tuple[str, str, int]], list[str]]:
    """The note pairs the page lists (source label, target label, 0-based bead) and its problems."""
    rows = page.eval_on_selector_all(
        "#notes tbody tr:not(.unpaired)",
        "rows => rows.map(r => [r.cells[0].textContent, r.cells[1].textContent])",
    )
    pairs = []
    for shown, bead in rows:
        src, tgt = shown.split("↔")
        pairs.append((src.strip("[]"), tgt, int(bead.split()[1]) - 1))
    return pairs, page.eval_on_selector_all("#note-problems li", "items => items.map(i => i.textContent)")


def button(page: Any, name: str) -> Any:
    return page.get_by_role("button", name=re.compile(name, re.IGNORECASE))


def rows_snapshot(page: Any) -> list[tuple[list[tuple[str, str]], str]]:
    """Each row's attributes and content, selection aside: to compare a redrawn row with the served one."""
    return page.eval_on_selector_all(
        "tr.bead",
        """rows => rows.map(r => [
             r.getAttributeNames().filter(n => n !== "aria-current").sort()
               .map(n => [n, n === "class" ? r.className.replace(/ ?current/, "") : r.getAttribute(n)]),
             r.innerHTML])""",
    )


def edited_protocol(protocol: Alignment) -> BeadPairs:
    """The protocol after merge, split and "move last target sentence to next" on bead 4 (index 3).

    Merging and splitting give back the same 1-1 beads (now reviewed); the
    move takes bead 4's target sentence, and with it note 505, into bead 5:
    note [1] loses its twin and 505 lands in a bead with no source note.
    """
    beads = [(b.src, b.tgt) for b in protocol.beads]
    (src3, tgt3), (src4, tgt4) = beads[NOTE_BEAD], beads[NOTE_BEAD + 1]
    assert (len(src3), len(tgt3), len(src4), len(tgt4)) == (1, 1, 1, 1)
    beads[NOTE_BEAD : NOTE_BEAD + 2] = [(src3, ()), (src4, tgt3 + tgt4)]
    return beads


@needs_chromium
def test_keyboard_only_edits_undo_to_the_served_page_and_save_downloads(
    page: Any, protocol: Alignment, tmp_path: Path
) -> None:
    """Static page, keys only: edits, refusals, undo back to rows identical to Python's, redo, and Save's JSON."""
    html = write_html(protocol, tmp_path / "bishkek-protocol.en-es.review.html")
    page.goto(html.as_uri())
    served = rows_snapshot(page)
    original = [(b.src, b.tgt) for b in protocol.beads]
    status = page.locator("[role=status]")
    page.keyboard.press("m")
    assert "select a bead first" in status.inner_text()
    for _ in range(NOTE_BEAD + 1):
        page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.dataset.bead") == str(NOTE_BEAD)
    assert page.locator("tr[aria-current=true]").get_attribute("data-bead") == str(NOTE_BEAD)
    page.keyboard.press("m")
    assert bead_pairs(page)[NOTE_BEAD] == (original[3][0] + original[4][0], original[3][1] + original[4][1])
    for key, refusal in (("s", ""), ("}", ""), ("x", "unaligned already"), ("End", ""), ("m", "last bead")):
        page.keyboard.press(key)
        assert status.inner_text().startswith("refused") == bool(refusal) and refusal in status.inner_text()
    page.keyboard.press("Home")
    page.keyboard.press("[")
    assert status.inner_text() == "refused: move first source sentence: bead 1 is the first bead"
    for _ in range(40):  # Tab to the confirm button, Enter presses it
        if page.evaluate("document.activeElement.id") == "confirm":
            break
        page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expected = edited_protocol(protocol)
    assert bead_pairs(page) == expected
    assert page.eval_on_selector_all("tr.reviewed", "rows => rows.map(r => r.dataset.bead)") == ["0", "3", "4"]
    assert page_notes(page) == note_labels(protocol, expected)  # the page pairs notes as Python does
    while page.locator("#undo").is_enabled():
        page.keyboard.press("Control+z")
    assert bead_pairs(page) == original and rows_snapshot(page) == served  # redrawn rows = Python's rows
    page.keyboard.press("u")
    assert status.inner_text() == "refused: undo: nothing to undo"
    for _ in range(4):
        page.keyboard.press("r")
    assert bead_pairs(page) == expected
    with page.expect_download() as download:
        page.keyboard.press("e")
    sheet = tmp_path / "saved.review.json"
    download.value.save_as(sheet)
    rebuilt = load_corrections(sheet)
    assert [(b.src, b.tgt) for b in rebuilt.beads] == expected
    assert [k for k, b in enumerate(rebuilt.beads) if b.reviewed] == [0, 3, 4]
    pairs = [(p.src_label, p.tgt_label, p.bead) for p in rebuilt.footnote_pairs]
    assert (pairs, list(rebuilt.footnote_problems)) == page_notes(page)
    assert "paralign export bishkek-protocol.en.review.json" in page.locator("#saved").inner_text()


@needs_chromium
def test_save_keeps_a_move_while_its_sentences_stand_alone(page: Any, tmp_path: Path) -> None:
    """The page's save carries ``moves`` over, and drops one whose source sentence the reviewer put into a bead."""
    aligned = diagonal()
    beads = list(aligned.beads)
    beads[2:3] = [Bead((2,), (), 0.4), Bead((), (2,), 0.4)]
    alignment = dataclasses.replace(aligned, beads=tuple(beads), moves=(Move(2, 2, 0.87),))
    page.goto(write_html(alignment, tmp_path / "moved.review.html").as_uri())
    assert "source 3 ↔ target 3" in page.locator("p.summary").inner_text()
    saved = []
    for edit in ([], ["Home", "ArrowDown", "ArrowDown", "m"]):  # bead 2 (source 2 alone) merged with the gap after
        for key in edit:
            page.keyboard.press(key)
        with page.expect_download() as download:
            page.keyboard.press("e")
        sheet = tmp_path / f"saved{len(saved)}.review.json"
        download.value.save_as(sheet)
        saved.append(load_corrections(sheet))
    assert saved[0].moves == (Move(2, 2, 0.87),) and saved[0].units[2] == Bead((2,), (2,), 0.87)
    assert saved[1].moves == () and Bead((2,), (2,), 1.0, reviewed=True) in saved[1].beads


@pytest.fixture
def review_process(protocol: Alignment, tmp_path: Path) -> Iterator[tuple[str, Path, subprocess.Popen[str]]]:
    """``paralign review SHEET --no-browser`` as a user runs it; yields the page's address and the out folder."""
    sheet = tmp_path / "start.review.json"
    sheet.write_text(json.dumps(review_schema.to_json(review_schema.review_of(protocol))), encoding="utf-8")
    out = tmp_path / "exports"
    command = [sys.executable, "-m", "paralign", "review", str(sheet), "--no-browser", "-o", str(out), "-f", "tmx,tei"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert process.stdout is not None
    line = process.stdout.readline()
    match = re.fullmatch(r"review: (http://127\.0\.0\.1:\d+/\?token=[\w-]{43}) \(Ctrl\+C stops\)\n", line)
    assert match, (line, process.stderr.read() if process.stderr else "")
    yield match.group(1), out, process
    process.terminate()
    process.wait(timeout=30)


def tmx_note_pairs(path: Path) -> list[tuple[str, str]]:
    """Note pairs as a TMX holds them: ``<ph x>`` values shared by a unit's two sides, source ``[1]`` as ``1``."""
    pairs = []
    for tu in lxml.etree.parse(str(path)).iter("tu"):
        src, tgt = ({ph.get("x"): ph.text for ph in tuv.iter("ph")} for tuv in tu.iter("tuv"))
        pairs += [(src[x].strip("[]"), tgt[x]) for x in src if x in tgt]
    return pairs


@needs_chromium
def test_review_server_saves_edits_into_the_exports(
    page: Any, protocol: Alignment, review_process: tuple[str, Path, subprocess.Popen[str]]
) -> None:
    """Mouse and buttons on the served page; Save writes the sheet and rebuilds TMX and TEI with exactly those beads."""
    url, out, process = review_process
    page.goto(url)
    page.locator(f"tr[data-bead='{NOTE_BEAD}']").click()
    for name in ("merge with next", "split", "move last target sentence", "undo", "undo", "undo", "redo", "redo"):
        button(page, name).click()
    button(page, "redo").click()
    expected = edited_protocol(protocol)
    assert bead_pairs(page) == expected
    button(page, "save").click()
    page.locator("#saved li").nth(2).wait_for()
    stem = out / "bishkek-protocol.en-es"
    written = [str(stem) + suffix for suffix in (".review.json", ".tmx", ".tei.xml")]
    assert page.eval_on_selector_all("#saved li", "items => items.map(i => i.textContent)") == written
    assert read_links(written[2]) == expected
    tei = lxml.etree.parse(written[2])
    links = tei.iter("{http://www.tei-c.org/ns/1.0}link")
    assert [k for k, link in enumerate(links) if link.get("resp") == "#reviewer"] == [NOTE_BEAD, NOTE_BEAD + 1]
    python_pairs, python_problems = note_labels(protocol, expected)
    assert tmx_note_pairs(Path(written[1])) == [(s, t) for s, t, _ in python_pairs]
    assert len(list(lxml.etree.parse(written[1]).iter("tu"))) == sum(1 for s, t in expected if s and t)
    assert page_notes(page) == (python_pairs, python_problems)
    reloaded = load_corrections(written[0])  # what `paralign export` reads
    assert [(b.src, b.tgt) for b in reloaded.beads] == expected
    assert list(reloaded.footnote_problems) == python_problems
    process.terminate()
    stdout, stderr = process.communicate(timeout=30)
    assert process.returncode == 0, stderr
    assert stdout.splitlines() == [f"saved: {path}" for path in written] + ["review: stopped"]
