"""Property: whatever Unicode a client sends, the TMX is valid and carries the text unchanged."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from lxml import etree

from paralign.errors import InputError
from paralign.export import NotesMode, build_tmx
from paralign.export._inline import apply_notes_mode, sentence_pieces
from paralign.export._xml import serialize
from paralign.export.tmx import DOCTYPE
from paralign.export.validate import validate_tmx
from paralign.model import Alignment, Bead
from paralign.read import read_document
from paralign.safe_xml import safe_parser
from paralign.segment import segment

EXAMPLES = 300

characters = st.one_of(
    st.characters(codec="utf-8", exclude_categories=("Cs",)),  # anything encodable, astral included
    st.sampled_from(
        list("«»“”\"'‘’&<>;") + ["\u05d0", "\u05e9", "\u0627", "\u0644", "\u200f", "\U0001f600", "\U0002a6d6"]
    ),
    st.sampled_from([chr(c) for c in range(0, 32)] + ["\ufffe", "\uffff", "\x7f"]),
)
words = st.text(characters, min_size=1, max_size=12)
marker = st.integers(min_value=1, max_value=40).map(lambda n: f"[{n}]")
sentence = st.builds(
    lambda ws, end, note: " ".join(ws) + end + note,
    st.lists(words, min_size=1, max_size=8),
    st.sampled_from([".", "!", "?", "».", "”.", ""]),
    st.one_of(st.just(""), marker),
)
paragraph = st.lists(sentence, min_size=1, max_size=4).map(" ".join)
text = st.lists(paragraph, min_size=1, max_size=4).map("\n\n".join)


def segmented(content: str, lang: str, directory: Path):  # type: ignore[no-untyped-def]
    path = directory / f"{lang}.txt"
    path.write_text(content, encoding="utf-8", errors="surrogatepass")
    try:
        return segment(read_document(path, lang))
    except InputError:
        assume(False)


def expected_segment(side, indices, mode: NotesMode) -> str:  # type: ignore[no-untyped-def]
    pieces = apply_notes_mode(sentence_pieces(side, indices), mode, side.document.text)
    return "".join(p if isinstance(p, str) else side.document.text[p.start : p.end] for p in pieces)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(source=text, target=text, mode=st.sampled_from(list(NotesMode)))
def test_tmx_is_valid_and_round_trips(source: str, target: str, mode: NotesMode) -> None:
    with tempfile.TemporaryDirectory() as directory:
        src = segmented(source, "en", Path(directory))
        tgt = segmented(target, "es", Path(directory))
    n, m = len(src.sentences), len(tgt.sentences)
    k = min(n, m)
    beads = tuple(Bead((i,), (i,), 0.5) for i in range(k))
    beads += tuple(Bead((i,), (), 0.1) for i in range(k, n)) + tuple(Bead((), (j,), 0.1) for j in range(k, m))
    alignment = Alignment(src, tgt, beads)
    tree = build_tmx(alignment, mode)
    data = serialize(tree, frozenset({"seg", "prop"}), DOCTYPE)
    reparsed = etree.ElementTree(etree.fromstring(data, safe_parser()))
    assert validate_tmx(reparsed) == []
    segs = ["".join(seg.itertext()) for seg in reparsed.iter("seg")]
    expected = []
    for bead in beads[:k]:
        expected += [expected_segment(src, bead.src, mode), expected_segment(tgt, bead.tgt, mode)]
    assert segs == expected
    for ph in reparsed.iter("ph"):
        assert ph.get("type") == "fnote" and ph.get("x", "").isdigit()
    # Each marker lies inside the span of the sentence that carries it, so exports can put it back.
    assert all(s.start <= a.start < a.end <= s.end for s in src.sentences for a in s.anchors)
