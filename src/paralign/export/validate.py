"""Validation against the vendored schemas: the TMX 1.4 DTD and TEI P5 ``tei_all.rng``.

The schemas ship inside the package (``paralign/schemas``, with their
licences), so validation works offline. Compiling ``tei_all.rng`` takes lxml
about 14 seconds, so each schema is compiled once per process.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path

from lxml import etree


def schema_path(name: str) -> Path:
    """Filesystem path of a vendored schema (``tmx14.dtd``, ``tei_all.rng``)."""
    return Path(str(resources.files("paralign") / "schemas" / name))


@lru_cache(maxsize=1)
def tmx_dtd() -> etree.DTD:
    return etree.DTD(str(schema_path("tmx14.dtd")))


@lru_cache(maxsize=1)
def tei_relaxng() -> etree.RelaxNG:
    return etree.RelaxNG(etree.parse(str(schema_path("tei_all.rng"))))


def _errors(validator: etree._Validator, tree: etree._ElementTree) -> list[str]:
    if validator.validate(tree):
        return []
    return [f"line {e.line}: {e.message}" for e in validator.error_log]


def validate_tmx(tree: etree._ElementTree) -> list[str]:
    """Errors against the TMX 1.4 DTD; empty when valid."""
    return _errors(tmx_dtd(), tree)


def validate_tei(tree: etree._ElementTree) -> list[str]:
    """Errors against TEI P5 ``tei_all``; empty when valid."""
    return _errors(tei_relaxng(), tree)
