"""Validation against the vendored schemas: TMX 1.4 DTD, TEI P5 ``tei_all.rng``, XLIFF 1.2 strict.

The schemas ship inside the package (``paralign/schemas``, with their
licences), so validation works offline. Compiling ``tei_all.rng`` takes lxml
about 14 seconds, so each schema is compiled once per process.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, cast

from lxml import etree

_XML_XSD_URL = "http://www.w3.org/2001/xml.xsd"


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
    # cast: lxml's stubs do not say that an error log iterates over its entries.
    entries = cast("Iterable[Any]", validator.error_log)
    return [f"line {e.line}: {e.message}" for e in entries]


def validate_tmx(tree: etree._ElementTree) -> list[str]:
    """Errors against the TMX 1.4 DTD; empty when valid."""
    return _errors(tmx_dtd(), tree)


def validate_tei(tree: etree._ElementTree) -> list[str]:
    """Errors against TEI P5 ``tei_all``; empty when valid."""
    return _errors(tei_relaxng(), tree)


@lru_cache(maxsize=1)
def xliff_schema() -> etree.XMLSchema:
    """OASIS ``xliff-core-1.2-strict.xsd``, its ``xml.xsd`` import pointed at the vendored copy.

    The schema imports ``http://www.w3.org/2001/xml.xsd`` by URL; pointing the
    import at the local file keeps validation offline.
    """
    schema_doc = etree.parse(str(schema_path("xliff-core-1.2-strict.xsd")))
    for imported in schema_doc.getroot().iter("{http://www.w3.org/2001/XMLSchema}import"):
        if imported.get("schemaLocation") == _XML_XSD_URL:
            imported.set("schemaLocation", schema_path("xml.xsd").as_uri())
    return etree.XMLSchema(schema_doc)


def validate_xliff(tree: etree._ElementTree) -> list[str]:
    """Errors against XLIFF 1.2 strict; empty when valid."""
    return _errors(xliff_schema(), tree)
