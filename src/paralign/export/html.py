"""``Alignment`` → a self-contained HTML page for a reviewer, bead by bead.

TMX and XLIFF are for tools and TEI for editors; this page is for the person
who has to decide whether the alignment is right. It is one file with its CSS,
JavaScript and data inline and no external resource, so it can be mailed,
opened from a USB stick or archived next to the exports and still work
offline years later.

What it shows, and why:

* one table row per bead (``<tr class="bead" data-bead="7" data-src="5 6"
  data-tgt="5" data-kind="2-1" data-confidence="0.8360">``): source cell,
  target cell, bead number, shape and confidence, because a reviewer reads the
  two texts side by side, not a list of sentence pairs;
* each row shaded from its confidence (red at ``model.LOW_CONFIDENCE`` and
  under, through yellow, to green at 1.0), so the eye goes to doubtful rows;
* rows that need a decision flagged with a class and a visible badge:
  ``low`` (confidence under ``LOW_CONFIDENCE``) and ``gap`` (a 1-0 or 0-1
  bead: a sentence with no counterpart); a bead a reviewer already changed or
  confirmed (``Bead.reviewed``, from a corrected sheet) has the class and
  badge ``reviewed`` instead, and ``n``/``p`` pass it by;
* file names as ``_inline.display_name`` shows them (the data keeps them
  exact, escaped);
* note markers as badges with both numbers (``[1]↔505``), linked to a list of
  note pairs with the source-side note texts, because a mispaired note is the
  error a translator is least likely to catch by reading;
* keyboard review: ``n``/``j`` next flagged row, ``p``/``k`` previous,
  ``c`` confirm the current row, ``e`` export (also as buttons). Opening the
  page as ``review.html#bead-7`` selects bead 7; ``review.html?keys=nnc``
  replays keystrokes on load, which is how the tests drive the page in
  headless Chromium (and how to script a screenshot of a given state).

The data and the reviewer's export
----------------------------------
The alignment is embedded as ``<script type="application/json"
id="paralign-data">``, in the review JSON of ``paralign.review_schema``;
"Export JSON" downloads the same structure, with the reviewer's corrections
applied, as ``<source stem>.review.json``, which ``paralign export`` reads
back. The script knows the schema only through ``review_schema.page_keys()``,
embedded as the data element's ``data-keys`` attribute.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import lxml.html
from lxml import etree

from paralign import review_schema
from paralign._version import __version__
from paralign.export._inline import display_name, display_text, marker_numbers, sentence_pieces
from paralign.export._xml import atomic_write, fill_mixed
from paralign.export.options import DEFAULT_OPTIONS, ExportOptions
from paralign.model import LOW_CONFIDENCE, Alignment, Bead, BlockKind, FootnoteAnchor, Segmentation

#: ``id`` of the element holding the review JSON (the script finds it by this id).
DATA_ID = "paralign-data"


def _script_json(value: object) -> str:
    """Compact JSON safe inside ``<script>``: escapes keep "</script>" or "<!--" in a file name from ending it."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def build_html(alignment: Alignment) -> etree._ElementTree:
    """The review page as an lxml HTML tree (serialize with ``html_bytes``)."""
    src_doc, tgt_doc = alignment.source.document, alignment.target.document
    html = lxml.html.Element("html", lang=src_doc.lang)
    head = _sub(html, "head")
    _sub(head, "meta", charset="utf-8")
    _sub(head, "meta", name="viewport", content="width=device-width, initial-scale=1")
    _sub(head, "meta", name="generator", content=f"paralign {__version__}")
    _sub(head, "title", f"paralign review: {display_name(src_doc.path)} ↔ {display_name(tgt_doc.path)}")
    _sub(head, "style", _CSS)
    body = _sub(html, "body")
    _header(body, alignment)
    main = _sub(body, "main")
    _bead_table(main, alignment)
    _notes_section(main, alignment)
    export = _sub(main, "details", id="export-box", **{"class": "export"})
    _sub(export, "summary", "Exported JSON (after “Export JSON”)")
    _sub(export, "pre", id="exported")
    review = review_schema.to_json(review_schema.review_of(alignment))
    keys = json.dumps(review_schema.page_keys(), separators=(",", ":"))
    _sub(body, "script", _script_json(review), type="application/json", id=DATA_ID, **{"data-keys": keys})
    _sub(body, "script", _JS)
    return etree.ElementTree(html)


