"""The public API is exactly ``paralign.__all__``, and every name in it exists."""

from __future__ import annotations
import __future__

import types

import paralign


def test_all_names_exist() -> None:
    for name in paralign.__all__:
        assert hasattr(paralign, name), name


def test_public_members_are_listed() -> None:
    # dir(), not vars(): align_texts is loaded on first use (PEP 562), and dir() lists it before that.
    public = {
        name
        for name in dir(paralign)
        if not name.startswith("_")
        and not isinstance(value := getattr(paralign, name), types.ModuleType)  # the stage modules themselves
        and not isinstance(value, __future__._Feature)  # from __future__ import annotations
    }
    assert public == set(paralign.__all__) - {"__version__"}
