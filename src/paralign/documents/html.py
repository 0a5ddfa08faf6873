"""HTML → ``Document``: the page's text blocks in reading order, its note references as anchors.

lxml.html (libxml2's HTML parser, which takes the tag soup Word and old
editors write, never loads a DTD or touches the network). Blocks: ``h1``–``h6``
headings, ``p``, ``li``/``dt``/``dd`` list items, ``blockquote`` (and what it
holds) quotes, each table cell a block, ``pre``, captions; any other
element's loose text is a paragraph. Not text: ``head``, scripts, styles,
forms, embedded media, navigation, ``del`` (a tracked deletion; ``ins`` is
text), anything hidden (``hidden``, ``display: none``, ``visibility:
hidden``, Word's ``mso-hide: all``), LibreOffice's page header and footer
(``div title="header"``), Word's header, footer and comment parts
(``mso-element:…``) and its comment anchors, HTML comments.

A note reference is a link to an element of the same page that is
explicitly one (``role="doc-noteref"``; the classes of LibreOffice,
markdown-it, Pandoc and Word; Word's ``#_ftn1``/``#_edn1`` targets) or a
link set in superscript. Its note is the list item, ``div``, ``aside`` or
``section`` holding the link's target; that element's text, less its
back-links and number, is the note's text, and it is not read as body. The
label is the number the reference shows (``[1]`` → ``1``, ``505``), or its
place among the references when it shows none.
"""

from __future__ import annotations

import re
from pathlib import Path

import lxml.html
from lxml import etree

from paralign.documents._builder import DocumentBuilder
from paralign.errors import InputError
from paralign.model import BlockKind, Document
from paralign.read import InvalidUtf8, decode

_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_LIST_ITEMS = {"li", "dt", "dd"}
_CELLS = {"td", "th"}
_PARAGRAPHS = {"p", "pre", "caption", "figcaption", "address"} | _CELLS
_CONTAINERS = {
    "body", "div", "section", "article", "main", "header", "footer", "aside", "figure", "center",
    "ul", "ol", "dl", "menu", "table", "thead", "tbody", "tfoot", "tr", "details", "summary", "form", "fieldset",
}  # fmt: skip
_SKIPPED = {
    "head", "script", "style", "template", "noscript", "del", "nav", "button", "select", "option", "textarea",
    "iframe", "object", "embed", "svg", "math", "canvas", "audio", "video", "map", "title", "meta", "link",
}  # fmt: skip
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden|mso-hide\s*:\s*all|mso-element\s*:", re.I)
_NOTE_REF_CLASSES = {
    "sdfootnoteanc", "sdendnoteanc", "footnote-ref", "footnote-reference", "noteref",
    "msofootnotereference", "msoendnotereference",
}  # fmt: skip
_BACKLINK_CLASSES = {"sdfootnotesym", "sdendnotesym", "footnote-backref", "footnote-back", "msocomanchor"}
_WORD_NOTE_TARGET = re.compile(r"#_?(ftn|edn)\d+$", re.I)
_NOTE_HOLDERS = {"li", "div", "aside", "section", "dd", "footer"}
_DIGITS = re.compile(r"\d{1,6}")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.I)
_XML_DECLARATION = re.compile(r"\A\s*<\?xml[^>]*\?>")


def _classes(element: etree._Element) -> set[str]:
    return set((element.get("class") or "").lower().split())


def _hidden(element: etree._Element) -> bool:
    return (
        element.get("hidden") is not None
        or bool(_HIDDEN_STYLE.search(element.get("style") or ""))
        or (element.tag == "div" and (element.get("title") or "").lower() in ("header", "footer"))
        or bool(_classes(element) & {"msocomanchor", "msocomtxt"})
    )


class _Notes:
    """The page's note references and the elements holding their notes."""

    def __init__(self, root: etree._Element) -> None:
        targets: dict[str, etree._Element] = {}
        for element in root.iter():
            for key in ("id", "name"):
                value = element.get(key)
                if value and isinstance(element.tag, str):
                    targets.setdefault(value, element)
        self.labels: dict[etree._Element, str] = {}
        self.bodies: dict[etree._Element, etree._Element] = {}
        ref_names: set[str] = set()
        for link in root.iter("a"):
            href = link.get("href") or ""
            target = targets.get(href[1:]) if href.startswith("#") else None
            if target is None or not self._is_reference(link, href):
                continue
            holder = next((e for e in target.iterancestors() if e.tag in _NOTE_HOLDERS), None)
            holder = target if target.tag in _NOTE_HOLDERS else holder
            if holder is None or link in holder.iterdescendants() or holder in link.iterancestors():
                continue
            digits = _DIGITS.search("".join(str(text) for text in link.itertext()))
            self.labels[link] = digits.group() if digits else str(len(self.labels) + 1)
            self.bodies[link] = holder
            for element in (link, *link.iterancestors("sup")):
                ref_names.update(value for value in (element.get("id"), element.get("name")) if value)
        self.holders = set(self.bodies.values())
        self._backlinks = {f"#{name}" for name in ref_names}

    @staticmethod
    def _is_reference(link: etree._Element, href: str) -> bool:
        inner = {c for e in link.iter() for c in _classes(e)}
        explicit = (
            "doc-noteref" in (link.get("role") or "")
            or bool(inner & _NOTE_REF_CLASSES)
            or any(_classes(sup) & _NOTE_REF_CLASSES for sup in link.iterancestors("sup"))
            or bool(_WORD_NOTE_TARGET.search(href))
        )
        superscript = next(link.iterancestors("sup"), None) is not None or link.find(".//sup") is not None
        return explicit or superscript

    def text(self, link: etree._Element) -> str:
        """The note's text, without its back-links and number mark."""
        pieces: list[str] = []
        self._collect(self.bodies[link], pieces)
        return "".join(pieces)

    def _collect(self, element: etree._Element, pieces: list[str]) -> None:
        if element.text:
            pieces.append(element.text)
        for child in element:
            if isinstance(child.tag, str) and not self._is_backlink(child) and child.tag not in _SKIPPED:
                self._collect(child, pieces)
                if child.tag in _PARAGRAPHS or child.tag == "br":
                    pieces.append(" ")
            if child.tail:
                pieces.append(child.tail)

    def _is_backlink(self, element: etree._Element) -> bool:
        if element.tag != "a":
            return False
        return (
            (element.get("href") or "") in self._backlinks
            or "doc-backlink" in (element.get("role") or "")
            or bool(_classes(element) & _BACKLINK_CLASSES)
        )


