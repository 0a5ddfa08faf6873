"""The DP on small hand-built vectors whose right answer is known."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from paralign.band import Region
from paralign.calibrate import calibrate
from paralign.config import AlignConfig
from paralign.costs import Scorer, bead_shapes
from paralign.model import Bead, check_beads
from paralign.search import _Grid, best_path
from paralign.sides import SideEmbeddings, SideFeatures, approximate_windows


def unit(vectors: np.ndarray) -> np.ndarray:
    return (vectors / np.linalg.norm(vectors, axis=-1, keepdims=True)).astype(np.float32)


def side(vectors: np.ndarray, lengths: list[float] | None = None) -> SideEmbeddings:
    lengths_array = np.array(lengths if lengths is not None else [100.0] * len(vectors))
    windows = approximate_windows(unit(vectors), AlignConfig().max_bead_size - 1)
    return SideEmbeddings(windows, SideFeatures.plain(lengths_array))


def align(src: SideEmbeddings, tgt: SideEmbeddings, config: AlignConfig | None = None) -> list[Bead]:
    """The best path with calibrated confidences, as the pipeline makes it."""
    config = config or AlignConfig()
    return calibrate(best_path(src, tgt, config), config)[0]


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(7)


def pairs(beads: list) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    return [(bead.src, bead.tgt) for bead in beads]


def test_bead_shapes_up_to_four_sentences() -> None:
    assert bead_shapes(4) == [(1, 0), (0, 1), (1, 1), (1, 2), (2, 1), (1, 3), (2, 2), (3, 1)]


def test_identical_sides_align_one_to_one(rng: np.random.Generator) -> None:
    vectors = rng.normal(size=(12, 64))
    beads = align(side(vectors), side(vectors))
    assert pairs(beads) == [((i,), (i,)) for i in range(12)]
    assert min(bead.confidence for bead in beads) > 0.8


def test_extra_source_sentence_is_a_deletion(rng: np.random.Generator) -> None:
    vectors = rng.normal(size=(10, 64))
    extra = rng.normal(size=(1, 64))
    source = np.concatenate([vectors[:5], extra, vectors[5:]])
    beads = align(side(source), side(vectors))
    assert ((5,), ()) in pairs(beads)
    check_beads(beads, 11, 10)


def test_sentence_translated_as_two_is_one_to_two(rng: np.random.Generator) -> None:
    vectors = unit(rng.normal(size=(8, 64)))
    orthogonal = rng.normal(size=64)
    orthogonal -= (orthogonal @ vectors[3]) * vectors[3]
    orthogonal /= np.linalg.norm(orthogonal)
    halves = np.stack([vectors[3] + orthogonal, vectors[3] - orthogonal])
    target = np.concatenate([vectors[:3], halves, vectors[4:]])
    beads = align(side(vectors, [100.0] * 3 + [200.0] + [100.0] * 4), side(target))
    assert ((3,), (3, 4)) in pairs(beads)
    check_beads(beads, 8, 9)


def test_empty_side_gives_only_skips(rng: np.random.Generator) -> None:
    vectors = rng.normal(size=(3, 16))
    empty = SideEmbeddings(tuple(np.zeros((0, 16), np.float32) for _ in range(3)), SideFeatures.plain(np.zeros(0)))
    assert pairs(align(side(vectors), empty)) == [((0,), ()), ((1,), ()), ((2,), ())]


def test_banded_search_matches_the_full_matrix(rng: np.random.Generator) -> None:
    vectors = rng.normal(size=(400, 64))
    noisy = vectors + 0.6 * rng.normal(size=vectors.shape)
    target = np.delete(noisy, [50, 51, 300], axis=0)
    full = align(side(vectors), side(target), AlignConfig(max_full_cells=10**9))
    banded = align(side(vectors), side(target), AlignConfig(max_full_cells=1000))
    assert pairs(banded) == pairs(full)
    # The band drops far-off paths (and its neighbour margins see only the band),
    # so posteriors agree closely on average and never by more than a little.
    differences = np.array([abs(a.confidence - b.confidence) for a, b in zip(full, banded, strict=False)])
    assert differences.mean() < 0.01
    assert differences.max() < 0.2


@pytest.mark.parametrize(("posterior", "confidence"), [(0.0, 0.0), (0.36, 0.5), (0.945, 0.8), (1.0, 1.0)])
def test_default_settings_are_calibrated_at_the_fitted_knots(posterior: float, confidence: float) -> None:
    beads, calibrated = calibrate([Bead((0,), (0,), posterior)], AlignConfig())
    assert calibrated
    assert beads[0].confidence == pytest.approx(confidence)


def test_other_cost_settings_keep_raw_posteriors_and_say_so() -> None:
    beads, calibrated = calibrate([Bead((0,), (0,), 0.37)], AlignConfig(skip_cost=2.0))
    assert not calibrated
    assert beads[0].confidence == 0.37


def test_search_only_settings_stay_calibrated() -> None:
    assert calibrate([Bead((0,), (0,), 0.37)], AlignConfig(band=20, max_full_cells=10))[1]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("temperature", 0.0),
        ("neighbours", 0),
        ("skip_cost", -1.0),
        ("junk_skip_factor", 1.5),
        ("band", 0),
        ("direction_floor", 1.5),
        ("direction_weight", -1.0),
    ],
)
def test_config_rejects_nonsense(field: str, value: float) -> None:
    with pytest.raises(ValueError, match=field):
        dataclasses.replace(AlignConfig(), **{field: value})


def test_forward_and_backward_passes_agree(rng: np.random.Generator) -> None:
    """Forward-backward invariants of ``paralign.dp``: both passes give the same total, and the
    posteriors of all beads that cover a sentence sum to one (each sentence is in exactly one bead)."""
    source, target = side(rng.normal(size=(9, 32))), side(rng.normal(size=(11, 32)))
    config = AlignConfig()
    region = Region.full(source.size, target.size)
    scorer = Scorer.build(source, target, region, config)
    grid = _Grid.build(scorer, region, bead_shapes(config.max_bead_size))
    _, soft, _ = grid.forward(scorer)
    after = grid.backward(scorer)
    total = soft[grid.cell(source.size, target.size)]
    assert after[grid.cell(0, 0)] == pytest.approx(total, abs=1e-9)
    covered = np.zeros(source.size)
    for i in range(source.size + 1):
        for j in range(target.size + 1):
            for index, (a, b) in enumerate(grid.shapes):
                if i + a > source.size or j + b > target.size:
                    continue
                cost = soft[grid.cell(i, j)] + grid.step(scorer, i, j, index) + after[grid.cell(i + a, j + b)]
                covered[i : i + a] += np.exp(-(cost - total) / config.temperature)
    assert covered == pytest.approx(np.ones(source.size), abs=1e-6)


def test_aligns_where_no_compiled_code_can_be_cached(tmp_path) -> None:
    """A read-only install without a writable cache directory still aligns (compiling per process)."""
    import os
    import subprocess
    import sys

    script = (
        "import numpy as np\n"
        "from paralign import dp\n"
        "from paralign.config import AlignConfig\n"
        "from paralign.search import best_path\n"
        "from paralign.sides import SideEmbeddings, SideFeatures, approximate_windows\n"
        "v = np.eye(6, 16, dtype=np.float32)\n"
        "s = SideEmbeddings(approximate_windows(v, 5), SideFeatures.plain(np.full(6, 50.0)))\n"
        "print(type(dp.forward._cache).__name__, [b.src + b.tgt for b in best_path(s, s, AlignConfig())])\n"
    )
    # numba finds no cache locator at all when told to use only the IPython one outside IPython.
    env = dict(os.environ, NUMBA_CACHE_LOCATOR_CLASSES="IPythonCacheLocator")
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "NullCache [(0, 0), (1, 1), (2, 2), (3, 3), (4, 4), (5, 5)]"


def test_a_heading_is_never_merged_with_the_paragraph_after_it(rng: np.random.Generator) -> None:
    # Target sentence 0 translates source heading 0 and sentence 1 read together
    # (a translator who ran the title into the first sentence): without the
    # heading edge the aligner takes the 2-1; with it, the heading stands alone.
    vectors = unit(rng.normal(size=(6, 64)))
    target = np.concatenate([unit(vectors[0:1] + vectors[1:2]), vectors[2:]])
    source = side(vectors, [30.0] + [100.0] * 5)
    merged = align(source, side(target))
    assert pairs(merged)[0] == ((0, 1), (0,))
    edges = np.array([False, True, False, False, False, False])
    features = dataclasses.replace(source.features, block_starts=edges, heading_edges=edges)
    split = align(dataclasses.replace(source, features=features), side(target))
    assert all(not (0 in bead.src and 1 in bead.src) for bead in split)
    check_beads(split, 6, 5)


@pytest.mark.parametrize(("glued", "belongs"), [(2, False), (4, True)])
def test_a_glued_sentence_pays_unless_it_moves_the_window_towards_the_translation(glued: int, belongs: bool) -> None:
    """The direction cue: source sentence 2 is glued to sentence 1 and moves their window a little.

    Target sentence 1 says what source 1 says plus something (axis 4). Glued
    sentence along axis 4 moves the window towards it and costs nothing; along
    axis 2 (a sentence the translator dropped) it moves the window away, and
    the 2-1 bead pays ``direction_weight × (direction_floor − cos)``.
    """
    axes = np.eye(6, 16, dtype=np.float32)
    source_vectors = np.stack([axes[0], axes[1], axes[glued], axes[3]])
    windows = [w.copy() for w in approximate_windows(source_vectors, AlignConfig().max_bead_size - 1)]
    window = unit(axes[1] + 0.25 * axes[glued])
    windows[1][1] = window
    source = SideEmbeddings(tuple(windows), SideFeatures.plain(np.full(4, 100.0)))
    translation = unit(axes[1] + 0.3 * axes[4])
    target = side(np.stack([axes[0], translation, axes[3]]))

    def cost(config: AlignConfig) -> float:
        scorer = Scorer.build(source, target, Region.full(4, 3), config)
        return float(scorer.block_costs(slice(1, 2), 2, slice(1, 2), 1)[0, 0])

    added, way = window - axes[1], translation - axes[1]
    direction = float(added @ way / np.linalg.norm(added) / np.linalg.norm(way))
    config = AlignConfig()
    paid = cost(config) - cost(dataclasses.replace(config, direction_weight=0.0))
    if belongs:
        assert direction > 0.9
        assert paid == 0.0
    else:
        assert direction < 0.1
        assert paid == pytest.approx(config.direction_weight * (config.direction_floor - direction), abs=1e-5)
