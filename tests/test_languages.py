"""Every language the model covers, from raw text: splitters per script, cues for scripts without spaces, RTL.

Hand cases (self-written) pin each script's splitter: quotes stay with their
sentence, numbers and abbreviations are not cut, note markers never start a
sentence. The accuracy of the whole path on real zh–en text is measured by
``benchmarks/languages.py`` (README, "Languages").
"""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from paralign.errors import InputError
from paralign.features import number_bags, text_features
from paralign.footnotes import MarkerStyle, detect_anchors, find_anchors, pair_anchors
from paralign.formats import REGISTRY, ExportOptions
from paralign.model import Alignment, Bead
from paralign.read import read_document
from paralign.segment import segment, sentence_splitter
from paralign.sides import NUMBER_BUCKETS
from paralign.verify import detect_language

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"

MODEL_LANGUAGES = ("ar", "de", "en", "es", "fr", "it", "ja", "ko", "nl", "pl", "pt", "ru", "th", "tr", "zh", "zh-TW")


def split(lang: str, text: str) -> list[str]:
    return [text[start:end] for start, end in sentence_splitter(lang)(text)]


@pytest.mark.parametrize(
    ("lang", "text", "sentences"),
    [
        # Quotes of both widths stay with the sentence they close; 3.5 and F. are not ends.
        ("zh", "他说：“我明天去北京。”然后他走了。", ["他说：“我明天去北京。”", "然后他走了。"]),
        ("zh", "他问：「你去嗎？」她答：『去。』我們走吧。", ["他问：「你去嗎？」", "她答：『去。』", "我們走吧。"]),
        (
            "zh",
            "《红楼梦》是名著！价格是3.5元。约翰·F.肯尼迪来了。",
            ["《红楼梦》是名著！", "价格是3.5元。", "约翰·F.肯尼迪来了。"],
        ),
        # A bare ellipsis is a pause; a quotation and its speech tag are one sentence.
        ("zh", "我…… 我记不起了。好。", ["我…… 我记不起了。", "好。"]),
        ("zh", "“倒计时的尽头是什么？” 汪淼无力地问。他走了。", ["“倒计时的尽头是什么？” 汪淼无力地问。", "他走了。"]),
        # A quotation and its quotative particle are one sentence.
        (
            "ja",
            "彼は「明日行きます。」と言った。それから帰った。",
            ["彼は「明日行きます。」と言った。", "それから帰った。"],
        ),
        ("ja", "価格は3.5ドルです。本当ですか？はい！", ["価格は3.5ドルです。", "本当ですか？", "はい！"]),
        ("ko", '그는 "내일 갑니다."라고 말했다. 그리고 떠났다.', ['그는 "내일 갑니다."라고 말했다.', "그리고 떠났다."]),
        (
            "ko",
            "김 박사는 U.S.A.에 갔다. 가격은 3.5달러입니다? 네!",
            ["김 박사는 U.S.A.에 갔다.", "가격은 3.5달러입니다?", "네!"],
        ),
        # Thai marks no sentence end: a space is a phrase or a sentence break, and only a model of Thai tells which.
        ("th", "ราคา 3.5 บาท คุณซื้อไหม ฉันซื้อแล้ว", ["ราคา 3.5 บาท", "คุณซื้อไหม", "ฉันซื้อแล้ว"]),
        (
            "ar",
            "قال الرئيس إن الاجتماع كان مثمرا. وأضاف أن المفاوضات ستستمر؟ نعم! بلغ السعر 3.5 دولار.",
            ["قال الرئيس إن الاجتماع كان مثمرا.", "وأضاف أن المفاوضات ستستمر؟", "نعم!", "بلغ السعر 3.5 دولار."],
        ),
        ("ar", "ولد د. محمد في القاهرة. ثم انتقل إلى بيروت.", ["ولد د. محمد في القاهرة.", "ثم انتقل إلى بيروت."]),
        (
            "ru",
            "Он сказал: «Я приду завтра». Цена 3.5 руб. за шт. в т. ч. НДС. А. С. Пушкин родился в 1799 г. в Москве.",
            [
                "Он сказал: «Я приду завтра».",
                "Цена 3.5 руб. за шт. в т. ч. НДС.",
                "А. С. Пушкин родился в 1799 г. в Москве.",
            ],
        ),
        (
            "en",
            "'Very well!' he replied. 'On guard!' They fought.",
            ["'Very well!' he replied.", "'On guard!'", "They fought."],
        ),
        # Words NLTK's training took for abbreviations (Okla., Ill., Ore., Wed.) end sentences.
        (
            "en",
            "Select the language and click OK. All paragraphs change. She fell ill. The doctor came. Mr. Brown left.",
            ["Select the language and click OK.", "All paragraphs change.", "She fell ill.", "The doctor came."]
            + ["Mr. Brown left."],
        ),
        # No sentence opens with a lower-case word: after a short unknown abbreviation or a pause the
        # sentence goes on; a word with a capital inside (iPhone) may open one.
        ("en", "Use the Min. word length box.", ["Use the Min. word length box."]),
        (
            "en",
            "It's just that. . . what with the boy. It rained. iPhone sales fell.",
            ["It's just that. . . what with the boy.", "It rained.", "iPhone sales fell."],
        ),
        # Speech broken off by a dash, then another quotation: two sentences. A Spanish dialogue dash is not that.
        (
            "en",
            "'I lent it to wait for His Majesty to—' 'His Majesty?' 'What?' he said.",
            ["'I lent it to wait for His Majesty to—'", "'His Majesty?'", "'What?' he said."],
        ),
        ("es", "—Hola —dijo él—. ¿Vienes?", ["—Hola —dijo él—.", "¿Vienes?"]),
        # The Chinese semicolon ends a clause that translations make a sentence as often as not.
        ("zh", "他来了；她走了。", ["他来了；", "她走了。"]),
        ("ja", "彼は来た；彼女は去った。", ["彼は来た；彼女は去った。"]),
    ],
)
def test_splitter_per_script(lang: str, text: str, sentences: list[str]) -> None:
    assert split(lang, text) == sentences


