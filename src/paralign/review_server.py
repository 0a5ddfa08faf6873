"""The local server behind ``paralign review``: it serves the review page, and each "Save" rebuilds the exports.

The page (``export.html``) is the same one ``--format html`` writes, with a
``data-save`` address: its "Save" posts the review JSON here, and the server
checks the beads against the texts it aligned (``corrections.revise``),
writes the corrections to ``<stem>.review.json`` beside the exports (atomic
rename) and rebuilds the chosen formats with ``formats.write_exports`` (all
or nothing), then answers with the files written, which the page shows.

The standard library's ``ThreadingHTTPServer`` is enough: one person, one
page, a handful of requests; a framework would add a dependency and a larger
surface for no gain. What keeps it safe on a shared machine or beside a
hostile web page in the same browser:

* it listens on 127.0.0.1 only, on a port the system picks;
* every request must carry the session's random token (``secrets``, 256
  bits): in the page's address for ``GET``, in the ``X-Paralign-Token``
  header for the ``POST`` (compared with ``hmac.compare_digest``); no token,
  no page and no write. A custom header also means a cross-site page cannot
  post without a CORS preflight, which this server never grants;
* the ``Host`` header must name the loopback address and this port (a DNS
  rebinding page cannot talk to it under another name);
* a body is read only up to ``corrections.MAX_SHEET_BYTES``, with a declared
  length and a socket timeout;
* no name or path the page sends is used as a file name: where to write is
  fixed when the session starts, and the texts are the ones aligned.
"""

from __future__ import annotations

import hmac
import json
import secrets
import threading
import webbrowser
from collections.abc import Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from paralign import review_schema
from paralign.corrections import MAX_SHEET_BYTES, revise
from paralign.errors import ParalignError
from paralign.export._xml import atomic_write
from paralign.export.html import html_bytes
from paralign.formats import NotesMode, check_targets, export_paths, export_stem, write_exports
from paralign.model import Alignment

#: Where the page posts its review JSON.
SAVE_PATH = "/save"
#: The header that carries the token on a save.
TOKEN_HEADER = "X-Paralign-Token"
#: Seconds a connection may stay silent before it is dropped (a stalled client cannot hold a thread).
SOCKET_TIMEOUT = 30
#: What the page may load or reach: its own inline script and style, and this server.
_CSP = (
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)


@dataclass
class ReviewSession:
    """One reviewer's session: the alignment as last saved, and where saves go.

    ``alignment`` is replaced by each successful save (under a lock: two
    saves never interleave), so reloading the page shows the saved beads.
    """

    alignment: Alignment
    out: Path
    formats: tuple[str, ...]
    tmx_notes: NotesMode = NotesMode.TAGS
    token: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def sheet(self) -> Path:
        """``<out>/<stem>.review.json``: the corrections, beside the exports they rebuild."""
        source = self.alignment.source.document
        stem = export_stem(source.path, source.lang, self.alignment.target.document.lang)
        return self.out / f"{stem}.review.json"

    def check(self) -> None:
        """Refuse before serving what a save could not write (read-only folder, a directory in the way)."""
        source = self.alignment.source.document
        paths = export_paths(self.out, source.path, source.lang, self.alignment.target.document.lang, self.formats)
        check_targets([self.sheet, *paths.values()])

    def page(self) -> bytes:
        return html_bytes(self.alignment, save_url=SAVE_PATH)

    def save(self, body: bytes) -> list[Path]:
        """Check the page's JSON, write the sheet, rebuild the exports; returns the files written, sheet first.

        Raises:
            ParalignError: the JSON is refused (nothing written), or an export
                could not be written (the sheet is saved, the exports are as
                they were).
        """
        with self._lock:
            alignment = revise(self.alignment, body, self.sheet)
            review = review_schema.to_json(review_schema.review_of(alignment))
            sheet = atomic_write(self.sheet, json.dumps(review, ensure_ascii=False, indent=1).encode() + b"\n")
            self.alignment = alignment
            return [sheet, *write_exports(alignment, self.out, self.formats, self.tmx_notes)]


class _Server(ThreadingHTTPServer):
    """Joins its request threads on close, so a save under way finishes before the process exits."""

    daemon_threads = False
    block_on_close = True

    def __init__(self, session: ReviewSession, on_save: Callable[[list[Path]], None], port: int) -> None:
        self.session = session
        self.on_save = on_save
        super().__init__(("127.0.0.1", port), _Handler)


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    timeout = SOCKET_TIMEOUT

    def do_GET(self) -> None:  # the name http.server calls
        url = urlsplit(self.path)
        token = parse_qs(url.query).get("token", [""])[0]
        if not self._trusted(token):
            return
        if url.path != "/":
            self._answer(HTTPStatus.NOT_FOUND, {"error": "no such page"})
            return
        self._send(HTTPStatus.OK, "text/html; charset=utf-8", self.server.session.page())

    def do_POST(self) -> None:
        if not self._trusted(self.headers.get(TOKEN_HEADER, "")):
            return
        if urlsplit(self.path).path != SAVE_PATH:
            self._answer(HTTPStatus.NOT_FOUND, {"error": "no such address"})
            return
        if self.headers.get_content_type() != "application/json":
            self._answer(HTTPStatus.UNSUPPORTED_MEDIA_TYPE, {"error": "a save is the review JSON (application/json)"})
            return
        declared = self.headers.get("Content-Length", "")
        if not declared.isdigit():
            self._answer(HTTPStatus.LENGTH_REQUIRED, {"error": "a save must declare its length"})
            return
        if int(declared) > MAX_SHEET_BYTES:
            self.close_connection = True
            self._answer(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, {"error": f"over {MAX_SHEET_BYTES // 2**20} MB"})
            return
        body = self.rfile.read(int(declared))
        try:
            written = self.server.session.save(body)
        except ParalignError as error:
            self._answer(HTTPStatus.UNPROCESSABLE_ENTITY, {"error": str(error)})
            return
        self.server.on_save(written)
        self._answer(HTTPStatus.OK, {"written": [str(path) for path in written]})

    def _trusted(self, token: str) -> bool:
        """The right token, and addressed to the loopback name of this port; otherwise answered 403 here."""
        port = self.server.server_address[1]
        host_ok = self.headers.get("Host", "") in {f"127.0.0.1:{port}", f"localhost:{port}"}
        if host_ok and hmac.compare_digest(token.encode(), self.server.session.token.encode()):
            return True
        self._answer(HTTPStatus.FORBIDDEN, {"error": "this review session's token is required"})
        return False

    def _answer(self, status: HTTPStatus, answer: dict[str, object]) -> None:
        self._send(status, "application/json", json.dumps(answer, ensure_ascii=False).encode())

    def _send(self, status: HTTPStatus, content_type: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("Content-Security-Policy", _CSP)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        """Silent: the command reports saves itself, and a request log would bury them."""


def serve(
    session: ReviewSession,
    announce: Callable[[str], None],
    on_save: Callable[[list[Path]], None],
    open_browser: bool = True,
    port: int = 0,
) -> None:
    """Serve ``session`` on 127.0.0.1 until interrupted (Ctrl+C, SIGTERM); returns once a save under way is done.

    ``announce`` gets the page's address (token included) once the server
    listens; ``on_save`` the files each save wrote.
    """
    with _Server(session, on_save, port) as server:
        url = f"http://127.0.0.1:{server.server_address[1]}/?token={session.token}"
        announce(url)
        if open_browser:
            webbrowser.open(url)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
