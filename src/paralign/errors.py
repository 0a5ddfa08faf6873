"""paralign's one exception family.

::

    ParalignError            anything paralign refuses to do, with the file and the problem
    ├── InputError           a text or XML file that cannot be read or used
    ├── ModelError           an embedding model that cannot be loaded or run
    ├── ExportError          an export that cannot be written
    └── NotATranslation      the same text twice, or too few confident beads
        └── LanguageMismatch a text not in the language it was declared in

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

    def __reduce__(self) -> tuple[type[ParalignError], tuple[Path | None, str]]:
        """Rebuilt from path and problem when pickled (a Dask worker sends errors back to the client)."""
        return (type(self), (self.path, self.problem))


class InputError(ParalignError):
    """A text or XML file that cannot be read, decoded or used."""


class ModelError(ParalignError):
    """An embedding model that cannot be found, loaded or run."""


class ExportError(ParalignError):
    """An export that cannot be written."""


class NotATranslation(ParalignError):
    """The pair does not look like a text and its translation (CLI exit code 3)."""


class LanguageMismatch(NotATranslation):
    """A text is not in its declared language: exporting it would label it wrongly (``xml:lang``, TMX ``srclang``).

    ``side`` is ``"source"`` or ``"target"`` and ``detected`` the code the
    identifier found, so the CLI can name the option that fixes it.
    """

    def __init__(self, path: Path | str, side: str, declared: str, detected: str, probability: float) -> None:
        self.side = side
        self.declared = declared
        self.detected = detected
        self.probability = probability
        super().__init__(path, f"looks like '{detected}' (p={probability:.2f}), not the declared '{declared}'")

    def __reduce__(self) -> tuple[type[LanguageMismatch], tuple[Path, str, str, str, float]]:  # type: ignore[override]
        assert self.path is not None
        return (type(self), (self.path, self.side, self.declared, self.detected, self.probability))
