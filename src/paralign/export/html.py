"""``Alignment`` → a self-contained HTML page where a reviewer checks and fixes the beads.

TMX and XLIFF are for tools and TEI for editors; this page is for the person
who has to decide whether the alignment is right, and fix it where it is not.
It is one file with its CSS, JavaScript and data inline and no external
resource, so it can be mailed, opened from a USB stick or archived next to the
exports and still work offline years later; ``paralign review`` serves the
same page from a local server, and then "Save" rebuilds the exports at once.

What it shows, and why:

* one row per bead (``<tr class="bead" id="bead-8" data-bead="7" data-src="5 6"
  data-tgt="5" data-kind="2-1" data-confidence="0.8360">``; ``data-bead`` is
  0-based and always the bead's current position, the ``id`` and the number
  shown count from 1 like every message): source cell, target cell, bead
  number, shape and confidence, because a reviewer reads the two texts side
  by side, not a list of sentence pairs;
* each row shaded from its confidence (red at ``model.LOW_CONFIDENCE`` and
  under, through yellow, to green at 1.0), so the eye goes to doubtful rows;
* rows that need a decision flagged with a class and a visible badge:
  ``low`` (confidence under ``LOW_CONFIDENCE``) and ``gap`` (a 1-0 or 0-1
  bead: a sentence with no counterpart); a bead a reviewer changed or
  confirmed (``Bead.reviewed``) has the class and badge ``reviewed`` instead,
  and ``n``/``p`` pass it by;
* file names as ``_inline.display_name`` shows them (the data keeps them
  exact, escaped); cells of a right-to-left language (Arabic, Hebrew,
  Persian, Urdu…) with ``dir="rtl"``;
* note markers as badges with both numbers (``[1]↔505``), linked to a list of
  note pairs with the note texts, because a mispaired note is the error a
  translator is least likely to catch by reading.
* sentences the translator moved (``Alignment.moves``) in the summary line
  (``source 18 ↔ target 11``): their rows are the two gaps; a saved sheet
  keeps a move while both sentences still stand alone.

Editing
-------
Every edit is a button and a key, listed in the page's "Keys" box: merge with
the next bead (``m``), split (``s``: the last source and target sentences
become a bead of their own; the last sentence of the longer side if only one
side has two), move the first source/target sentence to the previous bead
(``[``/``{``) or the last one to the next bead (``]``/``}``), detach the last
source/target sentence as unaligned (``x``/``X``), confirm (``c``), undo
(``u``, Ctrl+Z) and redo (``r``, Ctrl+Y) any number of steps, save (``e``,
Ctrl+S). Arrow keys, Home and End select beads, ``n``/``p`` the flagged ones.
Edits only ever touch neighbouring beads, and each is checked before it
applies: both sides stay consecutive and cover every sentence once (a bead
emptied by a move disappears); an edit that cannot apply is refused with the
reason in the status line. An edited or confirmed bead gets confidence
``CONFIRMED`` and ``reviewed``. Notes are paired again after every edit by the
rule of ``footnotes.pair_anchors`` (the k-th source marker of a bead with its
k-th target marker; leftovers and out-of-order pairs are problems, worded as
Python words them), so the badges and the note list follow the beads.

A 10,000-bead page must stay usable (``benchmarks/editor.py`` measures it):
rows are CSS grid rows in groups of ``ROWS_PER_GROUP`` (one ``<tbody>`` each)
with ``content-visibility: auto``, so the browser lays out and paints only the
groups near the screen, and an edit replaces only the rows it changes
(renumbering the ones after it, which costs no layout off screen).

``review.html#bead-7`` selects bead 7; ``review.html?keys=nnc`` replays
keystrokes on load (how the ``--dump-dom`` tests and screenshots set a state).

The data and saving
-------------------
The alignment is embedded as ``<script type="application/json"
id="paralign-data">``, in the review JSON of ``paralign.review_schema``.
"Save" produces the same structure with the current beads: opened as a file,
the page downloads it as ``<source stem>.review.json`` (and shows it), which
``paralign export`` reads back; served by ``paralign review``, the data
element carries ``data-save``, and the page posts the JSON there with the
session's token (from its own URL) and shows what the server wrote. The
script knows the schema only through ``review_schema.page_keys()``, embedded
as the data element's ``data-keys`` attribute.
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
from paralign.languages import base_language
from paralign.model import LOW_CONFIDENCE, Alignment, Bead, BlockKind, FootnoteAnchor, Segmentation

#: ``id`` of the element holding the review JSON (the script finds it by this id).
DATA_ID = "paralign-data"
#: Rows per ``<tbody>``: the browser skips laying out and painting a group off screen
#: (``content-visibility``), so scrolling or an edit lays out a few groups, not every row.
ROWS_PER_GROUP = 50

#: Languages written right to left when no script subtag says otherwise.
_RTL_LANGUAGES = frozenset(
    {"ar", "arc", "ckb", "dv", "fa", "he", "iw", "ji", "ks", "ku-arab", "ps", "sd", "syr", "ug", "ur", "yi"}
)
#: ISO 15924 scripts written right to left (``az-Arab``, ``pa-Arab``, ``tr-Arab``).
_RTL_SCRIPTS = frozenset({"adlm", "arab", "hebr", "mand", "nkoo", "rohg", "samr", "syrc", "thaa"})


def text_direction(lang: str) -> str:
    """``"rtl"`` or ``"ltr"`` for a BCP 47 tag: its script subtag decides if it has one, else its language."""
    subtags = lang.replace("_", "-").lower().split("-")
    scripts = [tag for tag in subtags[1:] if len(tag) == 4 and tag.isalpha()]
    if scripts:
        return "rtl" if scripts[0] in _RTL_SCRIPTS else "ltr"
    return "rtl" if base_language(lang) in _RTL_LANGUAGES else "ltr"


def _lang_attrs(lang: str) -> dict[str, str]:
    """``lang`` and, for a right-to-left language, ``dir="rtl"``: what every element of one text carries."""
    return {"lang": lang, **({"dir": "rtl"} if text_direction(lang) == "rtl" else {})}


def _script_json(value: object) -> str:
    """Compact JSON safe inside ``<script>``: escapes keep "</script>" or "<!--" in a file name from ending it."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def build_html(alignment: Alignment, save_url: str | None = None) -> etree._ElementTree:
    """The review page as an lxml HTML tree (serialize with ``html_bytes``).

    ``save_url`` is where a serving ``paralign review`` takes the saved JSON;
    without it (the exported file) "Save" downloads the JSON.
    """
    src_doc, tgt_doc = alignment.source.document, alignment.target.document
    html = lxml.html.Element("html", lang=src_doc.lang)
    head = _sub(html, "head")
    _sub(head, "meta", charset="utf-8")
    _sub(head, "meta", name="viewport", content="width=device-width, initial-scale=1")
    _sub(head, "meta", name="generator", content=f"paralign {__version__}")
    _sub(head, "title", f"paralign review: {display_name(src_doc.path)} ↔ {display_name(tgt_doc.path)}")
    _sub(head, "style", _CSS)
    body = _sub(html, "body")
    _header(body, alignment, served=save_url is not None)
    main = _sub(body, "main")
    _bead_table(main, alignment)
    _notes_section(main, alignment)
    saved = _sub(main, "section", id="saved", **{"class": "saved", "aria-live": "polite", "aria-label": "Saved"})
    saved.text = ""
    export = _sub(main, "details", id="export-box", **{"class": "export"})
    _sub(export, "summary", "Saved JSON (after “Save”)")
    _sub(export, "pre", id="exported")
    review = review_schema.to_json(review_schema.review_of(alignment))
    keys = json.dumps(review_schema.page_keys(), separators=(",", ":"))
    data_attrs = {"data-keys": keys, **({"data-save": save_url} if save_url is not None else {})}
    _sub(body, "script", _script_json(review), type="application/json", id=DATA_ID, **data_attrs)
    _sub(body, "script", _JS)
    return etree.ElementTree(html)