@pytest.mark.parametrize("lang", MODEL_LANGUAGES)
def test_every_model_language_has_a_splitter(lang: str) -> None:
    assert sentence_splitter(lang)("One. Two.")


@pytest.mark.parametrize(
    "lang", ["zh-Hant", "zh-Hans", "ja-JP", "ko-KR", "pt-BR", "fa", "ur", "hi", "he", "hu", "sr-Cyrl"]
)
def test_regional_and_related_languages_have_a_splitter(lang: str) -> None:
    assert sentence_splitter(lang)


def test_a_language_without_a_splitter_is_refused_in_one_line(tmp_path: Path) -> None:
    path = tmp_path / "text.am.txt"
    path.write_text("ሰላም ነው። እንዴት ነህ? ደህና ነኝ።\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        segment(read_document(path, "am"))
    message = str(caught.value)
    assert "\n" not in message
    assert message == (
        f"{path}: no sentence splitter for language 'am' (Ethi script); "
        "give the text one sentence per line and use --presplit"
    )


def _document(tmp_path: Path, name: str, text: str, lang: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_markers_in_chinese_are_lifted_and_never_start_a_sentence(tmp_path: Path) -> None:
    text = "议定书于1994年5月8日签署。505阿塞拜疆拒绝签署。506他需要批准。507\n"
    segmentation = segment(read_document(_document(tmp_path, "p.zh.txt", text, "zh"), "zh"))
    assert [s.text for s in segmentation.sentences] == [
        "议定书于1994年5月8日签署。",
        "阿塞拜疆拒绝签署。",
        "他需要批准。",
    ]
    assert [[a.label for a in s.anchors] for s in segmentation.sentences] == [["505"], ["506"], ["507"]]


@pytest.mark.parametrize(
    ("text", "style", "labels"),
    [
        ("签署¹。派遣部队²。", MarkerStyle.SUPERSCRIPT, ["1", "2"]),
        ("签署[1]。派遣部队[2]。", MarkerStyle.BRACKET, ["1", "2"]),
        ("签署【1】。派遣部队【2】。", MarkerStyle.BRACKET, ["1", "2"]),
        ("签署［１］。派遣部队［２］。", MarkerStyle.BRACKET, ["1", "2"]),
        ("签署（1）。派遣部队（2）。", MarkerStyle.PARENTHESIS, ["1", "2"]),
        ("签署^1。派遣部队^2。", MarkerStyle.CARET, ["1", "2"]),
    ],
)
def test_cjk_marker_styles(tmp_path: Path, text: str, style: MarkerStyle, labels: list[str]) -> None:
    document = read_document(_document(tmp_path, "n.zh.txt", text + "\n", "zh"), "zh")
    found_style, anchors = detect_anchors(document)
    assert (found_style, [a.label for a in anchors]) == (style, labels)
    assert [s.text for s in segment(document).sentences] == ["签署。", "派遣部队。"]


def test_an_enumeration_is_not_a_note() -> None:
    assert find_anchors("步骤：（1）打开；（2）关闭。Steps: (1) open, (2) close.", MarkerStyle.PARENTHESIS) == []


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("ja", "左から 2 番目のアイコンをクリックします。3 つの状態を切り替えるには、端をクリックします。"),
        ("zh", "他们同意了。3个国家签署了议定书。"),
        ("ko", "아이콘을 클릭합니다. 3개의 상태를 전환합니다."),
    ],
)
def test_a_number_that_counts_is_not_a_note(tmp_path: Path, lang: str, text: str) -> None:
    # Found on LibreOffice's Japanese help: "。3 つの状態" was read as note 3 glued to the stop.
    document = read_document(_document(tmp_path, f"c.{lang}.txt", text + "\n", lang), lang)
    assert detect_anchors(document) == (None, [])
    second = segment(document).sentences[1]
    assert second.text[0] == "3" and second.anchors == ()