def html_bytes(alignment: Alignment, options: ExportOptions = DEFAULT_OPTIONS) -> bytes:
    """UTF-8 HTML5 with a doctype; scripts and styles inline (no option concerns the page)."""
    tree = build_html(alignment)
    page: bytes = lxml.html.tostring(tree, doctype="<!DOCTYPE html>", encoding="utf-8", method="html")
    return page + b"\n"


def write_html(alignment: Alignment, path: Path) -> Path:
    """Build and write atomically; returns ``path``."""
    return atomic_write(path, html_bytes(alignment))


# --- building blocks -------------------------------------------------------------------------------------------


def _sub(parent: etree._Element, tag: str, text: str | None = None, **attrs: str) -> etree._Element:
    element = etree.SubElement(parent, tag, {k.rstrip("_"): v for k, v in attrs.items()})
    if text is not None:
        element.text = text
    return element


def _flags(bead: Bead) -> list[str]:
    """What needs a reviewer's decision; a reviewed bead had one already."""
    flags: list[str] = []
    if bead.reviewed:
        return flags
    if not bead.src or not bead.tgt:
        flags.append("gap")
    if bead.confidence < LOW_CONFIDENCE:
        flags.append("low")
    return flags


def _hue(confidence: float) -> int:
    """Red (0) at ``LOW_CONFIDENCE`` and under, yellow, green (120) at 1.0.

    Squared, so the range where real alignments live (0.8–1.0) spreads over
    green to orange instead of all looking green.
    """
    scaled = min(1.0, max(0.0, (confidence - LOW_CONFIDENCE) / (1.0 - LOW_CONFIDENCE)))
    return round(120 * scaled**2)


def _shade(confidence: float) -> str:
    """CSS custom properties for a row's shading and confidence bar."""
    hue = _hue(confidence)
    return (
        f"--shade: hsl({hue} 75% 93%); --shade-strong: hsl({hue} 70% 82%); "
        f"--bar: hsl({hue} 65% 40%); --pct: {confidence * 100:.1f}%"
    )


def _legend_gradient() -> str:
    stops = [LOW_CONFIDENCE + (1.0 - LOW_CONFIDENCE) * k / 10 for k in range(11)]
    return "background: linear-gradient(to right, " + ", ".join(f"hsl({_hue(c)} 70% 82%)" for c in stops) + ")"


def _header(body: etree._Element, alignment: Alignment) -> None:
    src_doc, tgt_doc = alignment.source.document, alignment.target.document
    beads = alignment.beads
    header = _sub(body, "header", **{"class": "top"})
    title = _sub(header, "h1")
    _sub(title, "span", display_name(src_doc.path), lang=src_doc.lang)
    _sub(title, "span", " ↔ ", **{"class": "arrow"})
    _sub(title, "span", display_name(tgt_doc.path), lang=tgt_doc.lang)
    kinds = Counter(b.kind for b in beads)
    lowest = min(range(len(beads)), key=lambda i: beads[i].confidence) if beads else None
    flagged = sum(1 for b in beads if _flags(b))
    parts = [
        f"{len(alignment.source.sentences)} {src_doc.lang} / "
        f"{len(alignment.target.sentences)} {tgt_doc.lang} sentences",
        f"{len(beads)} beads (" + ", ".join(f"{n} × {k}" for k, n in kinds.most_common()) + ")",
    ]
    if lowest is not None:
        mean = sum(b.confidence for b in beads) / len(beads)
        parts.append(f"confidence mean {mean:.3f}, lowest {beads[lowest].confidence:.3f} (bead {lowest + 1})")
    parts.append(f"{flagged} flagged")
    reviewed = sum(1 for b in beads if b.reviewed)
    if reviewed:
        parts.append(f"{reviewed} reviewed")
    parts.append(f"{len(alignment.footnote_pairs)} notes paired")
    if alignment.model_name:
        parts.append(f"model {display_text(alignment.model_name)}")
    _sub(header, "p", " · ".join(parts), **{"class": "summary"})
    if alignment.warnings:
        warnings = _sub(header, "ul", **{"class": "warnings"})
        for warning in alignment.warnings:
            _sub(warnings, "li", display_text(warning))
    toolbar = _sub(header, "div", **{"class": "toolbar"})
    _sub(toolbar, "button", "◀ previous flagged (p)", type="button", id="prev")
    _sub(toolbar, "button", "next flagged (n) ▶", type="button", id="next")
    _sub(toolbar, "button", "✓ confirm (c)", type="button", id="confirm")
    _sub(toolbar, "button", "⇩ Export JSON (e)", type="button", id="export")
    _sub(toolbar, "span", "n/j next flagged · p/k previous · click a row to select it", id="status", role="status")
    legend = _sub(toolbar, "span", **{"class": "legend"})
    _sub(legend, "span", f"confidence ≤{LOW_CONFIDENCE:g}")
    _sub(legend, "span", style=_legend_gradient(), **{"class": "scale"})
    _sub(legend, "span", "1.0")


