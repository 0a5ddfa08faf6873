from __future__ import annotations

import re

from conftest import EN, ES

from paralign.read import read_document
from paralign.segment import punkt_tokenizer, segment


def test_english_has_23_body_sentences_title_first() -> None:
    english = segment(read_document(EN, "en"))
    assert len(english.sentences) == 23
    assert english.sentences[0].text == "What was the Bishkek Protocol, agreed on May 8, 1994, about?"
    assert not any(s.text.startswith("[") for s in english.sentences), "note bodies leaked into the body"


def test_spanish_has_22_sentences() -> None:
    assert len(segment(read_document(ES, "es")).sentences) == 22


def test_markers_are_anchors_outside_the_text() -> None:
    spanish = segment(read_document(ES, "es"))
    text = spanish.document.text
    for sentence in spanish.sentences:
        assert not re.search(r"\b50\d\b|\b51[01]\b", sentence.text), sentence.text
        for anchor in sentence.anchors:
            assert sentence.start <= anchor.start < anchor.end <= sentence.end
            assert text[anchor.start : anchor.end] == anchor.label
    by_label = {a.label: s for s in spanish.sentences for a in s.anchors}
    assert by_label["505"].text.endswith("a la región.")
    assert by_label["508"].text.endswith("«incautados».")
    assert spanish.sentences[by_label["508"].index + 1].text.startswith("Además, la parte azerbaiyana")
    assert by_label["509"].text == "Sin embargo, ese día no estaba presente en Bakú."


def test_offsets_slice_the_original_text() -> None:
    for path, lang in ((EN, "en"), (ES, "es")):
        segmentation = segment(read_document(path, lang))
        for sentence in segmentation.sentences:
            original = segmentation.document.text[sentence.start : sentence.end]
            for anchor in sentence.anchors:
                original = original.replace(segmentation.document.text[anchor.start : anchor.end], "")
            assert " ".join(original.split()) == sentence.text


def test_quote_with_two_sentences_splits_as_punkt_would() -> None:
    english = segment(read_document(EN, "en"))
    texts = [s.text for s in english.sentences]
    assert "According to Thomas de Waal, “the Azerbaijani leadership faced a stark choice." in texts


def test_abbreviations_do_not_split() -> None:
    tokenizer = punkt_tokenizer("en")
    assert len(tokenizer.tokenize("Mr. Smith met Dr. Jones at 5 p.m. on Friday. They talked.")) == 2
