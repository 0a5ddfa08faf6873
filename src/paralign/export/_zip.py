"""Zip packages (xlsx, docx) written byte for byte the same for the same alignment.

openpyxl and python-docx stamp every member with the time of the save, so
two exports of one alignment would differ; rewriting the package with a fixed
date keeps exports reproducible (a committed export is compared with a fresh
run) and the contract test's "the file holds what the serializer builds" true.
"""

from __future__ import annotations

import io
import zipfile

#: The earliest date a zip can record: no member ever says when it was made.
_EPOCH = (1980, 1, 1, 0, 0, 0)


def reproducible(package: bytes) -> bytes:
    """``package`` with every member dated ``_EPOCH``, in the same order, deflated."""
    stream = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(package)) as source, zipfile.ZipFile(stream, "w") as target:
        for info in source.infolist():
            member = zipfile.ZipInfo(info.filename, date_time=_EPOCH)
            member.compress_type = zipfile.ZIP_DEFLATED
            member.external_attr = 0o644 << 16
            target.writestr(member, source.read(info))
    return stream.getvalue()