def _bead_table(main: etree._Element, alignment: Alignment) -> None:
    src_doc, tgt_doc = alignment.source.document, alignment.target.document
    table = _sub(main, "table", id="beads", **{"class": "beads"})
    colgroup = _sub(table, "colgroup")
    for name in ("num", "kind", "conf", "src", "tgt"):
        _sub(colgroup, "col", **{"class": f"col-{name}"})
    row = _sub(_sub(table, "thead"), "tr")
    for label in ("#", "bead", "confidence", f"source · {src_doc.lang}", f"target · {tgt_doc.lang}"):
        _sub(row, "th", label, scope="col")
    tbody = _sub(table, "tbody")
    numbers = marker_numbers(alignment)
    badges = _badge_labels(alignment)
    for position, bead in enumerate(alignment.beads, start=1):
        flags = _flags(bead)
        classes = ["bead", *(["flagged"] if flags else []), *flags, *(["reviewed"] if bead.reviewed else [])]
        if _starts_block(alignment.source, bead.src) or _starts_block(alignment.target, bead.tgt):
            classes.append("block-start")
        tr = _sub(
            tbody,
            "tr",
            id=f"bead-{position}",
            style=_shade(bead.confidence),
            **{
                "class": " ".join(classes),
                "data-bead": str(position),
                "data-src": " ".join(map(str, bead.src)),
                "data-tgt": " ".join(map(str, bead.tgt)),
                "data-kind": bead.kind,
                "data-confidence": f"{bead.confidence:.4f}",
                "data-flags": " ".join(flags),
                **({"data-reviewed": "yes"} if bead.reviewed else {}),
            },
        )
        _sub(tr, "td", str(position), **{"class": "num"})
        kind = _sub(tr, "td", bead.kind, **{"class": "kind"})
        for flag in flags:
            text = "gap" if flag == "gap" else "low confidence"
            _sub(kind, "span", text, **{"class": f"badge {flag}"})
        if bead.reviewed:
            _sub(kind, "span", "reviewed", **{"class": "badge reviewed"})
        conf = _sub(tr, "td", f"{bead.confidence:.3f}", **{"class": "conf"})
        _sub(_sub(conf, "span", **{"class": "bar"}), "span")
        for side, segmentation, indices in (("src", alignment.source, bead.src), ("tgt", alignment.target, bead.tgt)):
            cell = _sub(tr, "td", **{"class": side, "lang": segmentation.document.lang})
            if not indices:
                cell.set("class", f"{side} empty")
                other = "target" if side == "tgt" else "source"
                cell.text = f"no {other} sentence: nothing in {display_name(segmentation.document.path)} matches"
                continue
            for index in indices:
                _sentence(cell, segmentation, index, numbers, badges)


def _starts_block(segmentation: Segmentation, indices: tuple[int, ...]) -> bool:
    if not indices or indices[0] == 0:
        return False
    sentences = segmentation.sentences
    return sentences[indices[0]].block != sentences[indices[0] - 1].block