def html_bytes(alignment: Alignment, options: ExportOptions = DEFAULT_OPTIONS, save_url: str | None = None) -> bytes:
    """UTF-8 HTML5 with a doctype; scripts and styles inline (no export option concerns the page)."""
    tree = build_html(alignment, save_url)
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
    if _shown(bead) < LOW_CONFIDENCE:
        flags.append("low")
    return flags


def _shown(bead: Bead) -> float:
    """The confidence as the page's data carries it (``review_schema.CONFIDENCE_DIGITS`` decimals).

    Rows are written from this value, not the full one, so a row the script
    redraws from the data rounds the same way (0.97648 would otherwise show
    0.976 here and, from the stored 0.9765, 0.977 there).
    """
    return round(bead.confidence, review_schema.CONFIDENCE_DIGITS)


def _hue(confidence: float) -> int:
    """Red (0) at ``LOW_CONFIDENCE`` and under, yellow, green (120) at 1.0.

    Squared, so the range where real alignments live (0.8–1.0) spreads over
    green to orange instead of all looking green. The script computes the
    same for the beads it changes (rounding half up, as it does here).
    """
    scaled = min(1.0, max(0.0, (confidence - LOW_CONFIDENCE) / (1.0 - LOW_CONFIDENCE)))
    return int(120 * scaled * scaled + 0.5)


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


#: The edit buttons: id, label, accessible name, the keys (``aria-keyshortcuts``), and the line in the key list.
_EDITS = (
    ("merge", "⤓ merge (m)", "Merge with next bead (m)", "M", "m — merge the bead with the next one"),
    ("split", "✂ split (s)", "Split the bead (s)", "S", "s — split: the last sentences become a bead of their own"),
    ("src-up", "src ⤒ ([)", "Move first source sentence to previous bead ([)", "[", None),
    ("src-down", "src ⤓ (])", "Move last source sentence to next bead (])", "]", None),
    ("tgt-up", "tgt ⤒ ({)", "Move first target sentence to previous bead ({)", "{", None),
    ("tgt-down", "tgt ⤓ (})", "Move last target sentence to next bead (})", "}", None),
    ("src-detach", "src ⊘ (x)", "Detach last source sentence as unaligned (x)", "X", None),
    ("tgt-detach", "tgt ⊘ (X)", "Detach last target sentence as unaligned (Shift+X)", "Shift+X", None),
    ("confirm", "✓ confirm (c)", "Confirm the bead (c)", "C", "c — confirm the bead as it is"),
    ("undo", "↶ undo (u)", "Undo (u)", "U Control+Z", "u, Ctrl+Z — undo; any number of steps"),
    ("redo", "↷ redo (r)", "Redo (r)", "R Control+Y", "r, Ctrl+Y — redo"),
)
_KEYS = (
    "↑ ↓ Home End — select a bead (or click it); n/j, p/k — next, previous flagged bead",
    *(line for *_, line in _EDITS[:2] if line),
    "[ ] — move the first source sentence to the previous bead, the last to the next; { } — the same for the target",
    "x, X — detach the last source, target sentence as unaligned (1-0, 0-1)",
    *(line for *_, line in _EDITS[8:] if line),
    "e, Ctrl+S — save",
)


def _header(body: etree._Element, alignment: Alignment, served: bool) -> None:
    src_doc, tgt_doc = alignment.source.document, alignment.target.document
    beads = alignment.beads
    header = _sub(body, "header", **{"class": "top"})
    title = _sub(header, "h1")
    _sub(title, "span", display_name(src_doc.path), **_lang_attrs(src_doc.lang))
    _sub(title, "span", " ↔ ", **{"class": "arrow"})
    _sub(title, "span", display_name(tgt_doc.path), **_lang_attrs(tgt_doc.lang))
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
    if alignment.moves:
        pairs = ", ".join(f"source {m.src + 1} ↔ target {m.tgt + 1}" for m in alignment.moves)
        parts.append(f"{len(alignment.moves)} moved ({pairs}; each kept while both stay alone)")
    if alignment.model_name:
        parts.append(f"model {display_text(alignment.model_name)}")
    _sub(header, "p", "as loaded: " + " · ".join(parts), **{"class": "summary"})
    if alignment.warnings:
        warnings = _sub(header, "ul", **{"class": "warnings"})
        for warning in alignment.warnings:
            _sub(warnings, "li", display_text(warning))
    toolbar = _sub(header, "div", role="toolbar", **{"class": "toolbar", "aria-label": "Review and edit the beads"})
    _button(toolbar, "prev", "◀ flagged (p)", "Previous flagged bead (p)", "P")
    _button(toolbar, "next", "flagged (n) ▶", "Next flagged bead (n)", "N")
    for ident, label, name, keys, _ in _EDITS:
        _button(toolbar, ident, label, name, keys)
    save_name = "Save and rebuild the exports (e)" if served else "Save: download the review JSON (e)"
    _button(toolbar, "save", "⇩ save (e)", save_name, "E Control+S")
    _sub(toolbar, "span", "", id="counts")
    hint = "click a bead or press ↓ to select one; n/p visit the flagged ones"
    _sub(header, "p", hint, id="status", role="status", **{"aria-live": "polite"})
    key_box = _sub(header, "details", **{"class": "keys"})
    _sub(key_box, "summary", "Keys")
    key_list = _sub(key_box, "ul")
    for line in _KEYS:
        _sub(key_list, "li", line)
    legend = _sub(header, "span", **{"class": "legend"})
    _sub(legend, "span", f"confidence ≤{LOW_CONFIDENCE:g}")
    _sub(legend, "span", style=_legend_gradient(), **{"class": "scale"})
    _sub(legend, "span", "1.0")


