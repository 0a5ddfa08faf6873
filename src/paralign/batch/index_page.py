"""``OUT/index.html``: every pair of a batch on one page, the ones that most need a reviewer first.

A reviewer facing two hundred pairs wants to start where the aligner was
least sure: pairs that did not align (with the reason), then pairs by how
many beads fell under confidence 0.5 and how many notes did not pair, then
by their lowest confidence. Each row links the pair's review page (or, when
the batch wrote none, its first export). Built with lxml, so every file name
and reason is escaped; links are relative, so the folder can be moved.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Sequence
from typing import cast

import lxml.html
from lxml.html import builder as E

from paralign.batch.report import PairRecord, review_need
from paralign.batch.worker import ALIGNED

__all__ = ["index_html"]

_STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em; }
table { border-collapse: collapse; }
th, td { border-bottom: 1px solid #ddd; padding: .3em .8em; text-align: left; }
td.number { text-align: right; font-variant-numeric: tabular-nums; }
tr.refused td, tr.failed td { background: #fde8e8; }
tr.doubtful td { background: #fff6d6; }
"""

_HEADINGS = ("pair", "status", "beads to check", "lowest", "mean", "beads", "notes paired", "reason")


def index_html(records: Sequence[PairRecord], title: str) -> bytes:
    """The page, records sorted by review need."""
    rows = [_row(record) for record in sorted(records, key=review_need)]
    page = E.HTML(
        E.HEAD(E.META(charset="utf-8"), E.TITLE(title), E.STYLE(_STYLE)),
        E.BODY(
            E.H1(title),
            E.P(f"{len(records)} pairs, the ones most in need of review first."),
            E.TABLE(E.THEAD(E.TR(*[E.TH(heading) for heading in _HEADINGS])), E.TBODY(*rows)),
        ),
    )
    return cast(
        bytes, lxml.html.tostring(page, doctype="<!DOCTYPE html>", encoding="utf-8", pretty_print=True)
    )  # lxml-stubs: bytes for an encoding


def _row(record: PairRecord) -> lxml.html.HtmlElement:
    label = f"{record.source} ↔ {record.target}"
    page = next((path for path in record.exports if path.endswith(".review.html")), None)
    link = page or (record.exports[0] if record.exports else None)
    name = E.A(label, href=urllib.parse.quote(link)) if link and record.outcome == ALIGNED else label
    stats = record.stats
    to_check = stats.to_check
    kind = record.outcome if record.outcome != ALIGNED else ("doubtful" if to_check else "aligned")
    return E.TR(
        E.TD(name),
        E.TD(record.outcome if record.status == record.outcome else f"{record.outcome} (unchanged)"),
        _number(to_check if record.outcome == ALIGNED else None),
        _number(stats.lowest_confidence),
        _number(stats.mean_confidence),
        _number(stats.beads if record.outcome == ALIGNED else None),
        _number(stats.note_pairs if record.outcome == ALIGNED else None),
        E.TD(record.reason),
        E.CLASS(kind),
    )


def _number(value: float | int | None) -> lxml.html.HtmlElement:
    shown = "" if value is None else f"{value:.3f}" if isinstance(value, float) else str(value)
    return E.TD(shown, E.CLASS("number"))
