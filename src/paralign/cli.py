"""The ``paralign`` command: a thin shell over the Python API.

Exit codes: 0 success, 1 bad input or a failed job, 2 usage error, 3 the
pair does not look like a translation (a text not in its declared language,
the same text twice, too few confident beads), 130 interrupted (SIGINT or
SIGTERM; see ``paralign.__main__``). Every error is one line on stderr naming
the file and the problem; progress goes to stderr (``paralign.progress``:
live on a terminal, a plain log elsewhere, nothing with ``-q``), the summary
to stdout.

Starting must be instant: ``--help``, ``--version``, ``evaluate`` and
``export --help`` load no numba, torch or sentence-transformers. The
aligner is imported inside ``align``, once its progress display is up.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from paralign import interrupts
from paralign._version import __version__
from paralign.documents import InputFormat
from paralign.errors import LanguageMismatch, NotATranslation, ParalignError
from paralign.formats import DEFAULT_FORMATS, FORMATS, REGISTRY, NotesMode, check_targets, export_paths, write_exports
from paralign.languages import language_tag

if TYPE_CHECKING:
    from paralign.model import Alignment
    from paralign.progress import Stages

app = typer.Typer(
    add_completion=False,
    pretty_exceptions_enable=False,
    # Click's own help layout: flags shown as flags, wrapped to the terminal (legible at 80 columns).
    rich_markup_mode=None,
    help="Align a text and its translation; export TMX and TEI.",
)

#: The model ``--model`` names by default (``paralign.embed.DEFAULT_MODEL``, spelled here so ``--help`` loads no numpy).
_DEFAULT_MODEL = "use-multilingual-v3"


def _language(value: str) -> str:
    try:
        return language_tag(value)
    except ValueError as error:
        raise typer.BadParameter(str(error)) from None


# Options that ``align`` and ``export`` share.
_DEFAULT_OUT = Path("exports")
_DEFAULT_FORMATS = ",".join(DEFAULT_FORMATS)
_OutOption = Annotated[Path, typer.Option("--out", "-o", metavar="DIR", help="Directory for the exports.")]
_FORMATS_HELP = "Comma-separated exports: " + "; ".join(f"{fmt.name} ({fmt.description})" for fmt in REGISTRY.values())
_FormatsOption = Annotated[str, typer.Option("--format", "-f", metavar="FORMATS", help=_FORMATS_HELP + ".")]
_TmxNotesOption = Annotated[
    NotesMode, typer.Option(help="Note markers in TMX: inline tags, literal text, or stripped.")
]
_QuietOption = Annotated[bool, typer.Option("--quiet", "-q", help="No progress display on stderr.")]
_AllowLanguageMismatch = Annotated[
    bool,
    typer.Option(
        "--allow-language-mismatch",
        help="Export under the declared languages even when a text does not look like its language.",
    ),
]
# How the texts are read and aligned: the same options for align, review and batch.
_SrcLangOption = Annotated[
    str, typer.Option("--src-lang", metavar="LANG", callback=_language, help="Language of the original (en, es-ES, …).")
]
_TgtLangOption = Annotated[
    str, typer.Option("--tgt-lang", metavar="LANG", callback=_language, help="Language of the translation.")
]
_ModelOption = Annotated[
    str,
    typer.Option(
        metavar="MODEL", help="sentence-transformers model: the bundled default, a local directory or a cached name."
    ),
]
_EncodingOption = Annotated[
    str | None, typer.Option(metavar="ENCODING", help="Force the encoding of every file (e.g. cp1252).")
]
_PresplitOption = Annotated[
    bool, typer.Option("--presplit", help="Files hold one sentence per line: no segmentation, no notes.")
]
_CacheOption = Annotated[
    bool,
    typer.Option(
        "--cache/--no-cache", help="Reuse embeddings stored on disk ($PARALIGN_CACHE_DIR or ~/.cache/paralign)."
    ),
]
_AllowLowConfidenceOption = Annotated[
    bool,
    typer.Option(
        "--allow-low-confidence",
        help="Go on even when a pair does not look like a translation (too few confident beads, the same text).",
    ),
]
_InputFormatOption = Annotated[
    InputFormat | None,
    typer.Option(
        "--input-format",
        help="Read both files as this format instead of telling it from their bytes (md: Markdown in a .txt).",
    ),
]
_ReplaceInvalidUtf8Option = Annotated[
    bool,
    typer.Option(
        "--replace-invalid-utf8",
        help="In a UTF-8 file with a few invalid byte sequences, replace and count them instead of stopping.",
    ),
]


def _formats(value: str) -> list[str]:
    chosen = [part.strip() for part in value.split(",") if part.strip()]
    unknown = [fmt for fmt in chosen if fmt not in FORMATS]
    if unknown or not chosen:
        raise typer.BadParameter(f"unknown format {', '.join(unknown) or value!r}; choose from {', '.join(FORMATS)}")
    return chosen


def shown(text: object) -> str:
    """``text`` as one printable line: undecodable file-name bytes as U+FFFD, line breaks and tabs escaped.

    File names are bytes on POSIX; Python carries the undecodable ones as
    lone surrogates, which no terminal encoding accepts, and a name may hold
    a newline, which would break the one-line-per-message rule.
    """
    line = str(text).encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    return line.replace("\r", "\\r").replace("\n", "\\n").replace("\t", "\\t")


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
    if alignment.moves:
        pairs = ", ".join(f"source {m.src + 1} ↔ target {m.tgt + 1} ({m.confidence:.3f})" for m in alignment.moves)
        lines.append(f"moved: {len(alignment.moves)} sentence(s) translated out of order, paired: {pairs}")
    if alignment.footnote_pairs:
        pairs = ", ".join(f"{pair.src_label}→{pair.tgt_label}" for pair in alignment.footnote_pairs)
        lines.append(f"notes: {len(alignment.footnote_pairs)} paired: {pairs}")
    else:
        lines.append("notes: none paired")
    lines.extend(f"notes: {problem}" for problem in alignment.footnote_problems)
    lines.extend(f"warning: {warning}" for warning in alignment.warnings)
    lines.extend(f"wrote: {path}" for path in written)
    return [shown(line) for line in lines]


@app.command()
def align(
    source: Annotated[
        Path, typer.Argument(metavar="SOURCE", help="The original: .txt, .docx, .odt, .html, .md or .pdf.")
    ],
    target: Annotated[Path, typer.Argument(metavar="TARGET", help="Its translation.")],
    src_lang: _SrcLangOption = "en",
    tgt_lang: _TgtLangOption = "es",
    out: _OutOption = _DEFAULT_OUT,
    model: _ModelOption = _DEFAULT_MODEL,
    formats: _FormatsOption = _DEFAULT_FORMATS,
    tmx_notes: _TmxNotesOption = NotesMode.TAGS,
    encoding: _EncodingOption = None,
    presplit: _PresplitOption = False,
    input_format: _InputFormatOption = None,
    cache: _CacheOption = True,
    allow_low_confidence: _AllowLowConfidenceOption = False,
    allow_language_mismatch: _AllowLanguageMismatch = False,
    replace_invalid_utf8: _ReplaceInvalidUtf8Option = False,
    quiet: _QuietOption = False,
) -> None:
    """Align SOURCE with TARGET and write the exports (TMX and TEI by default) into --out."""
    chosen = _formats(formats)
    stages = _stages(quiet)
    written: list[Path] = []
    with _reported_errors(written), stages.shown():
        check_targets(export_paths(out, source, src_lang, tgt_lang, chosen).values())
        stages("segmenting", 0, 2)
        from paralign.cache import default_cache_dir
        from paralign.pipeline import align_texts

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
            allow_language_mismatch=allow_language_mismatch,
            replace_invalid_utf8=replace_invalid_utf8,
            input_format=input_format,
            progress=stages,
        )
        _warn(alignment)
        stages("writing", 0, 1)
        written.extend(write_exports(alignment, out, chosen, tmx_notes))
    for line in summary(alignment, written):
        typer.echo(line)


@app.command("export")
def export_corrected(
    corrected: Annotated[
        Path,
        typer.Argument(metavar="SHEET", help="A corrected TSV (from --format tsv) or the review page's JSON."),
    ],
    out: _OutOption = _DEFAULT_OUT,
    formats: _FormatsOption = _DEFAULT_FORMATS,
    tmx_notes: _TmxNotesOption = NotesMode.TAGS,
    allow_language_mismatch: _AllowLanguageMismatch = False,
    quiet: _QuietOption = False,
) -> None:
    """Rebuild the exports from a reviewer's corrected alignment, notes re-paired."""
    chosen = _formats(formats)
    stages = _stages(quiet)
    written: list[Path] = []
    with _reported_errors(written), stages.shown():
        stages("segmenting", 0, 2)
        from paralign.corrections import load_corrections

        alignment = load_corrections(corrected, allow_language_mismatch=allow_language_mismatch)
        _warn(alignment)
        stages("writing", 0, 1)
        written.extend(write_exports(alignment, out, chosen, tmx_notes))
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
    from paralign.errors import InputError
    from paralign.ladder import iter_beads
    from paralign.scoring import BeadSet, score_sets, scores_json

    if len(files) % 2:
        raise typer.BadParameter("give GOLD TEST pairs: an even number of files", param_hint="FILES")
    with _reported_errors():
        # Streamed into compact sets, one file at a time: memory stays within a few times the files' size.
        pairs = []
        for gold, test in zip(files[::2], files[1::2], strict=True):
            gold_set, test_set = BeadSet.of(iter_beads(gold)), BeadSet.of(iter_beads(test))
            if gold_set.sentences != test_set.sentences:
                (n, m), (gold_n, gold_m) = test_set.sentences, gold_set.sentences
                raise InputError(
                    test,
                    f"covers {n} source and {m} target sentences, but its gold {gold.name} covers "
                    f"{gold_n} and {gold_m}: not alignments of the same texts",
                )
            pairs.append((gold_set, test_set))
        result = score_sets(pairs)
    if as_json:
        typer.echo(scores_json(result))
        return
    typer.echo(f"{'':10} {'strict':>8} {'lax':>8}")
    for name in ("precision", "recall", "f1"):
        typer.echo(f"{name:10} {getattr(result, name + '_strict'):8.4f} {getattr(result, name + '_lax'):8.4f}")