def _button(parent: etree._Element, ident: str, label: str, name: str, keys: str) -> None:
    _sub(
        parent, "button", label, type="button", id=ident, title=name, **{"aria-label": name, "aria-keyshortcuts": keys}
    )


def _bead_table(main: etree._Element, alignment: Alignment) -> None:
    """The beads; the table element carries what the script needs to draw a row it changes."""
    src_doc, tgt_doc = alignment.source.document, alignment.target.document
    empty = {
        side: f"no {word} sentence: nothing in {display_name(doc.path)} matches"
        for side, word, doc in (("src", "source", src_doc), ("tgt", "target", tgt_doc))
    }
    table = _sub(
        main,
        "table",
        id="beads",
        role="table",
        **{
            "class": "beads",
            "aria-label": "Beads: source and target side by side",
            "aria-rowcount": str(len(alignment.beads) + 1),
            "data-low": f"{LOW_CONFIDENCE:g}",
            "data-src-lang": src_doc.lang,
            "data-tgt-lang": tgt_doc.lang,
            "data-src-dir": text_direction(src_doc.lang),
            "data-tgt-dir": text_direction(tgt_doc.lang),
            "data-src-empty": empty["src"],
            "data-tgt-empty": empty["tgt"],
        },
    )
    row = _sub(_sub(table, "thead", role="rowgroup"), "tr", role="row")
    for label in ("#", "bead", "confidence", f"source · {src_doc.lang}", f"target · {tgt_doc.lang}"):
        _sub(row, "th", label, scope="col", role="columnheader")
    numbers = marker_numbers(alignment)
    badges = _badge_labels(alignment)
    notes = {
        "src": {note.label: note.text for note in src_doc.notes},
        "tgt": {note.label: note.text for note in tgt_doc.notes},
    }
    for position, bead in enumerate(alignment.beads):
        if position % ROWS_PER_GROUP == 0:
            tbody = _sub(table, "tbody", role="rowgroup")
        flags = _flags(bead)
        classes = ["bead", *(["flagged"] if flags else []), *flags, *(["reviewed"] if bead.reviewed else [])]
        if _starts_block(alignment.source, bead.src) or _starts_block(alignment.target, bead.tgt):
            classes.append("block-start")
        # Attributes in the order the script sets them, so a row it redraws reads the same.
        tr = _sub(
            tbody,
            "tr",
            id=f"bead-{position + 1}",
            role="row",
            tabindex="-1",
            style=_shade(_shown(bead)),
            **{
                "class": " ".join(classes),
                "data-bead": str(position),
                "data-src": " ".join(map(str, bead.src)),
                "data-tgt": " ".join(map(str, bead.tgt)),
                "data-kind": bead.kind,
                "data-confidence": f"{_shown(bead):.4f}",
                "data-flags": " ".join(flags),
                **({"data-reviewed": "yes"} if bead.reviewed else {}),
            },
        )
        _sub(tr, "td", str(position + 1), role="cell", **{"class": "num"})
        kind = _sub(tr, "td", bead.kind, role="cell", **{"class": "kind"})
        for flag in flags:
            _sub(kind, "span", "gap" if flag == "gap" else "low confidence", **{"class": f"badge {flag}"})
        if bead.reviewed:
            _sub(kind, "span", "reviewed", **{"class": "badge reviewed"})
        conf = _sub(tr, "td", f"{_shown(bead):.3f}", role="cell", **{"class": "conf"})
        _sub(_sub(conf, "span", **{"class": "bar"}), "span")
        for side, segmentation, indices in (("src", alignment.source, bead.src), ("tgt", alignment.target, bead.tgt)):
            lang = segmentation.document.lang
            cell = _sub(tr, "td", role="cell", **{"class": side if indices else f"{side} empty"}, **_lang_attrs(lang))
            if not indices:
                cell.text = empty[side]
            for index in indices:
                _sentence(cell, segmentation, index, numbers, badges, notes[side])


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
    note_texts: dict[str, str],
) -> None:
    """One sentence as ``<span class="s" data-s="i" data-b="block">``, markers as ``<sup class="note">`` badges.

    A badge carries what the script needs to pair it again: its number label
    (``data-label``), the marker as written (``data-marker``) and its note's
    text (``data-text``, when the document has one).
    """
    sentence = segmentation.sentences[index]
    document = segmentation.document
    kind = document.blocks[sentence.block].kind if document.blocks else BlockKind.PARAGRAPH
    if len(cell):
        previous = cell[-1]
        previous.tail = (previous.tail or "") + " "
    attrs = {"class": f"s {kind.value}", "data-s": str(index), "data-b": str(sentence.block)}
    span = _sub(cell, "span", title=f"sentence {index + 1}", **attrs)

    def badge(parent: etree._Element, anchor: FootnoteAnchor) -> etree._Element:
        label, paired = badges[anchor]
        marker = document.text[anchor.start : anchor.end]
        text = {"data-text": note_texts[anchor.label]} if anchor.label in note_texts else {}
        sup = _sub(
            parent,
            "sup",
            **{
                "class": "note" if paired else "note unpaired",
                "data-note": str(numbers[anchor]),
                "data-label": anchor.label,
                "data-marker": marker,
                **text,
            },
        )
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
    """The note list; the script redraws its rows and problems after an edit, in the same form."""
    src_lang, tgt_lang = alignment.source.document.lang, alignment.target.document.lang
    section = _sub(main, "section", id="notes", **{"class": "notes", "aria-labelledby": "notes-title"})
    _sub(section, "h2", "Notes", id="notes-title")
    numbers = marker_numbers(alignment)
    src_texts = {note.label: note.text for note in alignment.source.document.notes}
    tgt_texts = {note.label: note.text for note in alignment.target.document.notes}
    bead_of = _bead_of_anchor(alignment)
    badges = _badge_labels(alignment)
    table = _sub(section, "table", **{"class": "note-list"})
    head = _sub(_sub(table, "thead"), "tr")
    for label in ("pair", "bead", f"note text ({src_lang})"):
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
        text_cell = _sub(tr, "td", **{"class": "note-text"}, **_lang_attrs(src_lang))
        text_cell.text = src_texts.get(src.label, "(no note text found)") if src else "(no source marker)"
        if tgt is not None and tgt.label in tgt_texts:
            _sub(text_cell, "div", tgt_texts[tgt.label], **{"class": "tgt-note"}, **_lang_attrs(tgt_lang))
    problems = _sub(section, "div", id="note-problems")
    if alignment.footnote_problems:
        _sub(problems, "h3", "Problems")
        problem_list = _sub(problems, "ul", **{"class": "problems"})
        for problem in alignment.footnote_problems:
            _sub(problem_list, "li", problem)


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
  --columns: 3.2rem 9.2rem 6.4rem minmax(0, 1fr) minmax(0, 1fr);
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
.toolbar { display: flex; gap: .35rem; align-items: center; flex-wrap: wrap; margin-top: .45rem; }
button { font: inherit; font-size: .8rem; padding: .12rem .5rem; border: 1px solid #b9c1cd;
  border-radius: 4px; background: var(--paper); color: var(--ink); cursor: pointer; }