class _Reader:
    def __init__(self, path: Path, lang: str, notes: _Notes) -> None:
        self.builder = DocumentBuilder(path, lang)
        self.notes = notes
        self.kinds: list[BlockKind] = [BlockKind.PARAGRAPH]

    def walk(self, element: etree._Element) -> None:
        tag = element.tag
        if not isinstance(tag, str) or tag in _SKIPPED or _hidden(element) or element in self.notes.holders:
            self._tail(element)
            return
        if element in self.notes.labels:
            self.builder.note_reference(self.notes.labels[element])
            self.builder.note(self.notes.labels[element], self.notes.text(element))
        elif tag == "br":
            self._text(" ")
        elif tag in _HEADINGS or tag in _LIST_ITEMS or tag in _PARAGRAPHS or tag == "blockquote":
            self._block(element, self._kind(tag))
        elif tag in _CONTAINERS:
            self._block(element, self.kinds[-1], own_block=False)
        else:
            self._text(element.text)
            for child in element:
                self.walk(child)
        self._tail(element)

    def _kind(self, tag: str) -> BlockKind:
        if tag in _HEADINGS:
            return BlockKind.HEADING
        if tag in _LIST_ITEMS:
            return BlockKind.LIST_ITEM
        if tag == "blockquote":
            return BlockKind.QUOTE
        if tag in _CELLS:
            return BlockKind.PARAGRAPH
        return self.kinds[-1]  # a paragraph in a quote or a list item is of its kind

    def _block(self, element: etree._Element, kind: BlockKind, own_block: bool = True) -> None:
        if own_block:
            self.builder.start_block(kind)
        self.kinds.append(kind)
        self._text(element.text)
        for child in element:
            self.walk(child)
        self.kinds.pop()
        if own_block or self.builder.in_block:
            self.builder.end_block()

    def _tail(self, element: etree._Element) -> None:
        self._text(element.tail)

    def _text(self, text: str | None) -> None:
        if text:
            if not self.builder.in_block:
                if not text.strip():
                    return
                self.builder.start_block(self.kinds[-1])
            self.builder.text(text)


def _decoded(path: Path, data: bytes, encoding: str | None, errors: InvalidUtf8) -> tuple[str, list[str]]:
    """The page's text: in ``encoding``, else in the charset it declares, else as ``read.decode`` finds it."""
    declared = _META_CHARSET.search(data[:4096])
    encoding = encoding or (declared.group(1).decode("ascii") if declared else None)
    if encoding is not None:
        try:
            return data.decode(encoding), []
        except LookupError:
            raise InputError(path, f"declares an unknown encoding {encoding!r}; pass --encoding") from None
        except UnicodeDecodeError as error:
            raise InputError(path, f"is not valid {encoding} at byte {error.start}; pass --encoding") from None
    return decode(data, path, None, errors)


def read_html(
    path: Path, data: bytes, lang: str, encoding: str | None = None, errors: InvalidUtf8 = "strict"
) -> Document:
    """Read an HTML page (its bytes ``data``) into a ``Document`` with its note references as anchors.

    Raises:
        InputError: undecodable, or no text at all.
    """
    text, warnings = _decoded(path, data, encoding, errors)
    parser = lxml.html.HTMLParser(no_network=True, remove_comments=True, remove_pis=True, huge_tree=False)
    try:
        root = lxml.html.document_fromstring(_XML_DECLARATION.sub("", text, count=1), parser)
    except (etree.ParserError, ValueError) as error:
        raise InputError(path, f"cannot be read as HTML ({error})") from None
    body = root.find("body")
    reader = _Reader(path, lang, _Notes(root))
    reader.walk(body if body is not None else root)
    for warning in warnings:
        reader.builder.warn(warning)
    document = reader.builder.build()
    if not document.blocks:
        raise InputError(path, "holds no text (an empty page?)")
    return document
