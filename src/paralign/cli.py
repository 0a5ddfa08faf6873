"""The ``paralign`` command: a thin shell over the Python API.

Exit codes: 0 success, 1 bad input or a failed job, 2 usage error (typer),
3 the pair does not look like a translation (wrong languages, too few
confident beads; ``--allow-low-confidence`` overrides), 130 interrupted.
Every ``ParalignError`` becomes one line on stderr naming the file and the
problem; progress goes to stderr (``-q`` silences it), the summary to stdout.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from types import FrameType
from typing import Annotated, NoReturn

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from paralign._version import __version__
from paralign.cache import default_cache_dir
from paralign.corrections import load_corrections
from paralign.embed import DEFAULT_MODEL
from paralign.errors import NotATranslation, ParalignError
from paralign.formats import DEFAULT_FORMATS, FORMATS, REGISTRY, NotesMode, check_targets, export_paths, write_exports
from paralign.ladder import read_beads
from paralign.model import Alignment
from paralign.pipeline import StageProgress, align_texts
from paralign.score import score, scores_json

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="Align a text and its translation; export TMX and TEI.",
)

_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*$")


def _language(value: str) -> str:
    if not _LANGUAGE.match(value):
        raise typer.BadParameter(f"{value!r} is not a language code like en, es or es-ES")
    return value.replace("_", "-")


# Options that ``align`` and ``export`` share.
_DEFAULT_OUT = Path("exports")
_DEFAULT_FORMATS = ",".join(DEFAULT_FORMATS)
_OutOption = Annotated[Path, typer.Option("--out", "-o", help="Directory for the exports.")]
_FORMATS_HELP = "Comma-separated exports: " + "; ".join(f"{fmt.name} ({fmt.description})" for fmt in REGISTRY.values())
_FormatsOption = Annotated[str, typer.Option("--format", "-f", help=_FORMATS_HELP + ".")]
_TmxNotesOption = Annotated[
    NotesMode, typer.Option(help="Note markers in TMX: inline tags, literal text, or stripped.")
]


def _formats(value: str) -> list[str]:
    chosen = [part.strip() for part in value.split(",") if part.strip()]
    unknown = [fmt for fmt in chosen if fmt not in FORMATS]
    if unknown or not chosen:
        raise typer.BadParameter(f"unknown format {', '.join(unknown) or value!r}; choose from {', '.join(FORMATS)}")
    return chosen


def _terminate(signum: int, frame: FrameType | None) -> None:
    """SIGTERM unwinds like Ctrl-C, so temp files are removed on the way out."""
    raise KeyboardInterrupt


class _ProgressBar:
    """A rich progress bar on stderr, one task per pipeline stage."""

    def __init__(self, console: Console) -> None:
        self.progress = Progress(
            TextColumn("{task.description:<10}"),
            BarColumn(),
            TextColumn("{task.completed}/{task.total}"),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        )
        self.tasks: dict[str, TaskID] = {}

    def __call__(self, stage: str, done: int, total: int) -> None:
        if stage not in self.tasks:
            self.tasks[stage] = self.progress.add_task(stage, total=total)
        self.progress.update(self.tasks[stage], completed=done, total=total)


def summary(alignment: Alignment, written: list[Path]) -> list[str]:
    """The closing report: sentences, beads by type, confidence, notes, files."""
    lines = []
    for role, side in (("source", alignment.source), ("target", alignment.target)):
        document = side.document
        counts = f"{len(side.sentences)} sentences, {len(side.anchors)} note markers"
        lines.append(f"{role}: {document.path.name} ({document.lang}), {counts}")
    kinds = Counter(bead.kind for bead in alignment.beads)
    by_type = ", ".join(f"{count} × {kind}" for kind, count in sorted(kinds.items(), key=lambda item: -item[1]))
    lines.append(f"beads: {len(alignment.beads)} ({by_type})")
    confidences = [bead.confidence for bead in alignment.beads]
    lowest = min(range(len(confidences)), key=confidences.__getitem__)
    mean = sum(confidences) / len(confidences)
    worst = f"lowest {confidences[lowest]:.3f} (bead {lowest + 1}, {alignment.beads[lowest].kind})"
    lines.append(f"confidence: mean {mean:.3f}, {worst}")
    if not alignment.calibrated:
        lines.append("confidence: uncalibrated (raw posteriors: the calibration holds for the default settings only)")
    if alignment.footnote_pairs:
        pairs = ", ".join(f"{pair.src_label}→{pair.tgt_label}" for pair in alignment.footnote_pairs)
        lines.append(f"notes: {len(alignment.footnote_pairs)} paired: {pairs}")
    else:
        lines.append("notes: none paired")
    lines.extend(f"notes: {problem}" for problem in alignment.footnote_problems)
    lines.extend(f"warning: {warning}" for warning in alignment.warnings)
    lines.extend(f"wrote: {path}" for path in written)
    return lines


@app.command()
def align(
    source: Annotated[Path, typer.Argument(help="The original text (plain text, UTF-8 preferred).")],
    target: Annotated[Path, typer.Argument(help="Its translation.")],
    src_lang: Annotated[
        str, typer.Option("--src-lang", callback=_language, help="Language of SOURCE (en, es-ES, …).")
    ] = "en",
    tgt_lang: Annotated[str, typer.Option("--tgt-lang", callback=_language, help="Language of TARGET.")] = "es",
    out: _OutOption = _DEFAULT_OUT,
    model: Annotated[
        str, typer.Option(help="sentence-transformers model: the bundled default, a local directory or a cached name.")
    ] = DEFAULT_MODEL,
    formats: _FormatsOption = _DEFAULT_FORMATS,
    tmx_notes: _TmxNotesOption = NotesMode.TAGS,
    encoding: Annotated[str | None, typer.Option(help="Force the encoding of both files (e.g. cp1252).")] = None,
    presplit: Annotated[
        bool, typer.Option("--presplit", help="Files hold one sentence per line: no segmentation, no notes.")
    ] = False,
    cache: Annotated[
        bool,
        typer.Option(
            "--cache/--no-cache", help="Reuse embeddings stored on disk ($PARALIGN_CACHE_DIR or ~/.cache/paralign)."
        ),
    ] = True,
    allow_low_confidence: Annotated[
        bool, typer.Option("--allow-low-confidence", help="Export even when the pair does not look like a translation.")
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
) -> None:
    """Align SOURCE with TARGET and write the exports (TMX and TEI by default) into --out."""
    chosen = _formats(formats)
    stderr = Console(stderr=True, quiet=quiet)
    signal.signal(signal.SIGTERM, _terminate)
    with _reported_errors():
        check_targets(export_paths(out, source, src_lang, tgt_lang, chosen).values())
        bar = _ProgressBar(stderr)
        progress: StageProgress | None = None if quiet else bar
        with bar.progress if not quiet else contextlib.nullcontext():
            alignment = align_texts(
                source,
                target,
                src_lang,
                tgt_lang,
                model=model,
                encoding=encoding,
                presplit_input=presplit,
                cache_dir=default_cache_dir() if cache else None,
                allow_low_confidence=allow_low_confidence,
                progress=progress,
            )
        for warning in alignment.warnings:
            print(f"paralign: warning: {warning}", file=sys.stderr)
        written = write_exports(alignment, out, chosen, tmx_notes)
    for line in summary(alignment, written):
        typer.echo(line)


@app.command("export")
def export_corrected(
    corrected: Annotated[Path, typer.Argument(help="A corrected TSV (from --format tsv) or the review page's JSON.")],
    out: _OutOption = _DEFAULT_OUT,
    formats: _FormatsOption = _DEFAULT_FORMATS,
    tmx_notes: _TmxNotesOption = NotesMode.TAGS,
) -> None:
    """Rebuild the exports from a reviewer's corrected alignment, notes re-paired."""
    chosen = _formats(formats)
    signal.signal(signal.SIGTERM, _terminate)
    with _reported_errors():
        alignment = load_corrections(corrected)
        written = write_exports(alignment, out, chosen, tmx_notes)
    for line in summary(alignment, written):
        typer.echo(line)