def _sentence(
    cell: etree._Element,
    segmentation: Segmentation,
    index: int,
    numbers: dict[FootnoteAnchor, int],
    badges: dict[FootnoteAnchor, tuple[str, bool]],
) -> None:
    """One sentence as ``<span class="s" data-s="i">``, markers as ``<sup class="note">`` badges."""
    sentence = segmentation.sentences[index]
    document = segmentation.document
    kind = document.blocks[sentence.block].kind if document.blocks else BlockKind.PARAGRAPH
    if len(cell):
        previous = cell[-1]
        previous.tail = (previous.tail or "") + " "
    span = _sub(cell, "span", **{"class": f"s {kind.value}", "data-s": str(index), "title": f"sentence {index + 1}"})

    def badge(parent: etree._Element, anchor: FootnoteAnchor) -> etree._Element:
        label, paired = badges[anchor]
        sup = _sub(parent, "sup", **{"class": "note" if paired else "note unpaired", "data-note": str(numbers[anchor])})
        title = f"note {label}" + ("" if paired else " (unpaired)")
        _sub(sup, "a", label, href=f"#note-{numbers[anchor]}", title=title)
        return sup

    fill_mixed(span, sentence_pieces(segmentation, [index]), badge)


def _badge_labels(alignment: Alignment) -> dict[FootnoteAnchor, tuple[str, bool]]:
    """``("[1]↔505", True)`` for both markers of a pair, as written; ``?`` stands for a missing twin."""
    src_text, tgt_text = alignment.source.document.text, alignment.target.document.text
    labels: dict[FootnoteAnchor, tuple[str, bool]] = {}
    for pair in alignment.footnote_pairs:
        label = f"{src_text[pair.src.start : pair.src.end]}↔{tgt_text[pair.tgt.start : pair.tgt.end]}"
        labels[pair.src] = labels[pair.tgt] = (label, True)
    for anchor in alignment.source.anchors:
        labels.setdefault(anchor, (f"{src_text[anchor.start : anchor.end]}↔?", False))
    for anchor in alignment.target.anchors:
        labels.setdefault(anchor, (f"?↔{tgt_text[anchor.start : anchor.end]}", False))
    return labels


def _notes_section(main: etree._Element, alignment: Alignment) -> None:
    section = _sub(main, "section", id="notes", **{"class": "notes"})
    _sub(section, "h2", "Notes")
    numbers = marker_numbers(alignment)
    src_texts = {note.label: note.text for note in alignment.source.document.notes}
    tgt_texts = {note.label: note.text for note in alignment.target.document.notes}
    bead_of = _bead_of_anchor(alignment)
    badges = _badge_labels(alignment)
    table = _sub(section, "table", **{"class": "note-list"})
    head = _sub(_sub(table, "thead"), "tr")
    for label in ("pair", "bead", f"note text ({alignment.source.document.lang})"):
        _sub(head, "th", label, scope="col")
    body = _sub(table, "tbody")
    # (number, the marker the row shows, source marker, target marker); a pair shows its source marker.
    rows: list[tuple[int, FootnoteAnchor, FootnoteAnchor | None, FootnoteAnchor | None]] = [
        (numbers[p.src], p.src, p.src, p.tgt) for p in alignment.footnote_pairs
    ]
    paired = {a for p in alignment.footnote_pairs for a in (p.src, p.tgt)}
    rows += [(numbers[a], a, a, None) for a in alignment.source.anchors if a not in paired]
    rows += [(numbers[a], a, None, a) for a in alignment.target.anchors if a not in paired]
    for number, anchor, src, tgt in sorted(rows, key=lambda r: r[0]):
        tr = _sub(body, "tr", id=f"note-{number}", **{"data-note": str(number)})
        if src is None or tgt is None:
            tr.set("class", "unpaired")
        _sub(tr, "td", badges[anchor][0], **{"class": "pair"})
        bead_cell = _sub(tr, "td", **{"class": "bead-ref"})
        bead = bead_of.get(anchor)
        if bead is not None:
            _sub(bead_cell, "a", f"bead {bead + 1}", href=f"#bead-{bead + 1}")
        text_cell = _sub(tr, "td", **{"class": "note-text"})
        text_cell.text = src_texts.get(src.label, "(no note text found)") if src else "(no source marker)"
        if tgt is not None and tgt.label in tgt_texts:
            _sub(text_cell, "div", tgt_texts[tgt.label], lang=alignment.target.document.lang, **{"class": "tgt-note"})
    if alignment.footnote_problems:
        _sub(section, "h3", "Problems")
        problems = _sub(section, "ul", **{"class": "problems"})
        for problem in alignment.footnote_problems:
            _sub(problems, "li", problem)


