"""Zip containers (OOXML, ODF, xlsx) opened so that a hostile one cannot exhaust time or memory.

A ``.docx`` is a zip of XML parts, and a zip can lie: a 40 KB "zip bomb"
declares or inflates to gigabytes, a member named ``../../etc/passwd`` aims
at whoever extracts it, a part may declare XML entities (billion laughs).
Nothing here is ever extracted to disk, but every member is still checked
from the central directory before anything is inflated: how many there are,
their names, their declared sizes, how much each claims to inflate. A part is
then read through a bounded stream (never more than its declared size plus
one byte, so a member that inflates past what it declared is caught as it
does), and parsed by ``safe_xml`` (no entities, no DTD, no network).
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path, PurePosixPath

from lxml import etree

from paralign.errors import InputError
from paralign.safe_xml import parse_untrusted

#: More members than any document has (a docx holds 10–30, a book with images a few hundred).
MAX_MEMBERS = 10_000
#: The most one member may inflate to: Word's own limit for a document part is far below this.
MAX_MEMBER_BYTES = 64 * 1024 * 1024
#: The most all members together may declare.
MAX_TOTAL_BYTES = 256 * 1024 * 1024
#: XML deflates 5–20 to 1; a member that claims more than this (past a small size) is a bomb.
MAX_RATIO = 200
_RATIO_FROM_BYTES = 1024 * 1024

ZIP_MAGIC = b"PK\x03\x04"
EMPTY_ZIP_MAGIC = b"PK\x05\x06"


class Archive:
    """A zip file's checked member list, and its members read within the limits."""

    def __init__(self, path: Path, data: bytes) -> None:
        """Check the central directory of ``data`` (the file at ``path``).

        Raises:
            InputError: not a zip, encrypted, too many members, a member name
                that climbs out of the archive or repeats, or sizes past the limits.
        """
        self.path = path
        try:
            self._zip = zipfile.ZipFile(io.BytesIO(data))
            infos = self._zip.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as error:
            raise InputError(path, f"is a damaged zip archive ({error}); save the document again") from None
        if len(infos) > MAX_MEMBERS:
            raise InputError(path, f"is a zip of {len(infos):,} members (limit {MAX_MEMBERS:,}): not a document")
        self._infos: dict[str, zipfile.ZipInfo] = {}
        total = 0
        for info in infos:
            self._check_member(info)
            total += info.file_size
        if total > MAX_TOTAL_BYTES:
            raise InputError(
                path, f"declares {total / 2**20:,.0f} MB unpacked (limit {MAX_TOTAL_BYTES // 2**20} MB): refused"
            )

    def _check_member(self, info: zipfile.ZipInfo) -> None:
        name = info.filename
        pure = PurePosixPath(name)
        if "\\" in name or "\x00" in name or pure.is_absolute() or ".." in pure.parts or ":" in name:
            raise InputError(self.path, f"holds a member named {name!r:.80}, outside the archive: refused")
        if name in self._infos:
            raise InputError(self.path, f"holds the member {name!r:.80} twice: refused")
        if info.flag_bits & 0x1:
            raise InputError(self.path, "is password-protected; remove the password and save it again")
        if info.file_size > MAX_MEMBER_BYTES:
            raise InputError(
                self.path, f"member {name!r:.80} declares {info.file_size / 2**20:,.0f} MB unpacked: refused"
            )
        if info.file_size > _RATIO_FROM_BYTES and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise InputError(
                self.path, f"member {name!r:.80} inflates more than {MAX_RATIO} to 1 (a zip bomb?): refused"
            )
        self._infos[name] = info

    @property
    def names(self) -> frozenset[str]:
        return frozenset(self._infos)

    def read(self, name: str) -> bytes:
        """A member's bytes, never more than it declared.

        Raises:
            InputError: the member is missing, damaged, or inflates past its declared size.
        """
        info = self._infos.get(name)
        if info is None:
            raise InputError(self.path, f"has no {name} part: the document is damaged or not of this kind")
        try:
            with self._zip.open(info) as stream:
                data = stream.read(info.file_size + 1)
        except (zipfile.BadZipFile, EOFError, OSError, NotImplementedError, RuntimeError) as error:
            raise InputError(self.path, f"part {name} cannot be unpacked ({error})") from None
        if len(data) > info.file_size:
            raise InputError(self.path, f"part {name} inflates past its declared size (a zip bomb?): refused")
        return data

    def xml(self, name: str) -> etree._Element:
        """A member parsed as XML, safely; its problems named with the part.

        Raises:
            InputError: missing, damaged, not well-formed, or declaring entities.
        """
        data = self.read(name)
        try:
            return parse_untrusted(self.path, data).getroot()
        except InputError as error:
            raise InputError(self.path, f"part {name} {error.problem}") from None

    def optional_xml(self, name: str) -> etree._Element | None:
        """``xml(name)``, or ``None`` when the archive has no such member."""
        return self.xml(name) if name in self._infos else None