@app.command()
def batch(
    src_dir: Annotated[Path, typer.Argument(metavar="SRC_DIR", help="Folder of originals (searched recursively).")],
    tgt_dir: Annotated[Path, typer.Argument(metavar="TGT_DIR", help="Folder of translations (may be SRC_DIR).")],
    out: _OutOption = _DEFAULT_OUT,
    pairs: Annotated[
        Path | None,
        typer.Option(metavar="PAIRS.tsv", help="Pairs as 'source<TAB>target' lines, relative to SRC_DIR and TGT_DIR."),
    ] = None,
    src_lang: _SrcLangOption = "en",
    tgt_lang: _TgtLangOption = "es",
    formats: _FormatsOption = "tmx,tei,html",
    tmx_notes: _TmxNotesOption = NotesMode.TAGS,
    model: _ModelOption = _DEFAULT_MODEL,
    encoding: _EncodingOption = None,
    presplit: _PresplitOption = False,
    input_format: _InputFormatOption = None,
    allow_low_confidence: _AllowLowConfidenceOption = False,
    allow_language_mismatch: _AllowLanguageMismatch = False,
    replace_invalid_utf8: _ReplaceInvalidUtf8Option = False,
    workers: Annotated[
        int | None, typer.Option(min=1, metavar="N", help="Local workers (default: one per core memory allows).")
    ] = None,
    scheduler: Annotated[
        str | None, typer.Option(metavar="ADDRESS", help="Run on an existing Dask cluster (tcp://HOST:8786).")
    ] = None,
    quiet: _QuietOption = False,
) -> None:
    """Align every file pair of two folders on Dask; per-pair exports, a merged TMX, a report and an index into --out.

    Files pair by relative path, the language code in the name swapped (2019/report.en.docx ↔
    2019/report.es.docx). Re-running skips pairs whose files and settings are unchanged. Exit 3 when a
    pair was refused or failed (see batch-report.json).
    """
    chosen = _formats(formats)
    lines: list[str] | None = None
    with _reported_errors():
        from paralign.batch.command import EXIT_NOT_ALL_ALIGNED, batch_folders, summary_lines
        from paralign.batch.worker import BatchSettings

        settings = BatchSettings(
            src_lang, tgt_lang, tuple(chosen), tmx_notes, model, presplit, encoding, allow_low_confidence,
            allow_language_mismatch, input_format.value if input_format else None, replace_invalid_utf8,
        )  # fmt: skip
        try:
            pairing, result = batch_folders((src_dir, tgt_dir), out, settings, pairs, scheduler, workers, quiet)
            lines = summary_lines(pairing, result, settings)
        except KeyboardInterrupt:
            pass
    if lines is None:
        _fail("interrupted; finished pairs are kept: run the same command again to resume", code=interrupts.EXIT_CODE)
    for line in lines:
        typer.echo(shown(line))
    if not result.all_aligned:
        raise typer.Exit(EXIT_NOT_ALL_ALIGNED)