@app.command()
def evaluate(
    files: Annotated[
        list[Path],
        typer.Argument(help="GOLD TEST [GOLD TEST …]: ladder files ([0, 1]:[2] per line) or paralign TEI exports."),
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print the scores as JSON.")] = False,
) -> None:
    """Strict and lax precision, recall and F1 of TEST alignments against GOLD (W11-4624)."""
    if len(files) % 2:
        raise typer.BadParameter("give GOLD TEST pairs: an even number of files", param_hint="FILES")
    with _reported_errors():
        gold = [read_beads(path) for path in files[0::2]]
        test = [read_beads(path) for path in files[1::2]]
    result = score(gold, test)
    if as_json:
        typer.echo(scores_json(result))
        return
    typer.echo(f"{'':10} {'strict':>8} {'lax':>8}")
    for name in ("precision", "recall", "f1"):
        typer.echo(f"{name:10} {getattr(result, name + '_strict'):8.4f} {getattr(result, name + '_lax'):8.4f}")


@app.callback(invoke_without_command=True)
def _main(
    version: Annotated[bool, typer.Option("--version", help="Print the version and exit.")] = False,
) -> None:
    if version:
        typer.echo(f"paralign {__version__}")
        raise typer.Exit()


def _fail(message: str, code: int = 1) -> NoReturn:
    print(f"paralign: error: {message}", file=sys.stderr)
    raise typer.Exit(code)


@contextlib.contextmanager
def _reported_errors() -> Iterator[None]:
    """Every failure as one line on stderr and an exit code; never a traceback.

    An exception that is not a ``ParalignError`` is a bug in paralign: it is
    reported as such (``PARALIGN_DEBUG=1`` shows the traceback).
    """
    try:
        yield
    except NotATranslation as error:
        _fail(f"{error} (nothing exported; --allow-low-confidence to export anyway)", code=3)
    except ParalignError as error:
        _fail(str(error))
    except KeyboardInterrupt:
        _fail("interrupted; no export was changed", code=130)
    except Exception as error:
        if os.environ.get("PARALIGN_DEBUG"):
            raise
        _fail(
            f"internal error, please report it: {type(error).__name__}: {error} (PARALIGN_DEBUG=1 shows the traceback)"
        )
