"""Language codes as users give them (``en``, ``es-ES``, ``pt_BR``) and what each stage needs of them.

Kept apart from ``segment`` (which loads NLTK) so that the exports and the
language check can name a language without loading a sentence splitter.
"""

from __future__ import annotations


def base_language(lang: str) -> str:
    """``"es-ES"`` → ``"es"``: Punkt models and language identification are per language, not per region."""
    return lang.replace("_", "-").split("-")[0].lower()