@app.command()
def review(
    source: Annotated[
        Path,
        typer.Argument(metavar="SOURCE", help="The original text; or a review JSON or corrected TSV to go on with."),
    ],
    target: Annotated[
        Path | None, typer.Argument(metavar="TARGET", help="Its translation (none with a sheet).")
    ] = None,
    src_lang: _SrcLangOption = "en",
    tgt_lang: _TgtLangOption = "es",
    out: _OutOption = _DEFAULT_OUT,
    model: _ModelOption = _DEFAULT_MODEL,
    formats: _FormatsOption = _DEFAULT_FORMATS,
    tmx_notes: _TmxNotesOption = NotesMode.TAGS,
    encoding: _EncodingOption = None,
    presplit: _PresplitOption = False,
    input_format: _InputFormatOption = None,
    cache: _CacheOption = True,
    allow_low_confidence: _AllowLowConfidenceOption = False,
    allow_language_mismatch: _AllowLanguageMismatch = False,
    replace_invalid_utf8: _ReplaceInvalidUtf8Option = False,
    browser: Annotated[
        bool, typer.Option("--browser/--no-browser", help="Open the page in a browser, or only print its address.")
    ] = True,
    quiet: _QuietOption = False,
) -> None:
    """Fix the alignment in the browser: a local page on 127.0.0.1; each Save writes the corrections and the exports.

    SOURCE TARGET are aligned first (as align does); a review JSON or TSV is taken as it is. The corrections go to
    --out as STEM.review.json beside the --format exports. Ctrl+C stops the server.
    """
    chosen = _formats(formats)
    stages = _stages(quiet)
    with _reported_errors(), stages.shown():
        stages("segmenting", 0, 2)
        from paralign.review_server import ReviewSession, serve

        if target is None:
            from paralign.corrections import load_corrections

            alignment = load_corrections(source, allow_language_mismatch=allow_language_mismatch)
        else:
            from paralign.cache import default_cache_dir
            from paralign.pipeline import align_texts

            alignment = align_texts(
                source, target, src_lang, tgt_lang, model=model, encoding=encoding, presplit_input=presplit,
                cache_dir=default_cache_dir() if cache else None, allow_low_confidence=allow_low_confidence,
                allow_language_mismatch=allow_language_mismatch, replace_invalid_utf8=replace_invalid_utf8,
                input_format=input_format, progress=stages,
            )  # fmt: skip
        _warn(alignment)
        session = ReviewSession(alignment, out, tuple(chosen), tmx_notes)
        session.check()
    with _reported_errors():
        serve(
            session,
            lambda url: typer.echo(f"review: {url} (Ctrl+C stops)"),
            lambda written: typer.echo("\n".join(shown(f"saved: {path}") for path in written)),
            open_browser=browser,
        )
    typer.echo("review: stopped")