button:hover { background: #eaf0f8; }
button:disabled { color: #9aa4b2; cursor: default; background: var(--paper); }
button:focus-visible, tr.bead:focus-visible { outline: 3px solid var(--current); outline-offset: 1px; }
button#save { border-color: var(--note); color: var(--note); font-weight: 600; }
#counts { font-size: .8rem; color: var(--muted); margin-left: .3rem; }
#status { font-size: .82rem; color: var(--muted); margin: .3rem 0 0; min-height: 1.3em; }
#status.refused { color: var(--flag); font-weight: 600; }
details.keys { font-size: .8rem; color: var(--muted); display: inline-block; margin-top: .2rem; }
details.keys ul { margin: .2rem 0; padding-left: 1.1rem; }
.legend { float: right; margin-top: .2rem; font-size: .78rem; color: var(--muted); display: flex;
  align-items: center; gap: .4rem; }
.legend .scale { width: 160px; height: 10px; border-radius: 3px; border: 1px solid var(--line); }
main { padding: .9rem 1.25rem 4rem; }
table.beads { display: block; width: 100%; background: var(--paper); border: 1px solid var(--line);
  border-radius: 6px; }
table.beads thead, table.beads tbody { display: block; }
table.beads thead { position: sticky; top: var(--header-h); z-index: 2; }
table.beads tr { display: grid; grid-template-columns: var(--columns); }
table.beads th { display: block; background: #eceff3; text-align: left;
  font-size: .72rem; text-transform: uppercase; letter-spacing: .05em; color: var(--muted);
  padding: .35rem .7rem; border-bottom: 1px solid var(--line); }
table.beads tbody { content-visibility: auto; contain-intrinsic-size: auto 3500px; }
tr.bead { cursor: default; }
tr.bead td { display: block; padding: .5rem .7rem; border-bottom: 1px solid var(--line); overflow-wrap: anywhere; }
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
.badge.reviewed { background: #2e7d32; }
tr.flagged td.num { box-shadow: inset 5px 0 0 var(--flag); }
tr.flagged.gap td.num { box-shadow: inset 5px 0 0 var(--gap); }
tr.reviewed td.num { box-shadow: inset 5px 0 0 #2e7d32; }
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
section.notes { margin-top: 1.6rem; content-visibility: auto; contain-intrinsic-size: auto 2000px; }
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
section.saved:not(:empty) { margin-top: 1.2rem; padding: .6rem .8rem; background: #e8f5e9;
  border: 1px solid #a5d6a7; border-radius: 6px; font-size: .88rem; }
section.saved.failed { background: #fdecea; border-color: #f5b7b1; color: var(--flag); }
section.saved ul { margin: .3rem 0 0; padding-left: 1.1rem; }
details.export { margin-top: 1.2rem; font-size: .85rem; }
details.export pre { background: var(--paper); border: 1px solid var(--line); padding: .6rem;
  max-height: 20rem; overflow: auto; }
@media print { header.top, table.beads thead { position: static; } .toolbar, details.keys { display: none; } }
"""

_JS = r"""
(function () {
  "use strict";
  var embedded = document.getElementById("paralign-data");
  var data = JSON.parse(embedded.textContent);
  var key = JSON.parse(embedded.dataset.keys);  // the review JSON's keys, from paralign.review_schema
  var saveUrl = embedded.dataset.save;  // set only when paralign review serves the page
  var table = document.getElementById("beads");
  var status = document.getElementById("status");
  var low = Number(table.dataset.low);
  var sides = {};
  ["src", "tgt"].forEach(function (name) {
    var attr = function (what) { return table.getAttribute("data-" + name + "-" + what); };
    sides[name] = {name: name, word: name === "src" ? "source" : "target", lang: attr("lang"), dir: attr("dir"),
      empty: attr("empty"), spans: [], blocks: [], marks: [], all: []};
  });
  var rows = Array.prototype.slice.call(table.querySelectorAll("tr.bead"));

  // The sentences as the server drew them: each span moves to whichever bead holds its sentence.
  rows.forEach(function (row) {
    [["src", row.cells[3]], ["tgt", row.cells[4]]].forEach(function (pair) {
      var side = sides[pair[0]];
      Array.prototype.forEach.call(pair[1].children, function (span) {
        var index = Number(span.dataset.s), sups = span.querySelectorAll("sup.note");
        side.spans[index] = span;
        side.blocks[index] = span.dataset.b;
        if (!sups.length) { return; }
        side.marks[index] = Array.prototype.map.call(sups, function (sup) {
          var mark = {side: side, sup: sup, link: sup.firstChild, label: sup.dataset.label,
            marker: sup.dataset.marker, text: sup.dataset.text, shown: ""};
          side.all.push(mark);
          return mark;
        });
      });
    });
  });

  function makeBead(sources, targets, score, reviewed) {
    return {sources: sources, targets: targets, score: score, reviewed: reviewed};
  }
  function edited(sources, targets) { return makeBead(sources, targets, key.confirmed, true); }
  function part(bead, name) { return name === "src" ? bead.sources : bead.targets; }
  function replaced(bead, name, list) {
    return edited(name === "src" ? list : bead.sources, name === "tgt" ? list : bead.targets);
  }
  function shape(bead) { return bead.sources.length + "-" + bead.targets.length; }
  var beads = data[key.beads].map(function (b) {
    return makeBead(b[key.src], b[key.tgt], b[key.confidence], b[key.reviewed]);
  });
  var current = -1, selected = null, done = [], undone = [], dirty = false;

  // --- drawing a row (as export/html.py draws it) ---
  function flagsOf(bead) {
    var flags = [];
    if (bead.reviewed) { return flags; }
    if (!bead.sources.length || !bead.targets.length) { flags.push("gap"); }
    if (bead.score < low) { flags.push("low"); }
    return flags;
  }
  function startsBlock(side, indices) {
    return indices.length > 0 && indices[0] > 0 && side.blocks[indices[0]] !== side.blocks[indices[0] - 1];
  }
  function shade(score) {
    var scaled = Math.min(1, Math.max(0, (score - low) / (1 - low))), hue = Math.floor(120 * scaled * scaled + 0.5);
    return "--shade: hsl(" + hue + " 75% 93%); --shade-strong: hsl(" + hue + " 70% 82%); --bar: hsl(" + hue +
      " 65% 40%); --pct: " + (score * 100).toFixed(1) + "%";
  }
  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }
  function cell(className, text) {
    var td = document.createElement("td");
    td.setAttribute("role", "cell");
    td.className = className;
    if (text !== undefined) { td.textContent = text; }
    return td;
  }
  function textCell(side, indices) {
    var td = cell(indices.length ? side.name : side.name + " empty");
    td.setAttribute("lang", side.lang);
    if (side.dir === "rtl") { td.setAttribute("dir", "rtl"); }
    if (!indices.length) { td.textContent = side.empty; }
    indices.forEach(function (index, k) {
      if (k) { td.appendChild(document.createTextNode(" ")); }
      td.appendChild(side.spans[index]);
    });
    return td;
  }
  function numberRow(row, position) {
    // Run on every row after an edit that adds or removes beads: the cheapest writes there are.
    var shown = String(position + 1);
    row.id = "bead-" + shown;
    row.setAttribute("data-bead", String(position));
    row.firstChild.firstChild.data = shown;
  }
  function draw(row, bead, position) {
    var flags = flagsOf(bead), classes = ["bead"].concat(flags.length ? ["flagged"] : [], flags);
    if (bead.reviewed) { classes.push("reviewed"); }
    if (startsBlock(sides.src, bead.sources) || startsBlock(sides.tgt, bead.targets)) { classes.push("block-start"); }
    row.id = "bead-" + (position + 1);
    row.setAttribute("role", "row");
    row.setAttribute("tabindex", "-1");
    row.setAttribute("style", shade(bead.score));
    row.className = classes.join(" ");
    row.dataset.bead = position;
    row.dataset.src = bead.sources.join(" ");
    row.dataset.tgt = bead.targets.join(" ");
    row.dataset.kind = shape(bead);
    row.dataset.confidence = bead.score.toFixed(4);
    row.dataset.flags = flags.join(" ");
    if (bead.reviewed) { row.dataset.reviewed = "yes"; } else { delete row.dataset.reviewed; }
    row.textContent = "";
    row.appendChild(cell("num", String(position + 1)));
    var kind = row.appendChild(cell("kind", shape(bead)));
    flags.forEach(function (flag) {
      kind.appendChild(element("span", "badge " + flag, flag === "gap" ? "gap" : "low confidence"));
    });
    if (bead.reviewed) { kind.appendChild(element("span", "badge reviewed", "reviewed")); }
    var conf = row.appendChild(cell("conf", bead.score.toFixed(3)));
    conf.appendChild(element("span", "bar")).appendChild(element("span"));
    row.appendChild(textCell(sides.src, bead.sources));
    row.appendChild(textCell(sides.tgt, bead.targets));
    return row;
  }

  // --- notes: footnotes.pair_anchors, then _inline.marker_numbers, as Python does them ---
  var noteSignature = null;
  function pairNotes() {
    // Plain loops: this runs over every bead after each edit, and most beads hold no note.
    var pairs = [], problems = [], position, k;
    function gather(side, indices, found) {
      for (var i = 0; i < indices.length; i++) {
        var marks = side.marks[indices[i]];
        for (var m = 0; marks && m < marks.length; m++) {
          marks[m].bead = position;
          marks[m].partner = null;
          found.push(marks[m]);
        }
      }
      return found;
    }
    for (position = 0; position < beads.length; position++) {
      var here = gather(sides.src, beads[position].sources, []), there = gather(sides.tgt, beads[position].targets, []);
      for (k = 0; k < Math.min(here.length, there.length); k++) { pairs.push([here[k], there[k]]); }
      for (k = there.length; k < here.length; k++) {
        problems.push("source note " + here[k].label + " has no target note in bead " + (position + 1));
      }
      for (k = here.length; k < there.length; k++) {
        problems.push("target note " + there[k].label + " has no source note in bead " + (position + 1));
      }
    }
    for (k = 0; k < pairs.length; k++) {
      pairs[k][0].partner = pairs[k][1];
      pairs[k][1].partner = pairs[k][0];
      if (k && (Number(pairs[k][1].label) <= Number(pairs[k - 1][1].label) ||
                Number(pairs[k][0].label) <= Number(pairs[k - 1][0].label))) {
        problems.push("notes out of order: " + pairs[k - 1][0].label + "→" + pairs[k - 1][1].label + " then " +
          pairs[k][0].label + "→" + pairs[k][1].label);
      }
    }
    return {pairs: pairs, problems: problems};
  }
  function labelOf(mark) {
    var other = mark.partner ? mark.partner.marker : "?";
    return mark.side.name === "src" ? mark.marker + "↔" + other : other + "↔" + mark.marker;
  }
  function repairNotes() {
    var notes = pairNotes(), number = 0, listed = [];
    notes.pairs.forEach(function (pair) {
      number += 1;
      pair[0].number = pair[1].number = number;
      listed.push(pair[0]);
    });
    [sides.src, sides.tgt].forEach(function (side) {
      side.all.forEach(function (mark) {
        if (!mark.partner) { number += 1; mark.number = number; listed.push(mark); }
      });
    });
    sides.src.all.concat(sides.tgt.all).forEach(function (mark) {
      var label = labelOf(mark), shown = label + "#" + mark.number;
      if (mark.shown === shown) { return; }
      mark.shown = shown;
      mark.sup.className = mark.partner ? "note" : "note unpaired";
      mark.sup.dataset.note = mark.number;
      mark.link.setAttribute("href", "#note-" + mark.number);
      mark.link.title = "note " + label + (mark.partner ? "" : " (unpaired)");
      mark.link.textContent = label;
    });
    var signature = listed.map(function (mark) { return mark.shown + "@" + mark.bead; });
    signature = signature.concat(notes.problems).join("\n");
    if (signature !== noteSignature) {
      noteSignature = signature;
      drawNoteList(listed, notes.problems);
    }
    return notes;
  }
  function setText(node, text) { if (node.textContent !== text) { node.textContent = text; } }
  function setAttr(node, name, value) {
    if (value === null) { node.removeAttribute(name); return; }
    if (node.getAttribute(name) !== value) { node.setAttribute(name, value); }
  }
  function drawNoteList(listed, problems) {
    // Rows are reused and only what changed is written: after an edit most rows differ by their bead number alone.
    var list = document.querySelector("#notes tbody"), box = document.getElementById("note-problems");
    listed.forEach(function (mark, k) {
      var src = mark.side.name === "src" ? mark : null, tgt = src ? mark.partner : mark, tr = list.rows[k];
      if (!tr) {
        tr = list.appendChild(element("tr"));
        tr.appendChild(element("td", "pair"));
        tr.appendChild(element("td", "bead-ref")).appendChild(element("a"));
        tr.appendChild(element("td", "note-text")).setAttribute("lang", sides.src.lang);
        if (sides.src.dir === "rtl") { tr.cells[2].setAttribute("dir", "rtl"); }
      }
      setAttr(tr, "id", "note-" + mark.number);
      setAttr(tr, "data-note", String(mark.number));
      setAttr(tr, "class", src && tgt ? null : "unpaired");
      setText(tr.cells[0], labelOf(mark));
      setText(tr.cells[1].firstChild, "bead " + (mark.bead + 1));
      setAttr(tr.cells[1].firstChild, "href", "#bead-" + (mark.bead + 1));
      var text = src ? (src.text !== undefined ? src.text : "(no note text found)") : "(no source marker)";
      var twin = tgt && tgt.text !== undefined ? tgt.text : null, cell = tr.cells[2], shown = cell.firstElementChild;
      if (cell.firstChild && cell.firstChild.nodeType === 3 && cell.firstChild.data === text &&
          (shown ? shown.textContent : null) === twin) { return; }
      cell.textContent = text;
      if (twin !== null) {
        shown = cell.appendChild(element("div", "tgt-note", twin));
        shown.setAttribute("lang", sides.tgt.lang);
        if (sides.tgt.dir === "rtl") { shown.setAttribute("dir", "rtl"); }
      }
    });
    while (list.rows.length > listed.length) { list.deleteRow(-1); }
    box.textContent = "";
    if (!problems.length) { return; }
    box.appendChild(element("h3", "", "Problems"));
    var ul = box.appendChild(element("ul", "problems"));
    problems.forEach(function (problem) { ul.appendChild(element("li", "", problem)); });
  }

  // --- selection, status ---
  function say(text, refused) {
    status.textContent = text;
    status.classList.toggle("refused", Boolean(refused));
  }
  function refuse(text) { say("refused: " + text, true); }
  function flaggedRows() {
    var list = [];
    beads.forEach(function (bead, position) { if (flagsOf(bead).length) { list.push(position); } });
    return list;
  }
  function describe() {
    var bead = beads[current], flags = flagsOf(bead), list = flaggedRows(), k = list.indexOf(current);
    say("bead " + (current + 1) + " of " + beads.length + ": " + shape(bead) + ", confidence " + bead.score.toFixed(3) +
      (flags.length ? " (" + flags.join(", ") + ")" : "") + (bead.reviewed ? ", reviewed" : "") +
      (k >= 0 ? " · flagged " + (k + 1) + " of " + list.length : " · " + list.length + " flagged"));
  }
  function select(position, scroll, focus) {
    if (selected) { selected.classList.remove("current"); selected.removeAttribute("aria-current"); }
    current = position;
    selected = rows[position] || null;
    if (!selected) { current = -1; return; }
    selected.classList.add("current");
    selected.setAttribute("aria-current", "true");
    if (focus) { selected.focus({preventScroll: true}); }
    if (scroll) { selected.scrollIntoView({block: scroll}); }
  }
  function go(position) {
    select(Math.max(0, Math.min(beads.length - 1, position)), "nearest", true);
    describe();
  }
  function step(direction) {
    var list = flaggedRows();
    if (!list.length) { say("no flagged beads left"); return; }
    var target = direction > 0 ?
      list.find(function (p) { return p > current; }) :
      list.slice().reverse().find(function (p) { return p < current && current >= 0; });
    if (target === undefined) { target = direction > 0 ? list[0] : list[list.length - 1]; }
    select(target, "center", true);
    describe();
  }
  function showCounts(notes) {
    var flagged = 0, reviewed = 0;
    for (var position = 0; position < beads.length; position++) {
      var bead = beads[position];
      reviewed += bead.reviewed ? 1 : 0;
      flagged += !bead.reviewed && (bead.score < low || !bead.sources.length || !bead.targets.length) ? 1 : 0;
    }
    document.getElementById("counts").textContent = beads.length + " beads · " + flagged + " flagged · " + reviewed +
      " reviewed · " + notes.pairs.length + " notes paired" + (done.length ? " · " + done.length + " edits" : "");
    document.getElementById("undo").disabled = !done.length;
    document.getElementById("redo").disabled = !undone.length;
  }

  // --- edits: each replaces beads [at, at + count) by `added`, checked first, undone by the reverse ---
  function sentencesOf(list, name) {
    return list.map(function (bead) { return part(bead, name).join(","); }).filter(Boolean).join(",");
  }
  function check(at, count, added) {
    var before = beads.slice(at, at + count);
    var empty = added.findIndex(function (b) { return !b.sources.length && !b.targets.length; });
    if (empty >= 0) { return "bead " + (at + empty + 1) + " would hold no sentence"; }
    var broken = ["src", "tgt"].filter(function (name) {
      return sentencesOf(before, name) !== sentencesOf(added, name);
    });
    if (broken.length) { return "the " + sides[broken[0]].word + " sentences would leave their order or their bead"; }
    return "";
  }
  function apply(at, count, added, focus) {
    var fresh = added.map(function (bead, k) { return draw(document.createElement("tr"), bead, at + k); });
    var old = rows.splice.apply(rows, [at, count].concat(fresh));
    beads.splice.apply(beads, [at, count].concat(added));
    fresh.forEach(function (row) { old[0].parentNode.insertBefore(row, old[0]); });
    old.forEach(function (row) { row.remove(); });
    if (fresh.length !== count) {
      for (var position = at + fresh.length; position < rows.length; position++) {
        numberRow(rows[position], position);
      }
      table.setAttribute("aria-rowcount", beads.length + 1);
    }
    var notes = repairNotes();
    select(focus, "nearest", false);
    dirty = true;
    return notes;
  }
  function change(what, at, count, added, focus) {
    var problem = check(at, count, added);
    if (problem) { refuse(what + ": " + problem); return; }
    var edit = {what: what, at: at, removed: beads.slice(at, at + count), added: added, focus: focus};
    var notes = apply(at, count, added, focus);
    done.push(edit);
    undone.length = 0;
    showCounts(notes);
    say(what);
  }
  function chosen(what) {
    if (current < 0) { refuse(what + ": select a bead first (click it, or ↓, n, p)"); }
    return current;
  }
  function merge() {
    var i = chosen("merge with next");
    if (i < 0) { return; }
    if (i + 1 >= beads.length) { refuse("merge with next: bead " + (i + 1) + " is the last bead"); return; }
    var a = beads[i], b = beads[i + 1];
    change("merged beads " + (i + 1) + " and " + (i + 2), i, 2,
      [edited(a.sources.concat(b.sources), a.targets.concat(b.targets))], i);
  }
  function split() {
    var i = chosen("split"), parts;
    if (i < 0) { return; }
    var s = beads[i].sources, t = beads[i].targets;
    if (s.length + t.length < 2) { refuse("split: bead " + (i + 1) + " holds a single sentence"); return; }
    if (s.length > 1 && t.length > 1) {
      parts = [edited(s.slice(0, -1), t.slice(0, -1)), edited(s.slice(-1), t.slice(-1))];
    }
    else if (s.length > 1) { parts = [edited(s.slice(0, -1), t), edited(s.slice(-1), [])]; }
    else if (t.length > 1) { parts = [edited(s, t.slice(0, -1)), edited([], t.slice(-1))]; }
    else { parts = [edited(s, []), edited([], t)]; }
    change("split bead " + (i + 1) + " into " + shape(parts[0]) + " and " + shape(parts[1]), i, 1, parts, i);
  }
  function move(name, direction) {
    var word = sides[name].word, what = "move " + (direction < 0 ? "first " : "last ") + word + " sentence";
    var i = chosen(what), j = i + direction;
    if (i < 0) { return; }
    if (j < 0 || j >= beads.length) {
      refuse(what + ": bead " + (i + 1) + " is the " + (direction < 0 ? "first" : "last") + " bead");
      return;
    }
    var moving = part(beads[i], name), receiving = part(beads[j], name);
    if (!moving.length) { refuse(what + ": bead " + (i + 1) + " has no " + word + " sentence"); return; }
    var rest = replaced(beads[i], name, direction < 0 ? moving.slice(1) : moving.slice(0, -1));
    var into = replaced(beads[j], name,
      direction < 0 ? receiving.concat(moving.slice(0, 1)) : moving.slice(-1).concat(receiving));
    var emptied = !rest.sources.length && !rest.targets.length;
    var kept = emptied ? [] : [rest];
    what += " of bead " + (i + 1) + " to bead " + (j + 1) + (emptied ? " (bead " + (i + 1) + " is gone)" : "");
    if (direction > 0) { change(what, i, 2, kept.concat([into]), i); }
    else { change(what, j, 2, [into].concat(kept), emptied ? j : i); }
  }
  function detach(name) {
    var word = sides[name].word, what = "detach last " + word + " sentence", i = chosen(what);
    if (i < 0) { return; }
    var list = part(beads[i], name), other = part(beads[i], name === "src" ? "tgt" : "src");
    if (!list.length) { refuse(what + ": bead " + (i + 1) + " has no " + word + " sentence"); return; }
    if (!other.length && list.length === 1) { refuse(what + ": bead " + (i + 1) + " is unaligned already"); return; }
    var alone = name === "src" ? edited(list.slice(-1), []) : edited([], list.slice(-1));
    change("detached the last " + word + " sentence of bead " + (i + 1) + " as unaligned", i, 1,
      [replaced(beads[i], name, list.slice(0, -1)), alone], i);
  }
  function confirm() {
    var i = chosen("confirm");
    if (i < 0) { return; }
    if (beads[i].reviewed) { refuse("confirm: bead " + (i + 1) + " is reviewed already (u undoes)"); return; }
    change("confirmed bead " + (i + 1), i, 1, [edited(beads[i].sources, beads[i].targets)], i);
  }
  function undo() {
    var edit = done.pop();
    if (!edit) { refuse("undo: nothing to undo"); return; }
    var notes = apply(edit.at, edit.added.length, edit.removed, edit.at);
    undone.push(edit);
    showCounts(notes);
    say("undid: " + edit.what);
  }
  function redo() {
    var edit = undone.pop();
    if (!edit) { refuse("redo: nothing to redo"); return; }
    var notes = apply(edit.at, edit.removed.length, edit.added, edit.focus);
    done.push(edit);
    showCounts(notes);
    say("redid: " + edit.what);
  }

  // --- saving: a download of the review JSON, or a post to paralign review ---
  function exported() {
    var copy = {};
    Object.keys(data).forEach(function (name) { copy[name] = data[name]; });
    copy[key.beads] = beads.map(function (bead) {
      var item = {};
      item[key.src] = bead.sources;
      item[key.tgt] = bead.targets;
      item[key.confidence] = bead.score;
      item[key.kind] = shape(bead);
      item[key.reviewed] = bead.reviewed;
      return item;
    });
    // A move pairs two sentences left alone; one the reviewer put into a bead is no longer moved.
    var aloneSources = {}, aloneTargets = {};
    beads.forEach(function (bead) {
      if (bead.sources.length === 1 && !bead.targets.length) { aloneSources[bead.sources[0]] = true; }
      if (bead.targets.length === 1 && !bead.sources.length) { aloneTargets[bead.targets[0]] = true; }
    });
    copy[key.moves] = (data[key.moves] || []).filter(function (move) {
      return aloneSources[move[key.src]] && aloneTargets[move[key.tgt]];
    });
    return copy;
  }
  function showSaved(heading, lines, failed) {
    var box = document.getElementById("saved");
    box.textContent = "";
    box.classList.toggle("failed", Boolean(failed));
    box.appendChild(element("p", "", heading));
    if (!lines.length) { return; }
    var list = box.appendChild(element("ul"));
    lines.forEach(function (line) { list.appendChild(element("li", "", line)); });
  }
  function save() {
    var text = JSON.stringify(exported(), null, 1) + "\n", at = new Date().toLocaleTimeString();
    if (saveUrl) { post(text, at); return; }
    document.getElementById("exported").textContent = text;
    document.getElementById("export-box").open = true;
    var name = data[key.source].split(/[\\/]/).pop().replace(/\.[^.]*$/, "") + ".review.json";
    var url = URL.createObjectURL(new Blob([text], {type: "application/json"}));
    var link = document.body.appendChild(element("a"));
    link.href = url;
    link.download = name;
    link.click();
    link.remove();
    setTimeout(function () { URL.revokeObjectURL(url); }, 5000);
    dirty = false;
    say("saved " + name);
    showSaved("Saved " + name + " at " + at + " (downloaded). To rebuild the exports from it:",
      ["paralign export " + name + " --format tmx,tei"]);
  }
  function post(text, at) {
    var token = new URLSearchParams(location.search).get("token") || "";
    say("saving…");
    fetch(saveUrl, {method: "POST", body: text, cache: "no-store", credentials: "omit",
      headers: {"Content-Type": "application/json", "X-Paralign-Token": token}})
      .then(function (response) {
        return response.json().then(function (answer) { return {ok: response.ok, answer: answer}; });
      })
      .then(function (result) {
        if (!result.ok) { throw new Error(result.answer.error || "the server refused the save"); }
        dirty = false;
        say("saved: " + result.answer.written.length + " files written");
        showSaved("Saved at " + at + ": wrote", result.answer.written);
      })
      .catch(function (error) {
        say("not saved: " + error.message, true);
        showSaved("Not saved at " + at + ": " + error.message, [], true);
      });
  }

  // --- keys and buttons ---
  var actions = {
    prev: function () { step(-1); }, next: function () { step(1); },
    merge: merge, split: split,
    "src-up": function () { move("src", -1); }, "src-down": function () { move("src", 1); },
    "tgt-up": function () { move("tgt", -1); }, "tgt-down": function () { move("tgt", 1); },
    "src-detach": function () { detach("src"); }, "tgt-detach": function () { detach("tgt"); },
    confirm: confirm, undo: undo, redo: redo, save: save
  };
  var keys = {
    n: actions.next, j: actions.next, p: actions.prev, k: actions.prev,
    ArrowDown: function () { go(current + 1); }, ArrowUp: function () { go(current < 0 ? 0 : current - 1); },
    Home: function () { go(0); }, End: function () { go(beads.length - 1); },
    m: merge, s: split, "[": actions["src-up"], "]": actions["src-down"],
    "{": actions["tgt-up"], "}": actions["tgt-down"],
    x: actions["src-detach"], X: actions["tgt-detach"], c: confirm, u: undo, r: redo, e: save
  };
  var controlKeys = {z: undo, Z: redo, y: redo, s: save};
  function press(ev) {
    if (ev.altKey || (ev.target && /^(INPUT|TEXTAREA|SELECT)$/.test(ev.target.tagName))) { return; }
    var action = keys[ev.key];
    if (ev.ctrlKey || ev.metaKey) { action = controlKeys[ev.shiftKey ? ev.key.toUpperCase() : ev.key.toLowerCase()]; }
    if (action) { ev.preventDefault(); action(); }
  }
  document.addEventListener("keydown", press);
  Object.keys(actions).forEach(function (id) { document.getElementById(id).addEventListener("click", actions[id]); });
  table.addEventListener("click", function (ev) {
    var row = ev.target.closest("tr.bead");
    if (!row || ev.target.closest("a")) { return; }
    select(Number(row.dataset.bead), false, true);
    describe();
  });
  window.addEventListener("beforeunload", function (ev) { if (dirty) { ev.preventDefault(); ev.returnValue = ""; } });
  var header = document.querySelector("header.top");
  function fitHeader() { document.documentElement.style.setProperty("--header-h", header.offsetHeight + "px"); }
  new ResizeObserver(fitHeader).observe(header);
  showCounts(repairNotes());
  var hash = /^#bead-(\d+)$/.exec(location.hash);
  if (hash) { select(Number(hash[1]) - 1, "center", true); describe(); }
  var replay = new URLSearchParams(location.search).get("keys") || "";
  replay.split("").forEach(function (name) { press({key: name, target: null, preventDefault: function () {}}); });
})();
"""
