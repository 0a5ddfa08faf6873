"""paralign's one exception family.

::

    ParalignError            anything paralign refuses to do, with the file and the problem
    ├── InputError           a text or XML file that cannot be read or used
    ├── ModelError           an embedding model that cannot be loaded or run
    ├── ExportError          an export that cannot be written
    └── NotATranslation      texts in the wrong languages, or too few confident beads

The CLI catches ``ParalignError`` at its edge and prints ``str(error)``: one
line naming the file and the problem. Anything else is a bug.
"""

from __future__ import annotations

from pathlib import Path


class ParalignError(Exception):
    """Base class: ``path`` is the file at fault (if any), ``problem`` says what is wrong."""

    def __init__(self, path: Path | str | None, problem: str) -> None:
        self.path = Path(path) if path is not None else None
        self.problem = problem
        super().__init__(f"{self.path}: {problem}" if self.path is not None else problem)


class InputError(ParalignError):
    """A text or XML file that cannot be read, decoded or used."""


class ModelError(ParalignError):
    """An embedding model that cannot be found, loaded or run."""


class ExportError(ParalignError):
    """An export that cannot be written."""


class NotATranslation(ParalignError):
    """The pair does not look like a text and its translation (CLI exit code 3)."""