def _bead_of_anchor(alignment: Alignment) -> dict[FootnoteAnchor, int]:
    result: dict[FootnoteAnchor, int] = {}
    for position, bead in enumerate(alignment.beads):
        for segmentation, indices in ((alignment.source, bead.src), (alignment.target, bead.tgt)):
            for index in indices:
                for anchor in segmentation.sentences[index].anchors:
                    result[anchor] = position
    return result


# --- inline assets -----------------------------------------------------------------------------------------------
# Kept as text and embedded as the content of <style> and <script>: the page must need no other file.

_CSS = """
:root {
  --ink: #1c2430; --muted: #5d6675; --line: #d9dee5; --paper: #ffffff; --ground: #f4f6f8;
  --flag: #c0392b; --gap: #7d3c98; --current: #1f6feb; --note: #2b5fb4; --header-h: 0px;
}
* { box-sizing: border-box; }
html { scroll-padding-top: calc(var(--header-h) + 3rem); }
body { margin: 0; color: var(--ink); background: var(--ground);
  font: 15px/1.55 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", "Liberation Sans", sans-serif; }
header.top { position: sticky; top: 0; z-index: 3; background: var(--paper);
  border-bottom: 1px solid var(--line); padding: .6rem 1.25rem .55rem; box-shadow: 0 1px 4px rgba(0,0,0,.05); }
h1 { font-size: 1.1rem; margin: 0 0 .15rem; font-weight: 650; }
h1 .arrow { color: var(--muted); font-weight: 400; }
.summary { margin: 0; color: var(--muted); font-size: .85rem; }
.warnings { margin: .25rem 0 0; padding-left: 1.1rem; color: var(--flag); font-size: .85rem; }
.toolbar { display: flex; gap: .45rem; align-items: center; flex-wrap: wrap; margin-top: .45rem; }
button { font: inherit; font-size: .82rem; padding: .15rem .65rem; border: 1px solid #b9c1cd;
  border-radius: 4px; background: var(--paper); color: var(--ink); cursor: pointer; }
button:hover { background: #eaf0f8; }
button#export { border-color: var(--note); color: var(--note); font-weight: 600; }
#status { font-size: .82rem; color: var(--muted); margin-left: .3rem; }
.legend { margin-left: auto; font-size: .78rem; color: var(--muted); display: flex; align-items: center; gap: .4rem; }
.legend .scale { width: 160px; height: 10px; border-radius: 3px; border: 1px solid var(--line); }
main { padding: .9rem 1.25rem 4rem; }
table.beads { width: 100%; border-collapse: separate; border-spacing: 0; table-layout: fixed;
  background: var(--paper); border: 1px solid var(--line); border-radius: 6px; }
col.col-num { width: 3.2rem; } col.col-kind { width: 9.2rem; } col.col-conf { width: 6.4rem; }
table.beads th { position: sticky; top: var(--header-h); z-index: 2; background: #eceff3; text-align: left;
  font-size: .72rem; text-transform: uppercase; letter-spacing: .05em; color: var(--muted);
  padding: .35rem .7rem; border-bottom: 1px solid var(--line); }
tr.bead td { padding: .5rem .7rem; vertical-align: top; border-bottom: 1px solid var(--line); }
tr.bead td.src, tr.bead td.tgt { background: var(--shade); }
tr.bead td.src { border-right: 1px solid var(--line); }
tr.bead.block-start td { border-top: 2px solid #b3bcc8; }
td.num { color: var(--muted); text-align: right; font-variant-numeric: tabular-nums; font-size: .85rem; }
td.kind { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: .82rem; }
td.conf { background: var(--shade-strong); font-variant-numeric: tabular-nums; font-size: .85rem; font-weight: 600; }
td.conf .bar { display: block; height: 6px; margin-top: .3rem; border-radius: 3px;
  background: rgba(0,0,0,.12); overflow: hidden; }
td.conf .bar > span { display: block; height: 100%; width: var(--pct); background: var(--bar); }
.badge { display: block; width: fit-content; margin: .3rem 0 0; white-space: nowrap; padding: 0 .45rem;
  border-radius: 999px; color: #fff; font: 700 .66rem/1.5 system-ui, "DejaVu Sans", sans-serif;
  text-transform: uppercase; letter-spacing: .04em; }
.badge.low { background: var(--flag); }
.badge.gap { background: var(--gap); }
.badge.confirmed, .badge.reviewed { background: #2e7d32; }
tr.flagged td.num { box-shadow: inset 5px 0 0 var(--flag); }
tr.flagged.gap td.num { box-shadow: inset 5px 0 0 var(--gap); }
tr.confirmed td.num, tr.reviewed td.num { box-shadow: inset 5px 0 0 #2e7d32; }
td.empty { color: var(--muted); font-style: italic; font-size: .85rem;
  background: repeating-linear-gradient(135deg, #f7f4fa 0 8px, #efe9f4 8px 16px) !important; }
.s.heading { font-weight: 700; }
.s.quote { font-style: italic; }
.s:hover { text-decoration: underline dotted #9aa4b2; }
sup.note { line-height: 0; }
sup.note a { display: inline-block; margin-left: .12rem; padding: 0 .28rem; border-radius: 3px; background: var(--note);
  color: #fff; font: 600 .68rem/1.45 system-ui, "DejaVu Sans", sans-serif; text-decoration: none; white-space: nowrap; }
sup.note.unpaired a { background: var(--flag); }
tr.bead:hover td { filter: brightness(.985); }
tr.bead.current td { box-shadow: inset 0 2px 0 var(--current), inset 0 -2px 0 var(--current); }
tr.bead.current td.num { color: var(--current); font-weight: 700;
  box-shadow: inset 5px 0 0 var(--current), inset 0 2px 0 var(--current), inset 0 -2px 0 var(--current); }
section.notes { margin-top: 1.6rem; }
section.notes h2 { font-size: 1rem; margin: 0 0 .4rem; }
table.note-list { border-collapse: collapse; background: var(--paper); border: 1px solid var(--line); width: 100%; }
table.note-list th, table.note-list td { padding: .35rem .7rem; border-bottom: 1px solid var(--line);
  text-align: left; vertical-align: top; font-size: .88rem; }
table.note-list th { background: #eceff3; font-size: .72rem; text-transform: uppercase; letter-spacing: .05em;
  color: var(--muted); }
table.note-list td.pair { white-space: nowrap; font-weight: 600; color: var(--note); width: 7rem; }
table.note-list td.bead-ref { white-space: nowrap; width: 6rem; }
table.note-list tr.unpaired td.pair { color: var(--flag); }
table.note-list tr:target td { background: #fff7d6; }
.tgt-note { color: var(--muted); margin-top: .2rem; }
.problems { color: var(--flag); }
details.export { margin-top: 1.2rem; font-size: .85rem; }
details.export pre { background: var(--paper); border: 1px solid var(--line); padding: .6rem;
  max-height: 20rem; overflow: auto; }
@media print { header.top { position: static; } .toolbar { display: none; } }
"""