@app.callback(invoke_without_command=True)
def _main(
    version: Annotated[bool, typer.Option("--version", help="Print the version and exit.")] = False,
) -> None:
    if version:
        typer.echo(f"paralign {__version__}")
        raise typer.Exit()


def _warn(alignment: Alignment) -> None:
    """The alignment's warnings on stderr as they are found (the summary repeats them on stdout)."""
    for warning in alignment.warnings:
        print(f"paralign: warning: {shown(warning)}", file=sys.stderr)


class _Stages:
    """The stage display for stderr, which also re-raises an interrupt that third-party code swallowed.

    Every stage report, "writing" included, comes through here, so a signal
    whose ``KeyboardInterrupt`` was lost (``paralign.interrupts``) still stops
    the run before anything is written.
    """

    def __init__(self, display: Stages) -> None:
        self._display = display

    def __call__(self, stage: str, done: int, total: int) -> None:
        interrupts.check()
        self._display(stage, done, total)

    def shown(self) -> contextlib.AbstractContextManager[object]:
        return self._display.shown()


def _stages(quiet: bool) -> _Stages:
    from paralign.progress import stage_display

    return _Stages(stage_display(quiet))


def _fail(message: str, code: int = 1) -> NoReturn:
    print(f"paralign: error: {shown(message)}", file=sys.stderr)
    raise typer.Exit(code)