def test_one_number_after_a_stop_and_a_space_is_not_a_note(tmp_path: Path) -> None:
    spaced = read_document(
        _document(tmp_path, "s.en.txt", "Lines show the settings. 8 x 8 cells are selected.\n", "en"), "en"
    )
    assert detect_anchors(spaced) == (None, [])
    assert find_anchors("LibreOffice 4.1 或更高版本。", MarkerStyle.NUMERIC) == []  # decimals, not note 1
    glued = read_document(_document(tmp_path, "g.es.txt", "Se firmó en Bishkek.505 Luego se fue.\n", "es"), "es")
    assert [a.label for a in detect_anchors(glued)[1]] == ["505"]


def test_cjk_markers_pair_with_english_ones(tmp_path: Path) -> None:
    zh = segment(read_document(_document(tmp_path, "n.zh.txt", "签署【1】。派遣部队【2】。\n", "zh"), "zh"))
    en = segment(read_document(_document(tmp_path, "n.en.txt", "It was signed.[1] Troops went.[2]\n", "en"), "en"))
    beads = [Bead((0,), (0,), 0.9), Bead((1,), (1,), 0.9)]
    mapping = pair_anchors(beads, [s.anchors for s in zh.sentences], [s.anchors for s in en.sentences])
    assert [(p.src_label, p.tgt_label) for p in mapping.pairs] == [("1", "1"), ("2", "2")]
    assert mapping.problems == ()


def test_full_width_arabic_indic_and_chinese_numbers_are_shared_numbers() -> None:
    bags = number_bags(["１９９４年５月８日", "1994年五月八日", "一九九四年五月八日", "٨ مايو ١٩٩٤", "May 8, 1994"])
    expected = {1994 % NUMBER_BUCKETS, 5 % NUMBER_BUCKETS, 8}
    assert [set(row.nonzero()[0]) for row in bags[:3]] == [expected] * 3
    assert set(bags[3].nonzero()[0]) == set(bags[4].nonzero()[0]) == {1994 % NUMBER_BUCKETS, 8}


def test_a_lone_chinese_one_or_ten_is_not_a_number() -> None:
    assert not number_bags(["一个人十分高兴。"]).any()


