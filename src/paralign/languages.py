"""Language codes as users give them (``en``, ``es-ES``, ``pt_BR``) and what each stage needs of them.

Kept apart from ``segment`` (which loads Punkt) so that the exports and the
language check can name a language without loading a sentence splitter.
A language code ends up in file names, ``xml:lang`` attributes and sheet
headers, so every code read from a user (the command line, a TSV header, a
review JSON) goes through ``language_tag`` first: a well-formed, registered
BCP 47 tag (``langcodes`` checks it against the IANA registry it ships) and
nothing else, so ``es/../../tmp`` or ``x" onload="`` never gets that far.
"""

from __future__ import annotations

import langcodes


def language_tag(value: str) -> str:
    """``value`` as a BCP 47 tag (``pt_BR`` → ``pt-BR``), checked against the IANA registry.

    Raises:
        ValueError: ``value`` is not a valid language tag; the message says so in one line.
    """
    tag = value.strip().replace("_", "-")
    if not tag or len(tag) > 35 or not tag.isascii() or not langcodes.tag_is_valid(tag):
        raise ValueError(f"{value!r} is not a language code like en, es or es-ES (BCP 47)")
    return tag


def base_language(lang: str) -> str:
    """``"es-ES"`` → ``"es"``: Punkt models and language identification are per language, not per region."""
    return lang.replace("_", "-").split("-")[0].lower()