_JS = """
(function () {
  "use strict";
  var embedded = document.getElementById("paralign-data");
  var data = JSON.parse(embedded.textContent);
  var key = JSON.parse(embedded.dataset.keys);  // the review JSON's keys, from paralign.review_schema
  var rows = Array.prototype.slice.call(document.querySelectorAll("tr.bead"));
  var status = document.getElementById("status");
  var confirmed = new Set();
  var current = -1;

  function fitHeader() {
    var h = document.querySelector("header.top").offsetHeight;
    document.documentElement.style.setProperty("--header-h", h + "px");
  }
  function open() {
    return rows.filter(function (r) { return r.classList.contains("flagged") && !r.classList.contains("confirmed"); });
  }
  function select(row, scroll) {
    rows.forEach(function (r) { r.classList.remove("current"); });
    if (!row) { return; }
    row.classList.add("current");
    current = rows.indexOf(row);
    if (scroll) { row.scrollIntoView({block: "center"}); }
    var list = open(), k = list.indexOf(row);
    var flags = row.dataset.flags ? " (" + row.dataset.flags + ")" : "";
    status.textContent = "bead " + row.dataset.bead + flags +
      (k >= 0 ? " · flagged " + (k + 1) + " of " + list.length : " · " + list.length + " flagged left");
  }
  function step(direction) {
    var list = open();
    if (!list.length) { status.textContent = "no flagged beads left"; return; }
    var target = null;
    if (direction > 0) {
      target = list.find(function (r) { return rows.indexOf(r) > current; }) || list[0];
    } else {
      target = list.slice().reverse().find(function (r) { return rows.indexOf(r) < current; }) || list[list.length - 1];
    }
    select(target, true);
  }
  function toggleConfirm() {
    if (current < 0) { status.textContent = "select a bead first (n, p or a click)"; return; }
    var row = rows[current], index = Number(row.dataset.bead) - 1, cell = row.querySelector("td.kind");
    if (confirmed.has(index)) {
      confirmed.delete(index);
      row.classList.remove("confirmed");
      row.removeAttribute("data-confirmed");
      var badge = cell.querySelector(".badge.confirmed");
      if (badge) { badge.remove(); }
    } else {
      confirmed.add(index);
      row.classList.add("confirmed");
      row.setAttribute("data-confirmed", "yes");
      var span = document.createElement("span");
      span.className = "badge confirmed";
      span.textContent = "confirmed";
      cell.appendChild(span);
    }
    select(row, false);
  }
  function exported() {
    var copy = JSON.parse(JSON.stringify(data));
    copy[key.beads].forEach(function (b, i) {
      if (confirmed.has(i)) { b[key.confidence] = key.confirmed; b[key.reviewed] = true; }
    });
    return copy;
  }
  function exportJson() {
    var text = JSON.stringify(exported(), null, 1) + "\\n";
    document.getElementById("exported").textContent = text;
    document.getElementById("export-box").open = true;
    var name = data[key.source].split(/[\\\\/]/).pop().replace(/\\.[^.]*$/, "") + ".review.json";
    var url = URL.createObjectURL(new Blob([text], {type: "application/json"}));
    var link = document.createElement("a");
    link.href = url;
    link.download = name;
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(function () { URL.revokeObjectURL(url); }, 5000);
    status.textContent = "exported " + name + " (" + confirmed.size + " confirmed)";
  }
  var actions = {
    n: function () { step(1); }, j: function () { step(1); },
    p: function () { step(-1); }, k: function () { step(-1); },
    c: toggleConfirm, e: exportJson
  };
  document.addEventListener("keydown", function (ev) {
    if (ev.ctrlKey || ev.metaKey || ev.altKey) { return; }
    if (ev.target && /^(INPUT|TEXTAREA|SELECT)$/.test(ev.target.tagName)) { return; }
    var action = actions[ev.key];
    if (action) { ev.preventDefault(); action(); }
  });
  document.getElementById("next").addEventListener("click", function () { step(1); });
  document.getElementById("prev").addEventListener("click", function () { step(-1); });
  document.getElementById("confirm").addEventListener("click", toggleConfirm);
  document.getElementById("export").addEventListener("click", exportJson);
  rows.forEach(function (r) { r.addEventListener("click", function (ev) {
    if (ev.target.closest("a")) { return; }
    select(r, false);
  }); });
  window.addEventListener("resize", fitHeader);
  fitHeader();
  var hash = /^#bead-(\\d+)$/.exec(location.hash);
  if (hash) { select(document.getElementById("bead-" + hash[1]), true); }
  var keys = new URLSearchParams(location.search).get("keys") || "";
  keys.split("").forEach(function (key) {
    document.dispatchEvent(new KeyboardEvent("keydown", {key: key, bubbles: true}));
  });
})();
"""