@pytest.mark.parametrize(
    ("text", "wordless"),
    [("是。", False), ("ที่นี่", False), ("예.", False), ("نعم.", False), ('h * "', True), ("24 a !", True)],
)
def test_word_less_lines_in_scripts_without_spaces(text: str, wordless: bool) -> None:
    assert bool(text_features([text]).wordless[0]) is wordless


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("zh", "比什凯克议定书于一九九四年五月在吉尔吉斯斯坦首都举行的一次会议上签署，议定书敦促冲突各方停火。"),
        ("zh", "比什凱克議定書於一九九四年五月在吉爾吉斯斯坦首都舉行的一次會議上簽署，議定書敦促衝突各方停火。"),
        ("ja", "ビシュケク議定書は一九九四年五月、キルギスの首都で開かれた会議で署名された。議定書は停戦を求めた。"),
        (
            "ko",
            "비슈케크 의정서는 1994년 5월 키르기스스탄의 수도에서 열린 회의에서 서명되었다. 의정서는 휴전을 촉구했다.",
        ),
        ("th", "พิธีสารบิชเคกลงนามเมื่อเดือนพฤษภาคม ในการประชุมที่เมืองหลวงของคีร์กีซสถาน พิธีสารเรียกร้องให้หยุดยิง"),
        (
            "ar",
            "تم التوقيع على بروتوكول بيشكيك في اجتماع عقد في عاصمة قيرغيزستان. ودعا البروتوكول إلى وقف إطلاق النار.",
        ),
    ],
)
def test_language_check_knows_scripts_without_spaces(lang: str, text: str) -> None:
    assert detect_language(text)[0] == lang


ARABIC = "وقع البروتوكول في بيشكيك.[1] ودعا إلى وقف إطلاق النار؟ نعم!\n"
ENGLISH = "The protocol was signed in Bishkek.[1] It called for a ceasefire? Yes!\n"


@pytest.fixture()
def arabic_alignment(tmp_path: Path) -> Alignment:
    ar = segment(read_document(_document(tmp_path, "p.ar.txt", ARABIC, "ar"), "ar"))
    en = segment(read_document(_document(tmp_path, "p.en.txt", ENGLISH, "en"), "en"))
    assert [s.text for s in ar.sentences] == ["وقع البروتوكول في بيشكيك.", "ودعا إلى وقف إطلاق النار؟", "نعم!"]
    beads = tuple(Bead((k,), (k,), 0.9) for k in range(3))
    mapping = pair_anchors(beads, [s.anchors for s in ar.sentences], [s.anchors for s in en.sentences])
    return Alignment(ar, en, beads, mapping.pairs)


def _export(alignment: Alignment, name: str) -> etree._Element:
    return etree.fromstring(REGISTRY[name].serialize(alignment, ExportOptions()))


def test_arabic_tmx_keeps_text_and_language(arabic_alignment: Alignment) -> None:
    root = _export(arabic_alignment, "tmx")
    assert root.find("header").get("srclang") == "ar"
    units = [
        [(tuv.get(XML_LANG), "".join(tuv.find("seg").itertext())) for tuv in tu.findall("tuv")]
        for tu in root.iter("tu")
    ]
    assert units[1] == [("ar", "ودعا إلى وقف إطلاق النار؟"), ("en", "It called for a ceasefire?")]
    assert units[0][0] == ("ar", "وقع البروتوكول في بيشكيك.[1]")


def test_arabic_tei_keeps_text_and_language(arabic_alignment: Alignment) -> None:
    tei = _export(arabic_alignment, "tei")
    texts = {text.get(XML_ID): text for text in tei.iter("{*}text")}
    assert (texts["src"].get(XML_LANG), texts["tgt"].get(XML_LANG)) == ("ar", "en")
    sentences = ["".join(s.itertext()) for s in texts["src"].iter("{*}s")]
    assert sentences[1:] == ["ودعا إلى وقف إطلاق النار؟", "نعم!"]


def test_arabic_xliff_keeps_text_and_language(arabic_alignment: Alignment) -> None:
    xliff = _export(arabic_alignment, "xliff")
    files = list(xliff.iter("{*}file"))
    assert [(f.get("source-language"), f.get("target-language")) for f in files] == [("ar", "en")]
    assert ["".join(s.itertext()) for s in xliff.iter("{*}source")][1:] == ["ودعا إلى وقف إطلاق النار؟", "نعم!"]
