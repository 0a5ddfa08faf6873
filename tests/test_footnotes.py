from __future__ import annotations

from conftest import EN, ES

from paralign.footnotes import MarkerStyle, detect_anchors, find_anchors
from paralign.read import read_document


def test_english_markers_are_bracketed_one_to_seven() -> None:
    style, anchors = detect_anchors(read_document(EN, "en"))
    assert style == MarkerStyle.BRACKET
    assert [a.label for a in anchors] == ["1", "2", "3", "4", "5", "6", "7"]


def test_spanish_markers_glued_or_spaced_505_to_511() -> None:
    document = read_document(ES, "es")
    style, anchors = detect_anchors(document)
    assert style == MarkerStyle.NUMERIC
    assert [a.label for a in anchors] == [str(n) for n in range(505, 512)]
    assert [document.text[a.start : a.end] for a in anchors] == [str(n) for n in range(505, 512)]
    glued = document.text[anchors[0].start - 7 : anchors[0].end]
    assert glued == "región.505"
    spaced = document.text[anchors[3].start - 3 : anchors[3].end]
    assert spaced == "». 508"


def test_numbers_in_running_text_are_not_notes() -> None:
    text = "Se firmó el 8 de mayo de 1994. En el párrafo 5, dice. On May 4-5, 1994. Chapter 3 begins."
    assert find_anchors(text, style=MarkerStyle.NUMERIC) == []


def test_bracket_marker_offsets_include_brackets() -> None:
    text = "the region.[12] Next"
    (anchor,) = find_anchors(text, style=MarkerStyle.BRACKET)
    assert (anchor.label, text[anchor.start : anchor.end]) == ("12", "[12]")