@contextlib.contextmanager
def _reported_errors(written: Sequence[Path] = ()) -> Iterator[None]:
    """Every failure as one line on stderr and an exit code; never a traceback.

    ``written`` is filled by the command once its exports are in place, so an
    interrupt can say truthfully whether they changed. An exception that is
    not a ``ParalignError`` is a bug in paralign: it is reported as such
    (``PARALIGN_DEBUG=1`` shows the traceback).
    """
    try:
        yield
    except LanguageMismatch as error:
        option = "--src-lang" if error.side == "source" else "--tgt-lang"
        _fail(
            f"{error} (if it is '{error.detected}', say {option} {error.detected}; "
            f"to export it as '{error.declared}' anyway, --allow-language-mismatch)",
            code=3,
        )
    except NotATranslation as error:
        _fail(f"{error} (nothing exported; --allow-low-confidence to export anyway)", code=3)
    except ParalignError as error:
        _fail(str(error))
    except KeyboardInterrupt:
        if written:
            _fail("interrupted after the exports were written; they are complete", code=interrupts.EXIT_CODE)
        _fail("interrupted; no export was changed", code=interrupts.EXIT_CODE)
    except Exception as error:
        if os.environ.get("PARALIGN_DEBUG"):
            raise
        _fail(
            f"internal error, please report it: {type(error).__name__}: {error} (PARALIGN_DEBUG=1 shows the traceback)"
        )


def run(argv: Sequence[str]) -> int:
    """Parse ``argv`` and run the command; the exit status.

    Click's ``main`` would turn an interrupt into "Aborted!" after a blank
    line, and a usage error into several lines of usage: here the command is
    invoked directly, a usage error is one line pointing at ``--help``, and
    ``KeyboardInterrupt`` is left to ``paralign.__main__``. No arguments at
    all shows the help.
    """
    command = typer.main.get_command(app)
    try:
        with command.make_context("paralign", list(argv) or ["--help"]) as context:
            command.invoke(context)
    except typer.Exit as done:
        return done.exit_code
    except typer.TyperException as error:
        where = getattr(getattr(error, "ctx", None), "command_path", "paralign")
        print(f"paralign: error: {shown(error.format_message())} (see {where} --help)", file=sys.stderr)
        return error.exit_code
    return 0
