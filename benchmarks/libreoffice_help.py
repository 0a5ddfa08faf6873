"""A sentence-aligned English–X set from LibreOffice's installed help, for ``languages.py``.

LibreOffice's help is translated paragraph by paragraph, and every page in
every language keeps the paragraph ids of the English original
(``<p id="par_id3147833">``). Debian ships the compiled pages
(``libreoffice-help-en-us``, ``libreoffice-help-ja``, ``libreoffice-help-ko``
…), so any machine with apt has an English–Japanese and English–Korean
parallel text written by people, aligned by its own ids, with no download.

Sentence-level gold: only paragraphs that are **one sentence on both sides**
are kept (one sentence-final mark, at the end, on each side, and the English
at least ``MIN_CHARS`` long; untranslated paragraphs, those still in
English, are dropped). Each kept paragraph is then a gold 1-1 bead. The help
pages of one module folder (``text/swriter/guide`` …) in page order make one
document. ``languages.py`` joins the sentences into raw paragraphs (no space
between Japanese sentences), aligns them from raw text through
``align_texts`` and scores against this gold.

What this set is not: running prose. Help sentences are short instructions
("Click the Replace tab.") that repeat across pages, and every gold bead is
1-1, so it measures segmentation of CJK and Hangul text and alignment among
near-repeats, not merges or omissions; MAC (zh–en) covers those.

Usage::

    python benchmarks/libreoffice_help.py ja ../data/lo-help-en-ja
    python benchmarks/languages.py --set ../data/lo-help-en-ja en ja

Writes ``NAME.en``, ``NAME.LANG`` and ``NAME.align`` per module folder. The
text is read from ``/usr/share/libreoffice/help`` (``--help-root``); nothing
is kept in this repository.
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import lxml.html

HELP_ROOT = Path("/usr/share/libreoffice/help")

#: Module folders read by default: guides of the main applications (running instructions, not menu lists).
DEFAULT_MODULES = (
    "text/swriter/guide",
    "text/scalc/guide",
    "text/simpress/guide",
    "text/shared/guide",
)

#: Shortest English sentence kept: shorter ones are labels and menu paths.
MIN_CHARS = 25

#: The script that proves a paragraph was translated, per language.
SCRIPTS = {
    "ja": re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]"),
    "ko": re.compile(r"[\uac00-\ud7a3]"),
    "zh-CN": re.compile(r"[\u4e00-\u9fff]"),
    "zh-TW": re.compile(r"[\u4e00-\u9fff]"),
}

#: Sentence-final marks: the paragraph must end with one and hold no other (closers may follow).
_FINAL = {
    "en": r"[.!?]",
    "ja": r"[。！？!?]",
    "ko": r"[.!?]",
    "zh-CN": r"[。！？!?]",
    "zh-TW": r"[。！？!?]",
}
_CLOSERS = r"[)\]\"'”’」』）]*"


@dataclass(frozen=True)
class Document:
    """One module folder: its kept sentence pairs, in page order."""

    name: str
    pairs: list[tuple[str, str]]


def paragraphs(page: Path) -> dict[str, str]:
    """The text of every element with a help paragraph id, as the help browser shows it on Linux.

    Platform switches hold every variant hidden (``MAC…``: Command, ``default…``:
    Ctrl) and a script shows one; the default variant is kept, the others dropped.
    """
    tree = lxml.html.parse(str(page))
    for hidden in tree.xpath("//*[@hidden]"):
        if not (hidden.get("id") or "").startswith("default"):
            hidden.drop_tree()
    texts = {}
    for element in tree.xpath("//*[starts-with(@id, 'par_id') or starts-with(@id, 'hd_id')]"):
        texts[element.get("id")] = " ".join(element.text_content().split())
    return texts


def one_sentence(text: str, lang: str) -> bool:
    """Whether ``text`` ends with a sentence-final mark and has no other sentence end inside."""
    final = _FINAL[lang]
    end = re.search(final + _CLOSERS + r"$", text)
    if end is None:
        return False
    inside = text[: end.start()]
    if lang in ("en", "ko"):
        # A mark followed by a space and a capital, digit or Hangul (an opening bracket or quote
        # may stand before it) starts a new sentence.
        return not re.search(final + _CLOSERS + r"\s+[(\"'“‘]?[A-Z0-9\uac00-\ud7a3]", inside)
    return not re.search(final, inside)


def module_document(root: Path, lang: str, module: str) -> Document:
    """The one-sentence pairs of every page of ``module`` that exists in English and in ``lang``, in page order."""
    pairs = []
    english_pages = sorted((root / "en-US" / module).glob("*.html"))
    for english_page in english_pages:
        translated_page = root / lang / module / english_page.name
        if not translated_page.exists():
            continue
        english, translated = paragraphs(english_page), paragraphs(translated_page)
        for key, source in english.items():
            target = translated.get(key, "")
            if (
                len(source) >= MIN_CHARS
                and target
                and target != source
                and SCRIPTS[lang].search(target)
                and one_sentence(source, "en")
                and one_sentence(target, lang)
            ):
                pairs.append((source, target))
    return Document(module.replace("text/", "").replace("/", "-"), pairs)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("lang", choices=sorted(SCRIPTS), help="the translation's language (help folder name)")
    parser.add_argument("out", type=Path, help="folder to write NAME.en, NAME.LANG and NAME.align into")
    parser.add_argument("--help-root", type=Path, default=HELP_ROOT)
    parser.add_argument("--module", dest="modules", action="append", help="module folder (repeatable)")
    args = parser.parse_args()
    if not (args.help_root / args.lang).is_dir():
        raise SystemExit(
            f"{args.help_root / args.lang}: not installed (apt-get install libreoffice-help-{args.lang.lower()})"
        )
    args.out.mkdir(parents=True, exist_ok=True)
    suffix = args.lang.split("-")[0]
    for module in args.modules or DEFAULT_MODULES:
        document = module_document(args.help_root, args.lang, module)
        if not document.pairs:
            print(f"{module}: no one-sentence pair", file=sys.stderr)
            continue
        stem = args.out / document.name
        stem.with_suffix(".en").write_text("".join(s + "\n" for s, _ in document.pairs), encoding="utf-8")
        stem.with_suffix(f".{suffix}").write_text("".join(t + "\n" for _, t in document.pairs), encoding="utf-8")
        stem.with_suffix(".align").write_text(
            "".join(f"[{k}]:[{k}]\n" for k in range(len(document.pairs))), encoding="utf-8"
        )
        print(f"{document.name}: {len(document.pairs)} sentence pairs")


if __name__ == "__main__":
    main()
